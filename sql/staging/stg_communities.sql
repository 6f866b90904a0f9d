-- Communities (社区/村): the reference every scope derives from, one row per community.
-- Codes follow metrics.md: a community's subdistrict code is its first 9 digits + '000',
-- its district code the first 6 + '000000', the city code the first 2 + '0000000000'.
-- outdoor_workers is the weight of coverage; a blank count is taken as 0 workers.
SELECT
    community_code,
    community_name,
    subdistrict,
    district,
    left(community_code, 9) || '000' AS subdistrict_code,
    left(community_code, 6) || '000000' AS district_code,
    left(community_code, 2) || '0000000000' AS city_code,
    lat,
    lon,
    residents,
    coalesce(outdoor_workers, 0) AS outdoor_workers
FROM raw.communities
WHERE _state = 'kept'
