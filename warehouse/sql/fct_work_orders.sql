-- one row per work order (latest snapshot): stg columns plus every assessment flag of SPEC §3 and §4.
-- Empty unit names are NULL here, so an empty county/department/township is never a unit downstream.
-- The query reads two temp views: fct_source, the orders to write (all of stg_work_orders for a full
-- build, the orders of fct_scope.sql for an incremental one), and fct_repeat_source, the orders the
-- repeat window needs to see (all of stg, or the whole repeat groups of fct_source's orders).
-- warehouse.metrics writes the result with CREATE TABLE ... AS or INSERT INTO ... BY NAME.
-- {measurable_flags} is filled by warehouse.metrics from the registry's *_measurable_count inputs (one
-- is_<x>_measurable column each: does the order's source file carry the figure's input fields?), once per
-- loaded file in src_flags; {measurable_columns} takes them onto each order (TRUE for no recorded file).
-- Issue 20 adds: the limits catalogue (bound lists $lim_*: the most specific matching row gives a derived
-- deadline), an approved extension moving the due date, the age of overdue orders in working days, the
-- redo chain (temp table redo_roots: export links resolved to their first order; without link fields the
-- proxy, a run of repeats by one caller on one category; chain figures are counted on the first order,
-- read from fct_chain_source, which holds whole chains) and the reply's class ({reply_class}: a CASE of
-- bound patterns, warehouse.replies).
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
    -- per loaded file, the canonical fields it carries (mapped, and a value in at least one row) and those
    -- read from an export column that feeds another field too (shared); a file loaded before load_fields
    -- existed falls back to its column map; an order of no recorded file (built straight into staging)
    -- carries everything
    SELECT load_id, list(field) FILTER (WHERE rows_with_value > 0) AS fields, coalesce(list(field) FILTER (WHERE shared), []) AS shared
    FROM (
        SELECT
            *,
            source IS NOT NULL AND source <> '(constant)' AND count(*) OVER (PARTITION BY load_id, source) > 1 AS shared
        FROM load_fields
    )
    GROUP BY load_id
    UNION ALL
    SELECT load_id, list_concat(
        json_keys(column_map),
        CASE WHEN json_exists(column_map, '$.category_path') THEN ['category_l1', 'category_l2', 'category_l3'] END
    ), []::VARCHAR[]
    FROM load_log
    WHERE column_map IS NOT NULL AND load_id NOT IN (SELECT load_id FROM load_fields)
),
src_flags AS (
    -- the field tests once per loaded file, not once per order (they depend only on the file); NULL where
    -- the file's field list is NULL, so the orders' coalesce(..., TRUE) treats it as before
    SELECT
        load_id,
        list_has_any(fields, $is_redo_measurable_inputs::VARCHAR[]) AS has_redo_links,
        list_has_all(fields, $is_repeat_measurable_inputs::VARCHAR[]) AS has_repeat_inputs,
        {measurable_flags}
    FROM src_fields
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
repeat_walk AS (
    -- narrow: only the columns repeat detection needs go through the window sort, and only for
    -- callers with two or more orders in one category (nobody else can repeat)
    SELECT
        order_id,
        received_at,
        citizen_phone_hash,
        category_key,
        LAG(order_id) OVER w AS prev_order_id,
        coalesce(received_at <= LAG(received_at) OVER w + to_days(rule_repeat_window_days), FALSE) AS is_rep
    FROM repeat_candidates
    WHERE (citizen_phone_hash, category_key) IN (
        SELECT (citizen_phone_hash, category_key) FROM repeat_candidates GROUP BY ALL HAVING count(*) > 1
    )
    WINDOW w AS (PARTITION BY citizen_phone_hash, category_key ORDER BY received_at, order_id)
),
repeat_runs AS (
    -- a run = an order and the repeats that follow it without a gap longer than the window
    SELECT
        *,
        sum(CASE WHEN is_rep THEN 0 ELSE 1 END) OVER (
            PARTITION BY citizen_phone_hash, category_key ORDER BY received_at, order_id ROWS UNBOUNDED PRECEDING
        ) AS run
    FROM repeat_walk
),
repeats AS (
    SELECT
        order_id,
        CASE WHEN is_rep THEN prev_order_id END AS prev_order_id,
        first_value(order_id) OVER (
            PARTITION BY citizen_phone_hash, category_key, run ORDER BY received_at, order_id
        ) AS run_root
    FROM repeat_runs
),
chain_members AS (
    -- every redo of a chain: linked in the export (redo_roots) or, where the source carries no link fields
    -- but phone and category, a repeat in a run (the proxy); its first order is the chain's root
    SELECT
        c.order_id,
        c.received_at,
        c.satisfaction,
        coalesce(c.callback_at, c.closed_at) AS answered_at,
        coalesce(rr.root_id, rp.run_root) AS root_id,
        CASE WHEN rr.root_id IS NOT NULL THEN 'export' ELSE 'proxy' END AS link
    FROM fct_chain_source AS c
    LEFT JOIN redo_roots AS rr ON rr.order_id = c.order_id
    LEFT JOIN repeats AS rp ON rp.order_id = c.order_id
    LEFT JOIN src_flags AS sf ON sf.load_id = c.load_id
    WHERE rr.root_id IS NOT NULL
        OR (rp.run_root <> c.order_id
            AND NOT coalesce(sf.has_redo_links, TRUE)
            AND coalesce(sf.has_repeat_inputs, TRUE))
),
chain_stats AS (
    -- per chain root: its redos, the rating of the first redo (the second rating), the last rating given
    SELECT
        root_id,
        count(*) AS redo_orders,
        bool_or(link = 'export') AS export_chain,
        list(satisfaction ORDER BY received_at, order_id)[1] AS second_satisfaction,
        list(answered_at ORDER BY received_at, order_id)[1] AS second_answered_at,
        list(satisfaction ORDER BY received_at DESC, order_id DESC)
            FILTER (WHERE satisfaction IN ('满意', '基本满意', '不满意'))[1] AS last_redo_satisfaction,
        list(answered_at ORDER BY received_at DESC, order_id DESC)
            FILTER (WHERE satisfaction IN ('满意', '基本满意', '不满意'))[1] AS last_redo_answered_at
    FROM chain_members
    GROUP BY root_id
),
limits AS (
    SELECT
        unnest($lim_l1::VARCHAR[]) AS l1, unnest($lim_l2::VARCHAR[]) AS l2, unnest($lim_l3::VARCHAR[]) AS l3,
        unnest($lim_type::VARCHAR[]) AS appeal_type, unnest($lim_urgency::VARCHAR[]) AS urgency,
        unnest($lim_workdays::INTEGER[]) AS workdays, unnest($lim_hours::DOUBLE[]) AS hours,
        unnest($lim_rank::INTEGER[]) AS rank
),
limit_keys AS (
    SELECT DISTINCT
        category_l1, NULLIF(trim(category_l2), '') AS category_l2, category_l3, appeal_type,
        CASE WHEN urgency = '紧急' THEN '紧急' ELSE '一般' END AS urgency_level
    FROM fct_source
    WHERE dispatched_at IS NOT NULL AND due_at IS NULL AND (SELECT count(*) FROM limits) > 0
),
limit_pick AS (
    -- per distinct (category path, appeal type, urgency): the most specific catalogue row
    SELECT k.* EXCLUDE (pick), k.pick.w AS lim_workdays, k.pick.h AS lim_hours
    FROM (
        SELECT k.*, arg_max({'w': l.workdays, 'h': l.hours}, l.rank) AS pick
        FROM limit_keys AS k
        JOIN limits AS l
            ON l.urgency = k.urgency_level
            AND (l.appeal_type IS NULL OR l.appeal_type = k.appeal_type)
            AND l.l1 = k.category_l1
            AND (l.l2 IS NULL OR l.l2 = k.category_l2)
            AND (l.l3 IS NULL OR l.l3 = k.category_l3)
        GROUP BY ALL
    ) AS k
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
        coalesce(lp.lim_workdays, r.workdays, rs.rule_default_workdays) AS due_workdays,
        lp.lim_workdays IS NOT NULL OR lp.lim_hours IS NOT NULL AS is_catalogue_limit,
        lp.lim_hours AS limit_hours,
        CASE
            WHEN coalesce(sf.has_redo_links, TRUE) THEN 'export'
            WHEN coalesce(sf.has_repeat_inputs, TRUE) THEN 'proxy'
        END AS redo_basis,
        {reply_class} AS reply_class,
        rs.rule_urgent_limit_s, rs.rule_normal_limit_s, rs.rule_urgent_due_s, rs.rule_partial_weight,
        rs.rule_basic_weight,
        {measurable_columns}
    FROM fct_source AS s
    LEFT JOIN rule_sets AS rs
        ON CAST(date_trunc('month', coalesce(s.dispatched_at, s.received_at)) AS DATE) >= rs.rs_from
        AND CAST(date_trunc('month', coalesce(s.dispatched_at, s.received_at)) AS DATE) < rs.rs_until
    LEFT JOIN due_rules AS r ON r.rs_id = rs.rs_id AND r.appeal_type = s.appeal_type
    LEFT JOIN src_flags AS sf ON sf.load_id = s.load_id
    LEFT JOIN limit_pick AS lp
        ON s.due_at IS NULL
        AND lp.category_l1 IS NOT DISTINCT FROM s.category_l1
        AND lp.category_l2 IS NOT DISTINCT FROM NULLIF(trim(s.category_l2), '')
        AND lp.category_l3 IS NOT DISTINCT FROM s.category_l3
        AND lp.appeal_type IS NOT DISTINCT FROM s.appeal_type
        AND lp.urgency_level = CASE WHEN s.urgency = '紧急' THEN '紧急' ELSE '一般' END
    LEFT JOIN (SELECT order_id, reply FROM raw_work_orders WHERE reply IS NOT NULL) AS rw ON rw.order_id = s.order_id
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
        -- an approved extension (延期后截止时间, 延期审批 not 否) moves the deadline, the export's or ours
        b.extended_due_at IS NOT NULL AND b.extension_approved IS NOT FALSE AS has_extension,
        CASE
            WHEN b.extended_due_at IS NOT NULL AND b.extension_approved IS NOT FALSE THEN b.extended_due_at
            WHEN b.due_at IS NOT NULL THEN b.due_at
            WHEN b.limit_hours IS NOT NULL THEN b.dispatched_at + to_seconds(round(b.limit_hours * 3600)::BIGINT)
            WHEN b.urgency_level = '紧急' AND NOT b.is_catalogue_limit THEN b.dispatched_at + to_seconds(b.rule_urgent_due_s)
            ELSE CAST(c2.cal_date AS TIMESTAMP) + INTERVAL 86399 SECOND
        END AS effective_due_at,
        CASE
            WHEN b.extended_due_at IS NOT NULL AND b.extension_approved IS NOT FALSE THEN 'extended'
            WHEN b.due_at IS NOT NULL THEN 'export'
            WHEN b.is_dispatched AND b.is_catalogue_limit THEN 'catalogue'
            WHEN b.is_dispatched THEN 'derived'
        END AS due_source,
        -- the limit behind a deadline we derived (shown beside a category's on-time rate)
        CASE
            WHEN b.due_at IS NOT NULL OR NOT b.is_dispatched OR (b.extended_due_at IS NOT NULL AND b.extension_approved IS NOT FALSE)
                THEN NULL
            WHEN b.limit_hours IS NOT NULL THEN NULL
            WHEN b.urgency_level = '紧急' AND NOT b.is_catalogue_limit THEN NULL
            ELSE b.due_workdays
        END AS due_limit_workdays,
        CASE
            WHEN b.due_at IS NOT NULL OR NOT b.is_dispatched OR (b.extended_due_at IS NOT NULL AND b.extension_approved IS NOT FALSE)
                THEN NULL
            WHEN b.limit_hours IS NOT NULL THEN b.limit_hours
            WHEN b.urgency_level = '紧急' AND NOT b.is_catalogue_limit THEN b.rule_urgent_due_s / 3600.0
        END AS due_limit_hours,
        b.closed_at IS NOT NULL AS is_closed,
        coalesce(b.return_count, 0) >= 1 AS is_returned,
        rp.prev_order_id IS NOT NULL AS is_repeat,
        rp.prev_order_id AS repeat_of_order_id,
        cm.root_id AS redo_of_order_id,
        cm.link AS redo_link,
        coalesce(cs.redo_orders, 0) AS redo_orders,
        coalesce(cs.export_chain, FALSE) AS export_chain,
        cs.second_satisfaction,
        cs.second_answered_at,
        coalesce(cs.last_redo_satisfaction, b.satisfaction) AS final_satisfaction,
        cs.last_redo_satisfaction IS NOT NULL AS final_from_redo,
        coalesce(cs.last_redo_answered_at, coalesce(b.callback_at, b.closed_at)) AS final_answered_at
    FROM base AS b
    LEFT JOIN repeats AS rp ON rp.order_id = b.order_id
    LEFT JOIN chain_members AS cm ON cm.order_id = b.order_id
    LEFT JOIN chain_stats AS cs ON cs.root_id = b.order_id
    LEFT JOIN dim_calendar AS c1 ON c1.cal_date = CAST(b.dispatched_at AS DATE)
    LEFT JOIN dim_calendar AS c2 ON c2.is_workday AND c2.workday_seq = c1.workday_seq + b.due_workdays
),
aged AS (
    -- the instants an open order's overdue age reaches 4, 8 and 16 working days (the start of that working
    -- day after the due date): the age buckets 1–3, 4–7, 8–15, >15 working days flip there
    SELECT
        t.*,
        CAST(a4.cal_date AS TIMESTAMP) AS overdue_4_at,
        CAST(a8.cal_date AS TIMESTAMP) AS overdue_8_at,
        CAST(a16.cal_date AS TIMESTAMP) AS overdue_16_at
    FROM timed AS t
    LEFT JOIN dim_calendar AS d ON d.cal_date = CAST(t.effective_due_at AS DATE)
    LEFT JOIN dim_calendar AS a4 ON a4.is_workday AND a4.workday_seq = d.workday_seq + 4
    LEFT JOIN dim_calendar AS a8 ON a8.is_workday AND a8.workday_seq = d.workday_seq + 8
    LEFT JOIN dim_calendar AS a16 ON a16.is_workday AND a16.workday_seq = d.workday_seq + 16
),
judged AS (
    SELECT
        a.*,
        a.is_dispatched AND a.is_on_time_measurable
            AND NOT a.is_closed AND coalesce(a.effective_due_at < $as_of::TIMESTAMP, FALSE) AS is_overdue_open,
        a.redo_of_order_id IS NOT NULL AS is_redo,
        a.redo_orders > 0 OR (a.redo_basis = 'export' AND (coalesce(a.redo_count, 0) >= 1 OR a.redo_order_id IS NOT NULL))
            AS is_redone,
        -- the rating the assessed satisfaction rate counts: a redo linked in the export gives its verdict to
        -- the chain's first order (first or final rating: the setting); the proxy never changes it
        CASE
            WHEN a.redo_link = 'export' THEN NULL
            WHEN $satisfaction_basis = 'final' AND a.export_chain THEN a.final_satisfaction
            ELSE a.satisfaction
        END AS assessed_satisfaction
    FROM aged AS a
)
SELECT
    t.* EXCLUDE (
        due_workdays, limit_hours, is_catalogue_limit, export_chain, rule_urgent_limit_s, rule_normal_limit_s,
        rule_urgent_due_s, rule_partial_weight, rule_basic_weight
    ),
    t.is_dispatched AND t.exclusion_reason IS NULL AS is_assessed,
    coalesce(t.responded_at <= t.response_deadline, FALSE) AS is_responded_on_time,
    coalesce(t.closed_at <= t.effective_due_at, FALSE) AS is_closed_on_time,
    -- without a closure time in its source an order is neither due nor overdue: nobody can know
    t.is_dispatched AND t.is_on_time_measurable
        AND (t.is_closed OR coalesce(t.effective_due_at < $as_of::TIMESTAMP, FALSE)) AS is_on_time_due,
    CASE
        WHEN NOT t.is_overdue_open THEN NULL
        WHEN $as_of::TIMESTAMP >= t.overdue_16_at THEN '16_plus'
        WHEN $as_of::TIMESTAMP >= t.overdue_8_at THEN '8_15'
        WHEN $as_of::TIMESTAMP >= t.overdue_4_at THEN '4_7'
        ELSE '1_3'
    END AS overdue_age_bucket,
    t.has_extension AND t.extended_due_at IS DISTINCT FROM t.due_at AS is_extended,
    coalesce(t.resolution IN ('已解决', '部分解决', '未解决'), FALSE) AS is_resolution_answered,
    CASE t.resolution
        WHEN '已解决' THEN 1.0 WHEN '部分解决' THEN t.rule_partial_weight WHEN '未解决' THEN 0.0
    END::DOUBLE AS resolved_weight,
    coalesce(t.assessed_satisfaction IN ('满意', '基本满意', '不满意'), FALSE) AS is_satisfaction_answered,
    CASE t.assessed_satisfaction
        WHEN '满意' THEN 1.0 WHEN '基本满意' THEN t.rule_basic_weight WHEN '不满意' THEN 0.0
    END::DOUBLE AS satisfied_weight,
    CASE t.satisfaction
        WHEN '满意' THEN 1.0 WHEN '基本满意' THEN t.rule_basic_weight WHEN '不满意' THEN 0.0
    END::DOUBLE AS first_satisfied_weight,
    CASE t.final_satisfaction
        WHEN '满意' THEN 1.0 WHEN '基本满意' THEN t.rule_basic_weight WHEN '不满意' THEN 0.0
    END::DOUBLE AS final_satisfied_weight,
    t.callback_at IS NOT NULL OR t.resolution IS NOT NULL OR t.satisfaction IS NOT NULL AS has_callback
FROM judged AS t
