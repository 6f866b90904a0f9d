-- Stations (驿站台账): the registry, one row per station, with its community's codes.
-- A station meets the standard (七有达标) when all seven amenity flags are true
-- (metrics.md "Stations"); missing_amenities counts the seven that are not.
-- raw.stations.community_code was a known community when the station loaded (ingestion
-- quarantines the rest); place_code is it while it still is (stg_scope_ancestors).
SELECT
    s.station_id,
    s.station_name,
    s.station_type,
    s.host_org,
    s.address,
    s.community_code,
    c.community_name,
    left(s.community_code, 9) || '000' AS subdistrict_code,
    c.subdistrict,
    left(s.community_code, 6) || '000000' AS district_code,
    c.district,
    c.community_code AS place_code,
    s.lat,
    s.lon,
    s.opened_on,
    s.closed_on,
    s.seats,
    s.open_hours,
    s.accepted_on,
    s.has_shelter,
    s.has_toilet,
    s.has_water,
    s.has_charging,
    s.has_epidemic_kit,
    s.has_first_aid,
    s.has_rain_gear,
    s.has_microwave,
    s.has_haircut,
    s.has_parking,
    coalesce(s.has_shelter AND s.has_toilet AND s.has_water AND s.has_charging
        AND s.has_epidemic_kit AND s.has_first_aid AND s.has_rain_gear, false) AS meets_standard,
    (NOT coalesce(s.has_shelter, false))::INTEGER
        + (NOT coalesce(s.has_toilet, false))::INTEGER
        + (NOT coalesce(s.has_water, false))::INTEGER
        + (NOT coalesce(s.has_charging, false))::INTEGER
        + (NOT coalesce(s.has_epidemic_kit, false))::INTEGER
        + (NOT coalesce(s.has_first_aid, false))::INTEGER
        + (NOT coalesce(s.has_rain_gear, false))::INTEGER AS missing_amenities
FROM raw.stations AS s
LEFT JOIN staging.stg_communities AS c USING (community_code)
WHERE NOT s._superseded
