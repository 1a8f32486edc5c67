-- one row per rejected data row: the whole original row (JSON, source headers) and why.
CREATE TABLE IF NOT EXISTS raw_quarantine (
    load_id       BIGINT NOT NULL,
    source_file   VARCHAR NOT NULL,
    source_row    BIGINT NOT NULL,   -- 1 = first data row under the header
    order_id      VARCHAR,
    reason_code   VARCHAR NOT NULL,  -- missing_order_id | missing_received_at | bad_timestamp | bad_value | chronology | superseded
    reason        VARCHAR NOT NULL,  -- the sentence an analyst acts on (Chinese)
    raw_record    VARCHAR NOT NULL   -- JSON object: source header -> cell text
);
