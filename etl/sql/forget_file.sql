-- removes everything a file wrote so far (it could not be read to its end: rejected; or the load failed),
-- its recorded fields included
DELETE FROM {target}.main.fct_work_orders WHERE load_id = $load_id;

DELETE FROM {target}.main.raw_work_orders WHERE load_id = $load_id;

DELETE FROM load_fields WHERE load_id = $load_id;
