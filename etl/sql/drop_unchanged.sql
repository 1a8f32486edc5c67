-- an order whose snapshot is identical to the one held changes nothing: its new rows go again (the
-- earlier snapshot keeps its load, file and row).
DELETE FROM {target}.main.fct_work_orders
WHERE load_id = $load_id AND order_id IN (SELECT order_id FROM file_known WHERE same);

DELETE FROM {target}.main.raw_work_orders
WHERE load_id = $load_id AND order_id IN (SELECT order_id FROM file_known WHERE same);
