-- Community × month coverage and demand (metrics.md "Coverage", "Demand per community").
-- covered: at least one station active in m within R (default radius, setting
-- WSI_COVERAGE_RADIUS_M) of the centroid, by haversine distance <= R; stations_within_r
-- counts them; standard_covered counts only stations that meet the standard;
-- uncovered_workers = outdoor_workers when not covered, else 0; nearest_station_m is the
-- distance to the nearest active station (NULL when none is active).
-- Demand: visits at the community's stations, calls matched to it, enrolled at the
-- drives placed in it, each also per 1,000 outdoor workers (NULL when it has none).
-- refresh: by month
WITH within_r AS (
    SELECT
        sm.month,
        p.community_code,
        count(*) AS stations_within_r,
        bool_or(sm.meets_standard) AS standard_covered
    FROM staging.stg_station_community_pairs AS p
    JOIN staging.stg_station_months AS sm ON sm.station_id = p.station_id AND sm.active
    GROUP BY ALL
),
visits AS (
    SELECT month, community_code, sum(visits)::BIGINT AS visits
    FROM marts.station_monthly
    GROUP BY ALL
),
calls AS (
    SELECT month, community_code, count(*) AS calls
    FROM staging.stg_hotline
    WHERE community_code IS NOT NULL
    GROUP BY ALL
),
enrolled AS (
    SELECT month, community_code, sum(enrolled)::BIGINT AS enrolled
    FROM staging.stg_drives
    WHERE community_code IS NOT NULL
    GROUP BY ALL
),
coverage AS (
    SELECT
        m.month,
        c.community_code,
        c.community_name,
        c.subdistrict_code,
        c.subdistrict,
        c.district_code,
        c.district,
        c.lat,
        c.lon,
        c.outdoor_workers,
        n.nearest_station_m,
        n.nearest_station_id,
        coalesce(w.stations_within_r, 0) AS stations_within_r,
        coalesce(w.stations_within_r, 0) > 0 AS covered,
        coalesce(w.standard_covered, false) AS standard_covered,
        coalesce(v.visits, 0) AS visits,
        coalesce(k.calls, 0) AS calls,
        coalesce(e.enrolled, 0) AS enrolled
    FROM staging.stg_months AS m
    CROSS JOIN staging.stg_communities AS c
    LEFT JOIN staging.stg_nearest_station AS n USING (month, community_code)
    LEFT JOIN within_r AS w USING (month, community_code)
    LEFT JOIN visits AS v USING (month, community_code)
    LEFT JOIN calls AS k USING (month, community_code)
    LEFT JOIN enrolled AS e USING (month, community_code)
)
SELECT
    month, community_code, community_name, subdistrict_code, subdistrict, district_code,
    district, lat, lon, outdoor_workers, nearest_station_m, nearest_station_id,
    stations_within_r, covered, standard_covered,
    CASE WHEN covered THEN 0 ELSE outdoor_workers END AS uncovered_workers,
    visits, calls, enrolled,
    CASE WHEN outdoor_workers > 0 THEN 1000 * visits / outdoor_workers END
        AS visits_per_1000_workers,
    CASE WHEN outdoor_workers > 0 THEN 1000 * calls / outdoor_workers END
        AS calls_per_1000_workers,
    CASE WHEN outdoor_workers > 0 THEN 1000 * enrolled / outdoor_workers END
        AS enrolled_per_1000_workers
FROM coverage
ORDER BY month, community_code
