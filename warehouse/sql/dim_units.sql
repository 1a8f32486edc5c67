-- one row per unit per level (county; department; township within its county) with its ranking group:
-- 全市 for counties, the units-file group for departments ($default_group when unlisted), the county
-- for townships. Units with an empty name never appear (fct_work_orders makes them NULL).
-- order_count (every order of the unit) is summed from the met_<level>_day tables: their
-- received_count counts each order with the unit once, by receipt day, so no scan of the orders is needed.
WITH dept_groups AS (
    SELECT unnest($departments::VARCHAR[]) AS department, unnest($groups::VARCHAR[]) AS group_name
),
departments AS (
    SELECT department, sum(received_count)::BIGINT AS order_count FROM met_department_day GROUP BY department
)
SELECT 'county' AS level, county AS unit, county, '全市' AS group_name, sum(received_count)::BIGINT AS order_count
FROM met_county_day GROUP BY county
UNION ALL
SELECT 'department', d.department, NULL, coalesce(g.group_name, $default_group), d.order_count
FROM departments AS d LEFT JOIN dept_groups AS g USING (department)
UNION ALL
SELECT 'township', township, county, county, sum(received_count)::BIGINT
FROM met_township_day GROUP BY county, township
