-- Station × month, every station in every month of the range (metrics.md "Stations",
-- "Usage"): active, meets_standard, accepted; visits at the station in the month;
-- visits_per_seat_day = visits / (seats × days in m) where seats are known (crowding);
-- unique_workers = distinct worker_ref at the station in the month. Usage is read for
-- the months being rebuilt only (refresh_first_month .. refresh_last_month).
-- refresh: by month
WITH usage AS (
    SELECT
        month,
        station_id,
        sum(visits)::BIGINT AS visits,
        count(DISTINCT worker_ref) AS unique_workers
    FROM staging.stg_usage
    WHERE month BETWEEN getvariable('refresh_first_month') AND getvariable('refresh_last_month')
    GROUP BY ALL
)
SELECT
    sm.month,
    sm.station_id,
    s.station_name,
    sm.community_code,
    sm.subdistrict_code,
    sm.district_code,
    sm.active,
    sm.meets_standard,
    sm.accepted,
    sm.seats,
    coalesce(u.visits, 0) AS visits,
    CASE WHEN sm.seats > 0 THEN coalesce(u.visits, 0) / (sm.seats * sm.days) END
        AS visits_per_seat_day,
    coalesce(u.unique_workers, 0) AS unique_workers
FROM staging.stg_station_months AS sm
JOIN staging.stg_stations AS s USING (station_id)
LEFT JOIN usage AS u USING (month, station_id)
ORDER BY sm.month, sm.station_id
