"""The siting page's map: today's coverage, the communities a plan adds, its sites."""

from __future__ import annotations

import polars as pl

from dashboards.figures.base import COLORS
from dashboards.figures.maps import MapFigure, community_hover, fit_view, map_figure, map_points
from dashboards.i18n import column, t
from pipelines.planning.siting import SitingPlan

#: community status → legend key, colour, marker size, drawn in this order (the
#: communities a plan adds last, so that they are not hidden)
STATUS = {
    "covered": ("legend.covered_today", "#bdc3c7", 5),
    "gap": ("legend.still_uncovered", "#f5b7a1", 6),
    "new": ("legend.new_covered", COLORS["good"], 10),
}


def siting_map(
    communities: pl.DataFrame, stations: pl.DataFrame, plan: SitingPlan, lang: str,
    boundaries: dict | None, tiles_url: str | None,
) -> MapFigure:  # fmt: skip
    """Communities by status (covered today, newly covered, still uncovered), today's
    stations as small points and the planned sites as large numbered-in-hover points,
    over the district lines (and the tile basemap when one is configured). A plain
    dict, as :func:`~dashboards.maps.coverage_map`."""
    traces = []
    hover = "%{customdata[0]}<br>" + column("outdoor_workers", lang) + ": %{customdata[1]:,}"
    for status, (key, color, size) in STATUS.items():
        if status == "gap":  # today's stations above the covered communities
            traces.append(map_points(
                stations, marker={"size": 6, "color": COLORS["primary"]},
                name=t("legend.stations", lang), hoverinfo="skip",
            ))  # fmt: skip
        part = communities.filter(pl.col("status") == status)
        traces.append(map_points(
            part, marker={"size": size, "color": color, "opacity": 0.8}, name=t(key, lang),
            customdata=community_hover(part),
            hovertemplate=hover + "<extra></extra>",
        ))  # fmt: skip
    sites = [
        f"{s.rank}. {s.site_name} ({s.site_id})<br>+{s.marginal_workers:,} → "
        f"{s.cumulative_workers:,}"
        for s in plan.sites
    ]
    traces.append({
        "lat": [s.lat for s in plan.sites], "lon": [s.lon for s in plan.sites],
        "mode": "markers", "type": "scattermap",
        "marker": {"size": 13, "color": COLORS["secondary"], "opacity": 0.75},
        "name": t("legend.planned", lang), "text": sites, "hovertemplate": "%{text}<extra></extra>",
    })  # fmt: skip
    center, zoom = fit_view(communities)
    # plotly's default template and no style(), as this map has always been drawn
    return map_figure(traces, boundaries, tiles_url, center, zoom, styled=False)
