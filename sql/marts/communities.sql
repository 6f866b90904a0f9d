-- Communities (published): one row per community with its scope codes, centroid and
-- workers — for maps, coverage at another radius (computed on demand) and siting.
SELECT
    community_code, community_name, subdistrict_code, subdistrict, district_code, district,
    lat, lon, residents, outdoor_workers
FROM staging.stg_communities
ORDER BY community_code
