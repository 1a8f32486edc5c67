-- one row per incoming order that the warehouse already holds: is its snapshot the same?
CREATE OR REPLACE TEMP TABLE incoming_known AS
SELECT
    i.order_id,
    s.row_hash = i.row_hash AS same
FROM incoming_stg AS i
JOIN stg_work_orders AS s USING (order_id)
