-- Rejected rows counted by file, column and reason, for the data-quality page. month is
-- the file's month when its name gives one (2024-05, 202405, 2024年5月 …), else the month
-- all its loaded rows fall in, else NULL.
WITH row_months AS (
    SELECT _path AS path, min(date_trunc('month', occurred_at)) AS lo,
        max(date_trunc('month', occurred_at)) AS hi
    FROM raw.usage GROUP BY 1
    UNION ALL
    SELECT _path, min(date_trunc('month', received_at)), max(date_trunc('month', received_at))
    FROM raw.hotline GROUP BY 1
    UNION ALL
    SELECT _path, min(date_trunc('month', held_on)), max(date_trunc('month', held_on))
    FROM raw.drives GROUP BY 1
),
file_months AS (
    SELECT
        q.path,
        coalesce(
            try(make_date(
                regexp_extract(q.path, '(20\d{2})\D{0,2}(0?[1-9]|1[0-2])(\D|$)', 1)::INTEGER,
                regexp_extract(q.path, '(20\d{2})\D{0,2}(0?[1-9]|1[0-2])(\D|$)', 2)::INTEGER,
                1)),
            max(CASE WHEN r.lo = r.hi THEN r.lo END)::DATE
        ) AS month
    FROM (SELECT DISTINCT path FROM meta.quarantine) AS q
    LEFT JOIN row_months AS r USING (path)
    GROUP BY q.path
)
SELECT q.path, q.source, f.month, q.column_name, q.reason, count(*) AS rows
FROM meta.quarantine AS q
LEFT JOIN file_months AS f USING (path)
GROUP BY ALL
ORDER BY q.path, q.column_name, q.reason
