-- one row per order of the slice being staged (the Arrow table registered as `incoming`): typed, phone
-- as a keyed hash, with its content hash (a view: computed while it is inserted, never materialised twice.
-- A view takes no bound parameters, so the key, load id and file name come from the one-row temp table load_params)
CREATE OR REPLACE TEMP TABLE load_params AS
SELECT $key::VARCHAR AS key, $load_id::BIGINT AS load_id, $source_file::VARCHAR AS source_file;

CREATE OR REPLACE TEMP VIEW incoming_stg AS
WITH src AS (
    SELECT
        *,
        nullif(regexp_replace(citizen_phone, '[^0-9]', '', 'g'), '') AS phone_digits
    FROM incoming
),
typed AS (
    SELECT
        order_id,
        received_at__v AS received_at,
        channel,
        appeal_type__v AS appeal_type,
        category_l1,
        category_l2,
        category_l3,
        -- 64 bits of a keyed SHA-256: enough to tell callers apart, useless without the key
        substr(sha256((SELECT key FROM load_params) || ':' || CASE
            WHEN length(phone_digits) = 13 AND phone_digits LIKE '86%' THEN substr(phone_digits, 3)
            ELSE phone_digits
        END), 1, 16) AS citizen_phone_hash,
        county,
        township,
        department,
        urgency__v AS urgency,
        dispatched_at__v AS dispatched_at,
        responded_at__v AS responded_at,
        due_at__v AS due_at,
        closed_at__v AS closed_at,
        status,
        return_count__v AS return_count,
        callback_at__v AS callback_at,
        resolution__v AS resolution,
        satisfaction__v AS satisfaction,
        is_valid__v AS is_valid,
        is_exempt__v AS is_exempt,
        citizen_name,
        content,
        "__row" AS source_row,
        -- the optional fields of issue 20 (exclusions, redo chain, extension, reply); free text stays in raw
        disposal,
        reviewed_at__v AS reviewed_at,
        original_order_id,
        redo_order_id,
        redo_count__v AS redo_count,
        extended_due_at__v AS extended_due_at,
        extension_approved__v AS extension_approved,
        termination_reason,
        appeal_reason,
        reviewer,
        dissatisfaction_reason,
        reply
    FROM src
),
hashes AS (
    -- what "the same order, unchanged" means: every typed value plus the clear-text PII and free text.
    -- The optional fields join the hash only when one has a value, so an order exported without them
    -- hashes as it did before they existed (a re-export is still "unchanged", not "updated").
    SELECT
        *,
        hash(*COLUMNS(* EXCLUDE (source_row, disposal, reviewed_at, original_order_id, redo_order_id, redo_count,
                                 extended_due_at, extension_approved, termination_reason, appeal_reason, reviewer,
                                 dissatisfaction_reason, reply))) AS __hash_core,
        hash(*COLUMNS(* EXCLUDE (source_row))) AS __hash_all,
        coalesce(disposal, reviewed_at::VARCHAR, original_order_id, redo_order_id, redo_count::VARCHAR,
                 extended_due_at::VARCHAR, extension_approved::VARCHAR, termination_reason, appeal_reason,
                 reviewer, dissatisfaction_reason, reply) IS NULL AS __core_only
    FROM typed
),
hashed AS (
    SELECT
        * EXCLUDE (citizen_name, content, source_row, termination_reason, appeal_reason, reviewer,
                   dissatisfaction_reason, reply, __hash_core, __hash_all, __core_only),
        CASE WHEN __core_only THEN __hash_core ELSE __hash_all END AS row_hash,
        (SELECT load_id FROM load_params) AS load_id,
        (SELECT source_file FROM load_params) AS source_file,
        source_row
    FROM hashes
)
SELECT * FROM hashed
