-- Station usage (驿站服务记录), one row per visit or daily tally, placed in its month
-- and in its station's community (metrics.md "usage belongs to the station's community").
-- Every usage figure reads this model. A row whose station is not in the registry, or lies
-- outside the scope of the steward who uploaded it, is quarantined (unknown_station,
-- out_of_scope: stg_usage_rejects) and counts nowhere; place_code is the
-- station's community (see stg_scope_ancestors). Tallies (is_tally) have a date but no
-- hour. A view: its readers aggregate it right away, and writing 10 million rows to disk
-- would cost more than the join it saves them.
-- materialized: view
SELECT
    u._month AS month,
    u.occurred_at,
    u.is_tally,
    u.station_id,
    s.community_code,
    s.subdistrict_code,
    s.district_code,
    s.place_code,
    u.service,
    u.worker_type,
    coalesce(u.visits, 1) AS visits,
    u.worker_ref
FROM raw.usage AS u
JOIN staging.stg_stations AS s ON s.station_id = u.station_id
WHERE u._state = 'kept'
    AND (u._scope IS NULL OR left(s.community_code, length(u._scope)) = u._scope)
