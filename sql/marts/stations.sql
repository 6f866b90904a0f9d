-- Stations (published): the registry with scope codes, the seven amenities (七有),
-- meets_standard (all seven) and missing_amenities (how many of the seven are missing).
SELECT
    station_id, station_name, station_type, host_org, address,
    community_code, community_name, subdistrict_code, subdistrict, district_code, district,
    lat, lon, opened_on, closed_on, seats, open_hours, accepted_on,
    has_shelter, has_toilet, has_water, has_charging, has_epidemic_kit, has_first_aid,
    has_rain_gear, has_microwave, has_haircut, has_parking,
    meets_standard, missing_amenities
FROM staging.stg_stations
ORDER BY station_id
