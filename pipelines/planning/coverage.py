"""Coverage of communities by stations at any radius, as metrics.md ("Coverage") defines it.

The one Python implementation of coverage: the dashboard's live-radius coverage and the
siting planner's demand both call :func:`cover` with the stations the warehouse says are
active in the month (``station_monthly.active``, from ``stg_station_months``), so that
neither re-derives "active". (The warehouse's own coverage is SQL, and its KD-tree cross
check, ``coverage_by_radius`` in ``pipelines/assets/warehouse.py``, stays independent of
this on purpose.)
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.planning.geo import nearest, pairs_within

COVERAGE_COLUMNS = (
    "stations_within_r", "covered", "standard_covered", "uncovered_workers",
    "nearest_station_m", "nearest_station",
)  # fmt: skip


def cover(communities: pl.DataFrame, stations: pl.DataFrame, radius_m: float) -> pl.DataFrame:
    """``communities`` (``lat``, ``lon``, ``outdoor_workers``) with the columns of
    :data:`COVERAGE_COLUMNS` added, given the active ``stations`` (``lat``, ``lon`` and,
    optionally, ``meets_standard``):

    - ``stations_within_r``: stations within ``radius_m`` of the centroid (distance <= R);
    - ``covered`` / ``standard_covered``: at least one (standard-meeting) station within R;
    - ``uncovered_workers``: the community's outdoor workers when not covered, else 0;
    - ``nearest_station_m`` and ``nearest_station`` (its row index in ``stations``):
      NULL when no station is active, or the community has no coordinates.

    A community or station without coordinates covers and is covered by nothing.
    """
    return CoverageIndex(communities, stations, radius_m).at(radius_m)


class CoverageIndex:
    """:func:`cover` for one set of communities and stations at any radius up to
    ``widest_m``: the pairs within the widest radius and each community's nearest station
    are found once, so a radius is a filter over those pairs (the dashboard's radius
    slider, cached per snapshot and month)."""

    def __init__(self, communities: pl.DataFrame, stations: pl.DataFrame, widest_m: float):
        self.communities = communities
        self.widest_m = widest_m
        located = communities["lat"].is_not_null() & communities["lon"].is_not_null()
        rows = np.flatnonzero(located.to_numpy())
        usable = stations["lat"].is_not_null() & stations["lon"].is_not_null()
        station_rows = np.flatnonzero(usable.to_numpy())
        lat, lon = communities["lat"].to_numpy()[rows], communities["lon"].to_numpy()[rows]
        s_lat = stations["lat"].to_numpy()[station_rows]
        s_lon = stations["lon"].to_numpy()[station_rows]
        i, j, distance = pairs_within(lat, lon, s_lat, s_lon, widest_m)
        # pairs nearest first: the pairs within a radius are a prefix
        order = np.argsort(distance, kind="stable")
        self._distance = distance[order]
        self._community = rows[i[order]]  # the community's row in ``communities``
        standard = np.zeros(len(i), dtype=bool)
        if "meets_standard" in stations.columns:
            flags = stations["meets_standard"].fill_null(False).to_numpy()[station_rows]
            standard = flags[j[order]].astype(bool)
        # the same for the pairs with a standard-meeting station
        self._standard_distance = self._distance[standard]
        self._standard_community = self._community[standard]
        index, dist = nearest(lat, lon, s_lat, s_lon)
        n = communities.height
        self._nearest_m = np.full(n, np.nan)
        self._nearest_row = np.full(n, -1, dtype=np.int64)
        found = index >= 0
        self._nearest_m[rows[found]] = dist[found]
        self._nearest_row[rows[found]] = station_rows[index[found]]
        self._workers = communities["outdoor_workers"].fill_null(0).to_numpy()

    def at(self, radius_m: float) -> pl.DataFrame:
        """The communities with :data:`COVERAGE_COLUMNS` at ``radius_m`` (<= the widest)."""
        if radius_m > self.widest_m:
            raise ValueError(f"radius {radius_m} m is wider than the index's {self.widest_m} m")
        n = self.communities.height
        within = np.searchsorted(self._distance, radius_m, side="right")
        within_r = np.bincount(self._community[:within], minlength=n)
        standard = np.searchsorted(self._standard_distance, radius_m, side="right")
        standard_r = np.bincount(self._standard_community[:standard], minlength=n)
        covered = within_r > 0
        return self.communities.with_columns(
            pl.Series("stations_within_r", within_r, dtype=pl.Int64),
            pl.Series("covered", covered),
            pl.Series("standard_covered", standard_r > 0),
            pl.Series("uncovered_workers", np.where(covered, 0, self._workers), dtype=pl.Int64),
            pl.Series("nearest_station_m", self._nearest_m).fill_nan(None),
            pl.Series("nearest_station", self._nearest_row).replace(-1, None),
        )
