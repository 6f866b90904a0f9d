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
    n = communities.height
    located = (communities["lat"].is_not_null() & communities["lon"].is_not_null()).to_numpy()
    rows = np.flatnonzero(located)
    usable = stations["lat"].is_not_null() & stations["lon"].is_not_null()
    station_rows = np.flatnonzero(usable.to_numpy())
    lat, lon = communities["lat"].to_numpy()[rows], communities["lon"].to_numpy()[rows]
    s_lat = stations["lat"].to_numpy()[station_rows]
    s_lon = stations["lon"].to_numpy()[station_rows]
    i, j, _ = pairs_within(lat, lon, s_lat, s_lon, radius_m)
    within_r = np.zeros(n, dtype=np.int64)
    within_r[rows] = np.bincount(i, minlength=len(rows))
    standard_r = np.zeros(n, dtype=np.int64)
    if "meets_standard" in stations.columns:
        standard = stations["meets_standard"].fill_null(False).to_numpy()[station_rows]
        standard_r[rows] = np.bincount(i[standard[j].astype(bool)], minlength=len(rows))
    index, dist = nearest(lat, lon, s_lat, s_lon)
    nearest_m = np.full(n, np.nan)
    nearest_row = np.full(n, -1, dtype=np.int64)
    found = index >= 0
    nearest_m[rows[found]] = dist[found]
    nearest_row[rows[found]] = station_rows[index[found]]
    covered = within_r > 0
    workers = communities["outdoor_workers"].fill_null(0).to_numpy()
    return communities.with_columns(
        pl.Series("stations_within_r", within_r, dtype=pl.Int64),
        pl.Series("covered", covered),
        pl.Series("standard_covered", standard_r > 0),
        pl.Series("uncovered_workers", np.where(covered, 0, workers), dtype=pl.Int64),
        pl.Series("nearest_station_m", nearest_m).fill_nan(None),
        pl.Series("nearest_station", nearest_row).replace(-1, None),
    )
