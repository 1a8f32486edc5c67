-- one row per (category_l1, category_l2) received in $month or $prev_month: both months' counts, for the
-- hot topics and the month-on-month risers (SPEC §4 热点; volume by received_at, category text only).
SELECT
    coalesce(NULLIF(trim(category_l1), ''), '未分类') AS category_l1,
    coalesce(category_l2, '未分类') AS category_l2,
    count(*) FILTER (WHERE received_month = $month) AS received_count,
    count(*) FILTER (WHERE received_month = $prev_month) AS prev_received_count
FROM fct_work_orders
WHERE received_month IN ($month, $prev_month)
GROUP BY ALL
ORDER BY received_count DESC, category_l1, category_l2
