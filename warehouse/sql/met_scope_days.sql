-- one row per day whose met_<level>_day rows an incremental refresh recomputes: the dispatch and receipt
-- days of every order in fct_scope, as fct_work_orders holds them when this runs (run once before the
-- old rows are deleted and once after the new rows are written, so both the old and new days count).
SELECT dispatched_date FROM fct_work_orders
WHERE order_id IN (SELECT order_id FROM fct_scope) AND dispatched_date IS NOT NULL
UNION
SELECT received_date FROM fct_work_orders
WHERE order_id IN (SELECT order_id FROM fct_scope)
