-- one row per order linked in the export as the redo (重办) of another: the first order of its chain.
-- Links come from both sides — a redo naming its original (原工单编号) and an original naming its redo
-- (重办工单) — and are followed up to the order nobody names as redone (at most 20 steps, so a loop in bad
-- data ends). Read from every current snapshot: the links are few, and a chain may span many loads.
WITH RECURSIVE links AS (
    SELECT order_id AS redo_id, trim(original_order_id) AS orig_id FROM stg_current
    WHERE NULLIF(trim(original_order_id), '') IS NOT NULL AND trim(original_order_id) <> order_id
    UNION
    SELECT trim(redo_order_id), order_id FROM stg_current
    WHERE NULLIF(trim(redo_order_id), '') IS NOT NULL AND trim(redo_order_id) <> order_id
),
walk (order_id, root_id, depth) AS (
    SELECT redo_id, orig_id, 1 FROM links
    UNION ALL
    SELECT w.order_id, l.orig_id, w.depth + 1
    FROM walk AS w JOIN links AS l ON l.redo_id = w.root_id
    WHERE w.depth < 20 AND l.orig_id <> w.order_id
)
SELECT order_id, list(root_id ORDER BY depth DESC, root_id)[1] AS root_id FROM walk GROUP BY order_id
