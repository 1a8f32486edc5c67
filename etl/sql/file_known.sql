-- one row per order of the file just staged ($load_id) that the warehouse held before: is its snapshot
-- the same? The earlier snapshot is the one staged by an earlier file of this load (stg_incoming,
-- load_id < $load_id) or else the one in fct_work_orders (stg_held: its stg columns, empty before the
-- first build). Returns (orders held before, of which unchanged).
CREATE OR REPLACE TEMP TABLE file_known AS
WITH mine AS (
    SELECT order_id, row_hash FROM stg_incoming WHERE load_id = $load_id
),
staged AS (
    SELECT order_id, row_hash FROM stg_incoming
    WHERE load_id < $load_id AND order_id IN (SELECT order_id FROM mine)
),
held AS (
    SELECT order_id, row_hash FROM stg_held
    WHERE order_id IN (SELECT order_id FROM mine) AND order_id NOT IN (SELECT order_id FROM staged)
),
earlier AS (
    SELECT * FROM staged
    UNION ALL
    SELECT * FROM held
)
SELECT
    m.order_id,
    m.row_hash = e.row_hash AS same
FROM mine AS m
JOIN earlier AS e USING (order_id);

SELECT count(*), count(*) FILTER (WHERE same) FROM file_known;
