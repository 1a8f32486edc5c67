-- one row per unit per dispatch day for every level at once (level = county | department | township |
-- city | department_county, a department's orders within one county; NULL keys included,
-- met_level_day.sql keeps the real units): every count of SPEC §3/§4 that is counted by dispatch day.
-- One scan of fct_work_orders feeds all five levels (GROUPING SETS); only
-- the days listed in met_scope_days are computed (all days for a full build, the touched ones after a load).
CREATE OR REPLACE TEMP TABLE met_day_dispatched AS
SELECT
    CASE GROUPING_ID(county, township, department)
        WHEN 3 THEN 'county' WHEN 6 THEN 'department' WHEN 1 THEN 'township' WHEN 7 THEN 'city'
        WHEN 2 THEN 'department_county'
    END AS level,
    county,
    township,
    department,
    dispatched_date AS day,
    count(*) AS dispatched_count,
    count(*) FILTER (WHERE is_assessed) AS assessed_count,
    count(*) FILTER (WHERE NOT is_assessed) AS excluded_count,
    count(*) FILTER (WHERE exclusion_reason = 'invalid') AS invalid_count,
    count(*) FILTER (WHERE exclusion_reason = 'exempt') AS exempt_count,
    count(*) FILTER (WHERE is_assessed AND is_responded_on_time) AS responded_on_time_count,
    count(*) FILTER (WHERE is_assessed AND is_closed) AS closed_count,
    count(*) FILTER (WHERE is_assessed AND is_closed_on_time) AS closed_on_time_count,
    count(*) FILTER (WHERE is_assessed AND is_on_time_due) AS on_time_due_count,
    count(*) FILTER (WHERE is_assessed AND is_overdue_open) AS overdue_open_count,
    count(*) FILTER (WHERE is_assessed AND is_resolution_answered) AS resolution_answered_count,
    count(*) FILTER (WHERE is_assessed AND resolution = '已解决') AS resolved_count,
    count(*) FILTER (WHERE is_assessed AND resolution = '部分解决') AS partially_resolved_count,
    count(*) FILTER (WHERE is_assessed AND resolution = '未解决') AS unresolved_count,
    coalesce(sum(resolved_weight) FILTER (WHERE is_assessed), 0)::DOUBLE AS resolved_weighted,
    count(*) FILTER (WHERE is_assessed AND is_satisfaction_answered) AS satisfaction_answered_count,
    count(*) FILTER (WHERE is_assessed AND satisfaction = '满意') AS satisfied_count,
    count(*) FILTER (WHERE is_assessed AND satisfaction = '基本满意') AS basically_satisfied_count,
    count(*) FILTER (WHERE is_assessed AND satisfaction = '不满意') AS dissatisfied_count,
    coalesce(sum(satisfied_weight) FILTER (WHERE is_assessed), 0)::DOUBLE AS satisfied_weighted,
    count(*) FILTER (WHERE is_returned) AS returned_count,
    count(*) FILTER (WHERE is_assessed AND is_closed AND has_callback) AS callback_count,
    count(*) FILTER (WHERE is_assessed AND is_repeat) AS repeat_count
FROM fct_work_orders
WHERE is_dispatched AND dispatched_date IN (SELECT day FROM met_scope_days)
GROUP BY GROUPING SETS (
    (county, dispatched_date), (department, dispatched_date), (county, township, dispatched_date), (dispatched_date),
    (county, department, dispatched_date)
)
