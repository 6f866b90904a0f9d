"""Demand: visits, calls and enrolment per community, the service and worker mix, the
weekday × hour pattern, seasons and crowded stations."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboards.data.snapshot import as_month, query
from dashboards.viewer import Viewer
from pipelines.scope import level_of, parent_of, prefix_of


def demand_by_community(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    """Visits, calls and enrolment per community, also per 1,000 outdoor workers."""
    return query(
        """SELECT community_code, community_name, subdistrict, district, outdoor_workers,
                  visits, calls, enrolled, visits_per_1000_workers, calls_per_1000_workers,
                  enrolled_per_1000_workers
        FROM community_coverage
        WHERE month = $m AND starts_with(community_code, $prefix)
        ORDER BY visits DESC, community_code""",
        m=as_month(month),
        prefix=prefix_of(viewer.allowed(scope)),
    )


def service_mix(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    return query(
        """SELECT service, visits FROM service_mix_monthly
        WHERE month = $m AND scope_code = $code ORDER BY visits DESC, service""",
        m=as_month(month),
        code=viewer.allowed(scope),
    )


def worker_mix(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    return query(
        """SELECT worker_type, visits FROM worker_mix_monthly
        WHERE month = $m AND scope_code = $code ORDER BY visits DESC, worker_type""",
        m=as_month(month),
        code=viewer.allowed(scope),
    )


def hour_weekday(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    """Visits by weekday (1 = Monday) × hour; the snapshot has no community rows, so a
    community is shown by its subdistrict (the column ``scope_code`` says which)."""
    code = viewer.allowed(scope)
    if level_of(code) == "community":
        # the subdistrict only for a viewer who may see it
        code = viewer.allowed(parent_of(code, "subdistrict"))
    return query(
        """SELECT scope_code, weekday, hour, visits FROM usage_hour_weekday
        WHERE month = $m AND scope_code = $code ORDER BY weekday, hour""",
        m=as_month(month),
        code=code,
    )


def seasons(viewer: Viewer, scope: str | None) -> pl.DataFrame:
    """Visits per season (spring = Mar–May, …, winter = Dec–Feb, counted in the year
    its December falls) of every published month, with the number of months seen."""
    return query(
        """WITH m AS (
            SELECT visits,
                   CASE WHEN month(month) IN (3, 4, 5) THEN 'spring'
                        WHEN month(month) IN (6, 7, 8) THEN 'summer'
                        WHEN month(month) IN (9, 10, 11) THEN 'autumn'
                        ELSE 'winter' END AS season,
                   CASE WHEN month(month) <= 2 THEN year(month) - 1 ELSE year(month) END
                       AS season_year,
                   ((month(month) + 9) % 12) // 3 AS season_order
            FROM kpi_monthly WHERE scope_code = $code)
        SELECT season_year, season, sum(visits) AS visits, count(*) AS months
        FROM m GROUP BY season_year, season, season_order
        ORDER BY season_year, season_order""",
        code=viewer.allowed(scope),
    )


def crowded_stations(
    viewer: Viewer, scope: str | None, month: date | str, top: int = 15
) -> pl.DataFrame:
    """Active stations with known seats, most visits per seat per day first."""
    return query(
        """SELECT m.station_id, m.station_name, s.community_name, s.subdistrict, m.seats,
                  m.visits, m.visits_per_seat_day
        FROM station_monthly m JOIN stations s USING (station_id)
        WHERE m.month = $m AND m.active AND m.visits_per_seat_day IS NOT NULL
          AND starts_with(m.community_code, $prefix)
        ORDER BY m.visits_per_seat_day DESC, m.station_id LIMIT $top""",
        m=as_month(month),
        prefix=prefix_of(viewer.allowed(scope)),
        top=top,
    )

