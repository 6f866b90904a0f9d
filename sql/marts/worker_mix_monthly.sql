-- Worker mix: visits by worker_type (metrics.md "Usage"), month × scope × worker type, for
-- every scope level (stg_scope_ancestors); visits without a worker type form the NULL
-- group.
-- refresh: by month
SELECT m.month, a.scope_level, a.scope_code, m.worker_type, sum(m.visits)::BIGINT AS visits
FROM staging.stg_usage_mix AS m
JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM m.place_code
GROUP BY m.month, a.scope_level, a.scope_code, m.worker_type
ORDER BY m.month, a.scope_code, m.worker_type
