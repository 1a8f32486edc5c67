-- one row per order this load wrote (fct_work_orders rows with load_id >= $first_load_id) whose row is
-- provisional: written a slice at a time, before the load knew the as-of time, the caller's other orders,
-- the export's redo links and the whole working-day calendar, it may change now. An open dispatched order
-- (its as-of flags); a dispatched order without an effective due date, or one whose overdue-age instants
-- the calendar of its slice did not reach (the derived ones); an order of a caller who has another order in
-- the same category (its repeat link and proxy redo chain: the group key of fct_work_orders.sql's repeat
-- window); an order in a redo chain linked in the export (redo_roots: a redo, or a chain's first order,
-- which carries the chain's figures). Every other row of the load is final as written.
WITH mine AS (
    SELECT order_id, is_dispatched, is_closed, effective_due_at, overdue_16_at, citizen_phone_hash, category_l2
    FROM fct_work_orders
    WHERE load_id >= $first_load_id
),
callers AS (
    SELECT citizen_phone_hash, category_l2 FROM mine
    WHERE citizen_phone_hash IS NOT NULL AND category_l2 IS NOT NULL
),
shared AS (
    SELECT citizen_phone_hash, NULLIF(trim(category_l2), '') AS category_l2
    FROM stg_current
    WHERE (citizen_phone_hash, NULLIF(trim(category_l2), '')) IN (SELECT (citizen_phone_hash, category_l2) FROM callers)
    GROUP BY ALL
    HAVING count(*) > 1
)
SELECT order_id FROM mine
WHERE (is_dispatched AND NOT is_closed)
    OR (is_dispatched AND effective_due_at IS NULL)
    OR (effective_due_at IS NOT NULL AND overdue_16_at IS NULL)
    OR (citizen_phone_hash, category_l2) IN (SELECT (citizen_phone_hash, category_l2) FROM shared)
    OR order_id IN (SELECT order_id FROM redo_roots)
    OR order_id IN (SELECT root_id FROM redo_roots)
