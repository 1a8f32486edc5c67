-- one row per loaded data row with a yes/no or count cell that could not be read (SPEC §2.1 does not
-- quarantine for these; the row was loaded with that value empty) or with cells past the header. The
-- message names column and value; cells past the header are kept apart, verbatim, in extra_cells
-- (they may hold a shifted caller name, phone or address: shown masked to every role but admin).
CREATE TABLE IF NOT EXISTS raw_cell_warnings (
    load_id       BIGINT NOT NULL,
    source_file   VARCHAR NOT NULL,
    source_row    BIGINT NOT NULL,   -- 1 = first data row under the header
    order_id      VARCHAR,
    message       VARCHAR NOT NULL,  -- e.g. 「退单次数」的值「两次」无法识别（应为非负整数）
    extra_cells   VARCHAR            -- the cells past the header, comma-joined; NULL when none
);
-- a warehouse written before extra_cells existed gets the column on its next load
ALTER TABLE raw_cell_warnings ADD COLUMN IF NOT EXISTS extra_cells VARCHAR;
