"""What every download button exports, and what the file says about itself.

A page puts the parameters it rendered with into its download store; the download
callback calls the same function the page called, for the same viewer, so a file holds
the rows the screen shows and is scope-restricted like every query. :func:`describe`
says what the file holds: its title, scope, data month, the page's settings and the
snapshot's time, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from dashboards.data.coverage import coverage_gaps
from dashboards.data.demand import crowded_stations, demand_by_community
from dashboards.data.forecast import forecast_table
from dashboards.data.hotline import hotline_by_category, hotline_routing
from dashboards.data.membership import drives_by_platform
from dashboards.data.overview import (
    RANK_COLUMNS,
    default_month,
    inside_level,
    kpi_trend,
    peer_ranking,
    ranking,
    scope_name,
    snapshot_info,
)
from dashboards.data.quality import ingest_files, quarantine_rows, quarantine_summary
from dashboards.data.siting import plan, plan_download
from dashboards.data.snapshot import as_month, settings
from dashboards.data.stations import station_registry
from dashboards.i18n import month_label, t
from dashboards.viewer import Viewer
from pipelines.planning.printable import SHANGHAI
from pipelines.planning.request import PlanRequest
from pipelines.vocabulary import EXTRA_AMENITIES, SEVEN_AMENITIES


@dataclass(frozen=True)
class Download:
    """A download button's table: ``title_key`` names the file (an i18n key), ``table``
    (viewer, **params) returns the rows the page shows, ``parameters`` are the page
    settings the file lists besides its scope and month, and ``monthly`` says whether the
    table is of the month picked (else of the whole snapshot)."""

    title_key: str
    table: Callable[..., pl.DataFrame]
    parameters: tuple[str, ...] = ()
    monthly: bool = True


DOWNLOADS: dict[str, Download] = {
    "kpi_trend": Download("overview.trends", lambda v, scope, month, **_: kpi_trend(v, scope, month)),
    "ranking_peers": Download(
        "download.rank_peers",
        lambda v, scope, month, **_: peer_ranking(v, scope, month).select(
            "scope_code", "scope_name", *RANK_COLUMNS
        ),
    ),
    "ranking_inside": Download(
        "download.rank_inside",
        lambda v, scope, month, **_: ranking(v, scope, month, inside_level(v, scope)),
    ),
    "coverage_gaps": Download(
        "coverage.gaps",
        lambda v, scope, month, radius_m=None, **_: coverage_gaps(
            v, scope, month, _defaults()["radius_m"] if radius_m is None else radius_m
        ),
        ("radius_m",),
    ),
    "demand": Download(
        "demand.per_community", lambda v, scope, month, **_: demand_by_community(v, scope, month)
    ),
    "crowded_stations": Download(
        "demand.crowded", lambda v, scope, month, **_: crowded_stations(v, scope, month)
    ),
    # of the last complete month's forecast: the file is named for that month
    "demand_forecast": Download(
        "forecast.title", lambda v, scope, **_: forecast_table(v, scope), monthly=False
    ),
    "hotline_categories": Download(
        "hotline.categories", lambda v, scope, month, **_: hotline_by_category(v, scope, month)
    ),
    "hotline_routing": Download(
        "hotline.routing", lambda v, scope, month, **_: hotline_routing(v, scope, month)
    ),
    "drives": Download(
        "membership.table", lambda v, scope, month, **_: drives_by_platform(v, scope, month)
    ),
    "stations": Download(
        "stations.registry",
        lambda v, scope, month, missing=None, **_: station_registry(v, scope, month, missing),
        ("missing",),
    ),
    "ingest_files": Download("quality.files", lambda v, **_: ingest_files(v), monthly=False),
    "quarantine_summary": Download(
        "quality.by_reason", lambda v, **_: quarantine_summary(v), monthly=False
    ),
    "quarantine_rows": Download("quality.rows", lambda v, **_: quarantine_rows(v), monthly=False),
    "siting_plan": Download("siting.table", plan_download, monthly=False),
}


def download_table(viewer: Viewer, name: str, params: dict[str, Any]) -> pl.DataFrame:
    """The table behind a download button, queried again for this viewer."""
    if name not in DOWNLOADS:
        raise KeyError(name)
    return DOWNLOADS[name].table(viewer, **params)


@dataclass(frozen=True)
class Description:
    """What a file says about itself (:func:`describe`): its title, the scope's name,
    the data month, and its (label, value) lines in the reader's language."""

    title: str
    scope_name: str
    month: date | None
    lines: list[tuple[str, str]]


def _defaults() -> dict[str, Any]:
    """What a table function takes when the page sent no value (its documented default)."""
    return {"radius_m": settings().coverage_radius_m}


def _setting(key: str, value: Any, lang: str | None) -> str:
    """A page setting as the file lists it."""
    if key == "missing":
        if not value:
            return t("stations.any", lang)
        amenity = SEVEN_AMENITIES if value in SEVEN_AMENITIES.codes else EXTRA_AMENITIES
        return amenity.label(value, "en" if lang == "en" else "zh")
    if key == "radius_m":
        return f"{float(value):,.0f}"
    return str(value)


def _siting_lines(viewer: Viewer, params: dict[str, Any], lang: str | None):
    """The plan's scope, month and settings, as the plan itself records them."""
    result = plan(viewer, PlanRequest.from_dict(params))
    request = result.request
    yes, no = t("yes", lang), t("no", lang)
    lines = [
        (t("siting.k", lang), str(request.k) if request.k is not None else "—"),
        (t("param.radius_m", lang), f"{request.radius_m:,.0f}"),
        (t("siting.budget", lang), f"{request.budget:,.2f}" if request.budget is not None else "—"),
        (t("siting.weight", lang), t(f"siting.weight.{request.weight}", lang)),
        (t("siting.centroids", lang), yes if request.with_community_candidates else no),
        (t("siting.pin", lang), "、".join(request.pinned) or "—"),
        (t("siting.exclude", lang), "、".join(request.excluded) or "—"),
    ]
    name = result.scope.name or scope_name(viewer, None)
    return name, result.month, lines


def describe(viewer: Viewer, name: str, params: dict[str, Any], lang: str | None,
             rows: int) -> Description:  # fmt: skip
    """What the file of download ``name`` holds (module docstring)."""
    download = DOWNLOADS[name]
    info = snapshot_info(viewer)
    if name == "siting_plan":
        scope, month, settings = _siting_lines(viewer, params, lang)
    else:
        scope = scope_name(viewer, params.get("scope"))
        month = as_month(params.get("month")) if download.monthly else None
        month = month or default_month(viewer)
        given = {**_defaults(), **{k: v for k, v in params.items() if v is not None}}
        settings = [(t(f"param.{key}", lang), _setting(key, given.get(key), lang))
                    for key in download.parameters]  # fmt: skip
    built = (info.get("built_at") or "")[:16].replace("T", " ")
    lines = [
        (t("download.scope", lang), scope),
        (t("download.month", lang), month_label(month, lang) if month else "—"),
        *settings,
        (t("download.rows", lang), f"{rows:,}"),
        (t("download.built_at", lang), built or "—"),
        (t("download.exported_at", lang), f"{datetime.now(SHANGHAI):%Y-%m-%d %H:%M}"),
    ]
    return Description(t(download.title_key, lang), scope, month, lines)
