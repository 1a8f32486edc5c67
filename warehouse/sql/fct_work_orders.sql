-- one row per work order (latest snapshot): stg columns plus every assessment flag of SPEC §3 and §4.
-- Empty unit names are NULL here, so an empty county/department/township is never a unit downstream.
-- The query reads two temp views: fct_source, the orders to write (all of stg_work_orders for a full
-- build, the orders of fct_scope.sql for an incremental one), and fct_repeat_source, the orders the
-- repeat window needs to see (all of stg, or the whole repeat groups of fct_source's orders).
-- warehouse.metrics writes the result with CREATE TABLE ... AS or INSERT INTO ... BY NAME.
-- {measurable_flags} is filled by warehouse.metrics from the registry's *_measurable_count inputs (one
-- is_<x>_measurable column each: does the order's source file carry the figure's input fields?).
-- Build-time rules (response limits, derived deadlines, the repeat window, the answer weights) come from the
-- rule set in force in the order's assessment month (dispatch month; receipt month for an order never
-- dispatched): rule_sets holds one row per rule set with the months it covers (warehouse.rule_sets).
WITH rule_sets AS (
    SELECT
        unnest($rs_id::INTEGER[]) AS rs_id,
        unnest($rs_from::DATE[]) AS rs_from,
        unnest($rs_until::DATE[]) AS rs_until,
        unnest($rs_urgent_limit_s::BIGINT[]) AS rule_urgent_limit_s,
        unnest($rs_normal_limit_s::BIGINT[]) AS rule_normal_limit_s,
        unnest($rs_urgent_due_s::BIGINT[]) AS rule_urgent_due_s,
        unnest($rs_default_workdays::INTEGER[]) AS rule_default_workdays,
        unnest($rs_partial_weight::DOUBLE[]) AS rule_partial_weight,
        unnest($rs_basic_weight::DOUBLE[]) AS rule_basic_weight,
        unnest($rs_repeat_window_days::INTEGER[]) AS rule_repeat_window_days
),
src_fields AS (
    -- per loaded file, the canonical fields it carries (mapped, and a value in at least one row); a file
    -- loaded before load_fields existed falls back to its column map; an order of no recorded file (built
    -- straight into staging) carries everything
    SELECT load_id, list(field) FILTER (WHERE rows_with_value > 0) AS fields FROM load_fields GROUP BY load_id
    UNION ALL
    SELECT load_id, list_concat(
        json_keys(column_map),
        CASE WHEN json_exists(column_map, '$.category_path') THEN ['category_l1', 'category_l2', 'category_l3'] END
    )
    FROM load_log
    WHERE column_map IS NOT NULL AND load_id NOT IN (SELECT load_id FROM load_fields)
),
repeat_candidates AS (
    SELECT
        order_id, received_at, citizen_phone_hash, NULLIF(trim(category_l2), '') AS category_key,
        rs.rule_repeat_window_days
    FROM fct_repeat_source AS c
    LEFT JOIN rule_sets AS rs
        ON CAST(date_trunc('month', coalesce(c.dispatched_at, c.received_at)) AS DATE) >= rs.rs_from
        AND CAST(date_trunc('month', coalesce(c.dispatched_at, c.received_at)) AS DATE) < rs.rs_until
    WHERE citizen_phone_hash IS NOT NULL AND NULLIF(trim(category_l2), '') IS NOT NULL
),
repeats AS (
    -- narrow: only the columns repeat detection needs go through the window sort, and only for
    -- callers with two or more orders in one category (nobody else can repeat)
    SELECT order_id, prev_order_id
    FROM (
        SELECT
            order_id,
            received_at,
            rule_repeat_window_days,
            LAG(order_id) OVER w AS prev_order_id,
            LAG(received_at) OVER w AS prev_received_at
        FROM repeat_candidates
        WHERE (citizen_phone_hash, category_key) IN (
            SELECT (citizen_phone_hash, category_key) FROM repeat_candidates GROUP BY ALL HAVING count(*) > 1
        )
        WINDOW w AS (PARTITION BY citizen_phone_hash, category_key ORDER BY received_at, order_id)
    )
    WHERE received_at <= prev_received_at + to_days(rule_repeat_window_days)
),
due_rules AS (
    SELECT
        unnest($rule_set_ids::INTEGER[]) AS rs_id,
        unnest($rule_types::VARCHAR[]) AS appeal_type,
        unnest($rule_workdays::INTEGER[]) AS workdays
),
base AS (
    SELECT
        s.* REPLACE (
            NULLIF(trim(s.county), '') AS county,
            NULLIF(trim(s.township), '') AS township,
            NULLIF(trim(s.department), '') AS department,
            NULLIF(trim(s.category_l2), '') AS category_l2
        ),
        CASE WHEN s.urgency = '紧急' THEN '紧急' ELSE '一般' END AS urgency_level,
        s.dispatched_at IS NOT NULL AS is_dispatched,
        coalesce(r.workdays, rs.rule_default_workdays) AS due_workdays,
        rs.rule_urgent_limit_s, rs.rule_normal_limit_s, rs.rule_urgent_due_s, rs.rule_partial_weight,
        rs.rule_basic_weight,
        {measurable_flags}
    FROM fct_source AS s
    LEFT JOIN rule_sets AS rs
        ON CAST(date_trunc('month', coalesce(s.dispatched_at, s.received_at)) AS DATE) >= rs.rs_from
        AND CAST(date_trunc('month', coalesce(s.dispatched_at, s.received_at)) AS DATE) < rs.rs_until
    LEFT JOIN due_rules AS r ON r.rs_id = rs.rs_id AND r.appeal_type = s.appeal_type
    LEFT JOIN src_fields AS sf ON sf.load_id = s.load_id
),
timed AS (
    SELECT
        b.*,
        CAST(date_trunc('month', b.received_at) AS DATE) AS received_month,
        CAST(b.received_at AS DATE) AS received_date,
        CAST(date_trunc('month', b.dispatched_at) AS DATE) AS assess_month,
        CAST(b.dispatched_at AS DATE) AS dispatched_date,
        CASE
            WHEN NOT b.is_dispatched THEN NULL
            WHEN b.is_valid IS FALSE THEN 'invalid'
            WHEN b.is_exempt IS TRUE THEN 'exempt'
        END AS exclusion_reason,
        b.dispatched_at + to_seconds(
            CASE WHEN b.urgency_level = '紧急' THEN b.rule_urgent_limit_s ELSE b.rule_normal_limit_s END
        ) AS response_deadline,
        CASE
            WHEN b.due_at IS NOT NULL THEN b.due_at
            WHEN b.urgency_level = '紧急' THEN b.dispatched_at + to_seconds(b.rule_urgent_due_s)
            ELSE CAST(c2.cal_date AS TIMESTAMP) + INTERVAL 86399 SECOND
        END AS effective_due_at,
        CASE
            WHEN b.due_at IS NOT NULL THEN 'export'
            WHEN b.is_dispatched THEN 'derived'
        END AS due_source,
        b.closed_at IS NOT NULL AS is_closed,
        coalesce(b.return_count, 0) >= 1 AS is_returned,
        rp.order_id IS NOT NULL AS is_repeat,
        rp.prev_order_id AS repeat_of_order_id
    FROM base AS b
    LEFT JOIN repeats AS rp ON rp.order_id = b.order_id
    LEFT JOIN dim_calendar AS c1 ON c1.cal_date = CAST(b.dispatched_at AS DATE)
    LEFT JOIN dim_calendar AS c2 ON c2.is_workday AND c2.workday_seq = c1.workday_seq + b.due_workdays
)
SELECT
    t.* EXCLUDE (
        due_workdays, rule_urgent_limit_s, rule_normal_limit_s, rule_urgent_due_s, rule_partial_weight,
        rule_basic_weight
    ),
    t.is_dispatched AND t.exclusion_reason IS NULL AS is_assessed,
    coalesce(t.responded_at <= t.response_deadline, FALSE) AS is_responded_on_time,
    coalesce(t.closed_at <= t.effective_due_at, FALSE) AS is_closed_on_time,
    -- without a closure time in its source an order is neither due nor overdue: nobody can know
    t.is_dispatched AND t.is_on_time_measurable
        AND (t.is_closed OR coalesce(t.effective_due_at < $as_of::TIMESTAMP, FALSE)) AS is_on_time_due,
    t.is_dispatched AND t.is_on_time_measurable
        AND NOT t.is_closed AND coalesce(t.effective_due_at < $as_of::TIMESTAMP, FALSE) AS is_overdue_open,
    coalesce(t.resolution IN ('已解决', '部分解决', '未解决'), FALSE) AS is_resolution_answered,
    CASE t.resolution
        WHEN '已解决' THEN 1.0 WHEN '部分解决' THEN t.rule_partial_weight WHEN '未解决' THEN 0.0
    END::DOUBLE AS resolved_weight,
    coalesce(t.satisfaction IN ('满意', '基本满意', '不满意'), FALSE) AS is_satisfaction_answered,
    CASE t.satisfaction
        WHEN '满意' THEN 1.0 WHEN '基本满意' THEN t.rule_basic_weight WHEN '不满意' THEN 0.0
    END::DOUBLE AS satisfied_weight,
    t.callback_at IS NOT NULL OR t.resolution IS NOT NULL OR t.satisfaction IS NOT NULL AS has_callback
FROM timed AS t
