"""Coverage: the published coverage of communities, the stations of a month, and coverage
at any radius (live, from the one coverage function of the planner)."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboards.data.snapshot import as_month, query
from dashboards.viewer import Viewer
from pipelines.planning.coverage import cover
from pipelines.scope import prefix_of


def community_coverage(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    """community_coverage rows of the communities inside the scope for a month."""
    return query(
        """SELECT * FROM community_coverage
        WHERE month = $m AND starts_with(community_code, $prefix)
        ORDER BY uncovered_workers DESC, community_code""",
        m=as_month(month),
        prefix=prefix_of(viewer.allowed(scope)),
    )


def stations_in_month(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    """The registry's stations inside the scope with their state in the month."""
    return query(
        """SELECT s.station_id, s.station_name, s.station_type, s.lat, s.lon,
                  s.community_code, s.community_name, s.subdistrict, s.district,
                  coalesce(m.active, false) AS active,
                  coalesce(m.meets_standard, false) AS meets_standard,
                  coalesce(m.accepted, false) AS accepted,
                  coalesce(m.visits, 0) AS visits, m.visits_per_seat_day, s.seats
        FROM stations s LEFT JOIN station_monthly m
            ON m.station_id = s.station_id AND m.month = $m
        WHERE starts_with(s.community_code, $prefix)
        ORDER BY s.station_id""",
        m=as_month(month),
        prefix=prefix_of(viewer.allowed(scope)),
    )


def coverage_at_radius(
    viewer: Viewer, scope: str | None, month: date | str, radius_m: float
) -> pl.DataFrame:
    """Coverage of the scope's communities at any radius, by the stations active in the
    month (anywhere: a station across a boundary still covers), as metrics.md defines it.

    Columns: community_code, community_name, subdistrict, district, lat, lon,
    outdoor_workers, nearest_station_m, nearest_station_name, stations_within_r, covered,
    standard_covered, uncovered_workers; largest gaps first.
    """
    month = as_month(month)
    communities = query(
        """SELECT community_code, community_name, subdistrict, district, lat, lon,
                  outdoor_workers
        FROM communities WHERE starts_with(community_code, $prefix) ORDER BY community_code""",
        prefix=prefix_of(viewer.allowed(scope)),
    )
    stations = query(
        """SELECT s.station_name, s.community_code, s.lat, s.lon, m.meets_standard
        FROM station_monthly m JOIN stations s USING (station_id)
        WHERE m.month = $m AND m.active ORDER BY s.station_id""",
        m=month,
    )
    covered = cover(communities, stations, radius_m)
    # a station outside the viewer's scope still covers, but stays unnamed
    names = pl.Series(
        [name if viewer.covers(code) else None for name, code in
         stations.select("station_name", "community_code").iter_rows()],
        dtype=pl.String,
    )  # fmt: skip
    return covered.with_columns(
        nearest_station_name=names.gather(covered["nearest_station"])
    ).select(
        *communities.columns, "nearest_station_m", "nearest_station_name", "stations_within_r",
        "covered", "standard_covered", "uncovered_workers",
    ).sort(["uncovered_workers", "community_code"], descending=[True, False])  # fmt: skip
