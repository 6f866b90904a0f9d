"""The siting page's map: today's coverage, the communities a plan adds, its sites over
today's stations (small, grey, hoverable) and the outlines that orient the reader."""

from __future__ import annotations

import polars as pl

from dashboards.basemaps import Basemap
from dashboards.figures.base import COLORS
from dashboards.figures.maps import (
    LOCAL_FONT,
    MapFigure,
    Outlines,
    community_hover,
    fit_view,
    fullwidth,
    map_figure,
    map_points,
)
from dashboards.i18n import column, t
from pipelines.planning.siting import SitingPlan

#: community status → legend key, colour, marker size, drawn in this order (the
#: communities a plan adds last, so that they are not hidden)
STATUS = {
    "covered": ("legend.covered_today", "#d5d8dc", 5),
    "gap": ("legend.still_uncovered", "#f5b7a1", 6),
    "new": ("legend.new_covered", COLORS["good"], 10),
}


def _site_text(plan: SitingPlan, lang: str) -> list[str]:
    texts = []
    for s in plan.sites:
        place = " / ".join(p for p in (s.district, s.subdistrict, s.community_name) if p)
        pinned = f" · {t('siting.pinned', lang)}" if s.pinned else ""
        texts.append(
            f"{s.rank}. {s.site_name} ({s.site_id}){pinned}<br>{place}<br>"
            f"{column('marginal_workers', lang)}: +{s.marginal_workers:,} → "
            f"{s.cumulative_workers:,}<br>{column('est_cost', lang)}: {s.est_cost:,.2f}"
        )
    return texts


def siting_map(
    plan: SitingPlan, stations: pl.DataFrame, lang: str, outlines: Outlines | None,
    tiles: Basemap | None,
) -> MapFigure:  # fmt: skip
    """Communities by status (covered today, newly covered, still uncovered), today's
    stations small and grey beneath them (name on hover), the planned sites large on
    top. A plain dict, as :func:`~dashboards.figures.maps.coverage_map`."""
    communities = plan.communities
    hover = "%{customdata[0]}<br>" + column("outdoor_workers", lang) + ": %{customdata[1]:,}"
    traces = [map_points(
        stations, marker={"size": 5, "color": "#7f8c8d", "opacity": 0.7},
        name=t("legend.stations", lang), text=stations["station_name"].to_list(),
        hovertemplate="%{text}<extra></extra>",
    )]  # fmt: skip
    for status, (key, color, size) in STATUS.items():
        part = communities.filter(pl.col("status") == status)
        traces.append(map_points(
            part, marker={"size": size, "color": color, "opacity": 0.85}, name=t(key, lang),
            customdata=community_hover(part), hovertemplate=hover + "<extra></extra>",
        ))  # fmt: skip
    traces.append({
        "lat": [s.lat for s in plan.sites], "lon": [s.lon for s in plan.sites],
        "mode": "markers", "type": "scattermap",
        "marker": {"size": 15, "color": COLORS["primary"], "opacity": 0.9},
        "name": t("legend.planned", lang), "text": _site_text(plan, lang),
        "hovertemplate": "%{text}<extra></extra>",
    })  # fmt: skip
    # each site's rank written on it, in characters MapLibre draws without glyph files
    traces.append({
        "lat": [s.lat for s in plan.sites], "lon": [s.lon for s in plan.sites],
        "mode": "text", "type": "scattermap", "showlegend": False, "hoverinfo": "skip",
        "text": [fullwidth(str(s.rank)) for s in plan.sites],
        "textfont": {"family": LOCAL_FONT, "size": 10, "color": "#ffffff"},
    })  # fmt: skip
    center, zoom = fit_view(communities)
    return map_figure(traces, outlines, tiles, center, zoom, template="plotly_white")
