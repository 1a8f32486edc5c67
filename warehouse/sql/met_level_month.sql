-- one row per {level} unit per month: the day counts summed (sum over sum), every rate as numerator ÷
-- denominator (NULL when the denominator is 0), and the composite score over the rates present, its
-- weights re-normalised (SPEC §3). Template: identifiers from warehouse.registry.LEVELS only.
-- Only the months listed in met_scope_months are computed; warehouse.metrics writes the result with
-- CREATE TABLE ... AS (full build) or INSERT ... BY NAME (after deleting those months).
WITH sums AS (
    SELECT
        {keys}CAST(date_trunc('month', day) AS DATE) AS month,
        sum(COLUMNS(* EXCLUDE ({keys}day, resolved_weighted, satisfied_weighted)))::BIGINT,
        sum(resolved_weighted)::DOUBLE AS resolved_weighted,
        sum(satisfied_weighted)::DOUBLE AS satisfied_weighted
    FROM met_{level}_day
    WHERE CAST(date_trunc('month', day) AS DATE) IN (SELECT month FROM met_scope_months)
    GROUP BY ALL
),
rated AS (
    SELECT
        *,
        responded_on_time_count / NULLIF(assessed_count, 0) AS response_rate,
        closed_on_time_count / NULLIF(on_time_due_count, 0) AS on_time_rate,
        resolved_weighted / NULLIF(resolution_answered_count, 0) AS resolution_rate,
        satisfied_weighted / NULLIF(satisfaction_answered_count, 0) AS satisfaction_rate,
        returned_count / NULLIF(dispatched_count, 0) AS return_rate,
        callback_count / NULLIF(closed_count, 0) AS callback_rate,
        repeat_count / NULLIF(assessed_count, 0) AS repeat_rate,
        direct_answer_count / NULLIF(received_count, 0) AS direct_answer_rate
    FROM sums
)
SELECT
    *,
    100 * (
        coalesce($w_response * response_rate, 0) + coalesce($w_on_time * on_time_rate, 0)
        + coalesce($w_resolution * resolution_rate, 0) + coalesce($w_satisfaction * satisfaction_rate, 0)
    ) / NULLIF(
        CASE WHEN response_rate IS NULL THEN 0 ELSE $w_response END
        + CASE WHEN on_time_rate IS NULL THEN 0 ELSE $w_on_time END
        + CASE WHEN resolution_rate IS NULL THEN 0 ELSE $w_resolution END
        + CASE WHEN satisfaction_rate IS NULL THEN 0 ELSE $w_satisfaction END, 0
    ) AS score,
    NULLIF(concat_ws(',',
        CASE WHEN $w_response > 0 AND response_rate IS NULL THEN 'response_rate' END,
        CASE WHEN $w_on_time > 0 AND on_time_rate IS NULL THEN 'on_time_rate' END,
        CASE WHEN $w_resolution > 0 AND resolution_rate IS NULL THEN 'resolution_rate' END,
        CASE WHEN $w_satisfaction > 0 AND satisfaction_rate IS NULL THEN 'satisfaction_rate' END
    ), '') AS score_missing_rates
FROM rated
