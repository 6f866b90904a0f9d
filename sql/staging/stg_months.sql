-- The month spine: every calendar month from the earliest to the latest month that any
-- usage, hotline or drive record falls in (metrics.md, first paragraph), with its last
-- day and its number of days (the denominators of the per-day figures).
WITH bounds AS (
    SELECT min(month) AS first_month, max(month) AS last_month
    FROM (
        SELECT min(month) AS month FROM staging.stg_usage
        UNION ALL SELECT max(month) FROM staging.stg_usage
        UNION ALL SELECT min(month) FROM staging.stg_hotline
        UNION ALL SELECT max(month) FROM staging.stg_hotline
        UNION ALL SELECT min(month) FROM staging.stg_drives
        UNION ALL SELECT max(month) FROM staging.stg_drives
    )
)
SELECT
    m::DATE AS month,
    last_day(m::DATE) AS month_end,
    day(last_day(m::DATE)) AS days
FROM bounds, unnest(generate_series(first_month, last_month, INTERVAL 1 MONTH)) AS t(m)
WHERE first_month IS NOT NULL
ORDER BY month
