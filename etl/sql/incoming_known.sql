-- one row per incoming order that the warehouse already holds: is its snapshot the same?
-- Only orders of earlier loads can be known (a file's own orders are unique within it), and the
-- content hash is computed only for the incoming orders that match (the IN filter runs first).
CREATE OR REPLACE TEMP TABLE incoming_known AS
SELECT
    i.order_id,
    s.row_hash = i.row_hash AS same
FROM (
    SELECT order_id, row_hash FROM incoming_stg
    WHERE order_id IN (SELECT order_id FROM stg_work_orders WHERE load_id < $load_id)
) AS i
JOIN stg_work_orders AS s USING (order_id)
WHERE s.load_id < $load_id
