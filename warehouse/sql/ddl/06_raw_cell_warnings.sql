-- one row per loaded data row with a yes/no or count cell that could not be read (SPEC §2.1 does not
-- quarantine for these): the row was loaded with that value empty; the message names column and value.
CREATE TABLE IF NOT EXISTS raw_cell_warnings (
    load_id       BIGINT NOT NULL,
    source_file   VARCHAR NOT NULL,
    source_row    BIGINT NOT NULL,   -- 1 = first data row under the header
    order_id      VARCHAR,
    message       VARCHAR NOT NULL   -- e.g. 「退单次数」的值「两次」无法识别（应为非负整数）
);
