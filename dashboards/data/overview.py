"""Freshness, the month and scope pickers, and the overview: key figures with their
month-on-month and year-on-year changes, targets and standing among peers, trends,
rankings, and the attention findings of the headline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboards.data.snapshot import as_month, per_snapshot, query, shift
from dashboards.viewer import Viewer
from pipelines.scope import LEVELS, level_of, parent_of, prefix_of


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
    """Scopes of one level (code, name) the viewer may see, optionally under a parent; at
    a level the viewer's scope lies inside, the one scope it lies in (a subdistrict
    leader's district, shown in its fixed picker)."""
    fixed = viewer.fixed_scope(level)
    if fixed is not None:
        return query(
            "SELECT scope_code, scope_name FROM scopes WHERE scope_code = $code", code=fixed
        )
    parent = viewer.allowed(parent) if parent else viewer.scope_code
    return query(
        """SELECT scope_code, scope_name FROM scopes
        WHERE scope_level = $level AND starts_with(scope_code, $prefix)
        ORDER BY scope_code""",
        level=level,
        prefix=prefix_of(parent),
    )


@per_snapshot(maxsize=1)
def _scope_names() -> dict[str, str]:
    # every chart's title names its scope: one read per snapshot, not one per chart
    names = query("SELECT scope_code, scope_name FROM scopes")
    return dict(zip(names["scope_code"], names["scope_name"], strict=True))


def scope_name(viewer: Viewer, scope: str | None) -> str:
    code = viewer.allowed(scope)
    return _scope_names().get(code, code)


# --- overview ----------------------------------------------------------------------

KPI_COLUMNS = (
    "active_stations", "standard_stations", "accepted_stations", "standard_rate", "visits",
    "unique_workers", "visits_per_station_day", "calls", "resolved", "resolution_rate",
    "eligible_calls_7d", "resolved_7d", "resolution_rate_7d", "median_resolution_hours",
    "avg_satisfaction", "backlog", "drives", "reached", "enrolled", "enrollment_rate",
    "outdoor_workers", "covered_workers", "coverage_rate", "standard_coverage_rate",
    "communities", "covered_communities",
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


#: the figures a ranking may be by (the like-for-like hotline rate, not resolution_rate)
RANK_COLUMNS = ("coverage_rate", "standard_rate", "visits", "resolution_rate_7d")


def ranking(
    viewer: Viewer, scope: str | None, month: date | str, level: str | None
) -> pl.DataFrame:
    """The scopes of ``level`` inside the scope, with the figures they are ranked by
    (none when ``level`` is None or not below the scope's)."""
    code = viewer.allowed(scope)
    if level is None or LEVELS.index(level) <= LEVELS.index(level_of(code)):
        return pl.DataFrame()
    return query(
        f"""SELECT scope_code, scope_name, {", ".join(RANK_COLUMNS)}, resolution_rate,
                  covered_workers, outdoor_workers, calls, resolved, eligible_calls_7d
        FROM kpi_monthly
        WHERE month = $m AND scope_level = $level AND starts_with(scope_code, $prefix)
        ORDER BY scope_code""",
        m=as_month(month),
        level=level,
        prefix=prefix_of(code),
    )


def peer_group(viewer: Viewer, scope: str | None) -> tuple[str, str]:
    """(level, parent code) of the scopes the scope is ranked among: its own level under
    its parent; for the city, the districts."""
    code = viewer.allowed(scope)
    level = level_of(code)
    if level == "city":
        return "district", code
    return level, parent_of(code, LEVELS[LEVELS.index(level) - 1])


def peer_ranking(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    """The scope and its peers (every KPI), the scopes a leader compares theirs with:
    another district's or subdistrict's totals only (:meth:`Viewer.may_compare`)."""
    level, parent = peer_group(viewer, scope)
    peers = query(
        f"""SELECT scope_code, scope_name, {", ".join(KPI_COLUMNS)} FROM kpi_monthly
        WHERE month = $m AND scope_level = $level AND parent_code = $parent
        ORDER BY scope_code""",
        m=as_month(month),
        level=level,
        parent=parent,
    )
    return peers.filter(pl.col("scope_code").map_elements(viewer.may_compare, pl.Boolean))


def inside_level(viewer: Viewer, scope: str | None) -> str | None:
    """The level the second ranking shows inside the scope: the city's and a district's
    subdistricts, a subdistrict's communities; nothing inside a community."""
    level = level_of(viewer.allowed(scope))
    return {"city": "subdistrict", "district": "subdistrict", "subdistrict": "community"}.get(level)


def parent_figures(viewer: Viewer, scope: str | None, month: date | str) -> dict:
    """The KPIs (and name) of the scope the peers share: the city for districts, the
    district for its subdistricts — the line the peers' ranking is drawn against."""
    _, parent = peer_group(viewer, scope)
    rows = query(
        f"""SELECT scope_code, scope_name, {", ".join(KPI_COLUMNS)} FROM kpi_monthly
        WHERE month = $m AND scope_code = $parent""",
        m=as_month(month),
        parent=parent,
    ).to_dicts()
    return rows[0] if rows and viewer.may_compare(parent) else {}


@dataclass(frozen=True)
class Standing:
    """A scope's place among its peers on one figure, and its parent's figure."""

    rank: int | None  # 1 = best; None without a value
    peers: int  # peers with a value, itself included
    parent_name: str
    parent_value: float | None


def standing(
    viewer: Viewer, scope: str | None, month: date | str, lower_is_better: frozenset[str]
) -> dict[str, Standing]:
    """Every KPI's rank among the scope's peers and its parent's value (none for the city)."""
    code = viewer.allowed(scope)
    if level_of(code) == "city":
        return {}
    peers = peer_ranking(viewer, code, month)
    above = parent_figures(viewer, code, month)
    own = peers.filter(pl.col("scope_code") == code).to_dicts()
    if not own or not above:
        return {}
    out = {}
    for column in KPI_COLUMNS:
        values = [v for v in peers[column].to_list() if v is not None]
        mine = own[0][column]
        if mine is None:
            rank = None
        elif column in lower_is_better:
            rank = 1 + sum(v < mine for v in values)
        else:
            rank = 1 + sum(v > mine for v in values)
        out[column] = Standing(rank, len(values), above["scope_name"], above[column])
    return out


def provisional(viewer: Viewer, month: date | str) -> bool:
    """Whether the month's hotline figures will still change (metrics.md "Hotline")."""
    rows = query(
        "SELECT bool_or(provisional) AS p FROM kpi_monthly WHERE month = $m", m=as_month(month)
    )
    return bool(rows["p"][0]) if rows.height else False


def attention(viewer: Viewer, scope: str | None, month: date | str) -> list[dict]:
    """The month's attention findings of the scope and of the scopes one level down."""
    code = viewer.allowed(scope)
    return query(
        """SELECT * FROM attention_monthly
        WHERE month = $m AND (scope_code = $code OR parent_code = $code)
        ORDER BY priority, magnitude DESC, scope_code, metric""",
        m=as_month(month),
        code=code,
    ).to_dicts()


def targets(viewer: Viewer) -> dict[str, float]:
    """Figure → target, as the findings were computed with."""
    return dict(query("SELECT metric, target FROM targets").rows())
