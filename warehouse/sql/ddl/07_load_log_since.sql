-- columns load_log gained after its first release (older warehouses get them on their next load):
-- is_demo, whether the file was loaded as demo data (warehouse.state derives the warehouse's demo
-- status from it); key_fingerprint, the phone-hash key the load hashed phones with (warehouse.keys).
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS is_demo BOOLEAN;
ALTER TABLE load_log ADD COLUMN IF NOT EXISTS key_fingerprint VARCHAR;
UPDATE load_log SET is_demo = coalesce((SELECT any_value(value) = 'true' FROM meta WHERE key = 'is_demo'), false)
WHERE is_demo IS NULL;
DELETE FROM meta WHERE key = 'is_demo';  -- the old flag, now derived (warehouse.state)
