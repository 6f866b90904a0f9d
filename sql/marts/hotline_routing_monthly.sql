-- Hotline by the department a call was routed to (转办部门), month × scope × routed_to:
-- calls received in m and resolved of those; calls not routed form the NULL group.
-- Scope levels city / district / subdistrict / community with the codes of metrics.md,
-- grouped once with GROUPING SETS; a row without a code below the city counts at city level only.
WITH grouped AS (
    SELECT
        month,
        GROUPING(district_code, subdistrict_code, community_code) AS g,
        coalesce(community_code, subdistrict_code, district_code) AS code,
        routed_to,
        count(*) AS calls,
        count_if(is_resolved)::BIGINT AS resolved
    FROM staging.stg_hotline
    GROUP BY GROUPING SETS (
        (month, routed_to),
        (month, district_code, routed_to),
        (month, subdistrict_code, routed_to),
        (month, community_code, routed_to))
)
SELECT
    month,
    CASE g WHEN 7 THEN 'city' WHEN 3 THEN 'district' WHEN 5 THEN 'subdistrict'
        ELSE 'community' END AS scope_level,
    coalesce(code, (SELECT max(city_code) FROM staging.stg_communities)) AS scope_code,
    routed_to,
    calls,
    resolved
FROM grouped
WHERE g = 7 OR code IS NOT NULL
ORDER BY month, scope_code, routed_to
