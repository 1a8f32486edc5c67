-- one row per incoming order that the warehouse already holds: is its snapshot the same?
-- The earlier snapshot is the one staged by an earlier file of this load (stg_incoming) or else the one
-- in fct_work_orders (stg_held: its stg columns, empty before the first build). Only orders of earlier
-- loads or files can be known (a file's own orders are unique within it). The ids are matched on the
-- plain incoming rows first: the content hash (and the phone hash in it) is computed only for matches.
CREATE OR REPLACE TEMP TABLE incoming_known AS
WITH staged AS (
    SELECT order_id, row_hash FROM stg_incoming
    WHERE load_id < $load_id AND order_id IN (SELECT order_id FROM incoming)
),
held AS (
    SELECT order_id, row_hash FROM stg_held
    WHERE order_id IN (SELECT order_id FROM incoming) AND order_id NOT IN (SELECT order_id FROM staged)
),
earlier AS (
    SELECT * FROM staged
    UNION ALL
    SELECT * FROM held
)
SELECT
    i.order_id,
    e.row_hash = i.row_hash AS same
FROM (SELECT order_id, row_hash FROM incoming_stg WHERE order_id IN (SELECT order_id FROM earlier)) AS i
JOIN earlier AS e USING (order_id)
