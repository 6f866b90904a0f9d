-- Station × month status, every station in every month of the spine (metrics.md
-- "Stations"): active when opened_on <= the last day of m and closed_on (the last day of
-- service) is blank or >= the first day of m; accepted (已验收) when active and
-- accepted_on <= the last day of m; meets_standard is the station's 七有 flag.
-- refresh: by month
SELECT
    m.month,
    m.days,
    s.station_id,
    s.community_code,
    s.subdistrict_code,
    s.district_code,
    s.place_code,
    s.opened_on <= m.month_end AND (s.closed_on IS NULL OR s.closed_on >= m.month) AS active,
    s.meets_standard,
    s.opened_on <= m.month_end AND (s.closed_on IS NULL OR s.closed_on >= m.month)
        AND coalesce(s.accepted_on <= m.month_end, false) AS accepted,
    s.seats
FROM staging.stg_months AS m
CROSS JOIN staging.stg_stations AS s
