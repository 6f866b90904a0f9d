-- Hotline by category (metrics.md "Hotline"), month × scope × category: calls received
-- in m, resolved of those, median_resolution_hours over those resolved (NULL when none).
-- Calls with an unknown community count in the city rows only.
-- Scope levels city / district / subdistrict / community with the codes of metrics.md,
-- grouped once with GROUPING SETS; a row without a code below the city counts at city level only.
WITH grouped AS (
    SELECT
        month,
        GROUPING(district_code, subdistrict_code, community_code) AS g,
        coalesce(community_code, subdistrict_code, district_code) AS code,
        category,
        count(*) AS calls,
        count_if(is_resolved)::BIGINT AS resolved,
        median(resolution_hours) AS median_resolution_hours
    FROM staging.stg_hotline
    GROUP BY GROUPING SETS (
        (month, category),
        (month, district_code, category),
        (month, subdistrict_code, category),
        (month, community_code, category))
)
SELECT
    month,
    CASE g WHEN 7 THEN 'city' WHEN 3 THEN 'district' WHEN 5 THEN 'subdistrict'
        ELSE 'community' END AS scope_level,
    coalesce(code, (SELECT max(city_code) FROM staging.stg_communities)) AS scope_code,
    category,
    calls,
    resolved,
    median_resolution_hours
FROM grouped
WHERE g = 7 OR code IS NOT NULL
ORDER BY month, scope_code, category
