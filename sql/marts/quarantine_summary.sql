-- Rejected rows counted by file, column and reason, for the data-quality page. month is
-- the file's month when its name gives one (2024-05, 202405, 2024年5月 …), else the month
-- all its rows fall in (meta.files), else NULL.
WITH named AS (
    SELECT
        path,
        regexp_extract(path, '(20\d{2})\D{0,2}(0?[1-9]|1[0-2])(\D|$)', 1) AS year_text,
        regexp_extract(path, '(20\d{2})\D{0,2}(0?[1-9]|1[0-2])(\D|$)', 2) AS month_text
    FROM meta.files
),
file_months AS (
    SELECT
        f.path,
        coalesce(
            make_date(TRY_CAST(n.year_text AS INTEGER), TRY_CAST(n.month_text AS INTEGER), 1),
            f.month
        ) AS month
    FROM meta.files AS f
    JOIN named AS n USING (path)
)
SELECT q.path, q.source, f.month, q.column_name, q.reason, count(*) AS rows
FROM marts.quarantine AS q
LEFT JOIN file_months AS f USING (path)
GROUP BY q.path, q.source, f.month, q.column_name, q.reason
ORDER BY q.path, q.column_name, q.reason
