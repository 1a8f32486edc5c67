-- adds new orders and the new snapshots of changed ones, to the staged snapshots (stg_incoming, which
-- the metric refresh moves into fct_work_orders) and to raw. replace_changed.sql removed an earlier
-- staged or raw version first; the old fct row goes when the refresh rewrites the order.
-- Unchanged orders are left as they are.
INSERT INTO stg_incoming BY NAME
SELECT *
FROM incoming_stg
WHERE order_id NOT IN (SELECT order_id FROM incoming_known WHERE same);

INSERT INTO raw_work_orders BY NAME
SELECT
    order_id,
    citizen_name,
    citizen_phone,
    content,
    termination_reason,
    appeal_reason,
    reviewer,
    dissatisfaction_reason,
    reply,
    $load_id::BIGINT AS load_id,
    $source_file AS source_file,
    "__row" AS source_row
FROM incoming
WHERE order_id NOT IN (SELECT order_id FROM incoming_known WHERE same);
