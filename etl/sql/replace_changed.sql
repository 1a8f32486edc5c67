-- removes the earlier snapshots of orders the incoming file changes, from stg and raw alike
-- (run only when incoming_known has changed orders: each statement scans the whole table)
DELETE FROM stg_work_orders
WHERE order_id IN (SELECT order_id FROM incoming_known WHERE NOT same);

DELETE FROM raw_work_orders
WHERE order_id IN (SELECT order_id FROM incoming_known WHERE NOT same);
