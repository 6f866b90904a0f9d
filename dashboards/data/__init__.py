"""The dashboard's one door to data: read-only, parameterised queries over the serving
snapshot, each restricted to what the viewer may see.

Every function takes a :class:`~dashboards.viewer.Viewer` first. A viewer carries the one
scope (city, district, subdistrict or community code) they may see; a requested scope
outside it is replaced by the viewer's own scope, and rows outside it are never
returned. Access control plugs in with :func:`set_viewer_provider`; until then everyone
is the city.

One module per page area; pages call them through this package (``data.kpis(…)``):

- :mod:`.snapshot` — the connection that follows the snapshot's replacements, settings,
  the current viewer;
- :mod:`.overview` — freshness, pickers, key figures, trends, rankings;
- :mod:`.coverage`, :mod:`.demand`, :mod:`.hotline`, :mod:`.membership`,
  :mod:`.stations`, :mod:`.quality`, :mod:`.siting` — one each per page;
- :mod:`.forecast` — the demand page's 需求预测 section;
- :mod:`.reports` — the monthly report files; :mod:`.downloads` — what each download
  button exports.
"""

from dashboards.data.coverage import community_coverage, coverage_at_radius, stations_in_month
from dashboards.data.demand import (
    crowded_stations,
    demand_by_community,
    hour_weekday,
    seasons,
    service_mix,
    worker_mix,
)
from dashboards.data.downloads import DOWNLOADS, download_table
from dashboards.data.forecast import (
    ScopeForecast,
    forecast_stations,
    forecast_table,
    scope_forecast,
)
from dashboards.data.hotline import hotline_by_category, hotline_routing, unassigned_calls
from dashboards.data.membership import cumulative_enrolment, drives_by_platform
from dashboards.data.overview import (
    KPI_COLUMNS,
    Change,
    default_month,
    kpi_trend,
    kpis,
    months,
    ranking,
    scope_name,
    scope_options,
    snapshot_info,
)
from dashboards.data.quality import (
    QUARANTINE_SHOWN,
    ingest_files,
    quarantine_rows,
    quarantine_rows_shown,
    quarantine_summary,
)
from dashboards.data.reports import report_files
from dashboards.data.stations import station_registry
from dashboards.data.snapshot import (
    Snapshot,
    available,
    configure,
    current_viewer,
    set_viewer_provider,
    settings,
    snapshot,
)
from dashboards.viewer import Viewer
from pipelines.serving import NoSnapshot

__all__ = [
    "DOWNLOADS", "KPI_COLUMNS", "QUARANTINE_SHOWN", "Change", "NoSnapshot", "Snapshot",
    "Viewer", "available", "community_coverage", "configure", "coverage_at_radius",
    "crowded_stations", "cumulative_enrolment", "current_viewer", "default_month",
    "demand_by_community", "download_table", "drives_by_platform", "hotline_by_category",
    "hotline_routing", "hour_weekday", "ingest_files", "kpi_trend", "kpis", "months",
    "quarantine_rows", "quarantine_rows_shown", "quarantine_summary", "ranking",
    "report_files", "scope_name", "scope_options", "seasons", "service_mix",
    "set_viewer_provider", "settings", "snapshot", "snapshot_info", "stations_in_month",
    "station_registry", "unassigned_calls", "worker_mix",
    # 需求预测 Demand forecast
    "ScopeForecast", "forecast_stations", "forecast_table", "scope_forecast",
]  # fmt: skip
