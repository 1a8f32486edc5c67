-- one row per key: facts about the warehouse itself (is_demo, schema_version, ...)
CREATE TABLE IF NOT EXISTS meta (
    key    VARCHAR NOT NULL,
    value  VARCHAR
);
