-- Hotline by category (metrics.md "Hotline"), month × scope × category: calls received
-- in m, resolved of those, median_resolution_hours over those resolved (NULL when none);
-- the 7-day figures: eligible_calls_7d (received by as_of − 7 days), resolved_7d (of
-- those, resolved within 168 hours), resolution_rate_7d = resolved_7d / eligible_calls_7d
-- (NULL without an eligible call), and the month's provisional flag (stg_hotline_cutoff).
-- Every scope level (stg_scope_ancestors); calls with an unknown community count in the
-- city rows only.
-- refresh: by month
WITH calls AS (
    SELECT h.*, c.provisional,
        c.eligible_until IS NULL OR h.received_at <= c.eligible_until AS eligible_7d
    FROM staging.stg_hotline AS h
    JOIN staging.stg_hotline_cutoff AS c ON c.month = h.month
)
SELECT
    h.month,
    a.scope_level,
    a.scope_code,
    h.category,
    count(*) AS calls,
    count_if(h.is_resolved)::BIGINT AS resolved,
    count_if(h.eligible_7d)::BIGINT AS eligible_calls_7d,
    -- coalesce: an open call's test is NULL, and DuckDB's count_if of NULLs alone is NULL
    -- (Spark's is 0): the count is 0, the rate 0.0, on both
    count_if(coalesce(h.eligible_7d AND h.resolution_hours <= 168, false))::BIGINT
        AS resolved_7d,
    count_if(coalesce(h.eligible_7d AND h.resolution_hours <= 168, false))
        / nullif(count_if(h.eligible_7d), 0) AS resolution_rate_7d,
    h.provisional,
    median(h.resolution_hours) AS median_resolution_hours
FROM calls AS h
JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM h.place_code
GROUP BY h.month, a.scope_level, a.scope_code, h.category, h.provisional
ORDER BY h.month, a.scope_code, h.category
