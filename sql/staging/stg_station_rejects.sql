-- Stations quarantined by the registry's reference check: a kept row of raw.stations whose
-- community (code, else name) matches no loaded community, or several (unknown_community,
-- data-contract "Community names"). As quarantine rows, with the row's values as text
-- (so that the JSON is written alike by every engine).
SELECT
    s._path AS path,
    'stations' AS source,
    s._row_number AS row_number,
    'community_code' AS column_name,
    'unknown_community' AS reason,
    CAST(to_json(struct_pack(
        station_id := s.station_id, station_name := s.station_name,
        station_type := s.station_type, community_code := s.community_code,
        community_name := s.community_name, lat := CAST(s.lat AS VARCHAR),
        lon := CAST(s.lon AS VARCHAR), opened_on := CAST(s.opened_on AS VARCHAR),
        closed_on := CAST(s.closed_on AS VARCHAR)
    )) AS VARCHAR) AS raw_values,
    s._sheet AS sheet
FROM raw.stations AS s
LEFT JOIN staging.stg_community_matches AS m
    ON m.written = coalesce(s.community_code, s.community_name)
WHERE s._state = 'kept' AND (m.outcome IS NULL OR m.outcome <> 'matched')
