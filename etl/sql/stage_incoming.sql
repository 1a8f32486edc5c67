-- a slice's good rows: their personal data as it came (raw_work_orders); their fact rows are written by
-- warehouse.snapshots from the view incoming_stg. Whether the warehouse held an order before is settled
-- once per file, when the file is read (file_known.sql).
INSERT INTO {target}.main.raw_work_orders BY NAME
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
    (SELECT load_id FROM load_params) AS load_id,
    (SELECT source_file FROM load_params) AS source_file,
    "__row" AS source_row
FROM incoming;
