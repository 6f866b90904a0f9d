-- Hotline by category (metrics.md "Hotline"), month × scope × category: calls received
-- in m, resolved of those, median_resolution_hours over those resolved (NULL when none).
-- Every scope level (stg_scope_ancestors); calls with an unknown community count in the
-- city rows only.
-- refresh: by month
SELECT
    h.month,
    a.scope_level,
    a.scope_code,
    h.category,
    count(*) AS calls,
    count_if(h.is_resolved)::BIGINT AS resolved,
    median(h.resolution_hours) AS median_resolution_hours
FROM staging.stg_hotline AS h
JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM h.place_code
GROUP BY h.month, a.scope_level, a.scope_code, h.category
ORDER BY h.month, a.scope_code, h.category
