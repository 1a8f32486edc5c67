-- one row per {level} unit per day: every count of SPEC §3/§4 by dispatch day (the counts of
-- date_basis 'received' — received_count, direct_answer_count … — by receipt day). Template: {level}/{keys}/{unit_filter} come from the fixed
-- allow-list in warehouse.registry.LEVELS, never from input. Any date range = SUM over these rows.
-- The counts come from met_day_dispatched / met_day_received (one scan of fct for every level);
-- warehouse.metrics writes the result with CREATE TABLE ... AS (full) or INSERT ... BY NAME (the days
-- in met_scope_days, after deleting them).
WITH dispatched AS (
    SELECT * EXCLUDE (level, county, township, department), {keys}
    FROM met_day_dispatched
    WHERE level = '{level}' AND {unit_filter}
),
received AS (
    SELECT * EXCLUDE (level, county, township, department), {keys}
    FROM met_day_received
    WHERE level = '{level}' AND {unit_filter}
)
SELECT
    {keys}day,
    coalesce(COLUMNS(r.* EXCLUDE ({keys}day)), 0),
    coalesce(COLUMNS(d.* EXCLUDE ({keys}day)), 0)
FROM dispatched AS d
FULL OUTER JOIN received AS r USING ({keys}day)
