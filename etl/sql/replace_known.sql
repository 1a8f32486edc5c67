-- the file's snapshots of orders held before: an identical one's new rows go again (as drop_unchanged.sql);
-- a changed one replaces the earlier personal data, and the earlier fact row when an earlier file of this
-- load wrote it. The fact row of an earlier load stays until the metric refresh rewrites the order, so the
-- refresh still sees which days it counted on (warehouse.snapshots.settle_facts).
DELETE FROM fct_work_orders
WHERE load_id = $load_id AND order_id IN (SELECT order_id FROM file_known WHERE same);

DELETE FROM raw_work_orders
WHERE load_id = $load_id AND order_id IN (SELECT order_id FROM file_known WHERE same);

DELETE FROM fct_work_orders
WHERE load_id >= $first_load_id AND load_id < $load_id AND order_id IN (SELECT order_id FROM file_known WHERE NOT same);

DELETE FROM raw_work_orders
WHERE load_id < $load_id AND order_id IN (SELECT order_id FROM file_known WHERE NOT same);
