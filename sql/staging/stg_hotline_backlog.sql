-- The hotline backlog at the end of each month, per place (metrics.md "Hotline"): calls
-- received up to the end of m whose status is not resolved at the end of m, read as:
-- status not resolved, or resolved_at after the end of m. A call stays in the backlog of
-- every month from the one it was received in until the month before the one it was
-- resolved in (or to the end, when never resolved); so a month's backlog depends on the
-- calls of every earlier month, and a change in month m changes m and every later month.
-- refresh: by month and later months
SELECT m.month, h.place_code, count(*) AS calls
FROM staging.stg_hotline AS h
JOIN staging.stg_months AS m
    ON h.month <= m.month
    AND (NOT h.is_resolved OR h.resolved_at >= m.month + INTERVAL 1 MONTH)
GROUP BY m.month, h.place_code
