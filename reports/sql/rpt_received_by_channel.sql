-- one row per receiving channel for the orders received in $month (volume by received_at, SPEC §6 总体情况).
SELECT
    coalesce(NULLIF(trim(channel), ''), '未注明') AS name,
    count(*) AS received_count
FROM fct_work_orders
WHERE received_month = $month
GROUP BY ALL
ORDER BY received_count DESC, name
