-- Candidate sites (候选点位) where a new station could open, with their scope codes
-- when the export names a community (NULL otherwise; siting uses the coordinates).
SELECT
    site_id,
    site_name,
    site_type,
    lat,
    lon,
    community_code,
    CASE WHEN community_code IS NOT NULL THEN left(community_code, 9) || '000' END
        AS subdistrict_code,
    CASE WHEN community_code IS NOT NULL THEN left(community_code, 6) || '000000' END
        AS district_code,
    est_cost,
    seats,
    address
FROM raw.candidate_sites
WHERE _state = 'kept'
