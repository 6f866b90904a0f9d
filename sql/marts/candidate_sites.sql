-- Candidate sites (published): places a new station could open, the siting problem's
-- candidates (metrics.md "Siting").
SELECT
    site_id, site_name, site_type, lat, lon,
    community_code, subdistrict_code, district_code, est_cost, seats, address
FROM staging.stg_candidate_sites
ORDER BY site_id
