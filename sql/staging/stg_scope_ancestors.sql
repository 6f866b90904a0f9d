-- Every scope a place lies in, itself included: one row per (place_code, enclosing
-- scope) for each community, subdistrict, district and the city (codes of metrics.md).
-- This is the one scope roll-up: a fact placed at its most specific known scope
-- (place_code) reaches every level with one join,
--     JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM f.place_code
--     GROUP BY f.month, a.scope_level, a.scope_code
-- so a distinct count (unique_workers) stays distinct within each scope, and a fact
-- without a known community (a drive placed only by its district) counts in the levels
-- above it only. A fact with no known place at all (place_code NULL: an unmatched call,
-- usage of a station no longer in the registry) lies in the city only.
WITH places AS (
    SELECT DISTINCT community_code, subdistrict_code, district_code, city_code
    FROM staging.stg_communities
)
SELECT community_code AS place_code, 'community' AS scope_level, community_code AS scope_code
FROM places
UNION ALL SELECT community_code, 'subdistrict', subdistrict_code FROM places
UNION ALL SELECT community_code, 'district', district_code FROM places
UNION ALL SELECT community_code, 'city', city_code FROM places
UNION ALL SELECT DISTINCT subdistrict_code, 'subdistrict', subdistrict_code FROM places
UNION ALL SELECT DISTINCT subdistrict_code, 'district', district_code FROM places
UNION ALL SELECT DISTINCT subdistrict_code, 'city', city_code FROM places
UNION ALL SELECT DISTINCT district_code, 'district', district_code FROM places
UNION ALL SELECT DISTINCT district_code, 'city', city_code FROM places
UNION ALL SELECT DISTINCT city_code, 'city', city_code FROM places
UNION ALL SELECT DISTINCT NULL, 'city', city_code FROM places
