-- Usage rows quarantined by the reference check: a kept row of raw.usage whose station id
-- is not in the station registry (unknown_station, data contract "usage"). Checked when
-- the warehouse is built, so usage that arrives before its station's registry row loads
-- once the registry does. As quarantine rows (personal values are pseudonyms), by month,
-- the row's values as text (so that the JSON is written alike by every engine).
-- refresh: by month
SELECT
    u._month AS month,
    u._path AS path,
    'usage' AS source,
    u._row_number AS row_number,
    'station_id' AS column_name,
    'unknown_station' AS reason,
    CAST(to_json(struct_pack(
        station_id := u.station_id, occurred_at := CAST(u.occurred_at AS VARCHAR),
        service := u.service, worker_type := u.worker_type,
        visits := CAST(u.visits AS VARCHAR), worker_ref := u.worker_ref
    )) AS VARCHAR) AS raw_values,
    u._sheet AS sheet
FROM raw.usage AS u
WHERE u._state = 'kept'
    AND NOT EXISTS (SELECT 1 FROM staging.stg_stations AS s WHERE s.station_id = u.station_id)
