-- Daily weather (气象观测), one row per district and day: the optional `weather` source
-- with its district placed by code (the ingestion matched 朝阳区 / 朝阳 / 110105 to the
-- district code of the divisions reference) and, where two exports gave the same day,
-- the later one (raw.weather's settled key). Rows dated after the last usage month are a forecast
-- export; they are read the same way. No weather files: no rows, and nothing else changes.
-- refresh: by month
WITH names AS (
    SELECT district_code, min(district) AS district_name
    FROM staging.stg_communities
    GROUP BY district_code
)
SELECT
    w.date,
    w._month AS month,
    w.district_code,
    n.district_name,
    w.temp_max,
    w.temp_min,
    w.precipitation_mm,
    coalesce(w.warning, 'none') AS warning,
    w.warning_type
FROM raw.weather AS w
LEFT JOIN names AS n USING (district_code)
WHERE w._state = 'kept'
