-- Scopes (published): the city, its districts, subdistricts (街道/乡镇) and communities,
-- each with its 12-digit code (metrics.md "Published tables") and the scope one level up
-- (parent_code, NULL for the city) — the scope picker and every scope-level table.
WITH c AS (SELECT * FROM staging.stg_communities)
SELECT
    'city' AS scope_level,
    city_code AS scope_code,
    CASE WHEN city_code = '110000000000' THEN '北京市' ELSE '全市' END AS scope_name,
    NULL::VARCHAR AS parent_code,
    NULL::VARCHAR AS district_code,
    NULL::VARCHAR AS subdistrict_code
FROM c
GROUP BY city_code
UNION ALL
SELECT 'district', district_code, min(district), any_value(city_code), district_code, NULL
FROM c
GROUP BY district_code
UNION ALL
SELECT 'subdistrict', subdistrict_code, min(subdistrict), any_value(district_code),
    any_value(district_code), subdistrict_code
FROM c
GROUP BY subdistrict_code
UNION ALL
SELECT 'community', community_code, community_name, subdistrict_code, district_code,
    subdistrict_code
FROM c
ORDER BY scope_code, scope_level
