-- one row per {level} unit per day: every count of SPEC §3/§4 by dispatch day (received_count and
-- direct_answer_count by receipt day). Template: {level}/{keys}/{unit_filter} come from the fixed
-- allow-list in warehouse.registry.LEVELS, never from input. Any date range = SUM over these rows.
CREATE OR REPLACE TABLE met_{level}_day AS
WITH dispatched AS (
    SELECT
        {keys}dispatched_date AS day,
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
    WHERE is_dispatched AND {unit_filter}
    GROUP BY ALL
),
received AS (
    SELECT
        {keys}received_date AS day,
        count(*) AS received_count,
        count(*) FILTER (WHERE NOT is_dispatched) AS direct_answer_count
    FROM fct_work_orders
    WHERE {unit_filter}
    GROUP BY ALL
)
SELECT
    {keys}day,
    coalesce(r.received_count, 0) AS received_count,
    coalesce(r.direct_answer_count, 0) AS direct_answer_count,
    coalesce(COLUMNS(d.* EXCLUDE ({keys}day)), 0)
FROM dispatched AS d
FULL OUTER JOIN received AS r USING ({keys}day)
