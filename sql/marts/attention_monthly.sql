-- What needs a leader's attention (metrics.md "Attention"), month × scope (the city,
-- every district and subdistrict) × finding: its kind, the figure (metric) it is about,
-- its numbers and the dashboard page that shows it. Targets come from marts.targets,
-- thresholds from <data>/targets.toml as variables (pipelines/targets.py).
--   missed_target       a rate below its target: value, reference = the target.
--   large_move          a month-on-month change of at least attention_large_move_points
--                       (rates), or of attention_large_move_share of a count that was at
--                       least attention_min_count: value, previous; adverse when it went
--                       the bad way (every figure here is better higher).
--   lagging_peer        a rate at least attention_lagging_points below the median of its
--                       peers (same level, same parent, itself included, at least
--                       attention_min_peers with a value): reference = that median,
--                       peer_rank (1 = highest) of peers.
--   station_gone_quiet  active stations with no visit in m after at least
--                       attention_quiet_min_visits in m − 1: value = how many,
--                       previous = their visits in m − 1, subject = the busiest of them.
--   backlog_growing     the backlog rose two months running, by at least
--                       attention_large_move_share in all, to at least attention_min_calls:
--                       value = the backlog at the end of m, previous = at the end of m − 2.
-- Rates: standard_rate, coverage_rate and resolution_rate_7d (the hotline's like-for-like
-- rate, which does not fall in a provisional month; counted only with at least
-- attention_min_calls eligible calls). Counts: visits, unique_workers, enrolled.
-- Thresholds are met to within 1e-9, so that a change of exactly 5 points counts.
-- Month m's findings read the kpi_monthly and station_monthly rows of m, m − 1 and m − 2
-- only, never a later month: a month's findings refresh with the months they read.
-- priority orders kinds for a reader (1 missed target, 2 adverse move, 3 backlog growing,
-- 4 lagging peer, 5 station gone quiet, 6 favourable move); magnitude orders findings of
-- one kind: the shortfall (missed target), else how far past the threshold, in multiples
-- of it (moves, lagging), the relative growth (backlog), the number of stations (quiet).
-- refresh: by month and later months
WITH kpi AS (
    SELECT * FROM marts.kpi_monthly WHERE scope_level IN ('city', 'district', 'subdistrict')
),
rates AS (
    SELECT month, scope_code, 'standard_rate' AS metric, standard_rate AS value FROM kpi
    UNION ALL
    SELECT month, scope_code, 'coverage_rate', coverage_rate FROM kpi
    UNION ALL
    SELECT month, scope_code, 'resolution_rate_7d',
        CASE WHEN eligible_calls_7d >= getvariable('attention_min_calls')
            THEN resolution_rate_7d END
    FROM kpi
),
counts AS (
    SELECT month, scope_code, 'visits' AS metric, visits AS value FROM kpi
    UNION ALL
    SELECT month, scope_code, 'unique_workers', unique_workers FROM kpi
    UNION ALL
    SELECT month, scope_code, 'enrolled', enrolled FROM kpi
),
missed AS (
    SELECT r.month, r.scope_code, 'missed_target' AS kind, r.metric, r.value,
        CAST(NULL AS DOUBLE) AS previous, t.target AS reference, 1 AS priority,
        t.target - r.value AS magnitude
    FROM rates AS r
    JOIN marts.targets AS t ON t.metric = r.metric
    WHERE r.value < t.target
),
rate_moves AS (
    SELECT r.month, r.scope_code, r.metric, r.value, p.value AS previous,
        abs(r.value - p.value) / getvariable('attention_large_move_points') AS magnitude
    FROM rates AS r
    JOIN rates AS p
        ON p.scope_code = r.scope_code AND p.metric = r.metric
        AND p.month + INTERVAL 1 MONTH = r.month
    WHERE abs(r.value - p.value) >= getvariable('attention_large_move_points') - 1e-9
),
count_moves AS (
    SELECT c.month, c.scope_code, c.metric, c.value, p.value AS previous,
        abs(c.value - p.value) / p.value / getvariable('attention_large_move_share')
            AS magnitude
    FROM counts AS c
    JOIN counts AS p
        ON p.scope_code = c.scope_code AND p.metric = c.metric
        AND p.month + INTERVAL 1 MONTH = c.month
    WHERE p.value >= getvariable('attention_min_count')
        AND abs(c.value - p.value)
            >= p.value * getvariable('attention_large_move_share') - 1e-9
),
moves AS (
    SELECT month, scope_code, 'large_move' AS kind, metric, value, previous,
        CAST(NULL AS DOUBLE) AS reference, CASE WHEN value < previous THEN 2 ELSE 6 END
        AS priority, magnitude
    FROM (SELECT * FROM rate_moves UNION ALL SELECT * FROM count_moves) AS m
),
peer_rates AS (
    SELECT r.month, r.scope_code, k.scope_level, k.parent_code, r.metric, r.value,
        rank() OVER (
            PARTITION BY r.month, k.scope_level, k.parent_code, r.metric ORDER BY r.value DESC
        ) AS peer_rank,
        count(*) OVER (PARTITION BY r.month, k.scope_level, k.parent_code, r.metric)
            AS peers,
        median(r.value) OVER (PARTITION BY r.month, k.scope_level, k.parent_code, r.metric)
            AS peer_median
    FROM rates AS r
    JOIN kpi AS k ON k.month = r.month AND k.scope_code = r.scope_code
    WHERE k.scope_level <> 'city' AND r.value IS NOT NULL
),
lagging AS (
    SELECT month, scope_code, 'lagging_peer' AS kind, metric, value,
        CAST(NULL AS DOUBLE) AS previous, peer_median AS reference, 4 AS priority,
        (peer_median - value) / getvariable('attention_lagging_points') AS magnitude,
        peer_rank, peers
    FROM peer_rates
    WHERE peers >= getvariable('attention_min_peers')
        AND value <= peer_median - getvariable('attention_lagging_points') + 1e-9
),
quiet_stations AS (
    SELECT cur.month, cur.station_id, cur.station_name, st.place_code,
        prev.visits AS visits_before
    FROM marts.station_monthly AS cur
    JOIN marts.station_monthly AS prev
        ON prev.station_id = cur.station_id AND prev.month + INTERVAL 1 MONTH = cur.month
    JOIN staging.stg_stations AS st ON st.station_id = cur.station_id
    WHERE cur.active AND prev.active AND cur.visits = 0
        AND prev.visits >= getvariable('attention_quiet_min_visits')
),
quiet_in_scope AS (
    SELECT q.month, a.scope_code, q.station_name, q.visits_before,
        row_number() OVER (
            PARTITION BY q.month, a.scope_code ORDER BY q.visits_before DESC, q.station_id
        ) AS busiest
    FROM quiet_stations AS q
    JOIN staging.stg_scope_ancestors AS a ON a.place_code IS NOT DISTINCT FROM q.place_code
    WHERE a.scope_level IN ('city', 'district', 'subdistrict')
),
quiet AS (
    SELECT month, scope_code, 'station_gone_quiet' AS kind, 'active_stations' AS metric,
        CAST(count(*) AS DOUBLE) AS value, CAST(sum(visits_before) AS DOUBLE) AS previous,
        CAST(NULL AS DOUBLE) AS reference, 5 AS priority, CAST(count(*) AS DOUBLE)
        AS magnitude, max(CASE WHEN busiest = 1 THEN station_name END) AS subject
    FROM quiet_in_scope
    GROUP BY month, scope_code
),
backlog AS (
    SELECT k.month, k.scope_code, 'backlog_growing' AS kind, 'backlog' AS metric,
        CAST(k.backlog AS DOUBLE) AS value, CAST(b2.backlog AS DOUBLE) AS previous,
        CAST(NULL AS DOUBLE) AS reference, 3 AS priority,
        (k.backlog - b2.backlog) / greatest(b2.backlog, 1) AS magnitude
    FROM kpi AS k
    JOIN kpi AS b1 ON b1.scope_code = k.scope_code AND b1.month + INTERVAL 1 MONTH = k.month
    JOIN kpi AS b2 ON b2.scope_code = k.scope_code AND b2.month + INTERVAL 2 MONTH = k.month
    WHERE k.backlog > b1.backlog AND b1.backlog > b2.backlog
        AND k.backlog >= b2.backlog * (1 + getvariable('attention_large_move_share')) - 1e-9
        AND k.backlog >= getvariable('attention_min_calls')
),
findings AS (
    SELECT *, CAST(NULL AS BIGINT) AS peer_rank, CAST(NULL AS BIGINT) AS peers,
        CAST(NULL AS VARCHAR) AS subject
    FROM missed
    UNION ALL
    SELECT *, NULL, NULL, NULL FROM moves
    UNION ALL
    SELECT *, NULL FROM lagging
    UNION ALL
    SELECT month, scope_code, kind, metric, value, previous, reference, priority, magnitude,
        NULL, NULL, subject
    FROM quiet
    UNION ALL
    SELECT *, NULL, NULL, NULL FROM backlog
)
SELECT
    f.month,
    k.scope_level,
    f.scope_code,
    k.scope_name,
    k.parent_code,
    f.kind,
    f.metric,
    f.value,
    f.previous,
    f.reference,
    f.peer_rank,
    f.peers,
    f.subject,
    f.priority IN (1, 2, 3, 4, 5) AS adverse,
    f.priority,
    f.magnitude,
    CASE
        WHEN f.metric IN ('standard_rate', 'active_stations') THEN '/stations'
        WHEN f.metric = 'coverage_rate' THEN '/coverage'
        WHEN f.metric IN ('resolution_rate_7d', 'backlog') THEN '/hotline'
        WHEN f.metric = 'enrolled' THEN '/membership'
        ELSE '/demand'
    END AS page,
    k.provisional
FROM findings AS f
JOIN kpi AS k ON k.month = f.month AND k.scope_code = f.scope_code
ORDER BY f.month, f.scope_code, f.priority, f.magnitude DESC, f.metric
