-- Station × community pairs within the coverage radius R (setting WSI_COVERAGE_RADIUS_M,
-- variable coverage_radius_m), with their haversine distance (Earth radius 6,371,008.8 m,
-- metrics.md "Coverage"). Computed once for all months: a month's coverage then keeps
-- the pairs whose station is active in it. Instead of a cross join, points go into a
-- grid of cells at least R wide (1 % slack; longitude cells widened for the highest
-- latitude present) and each community meets the stations of its 3 × 3 neighbouring
-- cells only; the haversine distance then decides (distance <= R).
WITH grid AS (
    SELECT
        getvariable('coverage_radius_m') AS radius_m,
        getvariable('coverage_radius_m') * 1.01 / (6371008.8 * pi() / 180) AS cell_lat,
        getvariable('coverage_radius_m') * 1.01 / (6371008.8 * pi() / 180)
            / cos(radians(least(89.0, greatest(
                (SELECT max(abs(lat)) FROM staging.stg_communities),
                (SELECT max(abs(lat)) FROM staging.stg_stations))))) AS cell_lon
),
stations AS (
    SELECT
        s.station_id, s.lat, s.lon,
        floor(s.lat / g.cell_lat)::BIGINT AS row_id,
        floor(s.lon / g.cell_lon)::BIGINT AS col_id
    FROM staging.stg_stations AS s, grid AS g
    WHERE s.lat IS NOT NULL AND s.lon IS NOT NULL
),
community_cells AS (
    SELECT
        c.community_code, c.lat, c.lon,
        floor(c.lat / g.cell_lat)::BIGINT + dr AS row_id,
        floor(c.lon / g.cell_lon)::BIGINT + dc AS col_id
    FROM staging.stg_communities AS c, grid AS g,
        unnest([-1, 0, 1]) AS r(dr), unnest([-1, 0, 1]) AS k(dc)
),
candidates AS (
    SELECT
        s.station_id,
        c.community_code,
        2 * 6371008.8 * asin(sqrt(least(1.0,
            sin(radians(s.lat - c.lat) / 2) ^ 2
            + cos(radians(c.lat)) * cos(radians(s.lat)) * sin(radians(s.lon - c.lon) / 2) ^ 2
        ))) AS distance_m
    FROM community_cells AS c
    JOIN stations AS s USING (row_id, col_id)
)
SELECT station_id, community_code, distance_m
FROM candidates, grid
WHERE distance_m <= grid.radius_m
