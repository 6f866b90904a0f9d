-- Hotline calls (热线工单), one row per call (the latest status won at ingestion), in the
-- month received and the matched community. A call whose community is unknown keeps
-- NULL codes and no place (place_code, see stg_scope_ancestors): it counts in the city's
-- figures only. resolution_hours = resolved_at − received_at in hours, for
-- resolved calls (metrics.md "Hotline"). caller_phone is not carried on.
SELECT
    h.call_id,
    date_trunc('month', h.received_at)::DATE AS month,
    h.received_at,
    h.channel,
    h.category,
    h.community_code,
    CASE WHEN h.community_code IS NOT NULL THEN left(h.community_code, 9) || '000' END
        AS subdistrict_code,
    CASE WHEN h.community_code IS NOT NULL THEN left(h.community_code, 6) || '000000' END
        AS district_code,
    known.community_code AS place_code,
    h.worker_type,
    h.routed_to,
    h.status,
    h.status = 'resolved' AS is_resolved,
    h.resolved_at,
    CASE WHEN h.status = 'resolved'
        THEN epoch(h.resolved_at - h.received_at) / 3600.0 END AS resolution_hours,
    h.satisfaction
FROM raw.hotline AS h
LEFT JOIN staging.stg_communities AS known ON known.community_code = h.community_code
WHERE NOT h._superseded
