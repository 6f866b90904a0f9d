-- The monthly KPIs of every scope: month × (city, each district, subdistrict and
-- community), every month of the range, every scope (metrics.md, all sections).
-- Each part rolls its facts up to every scope they lie in with the one scope roll-up
-- (staging.stg_scope_ancestors), so a distinct count (unique_workers) is distinct within
-- the scope, never a sum of smaller scopes. A fact without a code at a level (an
-- unmatched hotline call, an unplaced drive) counts in the levels above it only — for
-- hotline calls that is the city ("unassigned" = city minus the sum of districts).
-- Stations: active / standard / accepted counts count active stations;
--   standard_rate = standard / active.
-- Usage: visits = sum of visits in m; unique_workers = distinct worker_ref;
--   visits_per_station_day = visits / (active_stations × days in m).
-- Hotline: calls received in m; resolved of those; resolution_rate = resolved / calls;
--   resolved_7d = resolved within 168 hours, of the calls received in m by as_of − 7
--   days (stg_hotline_cutoff.eligible_until; NULL: all of them): eligible_calls_7d;
--   resolution_rate_7d = resolved_7d / eligible_calls_7d (NULL without an eligible call);
--   provisional: the month's hotline figures will still change (stg_hotline_cutoff);
--   median_resolution_hours over resolved calls received in m (median of an even count
--   is the mean of the middle two); avg_satisfaction over calls that have one;
--   backlog = calls received up to the end of m whose status is not resolved at the end
--   of m (stg_hotline_backlog).
-- Drives: drives held in m, sums of reached and enrolled; enrollment_rate = enrolled /
--   reached. Coverage at the default radius: outdoor_workers, covered_workers (sum over
--   covered communities), coverage_rate = covered / outdoor, standard_coverage_rate the
--   same with stations meeting the standard; communities and covered_communities.
-- Counts over an empty set are 0; ratios, medians and means over an empty set are NULL.
-- Each part reads only the months being rebuilt (refresh_first_month ..
-- refresh_last_month, set by the refresh; every month in a whole build).
-- Month-on-month and year-on-year changes are not stored: the dashboard and the report
-- derive them from these rows (metrics.md "Changes").
-- refresh: by month
WITH stations AS (
    SELECT
        sm.month,
        a.scope_code,
        count(*) AS active_stations,
        count_if(sm.meets_standard) AS standard_stations,
        count_if(sm.accepted) AS accepted_stations
    FROM staging.stg_station_months AS sm
    JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM sm.place_code
    WHERE sm.active AND sm.month BETWEEN getvariable('refresh_first_month')
        AND getvariable('refresh_last_month')
    GROUP BY sm.month, a.scope_code
),
usage_by_worker AS (
    -- one row per place, month and worker before the roll-up: distinct workers stay
    -- distinct within each scope, and the roll-up handles far fewer rows
    SELECT month, place_code, worker_ref, sum(visits) AS visits
    FROM staging.stg_usage
    WHERE month BETWEEN getvariable('refresh_first_month') AND getvariable('refresh_last_month')
    GROUP BY month, place_code, worker_ref
),
usage AS (
    SELECT
        u.month,
        a.scope_code,
        sum(u.visits) AS visits,
        count(DISTINCT u.worker_ref) AS unique_workers
    FROM usage_by_worker AS u
    JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM u.place_code
    GROUP BY u.month, a.scope_code
),
calls AS (
    -- each call with whether it counts in the 7-day figures (stg_hotline_cutoff)
    SELECT h.*, c.eligible_until IS NULL OR h.received_at <= c.eligible_until AS eligible_7d
    FROM staging.stg_hotline AS h
    JOIN staging.stg_hotline_cutoff AS c ON c.month = h.month
    WHERE h.month BETWEEN getvariable('refresh_first_month') AND getvariable('refresh_last_month')
),
hotline AS (
    SELECT
        h.month,
        a.scope_code,
        count(*) AS calls,
        count_if(h.is_resolved) AS resolved,
        count_if(h.eligible_7d) AS eligible_calls_7d,
        count_if(coalesce(h.eligible_7d AND h.resolution_hours <= 168, false)) AS resolved_7d,
        median(h.resolution_hours) AS median_resolution_hours,
        avg(h.satisfaction) AS avg_satisfaction
    FROM calls AS h
    JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM h.place_code
    GROUP BY h.month, a.scope_code
),
backlog AS (
    SELECT b.month, a.scope_code, sum(b.calls) AS backlog
    FROM staging.stg_hotline_backlog AS b
    JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM b.place_code
    WHERE b.month BETWEEN getvariable('refresh_first_month') AND getvariable('refresh_last_month')
    GROUP BY b.month, a.scope_code
),
drives AS (
    SELECT
        d.month,
        a.scope_code,
        count(*) AS drives,
        sum(d.reached) AS reached,
        sum(d.enrolled) AS enrolled
    FROM staging.stg_drives AS d
    JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM d.place_code
    WHERE d.month BETWEEN getvariable('refresh_first_month') AND getvariable('refresh_last_month')
    GROUP BY d.month, a.scope_code
),
coverage AS (
    SELECT
        c.month,
        a.scope_code,
        count(*) AS communities,
        count_if(c.covered) AS covered_communities,
        sum(c.outdoor_workers) AS outdoor_workers,
        sum(CASE WHEN c.covered THEN c.outdoor_workers ELSE 0 END) AS covered_workers,
        sum(CASE WHEN c.standard_covered THEN c.outdoor_workers ELSE 0 END)
            AS standard_covered_workers
    FROM marts.community_coverage AS c
    JOIN staging.stg_scope_ancestors AS a ON a.place_code = c.community_code
    WHERE c.month BETWEEN getvariable('refresh_first_month') AND getvariable('refresh_last_month')
    GROUP BY c.month, a.scope_code
),
spine AS (
    SELECT m.month, m.days, c.provisional, s.scope_level, s.scope_code, s.scope_name,
        s.parent_code
    FROM staging.stg_months AS m
    JOIN staging.stg_hotline_cutoff AS c ON c.month = m.month
    CROSS JOIN marts.scopes AS s
)
SELECT
    s.month,
    s.scope_level,
    s.scope_code,
    s.scope_name,
    coalesce(st.active_stations, 0)::BIGINT AS active_stations,
    coalesce(st.standard_stations, 0)::BIGINT AS standard_stations,
    coalesce(st.accepted_stations, 0)::BIGINT AS accepted_stations,
    st.standard_stations / nullif(st.active_stations, 0) AS standard_rate,
    coalesce(u.visits, 0)::BIGINT AS visits,
    coalesce(u.unique_workers, 0)::BIGINT AS unique_workers,
    coalesce(u.visits, 0) / nullif(st.active_stations * s.days, 0) AS visits_per_station_day,
    coalesce(h.calls, 0)::BIGINT AS calls,
    coalesce(h.resolved, 0)::BIGINT AS resolved,
    h.resolved / nullif(h.calls, 0) AS resolution_rate,
    coalesce(h.eligible_calls_7d, 0)::BIGINT AS eligible_calls_7d,
    coalesce(h.resolved_7d, 0)::BIGINT AS resolved_7d,
    h.resolved_7d / nullif(h.eligible_calls_7d, 0) AS resolution_rate_7d,
    s.provisional,
    h.median_resolution_hours,
    h.avg_satisfaction,
    coalesce(b.backlog, 0)::BIGINT AS backlog,
    coalesce(d.drives, 0)::BIGINT AS drives,
    coalesce(d.reached, 0)::BIGINT AS reached,
    coalesce(d.enrolled, 0)::BIGINT AS enrolled,
    d.enrolled / nullif(d.reached, 0) AS enrollment_rate,
    coalesce(c.outdoor_workers, 0)::BIGINT AS outdoor_workers,
    coalesce(c.covered_workers, 0)::BIGINT AS covered_workers,
    c.covered_workers / nullif(c.outdoor_workers, 0) AS coverage_rate,
    c.standard_covered_workers / nullif(c.outdoor_workers, 0) AS standard_coverage_rate,
    coalesce(c.communities, 0)::BIGINT AS communities,
    coalesce(c.covered_communities, 0)::BIGINT AS covered_communities,
    s.parent_code
FROM spine AS s
LEFT JOIN stations AS st ON st.month = s.month AND st.scope_code = s.scope_code
LEFT JOIN usage AS u ON u.month = s.month AND u.scope_code = s.scope_code
LEFT JOIN hotline AS h ON h.month = s.month AND h.scope_code = s.scope_code
LEFT JOIN backlog AS b ON b.month = s.month AND b.scope_code = s.scope_code
LEFT JOIN drives AS d ON d.month = s.month AND d.scope_code = s.scope_code
LEFT JOIN coverage AS c ON c.month = s.month AND c.scope_code = s.scope_code
ORDER BY s.month, s.scope_code
