-- one row per part file holding order rows (warehouse.parts): its file name in <warehouse>.parts/, and
-- whether its fct_work_orders rows are still the fact rows (a full rebuild writes every fact row anew)
CREATE TABLE IF NOT EXISTS warehouse_parts (
    part        VARCHAR NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    fct_rows    BIGINT NOT NULL,
    raw_rows    BIGINT NOT NULL,
    fct_live    BOOLEAN NOT NULL
);
-- one row per row of a part that a later load replaced or removed: it leaves every view of its table
CREATE TABLE IF NOT EXISTS retired_rows (
    part        VARCHAR NOT NULL,
    table_name  VARCHAR NOT NULL,  -- fct_work_orders | raw_work_orders
    order_id    VARCHAR NOT NULL
);
