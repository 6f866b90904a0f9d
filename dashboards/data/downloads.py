"""What every download button exports: name → function(viewer, **params) → the table.

A page puts the parameters it rendered with into its download store; the download
callback calls the function again, so a download is scope-restricted like every query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from dashboards.data.coverage import coverage_at_radius
from dashboards.data.demand import crowded_stations, demand_by_community
from dashboards.data.forecast import forecast_table
from dashboards.data.hotline import hotline_by_category, hotline_routing
from dashboards.data.membership import drives_by_platform
from dashboards.data.overview import kpi_trend, ranking
from dashboards.data.quality import ingest_files, quarantine_rows, quarantine_summary
from dashboards.data.siting import plan_download
from dashboards.data.stations import station_registry
from dashboards.viewer import Viewer

DOWNLOADS: dict[str, Callable[..., pl.DataFrame]] = {
    "kpi_trend": lambda v, scope, month, **_: kpi_trend(v, scope, month),
    "ranking_district": lambda v, scope, month, **_: ranking(v, scope, month, "district"),
    "ranking_subdistrict": lambda v, scope, month, **_: ranking(v, scope, month, "subdistrict"),
    "coverage_gaps": lambda v, scope, month, radius_m=1000.0, **_: coverage_at_radius(
        v, scope, month, float(radius_m)
    ),
    "demand": lambda v, scope, month, **_: demand_by_community(v, scope, month),
    "crowded_stations": lambda v, scope, month, **_: crowded_stations(v, scope, month, 1000),
    "demand_forecast": lambda v, scope, **_: forecast_table(v, scope),
    "hotline_categories": lambda v, scope, month, **_: hotline_by_category(v, scope, month),
    "hotline_routing": lambda v, scope, month, **_: hotline_routing(v, scope, month),
    "drives": lambda v, scope, month, **_: drives_by_platform(v, scope, month),
    "stations": lambda v, scope, month, missing=None, **_: station_registry(
        v, scope, month, missing
    ),
    "ingest_files": lambda v, **_: ingest_files(v),
    "quarantine_summary": lambda v, **_: quarantine_summary(v),
    "quarantine_rows": lambda v, **_: quarantine_rows(v),
    "siting_plan": plan_download,
}


def download_table(viewer: Viewer, name: str, params: dict[str, Any]) -> pl.DataFrame:
    """The table behind a download button, queried again for this viewer."""
    if name not in DOWNLOADS:
        raise KeyError(name)
    return DOWNLOADS[name](viewer, **params)
