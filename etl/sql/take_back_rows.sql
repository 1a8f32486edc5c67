-- takes back the rows of this file ($load_id) whose order occurs again later in the file: their outcome
-- is decided again with the order's other rows (etl.checking). Returns how many were written.
DELETE FROM {target}.main.raw_work_orders WHERE load_id = $load_id AND source_row IN (SELECT unnest($rows::BIGINT[]));

DELETE FROM {target}.main.fct_work_orders WHERE load_id = $load_id AND source_row IN (SELECT unnest($rows::BIGINT[]));
