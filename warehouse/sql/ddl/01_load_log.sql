-- one row per file offered to a load (loaded, skipped as already loaded, or rejected)
CREATE TABLE IF NOT EXISTS load_log (
    load_id       BIGINT NOT NULL,
    file_name     VARCHAR NOT NULL,
    file_sha256   VARCHAR NOT NULL,
    file_bytes    BIGINT,
    encoding      VARCHAR,
    sheet         VARCHAR,
    profile       VARCHAR,
    status        VARCHAR NOT NULL,   -- loaded | already_loaded | rejected
    message       VARCHAR,
    rows_read     BIGINT NOT NULL DEFAULT 0,
    loaded        BIGINT NOT NULL DEFAULT 0,
    updated       BIGINT NOT NULL DEFAULT 0,
    unchanged     BIGINT NOT NULL DEFAULT 0,
    quarantined   BIGINT NOT NULL DEFAULT 0,
    duplicates    BIGINT NOT NULL DEFAULT 0,
    column_map    VARCHAR,            -- JSON: canonical field -> source header
    started_at    TIMESTAMP NOT NULL,
    seconds       DOUBLE
);
