"""Coverage: the published coverage of communities, the stations of a month, and coverage
at any radius (live, from the one coverage function of the planner)."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboards.data.snapshot import as_month, per_snapshot, query, settings
from dashboards.viewer import Viewer
from pipelines.planning.coverage import CoverageIndex
from pipelines.scope import level_of, prefix_of
from pipelines.serving import NoSnapshot


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


@per_snapshot(maxsize=4)
def _coverage_index(month: date) -> CoverageIndex:
    """Every community against the stations active in ``month``, for any radius the
    slider allows (built once per snapshot and month: the slider is then a lookup)."""
    communities = query(
        """SELECT community_code, community_name, subdistrict, district, lat, lon,
                  outdoor_workers
        FROM communities ORDER BY community_code"""
    )
    stations = query(
        """SELECT s.station_name, s.community_code, s.lat, s.lon, m.meets_standard
        FROM station_monthly m JOIN stations s USING (station_id)
        WHERE m.month = $m AND m.active ORDER BY s.station_id""",
        m=month,
    )
    index = CoverageIndex(communities, stations, settings().radius_range_m[1])
    index.stations = stations  # the nearest station's name is looked up by its row
    return index


#: the coverage page's table of gaps (and its download)
GAP_COLUMNS = ("community_name", "subdistrict", "district", "outdoor_workers",
               "uncovered_workers", "nearest_station_m", "nearest_station_name")  # fmt: skip


def coverage_gaps(
    viewer: Viewer, scope: str | None, month: date | str, radius_m: float
) -> pl.DataFrame:
    """The communities with workers left uncovered at ``radius_m``, largest gaps first:
    the table of the coverage page and its download."""
    covered = coverage_at_radius(viewer, scope, month, float(radius_m))
    return covered.filter(pl.col("uncovered_workers") > 0).select(GAP_COLUMNS)


def coverage_at_radius(
    viewer: Viewer, scope: str | None, month: date | str, radius_m: float
) -> pl.DataFrame:
    """Coverage of the scope's communities at any radius, by the stations active in the
    month (anywhere: a station across a boundary still covers), as metrics.md defines it.

    Columns: community_code, community_name, subdistrict, district, lat, lon,
    outdoor_workers, nearest_station_m, nearest_station_name, stations_within_r, covered,
    standard_covered, uncovered_workers; largest gaps first.
    """
    index = _coverage_index(as_month(month))
    inside = prefix_of(viewer.allowed(scope))
    covered = index.at(radius_m).filter(pl.col("community_code").str.starts_with(inside))
    # a station outside the viewer's scope still covers, but stays unnamed
    code = pl.col("community_code")
    visible = (
        code.str.starts_with(prefix_of(viewer.scope_code)).fill_null(False)
        if level_of(viewer.scope_code) != "city"
        else pl.lit(True)
    )
    named = index.stations.with_row_index("nearest_station").select(
        pl.col("nearest_station").cast(pl.Int64),
        nearest_station_name=pl.when(visible).then(pl.col("station_name")),
    )
    return (
        covered.join(named, on="nearest_station", how="left")
        .select(
            "community_code", "community_name", "subdistrict", "district", "lat", "lon",
            "outdoor_workers", "nearest_station_m", "nearest_station_name",
            "stations_within_r", "covered", "standard_covered", "uncovered_workers",
        )
        .sort(["uncovered_workers", "community_code"], descending=[True, False])
    )  # fmt: skip


def warm_coverage() -> None:
    """Build the default month's coverage index before anyone asks (the app starts this
    in a background thread): the first radius a user picks is then a lookup too."""
    from dashboards.data.overview import default_month

    try:
        month = default_month(Viewer())
    except NoSnapshot:
        return
    if month is not None:
        _coverage_index(month)
