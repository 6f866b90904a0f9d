-- Hotline by the department a call was routed to (转办部门), month × scope × routed_to:
-- calls received in m and resolved of those; calls not routed form the NULL group.
-- Every scope level (stg_scope_ancestors); calls with an unknown community count in the
-- city rows only.
-- refresh: by month
SELECT
    h.month,
    a.scope_level,
    a.scope_code,
    h.routed_to,
    count(*) AS calls,
    count_if(h.is_resolved)::BIGINT AS resolved
FROM staging.stg_hotline AS h
JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM h.place_code
GROUP BY h.month, a.scope_level, a.scope_code, h.routed_to
ORDER BY h.month, a.scope_code, h.routed_to
