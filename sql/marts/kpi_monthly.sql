-- The monthly KPIs of every scope: month × (city, each district, subdistrict and
-- community), every month of the range, every scope (metrics.md, all sections).
-- Each part is grouped once with GROUPING SETS over the four levels, so a distinct count
-- (unique_workers) is distinct within the scope, never a sum of smaller scopes.
-- grouping id g = GROUPING(district_code, subdistrict_code, community_code):
-- 7 city, 3 district, 5 subdistrict, 6 community. A row without a code at a level
-- (an unmatched hotline call, an unplaced drive) counts in the levels above it only —
-- for hotline calls that is the city ("unassigned" = city minus the sum of districts).
-- Stations: active / standard / accepted counts count active stations;
--   standard_rate = standard / active.
-- Usage: visits = sum of visits in m; unique_workers = distinct worker_ref;
--   visits_per_station_day = visits / (active_stations × days in m).
-- Hotline: calls received in m; resolved of those; resolution_rate = resolved / calls;
--   median_resolution_hours over resolved calls received in m (median of an even count
--   is the mean of the middle two); avg_satisfaction over calls that have one;
--   backlog = calls received up to the end of m whose status is not resolved at the end
--   of m, read as: status not resolved, or resolved_at after the end of m.
-- Drives: drives held in m, sums of reached and enrolled; enrollment_rate = enrolled /
--   reached. Coverage at the default radius: outdoor_workers, covered_workers (sum over
--   covered communities), coverage_rate = covered / outdoor, standard_coverage_rate the
--   same with stations meeting the standard; communities and covered_communities.
-- Counts over an empty set are 0; ratios, medians and means over an empty set are NULL.
-- Month-on-month and year-on-year changes are not stored: the dashboard and the report
-- derive them from these rows (metrics.md "Changes").
WITH stations AS (
    SELECT
        month,
        GROUPING(district_code, subdistrict_code, community_code) AS g,
        coalesce(community_code, subdistrict_code, district_code) AS code,
        count(*) AS active_stations,
        count_if(meets_standard) AS standard_stations,
        count_if(accepted) AS accepted_stations
    FROM staging.stg_station_months
    WHERE active
    GROUP BY GROUPING SETS (
        (month),
        (month, district_code),
        (month, subdistrict_code),
        (month, community_code))
),
usage AS (
    SELECT
        month,
        GROUPING(district_code, subdistrict_code, community_code) AS g,
        coalesce(community_code, subdistrict_code, district_code) AS code,
        sum(visits) AS visits,
        count(DISTINCT worker_ref) AS unique_workers
    FROM staging.stg_usage
    GROUP BY GROUPING SETS (
        (month),
        (month, district_code),
        (month, subdistrict_code),
        (month, community_code))
),
hotline AS (
    SELECT
        month,
        GROUPING(district_code, subdistrict_code, community_code) AS g,
        coalesce(community_code, subdistrict_code, district_code) AS code,
        count(*) AS calls,
        count_if(is_resolved) AS resolved,
        median(resolution_hours) AS median_resolution_hours,
        avg(satisfaction) AS avg_satisfaction
    FROM staging.stg_hotline
    GROUP BY GROUPING SETS (
        (month),
        (month, district_code),
        (month, subdistrict_code),
        (month, community_code))
),
open_calls AS (
    -- a call stays in the backlog of every month from the one it was received in until
    -- the month before the one it was resolved in (or to the end, when never resolved)
    SELECT m.month, h.district_code, h.subdistrict_code, h.community_code
    FROM staging.stg_hotline AS h
    JOIN staging.stg_months AS m
        ON h.month <= m.month
        AND (NOT h.is_resolved OR h.resolved_at >= m.month + INTERVAL 1 MONTH)
),
backlog AS (
    SELECT
        month,
        GROUPING(district_code, subdistrict_code, community_code) AS g,
        coalesce(community_code, subdistrict_code, district_code) AS code,
        count(*) AS backlog
    FROM open_calls
    GROUP BY GROUPING SETS (
        (month),
        (month, district_code),
        (month, subdistrict_code),
        (month, community_code))
),
drives AS (
    SELECT
        month,
        GROUPING(district_code, subdistrict_code, community_code) AS g,
        coalesce(community_code, subdistrict_code, district_code) AS code,
        count(*) AS drives,
        sum(reached) AS reached,
        sum(enrolled) AS enrolled
    FROM staging.stg_drives
    GROUP BY GROUPING SETS (
        (month),
        (month, district_code),
        (month, subdistrict_code),
        (month, community_code))
),
coverage AS (
    SELECT
        month,
        GROUPING(district_code, subdistrict_code, community_code) AS g,
        coalesce(community_code, subdistrict_code, district_code) AS code,
        count(*) AS communities,
        count_if(covered) AS covered_communities,
        sum(outdoor_workers) AS outdoor_workers,
        sum(CASE WHEN covered THEN outdoor_workers ELSE 0 END) AS covered_workers,
        sum(CASE WHEN standard_covered THEN outdoor_workers ELSE 0 END)
            AS standard_covered_workers
    FROM marts.community_coverage
    GROUP BY GROUPING SETS (
        (month),
        (month, district_code),
        (month, subdistrict_code),
        (month, community_code))
),
spine AS (
    -- join_code is NULL for the city, so that rows without a code below the city
    -- (unmatched calls, unplaced drives) meet the city row only
    SELECT
        m.month, m.days, s.scope_level, s.scope_code, s.scope_name, s.parent_code,
        CASE s.scope_level WHEN 'city' THEN 7 WHEN 'district' THEN 3
            WHEN 'subdistrict' THEN 5 ELSE 6 END AS g,
        CASE WHEN s.scope_level <> 'city' THEN s.scope_code END AS join_code
    FROM staging.stg_months AS m
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
LEFT JOIN stations AS st
    ON st.month = s.month
    AND st.g = s.g
    AND st.code IS NOT DISTINCT FROM s.join_code
LEFT JOIN usage AS u
    ON u.month = s.month
    AND u.g = s.g
    AND u.code IS NOT DISTINCT FROM s.join_code
LEFT JOIN hotline AS h
    ON h.month = s.month
    AND h.g = s.g
    AND h.code IS NOT DISTINCT FROM s.join_code
LEFT JOIN backlog AS b
    ON b.month = s.month
    AND b.g = s.g
    AND b.code IS NOT DISTINCT FROM s.join_code
LEFT JOIN drives AS d
    ON d.month = s.month
    AND d.g = s.g
    AND d.code IS NOT DISTINCT FROM s.join_code
LEFT JOIN coverage AS c
    ON c.month = s.month
    AND c.g = s.g
    AND c.code IS NOT DISTINCT FROM s.join_code
ORDER BY s.month, s.scope_code
