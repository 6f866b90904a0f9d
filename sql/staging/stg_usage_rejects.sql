-- Usage rows quarantined by the reference checks, where the station registry is known: a
-- kept row of raw.usage whose station id is not in the registry (unknown_station, data
-- contract "usage"), or, in a file a district or subdistrict steward uploaded, whose
-- station lies outside that steward's scope (out_of_scope: _scope holds the leading digits
-- of the scope's code). Checked when the warehouse is built, so usage that arrives before
-- its station's registry row loads once the registry does. As quarantine rows (personal
-- values are pseudonyms), by month.
-- The row's values as text (so that the JSON is written alike by every engine).
-- refresh: by month
SELECT
    u._month AS month,
    u._path AS path,
    'usage' AS source,
    u._row_number AS row_number,
    'station_id' AS column_name,
    CASE WHEN s.station_id IS NULL THEN 'unknown_station' ELSE 'out_of_scope' END AS reason,
    CAST(to_json(struct_pack(
        station_id := u.station_id, occurred_at := CAST(u.occurred_at AS VARCHAR),
        service := u.service, worker_type := u.worker_type,
        visits := CAST(u.visits AS VARCHAR), worker_ref := u.worker_ref
    )) AS VARCHAR) AS raw_values,
    u._sheet AS sheet
FROM raw.usage AS u
LEFT JOIN staging.stg_stations AS s ON s.station_id = u.station_id
WHERE u._state = 'kept'
    AND (s.station_id IS NULL
        OR (u._scope IS NOT NULL AND left(s.community_code, length(u._scope)) <> u._scope))
