-- The typed snapshot of an order, one row per order: the phone only as a keyed hash, no names or content.
-- An empty temp table whose columns are the snapshot columns of fct_work_orders: the load writes each
-- order's fact row straight from rows of this shape (warehouse.snapshots), stg_work_orders is a view
-- of these columns of fct_work_orders, and each order is stored once (plus its personal data in
-- raw_work_orders).
CREATE TEMP TABLE IF NOT EXISTS stg_schema (
    order_id            VARCHAR NOT NULL,
    received_at         TIMESTAMP NOT NULL,
    channel             VARCHAR,
    appeal_type         VARCHAR,
    category_l1         VARCHAR,
    category_l2         VARCHAR,
    category_l3         VARCHAR,
    citizen_phone_hash  VARCHAR,
    county              VARCHAR,
    township            VARCHAR,
    department          VARCHAR,
    urgency             VARCHAR,
    dispatched_at       TIMESTAMP,
    responded_at        TIMESTAMP,
    due_at              TIMESTAMP,
    closed_at           TIMESTAMP,
    status              VARCHAR,
    return_count        INTEGER,
    callback_at         TIMESTAMP,
    resolution          VARCHAR,
    satisfaction        VARCHAR,
    is_valid            BOOLEAN,
    is_exempt           BOOLEAN,
    disposal            VARCHAR,
    reviewed_at         TIMESTAMP,
    original_order_id   VARCHAR,
    redo_order_id       VARCHAR,
    redo_count          INTEGER,
    extended_due_at     TIMESTAMP,
    extension_approved  BOOLEAN,
    row_hash            UBIGINT NOT NULL,  -- hash of every typed value and the clear-text PII
    load_id             BIGINT NOT NULL,
    source_file         VARCHAR NOT NULL,
    source_row          BIGINT NOT NULL
);
