-- Visits by weekday (1 = Monday … 7 = Sunday) and hour (0–23), month × scope, for the
-- demand heatmap. Only rows with a time: daily tallies have no hour and are left out.
-- Scope levels city / district / subdistrict (stg_scope_ancestors; a community is shown
-- by its subdistrict); a row without a known place counts at city level only.
-- refresh: by month
WITH by_place AS (
    SELECT
        month,
        place_code,
        isodow(occurred_at) AS weekday,
        hour(occurred_at) AS hour,
        sum(visits) AS visits
    FROM staging.stg_usage
    WHERE NOT coalesce(is_tally, false)
    GROUP BY month, place_code, weekday, hour
)
SELECT
    b.month, a.scope_level, a.scope_code, b.weekday, b.hour, sum(b.visits)::BIGINT AS visits
FROM by_place AS b
JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM b.place_code
WHERE a.scope_level <> 'community'
GROUP BY b.month, a.scope_level, a.scope_code, b.weekday, b.hour
ORDER BY b.month, a.scope_code, b.weekday, b.hour
