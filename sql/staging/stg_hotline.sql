-- Hotline calls (热线工单), one row per call (its latest status: raw.hotline's settled key),
-- in the month received and its community as written, matched by the data contract's
-- three steps (stg_community_matches). A call whose community is unknown or ambiguous
-- keeps NULL codes and no place (place_code, see stg_scope_ancestors): it counts in the
-- city's figures only. resolution_hours = resolved_at − received_at in hours, for
-- resolved calls (metrics.md "Hotline"). caller_phone is not carried on.
-- refresh: by month
SELECT
    h.call_id,
    h._month AS month,
    h.received_at,
    h.channel,
    h.category,
    m.community_code,
    left(m.community_code, 9) || '000' AS subdistrict_code,
    left(m.community_code, 6) || '000000' AS district_code,
    m.community_code AS place_code,
    h.worker_type,
    h.routed_to,
    h.status,
    h.status = 'resolved' AS is_resolved,
    h.resolved_at,
    CASE WHEN h.status = 'resolved'
        THEN date_diff('microsecond', h.received_at, h.resolved_at) / 1e6 / 3600.0
    END AS resolution_hours,
    h.satisfaction
FROM raw.hotline AS h
LEFT JOIN staging.stg_community_matches AS m
    ON m.written = h.community AND m.outcome = 'matched'
WHERE h._state = 'kept'
