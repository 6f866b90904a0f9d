-- Membership drives by platform (metrics.md "Membership drives"), month × scope ×
-- platform: drives held in m, sums of reached and enrolled. A drive counts in the scope
-- it was placed in (stg_drives) and the scopes above; unplaced drives in the city only.
-- Scope levels city / district / subdistrict / community with the codes of metrics.md,
-- grouped once with GROUPING SETS; a row without a code below the city counts at city level only.
WITH grouped AS (
    SELECT
        month,
        GROUPING(district_code, subdistrict_code, community_code) AS g,
        coalesce(community_code, subdistrict_code, district_code) AS code,
        platform,
        count(*) AS drives,
        sum(reached)::BIGINT AS reached,
        sum(enrolled)::BIGINT AS enrolled
    FROM staging.stg_drives
    GROUP BY GROUPING SETS (
        (month, platform),
        (month, district_code, platform),
        (month, subdistrict_code, platform),
        (month, community_code, platform))
)
SELECT
    month,
    CASE g WHEN 7 THEN 'city' WHEN 3 THEN 'district' WHEN 5 THEN 'subdistrict'
        ELSE 'community' END AS scope_level,
    coalesce(code, (SELECT max(city_code) FROM staging.stg_communities)) AS scope_code,
    platform,
    drives,
    reached,
    enrolled
FROM grouped
WHERE g = 7 OR code IS NOT NULL
ORDER BY month, scope_code, platform
