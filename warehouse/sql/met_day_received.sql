-- one row per unit per receipt day for every level at once (see met_day_dispatched.sql): the counts that
-- go by receipt day ({counts}: generated from the registry). Only the days listed in met_scope_days are computed.
SELECT
    CASE GROUPING_ID(county, township, department)
        WHEN 3 THEN 'county' WHEN 6 THEN 'department' WHEN 1 THEN 'township' WHEN 7 THEN 'city'
        WHEN 2 THEN 'department_county'
    END AS level,
    county,
    township,
    department,
    received_date AS day,
    {counts}
FROM fct_work_orders
WHERE received_date IN (SELECT day FROM met_scope_days)
GROUP BY GROUPING SETS (
    (county, received_date), (department, received_date), (county, township, received_date), (received_date),
    (county, department, received_date)
)
