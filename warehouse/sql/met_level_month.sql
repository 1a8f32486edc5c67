-- one row per {level} unit per month: the day counts summed (sum over sum). Counts only: every rate and the
-- score are computed when read, by warehouse.scoring.rate_row, under the settings in force (one computation
-- for every page, the CLI, exports and the report). Template: identifiers from warehouse.registry.LEVELS only.
-- Only the months listed in met_scope_months are computed; warehouse.metrics writes the result with
-- CREATE TABLE ... AS (full build) or INSERT ... BY NAME (after deleting those months).
SELECT
    {keys}CAST(date_trunc('month', day) AS DATE) AS month,
    sum(COLUMNS('_count$'))::BIGINT,
    sum(COLUMNS('_weighted$'))::DOUBLE
FROM met_{level}_day
WHERE CAST(date_trunc('month', day) AS DATE) IN (SELECT month FROM met_scope_months)
GROUP BY ALL
