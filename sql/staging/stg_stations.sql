-- Stations (驿站台账): the registry, one row per station, with its community's codes.
-- A station meets the standard (七有达标) when all seven amenity flags are true
-- (metrics.md "Stations"); missing_amenities counts the seven that are not.
-- The community is the one its code or name matches (stg_community_matches, the data
-- contract's three steps); a station whose community matches none, or several, is
-- quarantined (unknown_community, stg_station_rejects) and is not in the registry.
-- place_code is its community (stg_scope_ancestors).
SELECT
    s.station_id,
    s.station_name,
    s.station_type,
    s.host_org,
    s.address,
    c.community_code,
    c.community_name,
    c.subdistrict_code,
    c.subdistrict,
    c.district_code,
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
JOIN staging.stg_community_matches AS m
    ON m.written = coalesce(s.community_code, s.community_name) AND m.outcome = 'matched'
JOIN staging.stg_communities AS c ON c.community_code = m.community_code
WHERE s._state = 'kept'
