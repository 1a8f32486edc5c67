-- the free text of the optional fields of issue 20 (exclusion reasons, the approver, the dissatisfaction
-- reason, the unit's reply), kept beside the personal data: read only through warehouse functions that take
-- a Viewer, masked for every role but admin. A warehouse written before they existed gets the columns here,
-- wherever its raw_work_orders table is ({target}: warehouse.parts.create_raw; a part's view reads them by name).
ALTER TABLE {target}.main.raw_work_orders ADD COLUMN IF NOT EXISTS termination_reason VARCHAR;
ALTER TABLE {target}.main.raw_work_orders ADD COLUMN IF NOT EXISTS appeal_reason VARCHAR;
ALTER TABLE {target}.main.raw_work_orders ADD COLUMN IF NOT EXISTS reviewer VARCHAR;
ALTER TABLE {target}.main.raw_work_orders ADD COLUMN IF NOT EXISTS dissatisfaction_reason VARCHAR;
ALTER TABLE {target}.main.raw_work_orders ADD COLUMN IF NOT EXISTS reply VARCHAR;
