-- Station usage (驿站服务记录), one row per visit or daily tally, placed in its month
-- and in its station's community (metrics.md "usage belongs to the station's community").
-- Every usage figure reads this model. A row whose station is not (or no longer) in the
-- registry keeps NULL codes and no place (place_code: the most specific known scope,
-- see stg_scope_ancestors), so it counts at city level only. Tallies (is_tally) have a date
-- but no hour. A view: its readers aggregate it right away, and writing 10 million rows
-- to disk would cost more than the join it saves them.
-- materialized: view
SELECT
    date_trunc('month', u.occurred_at)::DATE AS month,
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
LEFT JOIN staging.stg_stations AS s USING (station_id)
WHERE NOT u._superseded
