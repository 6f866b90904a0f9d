-- The hotline's data cut-off per month of the spine (metrics.md "Hotline"): as_of = the
-- latest received_at over all calls (matched or not); a call is eligible for the 7-day
-- figures (resolved_7d, resolution_rate_7d) when received_at <= as_of − 7 days.
--   eligible_until = as_of − 7 days while some call of the month may still be too recent,
--                    NULL once every call of it is eligible (the cut-off has passed the
--                    month's end): a settled month's row then stops changing as later
--                    calls arrive, and so do the by-month rows that read it;
--   provisional    = the month's last day + 7 days > as_of: its hotline figures will still
--                    change (the last day read as a date, i.e. its first instant).
-- Without any call, no month is provisional and eligible_until is NULL.
-- It reads every month's calls (the latest one): rebuilt whole.
WITH cutoff AS (SELECT max(received_at) - INTERVAL 7 DAY AS eligible_until,
                       max(received_at) AS as_of FROM staging.stg_hotline)
SELECT
    m.month,
    CASE WHEN c.eligible_until < m.month + INTERVAL 1 MONTH THEN c.eligible_until END
        AS eligible_until,
    coalesce(m.month_end + INTERVAL 7 DAY > c.as_of, false) AS provisional
FROM staging.stg_months AS m
CROSS JOIN cutoff AS c
