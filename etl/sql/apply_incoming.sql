-- replaces changed orders and adds new ones, in stg and raw alike (statements run in order)
DELETE FROM stg_work_orders
WHERE order_id IN (SELECT order_id FROM incoming_known WHERE NOT same);

DELETE FROM raw_work_orders
WHERE order_id IN (SELECT order_id FROM incoming_known WHERE NOT same);

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
