-- Membership drives by platform (metrics.md "Membership drives"), month × scope ×
-- platform: drives held in m, sums of reached and enrolled. A drive counts in the scope
-- it was placed in (stg_drives) and every scope above it (stg_scope_ancestors); unplaced
-- drives in the city only.
-- refresh: by month
SELECT
    d.month,
    a.scope_level,
    a.scope_code,
    d.platform,
    count(*) AS drives,
    sum(d.reached)::BIGINT AS reached,
    sum(d.enrolled)::BIGINT AS enrolled
FROM staging.stg_drives AS d
JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM d.place_code
GROUP BY d.month, a.scope_level, a.scope_code, d.platform
ORDER BY d.month, a.scope_code, d.platform
