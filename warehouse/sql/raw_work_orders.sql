-- {target}: the database the order rows are written into (warehouse.parts.target: a part of the load's own).
-- one row per order (latest snapshot): the personal data as it came, in clear.
-- Only the ETL and the admin role read this table; from stg_ on the phone exists only as a keyed hash.
-- (Every other cell is kept typed in stg_work_orders; a row that did not parse is kept whole in raw_quarantine.)
CREATE TABLE IF NOT EXISTS {target}.main.raw_work_orders (
    order_id       VARCHAR NOT NULL,
    citizen_name   VARCHAR,
    citizen_phone  VARCHAR,
    content        VARCHAR,
    -- the free text of issue 20's optional fields (warehouse/sql/ddl/raw_table/free_text.sql)
    termination_reason     VARCHAR,
    appeal_reason          VARCHAR,
    reviewer               VARCHAR,
    dissatisfaction_reason VARCHAR,
    reply                  VARCHAR,
    load_id        BIGINT NOT NULL,
    source_file    VARCHAR NOT NULL,
    source_row     BIGINT NOT NULL
);
