-- one row per loaded file per canonical field: where the field came from (source headers, a profile
-- constant, or nothing) and how many of the file's loaded rows carry a value. A rate whose inputs no
-- file of a unit-period carries is "not available" (NULL), never 0: fct_work_orders reads this table.
CREATE TABLE IF NOT EXISTS load_fields (
    load_id          BIGINT NOT NULL,
    file_name        VARCHAR NOT NULL,
    field            VARCHAR NOT NULL,
    source           VARCHAR,            -- the source headers (JSON list), '(constant)', or NULL when unmapped
    rows_with_value  BIGINT NOT NULL
);
