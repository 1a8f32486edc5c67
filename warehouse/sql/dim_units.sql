-- one row per unit per level (county; department; township within its county) with its ranking group:
-- 全市 for counties, the units-file group for departments ($default_group when unlisted), the county
-- for townships. Units with an empty name never appear (fct_work_orders makes them NULL).
CREATE OR REPLACE TABLE dim_units AS
WITH dept_groups AS (
    SELECT unnest($departments::VARCHAR[]) AS department, unnest($groups::VARCHAR[]) AS group_name
)
SELECT 'county' AS level, county AS unit, county, '全市' AS group_name, count(*) AS order_count
FROM fct_work_orders WHERE county IS NOT NULL GROUP BY county
UNION ALL
SELECT 'department', f.department, NULL, coalesce(any_value(g.group_name), $default_group), count(*)
FROM fct_work_orders AS f LEFT JOIN dept_groups AS g USING (department)
WHERE f.department IS NOT NULL GROUP BY f.department
UNION ALL
SELECT 'township', township, county, county, count(*)
FROM fct_work_orders WHERE county IS NOT NULL AND township IS NOT NULL GROUP BY county, township
