-- one row per calendar day over the span the orders need: statutory working day flag (调休 included)
-- and workday_seq = number of working days up to and including the day.
SELECT
    cal_date,
    is_workday,
    calendar_source,
    CAST(SUM(CASE WHEN is_workday THEN 1 ELSE 0 END) OVER (ORDER BY cal_date) AS INTEGER) AS workday_seq
FROM (
    SELECT
        unnest($dates::DATE[]) AS cal_date,
        unnest($workdays::BOOLEAN[]) AS is_workday,
        unnest($sources::VARCHAR[]) AS calendar_source
)
ORDER BY cal_date
