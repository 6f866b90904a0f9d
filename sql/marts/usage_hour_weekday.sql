-- Visits by weekday (1 = Monday … 7 = Sunday) and hour (0–23), month × scope, for the
-- demand heatmap. Only rows with a time: daily tallies have no hour and are left out.
-- Scope levels city / district / subdistrict with the codes of metrics.md, grouped
-- once with GROUPING SETS; a row without a code below the city counts at city level only.
WITH timed AS (
    SELECT
        month, district_code, subdistrict_code,
        isodow(occurred_at) AS weekday,
        hour(occurred_at) AS hour,
        visits
    FROM staging.stg_usage
    WHERE NOT coalesce(is_tally, false)
),
by_subdistrict AS (
    -- sums roll up: one pass over usage to subdistricts, then the levels above from that
    SELECT month, district_code, subdistrict_code, weekday, hour, sum(visits) AS visits
    FROM timed
    GROUP BY ALL
),
grouped AS (
    SELECT
        month,
        GROUPING(district_code, subdistrict_code) AS g,
        coalesce(subdistrict_code, district_code) AS code,
        weekday, hour,
        sum(visits)::BIGINT AS visits
    FROM by_subdistrict
    GROUP BY GROUPING SETS (
        (month, weekday, hour),
        (month, district_code, weekday, hour),
        (month, subdistrict_code, weekday, hour))
)
SELECT
    month,
    CASE g WHEN 3 THEN 'city' WHEN 1 THEN 'district' ELSE 'subdistrict' END AS scope_level,
    coalesce(code, (SELECT max(city_code) FROM staging.stg_communities)) AS scope_code,
    weekday,
    hour,
    visits
FROM grouped
WHERE g = 3 OR code IS NOT NULL
ORDER BY month, scope_code, weekday, hour
