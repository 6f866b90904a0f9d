"""Freshness, the month and scope pickers, and the overview: key figures with their
month-on-month and year-on-year changes, trends and rankings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboards.data.snapshot import as_month, query, shift
from dashboards.viewer import Viewer
from pipelines.scope import LEVELS, level_of, prefix_of


def snapshot_info(viewer: Viewer) -> dict[str, str]:
    """built_at, coverage_radius_m, first/last/latest complete month (no file list
    unless the viewer is the city)."""
    rows = query("SELECT key, value FROM snapshot_info").rows()
    return {k: v for k, v in rows if viewer.is_city or not k.startswith("source_file:")}


def months(viewer: Viewer) -> list[date]:
    """Every published month, oldest first."""
    return query("SELECT DISTINCT month FROM kpi_monthly ORDER BY month")["month"].to_list()


def default_month(viewer: Viewer) -> date | None:
    info = snapshot_info(viewer)
    value = info.get("latest_complete_month") or info.get("last_month")
    if value:
        return as_month(value)
    all_months = months(viewer)
    return all_months[-1] if all_months else None


def scope_options(viewer: Viewer, level: str, parent: str | None = None) -> pl.DataFrame:
    """Scopes of one level (code, name) the viewer may see, optionally under a parent."""
    parent = viewer.allowed(parent) if parent else viewer.scope_code
    return query(
        """SELECT scope_code, scope_name FROM scopes
        WHERE scope_level = $level AND starts_with(scope_code, $prefix)
        ORDER BY scope_code""",
        level=level,
        prefix=prefix_of(parent),
    )


def scope_name(viewer: Viewer, scope: str | None) -> str:
    code = viewer.allowed(scope)
    names = query("SELECT scope_name FROM scopes WHERE scope_code = $code", code=code)
    return names["scope_name"][0] if names.height else code


# --- overview ----------------------------------------------------------------------

KPI_COLUMNS = (
    "active_stations", "standard_stations", "accepted_stations", "standard_rate", "visits",
    "unique_workers", "visits_per_station_day", "calls", "resolved", "resolution_rate",
    "median_resolution_hours", "avg_satisfaction", "backlog", "drives", "reached",
    "enrolled", "enrollment_rate", "outdoor_workers", "covered_workers", "coverage_rate",
    "standard_coverage_rate", "communities", "covered_communities",
)  # fmt: skip


@dataclass(frozen=True)
class Change:
    """A figure for a month with its month-on-month and year-on-year change
    (absolute and relative; None when the earlier month or value is missing or 0)."""

    value: float | None
    mom_abs: float | None
    mom_rel: float | None
    yoy_abs: float | None
    yoy_rel: float | None


def _change(now: float | None, before: float | None) -> tuple[float | None, float | None]:
    if now is None or before is None:
        return None, None
    return now - before, ((now - before) / before if before else None)


def kpis(viewer: Viewer, scope: str | None, month: date | str) -> dict[str, Change]:
    """Every kpi_monthly figure of a scope and month with its changes."""
    month = as_month(month)
    code = viewer.allowed(scope)
    prev, last_year = shift(month, -1), shift(month, -12)
    rows = query(
        f"""SELECT month, {", ".join(KPI_COLUMNS)} FROM kpi_monthly
        WHERE scope_code = $code AND month IN ($m, $p, $y)""",
        code=code,
        m=month,
        p=prev,
        y=last_year,
    )
    by_month = {r["month"]: r for r in rows.to_dicts()}
    now, before, year_ago = by_month.get(month, {}), by_month.get(prev), by_month.get(last_year)
    out = {}
    for column in KPI_COLUMNS:
        value = now.get(column)
        mom = _change(value, before.get(column)) if before else (None, None)
        yoy = _change(value, year_ago.get(column)) if year_ago else (None, None)
        out[column] = Change(value, *mom, *yoy)
    return out


def kpi_trend(viewer: Viewer, scope: str | None, month: date | str, n: int = 24) -> pl.DataFrame:
    """kpi_monthly of a scope for the n months up to ``month``."""
    month = as_month(month)
    return query(
        f"""SELECT month, {", ".join(KPI_COLUMNS)} FROM kpi_monthly
        WHERE scope_code = $code AND month > $start AND month <= $m ORDER BY month""",
        code=viewer.allowed(scope),
        start=shift(month, -n),
        m=month,
    )


def ranking(viewer: Viewer, scope: str | None, month: date | str, level: str) -> pl.DataFrame:
    """The scopes of ``level`` inside the scope, with coverage, visits and resolution."""
    code = viewer.allowed(scope)
    if LEVELS.index(level) <= LEVELS.index(level_of(code)):
        return pl.DataFrame()
    return query(
        """SELECT scope_code, scope_name, coverage_rate, visits, resolution_rate,
                  covered_workers, outdoor_workers, calls, resolved
        FROM kpi_monthly
        WHERE month = $m AND scope_level = $level AND starts_with(scope_code, $prefix)
        ORDER BY scope_code""",
        m=as_month(month),
        level=level,
        prefix=prefix_of(code),
    )

