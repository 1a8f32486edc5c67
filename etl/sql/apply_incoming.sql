-- adds new orders and the new snapshots of changed ones (replace_changed.sql removed the old ones
-- first), in stg and raw alike. Unchanged orders are left as they are.
INSERT INTO stg_work_orders BY NAME
SELECT *
FROM incoming_stg
WHERE order_id NOT IN (SELECT order_id FROM incoming_known WHERE same);

INSERT INTO raw_work_orders BY NAME
SELECT
    order_id,
    citizen_name,
    citizen_phone,
    content,
    $load_id::BIGINT AS load_id,
    $source_file AS source_file,
    "__row" AS source_row
FROM incoming
WHERE order_id NOT IN (SELECT order_id FROM incoming_known WHERE same);
