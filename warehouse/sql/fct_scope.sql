-- one row per order whose fct row an incremental refresh rewrites: the seeds — the orders the load
-- staged (stg_incoming, load_id >= $first_load_id) and the open orders whose as-of flags flip because the as-of
-- time moved from $as_of_lo to $as_of_hi — and, in each repeat group (caller hash + category_l2, the
-- partition of the repeat window in fct_work_orders.sql) a seed belonged to, the order right after the
-- seed in the group's order before the load (fct) and after it (stg_current): an order's repeat flag depends
-- only on the order just before it, so nobody else's can change.
CREATE OR REPLACE TEMP TABLE fct_scope AS
WITH seeds AS (
    SELECT order_id FROM stg_incoming WHERE load_id >= $first_load_id
    UNION
    SELECT order_id FROM fct_work_orders
    WHERE is_dispatched AND NOT is_closed AND effective_due_at >= $as_of_lo AND effective_due_at < $as_of_hi
),
repeat_groups AS (
    SELECT citizen_phone_hash, NULLIF(trim(category_l2), '') AS category_l2
    FROM stg_current WHERE order_id IN (SELECT order_id FROM seeds)
    UNION
    SELECT citizen_phone_hash, category_l2
    FROM fct_work_orders WHERE order_id IN (SELECT order_id FROM seeds)
),
after_load AS (
    SELECT s.order_id, LEAD(s.order_id) OVER w AS next_order_id
    FROM stg_current AS s
    JOIN repeat_groups AS g
        ON s.citizen_phone_hash = g.citizen_phone_hash AND NULLIF(trim(s.category_l2), '') = g.category_l2
    WINDOW w AS (PARTITION BY s.citizen_phone_hash, NULLIF(trim(s.category_l2), '') ORDER BY s.received_at, s.order_id)
),
before_load AS (
    SELECT f.order_id, LEAD(f.order_id) OVER w AS next_order_id
    FROM fct_work_orders AS f
    JOIN repeat_groups AS g ON f.citizen_phone_hash = g.citizen_phone_hash AND f.category_l2 = g.category_l2
    WINDOW w AS (PARTITION BY f.citizen_phone_hash, f.category_l2 ORDER BY f.received_at, f.order_id)
),
successors AS (
    SELECT next_order_id FROM after_load WHERE order_id IN (SELECT order_id FROM seeds)
    UNION
    SELECT next_order_id FROM before_load WHERE order_id IN (SELECT order_id FROM seeds)
)
SELECT order_id FROM seeds
UNION
SELECT next_order_id FROM successors WHERE next_order_id IS NOT NULL
