-- The hotline's data cut-off, and which months' hotline figures are still provisional
-- (metrics.md "Hotline"), one row per month of the spine:
--   as_of          = the latest received_at over all calls (matched or not);
--   eligible_until = as_of − 7 days: a call received by then has had its full 7 days, so
--                    it counts in the 7-day figures (resolved_7d, resolution_rate_7d);
--   provisional    = the month's last day + 7 days > as_of: its hotline figures will
--                    still change (the last day read as a date, i.e. its first instant).
-- Without any call as_of is NULL and no month is provisional.
WITH cutoff AS (SELECT max(received_at) AS as_of FROM staging.stg_hotline)
SELECT
    m.month,
    c.as_of,
    c.as_of - INTERVAL 7 DAY AS eligible_until,
    coalesce(m.month_end + INTERVAL 7 DAY > c.as_of, false) AS provisional
FROM staging.stg_months AS m
CROSS JOIN cutoff AS c
