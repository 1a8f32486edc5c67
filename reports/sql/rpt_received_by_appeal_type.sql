-- one row per appeal type (咨询, 求助, 投诉, …) for the orders received in $month (volume by received_at).
SELECT
    coalesce(NULLIF(trim(appeal_type), ''), '未注明') AS name,
    count(*) AS received_count
FROM fct_work_orders
WHERE received_month = $month
GROUP BY ALL
ORDER BY received_count DESC, name
