-- Hotline calls (热线工单), one row per call (the latest status won at ingestion), in the
-- month received and the matched community (NULL codes = unknown community: such a
-- call counts in the city's figures only). resolution_hours = resolved_at − received_at
-- in hours, for resolved calls (metrics.md "Hotline"). caller_phone is not carried on.
SELECT
    call_id,
    date_trunc('month', received_at)::DATE AS month,
    received_at,
    channel,
    category,
    community_code,
    CASE WHEN community_code IS NOT NULL THEN left(community_code, 9) || '000' END
        AS subdistrict_code,
    CASE WHEN community_code IS NOT NULL THEN left(community_code, 6) || '000000' END
        AS district_code,
    worker_type,
    routed_to,
    status,
    status = 'resolved' AS is_resolved,
    resolved_at,
    CASE WHEN status = 'resolved'
        THEN epoch(resolved_at - received_at) / 3600.0 END AS resolution_hours,
    satisfaction
FROM raw.hotline
WHERE NOT _superseded
