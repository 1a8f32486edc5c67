-- removes the earlier staged and raw versions of orders the incoming file changes (the fct row of an
-- earlier load stays until the metric refresh rewrites the order, so the refresh still sees which days
-- it counted on). Run only when incoming_known has changed orders: each statement scans its table.
DELETE FROM stg_incoming
WHERE order_id IN (SELECT order_id FROM incoming_known WHERE NOT same);

DELETE FROM raw_work_orders
WHERE order_id IN (SELECT order_id FROM incoming_known WHERE NOT same);
