-- Worker mix: visits by worker_type (metrics.md "Usage"), month × scope × worker type;
-- rows without a worker type form the NULL worker_type group.
-- Scope levels city / district / subdistrict / community with the codes of metrics.md,
-- grouped with GROUPING SETS; a row without a code below the city counts at city level only.
WITH by_community AS (
    -- sums roll up: one pass over usage to communities, then the levels above from that
    SELECT month, district_code, subdistrict_code, community_code, worker_type, sum(visits) AS visits
    FROM staging.stg_usage
    GROUP BY ALL
),
grouped AS (
    SELECT
        month,
        GROUPING(district_code, subdistrict_code, community_code) AS g,
        coalesce(community_code, subdistrict_code, district_code) AS code,
        worker_type,
        sum(visits)::BIGINT AS visits
    FROM by_community
    GROUP BY GROUPING SETS (
        (month, worker_type),
        (month, district_code, worker_type),
        (month, subdistrict_code, worker_type),
        (month, community_code, worker_type))
)
SELECT
    month,
    CASE g WHEN 7 THEN 'city' WHEN 3 THEN 'district' WHEN 5 THEN 'subdistrict'
        ELSE 'community' END AS scope_level,
    coalesce(code, (SELECT max(city_code) FROM staging.stg_communities)) AS scope_code,
    worker_type,
    visits
FROM grouped
WHERE g = 7 OR code IS NOT NULL
ORDER BY month, scope_code, worker_type
