-- Service mix: visits by service (metrics.md "Usage"), month × scope × service, for every
-- scope level (city, district, subdistrict, community; stg_scope_ancestors).
-- refresh: by month
SELECT m.month, a.scope_level, a.scope_code, m.service, sum(m.visits)::BIGINT AS visits
FROM staging.stg_usage_mix AS m
JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM m.place_code
GROUP BY m.month, a.scope_level, a.scope_code, m.service
ORDER BY m.month, a.scope_code, m.service
