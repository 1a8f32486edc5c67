-- one row per order whose fct row an incremental refresh rewrites: the seeds — the orders the load staged
-- (stg_incoming, load_id >= $first_load_id) and the open orders whose as-of figures flip because the as-of
-- time moved from $as_of_lo to $as_of_hi (overdue, or a step of the overdue age) — and everything whose row
-- depends on a seed: every order of the repeat groups (caller hash + category_l2) a seed belonged to before
-- the load (fct) or after it (stg_current), since a repeat flag depends on the order before it and a proxy
-- redo chain (a run of repeats) on all of them; and every order of the redo chains those orders belonged to
-- before (fct's redo_of_order_id) or after (redo_roots), since a chain's figures sit on its first order.
WITH seeds AS (
    SELECT order_id FROM stg_incoming WHERE load_id >= $first_load_id
    UNION
    SELECT order_id FROM fct_work_orders
    WHERE is_dispatched AND NOT is_closed AND (
        (effective_due_at >= $as_of_lo AND effective_due_at < $as_of_hi)
        OR (overdue_4_at > $as_of_lo AND overdue_4_at <= $as_of_hi)
        OR (overdue_8_at > $as_of_lo AND overdue_8_at <= $as_of_hi)
        OR (overdue_16_at > $as_of_lo AND overdue_16_at <= $as_of_hi)
    )
),
repeat_groups AS (
    SELECT citizen_phone_hash, NULLIF(trim(category_l2), '') AS category_l2
    FROM stg_current WHERE order_id IN (SELECT order_id FROM seeds)
    UNION
    SELECT citizen_phone_hash, category_l2
    FROM fct_work_orders WHERE order_id IN (SELECT order_id FROM seeds)
),
grouped AS (
    SELECT order_id FROM seeds
    UNION
    SELECT s.order_id FROM stg_current AS s
    JOIN repeat_groups AS g
        ON s.citizen_phone_hash = g.citizen_phone_hash AND NULLIF(trim(s.category_l2), '') = g.category_l2
    UNION
    SELECT f.order_id FROM fct_work_orders AS f
    JOIN repeat_groups AS g ON f.citizen_phone_hash = g.citizen_phone_hash AND f.category_l2 = g.category_l2
),
roots AS (
    SELECT coalesce(redo_of_order_id, order_id) AS root_id FROM fct_work_orders
    WHERE order_id IN (SELECT order_id FROM grouped)
    UNION
    SELECT coalesce(r.root_id, g.order_id) FROM grouped AS g LEFT JOIN redo_roots AS r USING (order_id)
)
SELECT order_id FROM grouped
UNION
SELECT root_id FROM roots
UNION
SELECT order_id FROM fct_work_orders WHERE redo_of_order_id IN (SELECT root_id FROM roots)
UNION
SELECT order_id FROM redo_roots WHERE root_id IN (SELECT root_id FROM roots)
