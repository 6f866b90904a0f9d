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
  button exports;
- :mod:`.uploads` — a steward's landing files and the audit log (数据上报, 数据质量).
"""

from dashboards.data.coverage import (
    GAP_COLUMNS,
    community_coverage,
    coverage_at_radius,
    coverage_gaps,
    stations_in_month,
    warm_coverage,
)
from dashboards.data.demand import (
    crowded_stations,
    demand_by_community,
    hour_weekday,
    seasons,
    service_mix,
    worker_mix,
)
from dashboards.data.downloads import DOWNLOADS, describe, download_table
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
    RANK_COLUMNS,
    Change,
    Standing,
    attention,
    default_month,
    inside_level,
    kpi_trend,
    kpis,
    months,
    parent_figures,
    peer_group,
    peer_ranking,
    provisional,
    ranking,
    scope_name,
    scope_options,
    snapshot_info,
    standing,
    targets,
)
from dashboards.data.quality import (
    QUARANTINE_SHOWN,
    ingest_files,
    quarantine_rows,
    quarantine_rows_shown,
    quarantine_summary,
)
from dashboards.data.reports import brief, brief_scope, month_card, report_files, report_groups
from dashboards.data.snapshot import (
    Snapshot,
    available,
    configure,
    current_viewer,
    newest,
    set_snapshot_chooser,
    set_viewer_provider,
    settings,
    snapshot,
)
from dashboards.data.stations import station_registry
from dashboards.data.uploads import audit_events, steward_files
from dashboards.viewer import Viewer
from pipelines.serving import NoSnapshot

__all__ = [
    "audit_events", "steward_files",
    "DOWNLOADS", "GAP_COLUMNS", "KPI_COLUMNS", "QUARANTINE_SHOWN", "RANK_COLUMNS", "Change",
    "NoSnapshot", "Snapshot", "Standing", "Viewer", "attention", "available", "brief",
    "brief_scope", "community_coverage", "configure", "coverage_at_radius", "coverage_gaps",
    "crowded_stations", "cumulative_enrolment", "current_viewer", "default_month",
    "demand_by_community", "describe", "download_table", "drives_by_platform",
    "hotline_by_category", "hotline_routing",
    "hour_weekday", "ingest_files", "inside_level", "kpi_trend", "kpis", "month_card",
    "months", "newest", "parent_figures", "peer_group", "peer_ranking", "provisional",
    "quarantine_rows", "quarantine_rows_shown", "quarantine_summary", "ranking", "report_files",
    "report_groups", "scope_name", "scope_options", "seasons", "service_mix",
    "set_snapshot_chooser", "set_viewer_provider", "settings", "snapshot", "snapshot_info",
    "standing", "station_registry", "stations_in_month", "targets", "unassigned_calls",
    "warm_coverage", "worker_mix",
    # 需求预测 Demand forecast
    "ScopeForecast", "forecast_stations", "forecast_table", "scope_forecast",
]  # fmt: skip
