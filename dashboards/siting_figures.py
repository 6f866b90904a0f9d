"""The siting page's map: today's coverage, the communities a plan adds, its sites."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards import figures
from dashboards.i18n import column, t
from pipelines.planning.siting import SitingPlan

#: community status → legend key, colour, marker size, drawn in this order (the
#: communities a plan adds last, so that they are not hidden)
STATUS = {
    "covered": ("legend.covered_today", "#bdc3c7", 5),
    "gap": ("legend.still_uncovered", "#f5b7a1", 6),
    "new": ("legend.new_covered", figures.COLORS["good"], 10),
}


def siting_map(
    communities: pl.DataFrame, stations: pl.DataFrame, plan: SitingPlan, lang: str,
    boundaries: dict | None, tiles_url: str | None,
) -> go.Figure:  # fmt: skip
    """Communities by status (covered today, newly covered, still uncovered), today's
    stations as small points and the planned sites as large numbered-in-hover points."""
    fig = go.Figure()
    hover = "%{customdata[0]}<br>" + column("outdoor_workers", lang) + ": %{customdata[1]:,}"
    for status, (key, color, size) in STATUS.items():
        if status == "gap":  # today's stations above the covered communities
            fig.add_trace(go.Scattermap(
                lat=stations["lat"].to_list(), lon=stations["lon"].to_list(), mode="markers",
                marker={"size": 6, "color": figures.COLORS["primary"]},
                name=t("legend.stations", lang), hoverinfo="skip",
            ))  # fmt: skip
        part = communities.filter(pl.col("status") == status)
        fig.add_trace(go.Scattermap(
            lat=part["lat"].to_list(), lon=part["lon"].to_list(), mode="markers",
            marker={"size": size, "color": color, "opacity": 0.8}, name=t(key, lang),
            customdata=list(zip(part["community_name"].to_list(),
                                part["outdoor_workers"].to_list(), strict=True)),
            hovertemplate=hover + "<extra></extra>",
        ))  # fmt: skip
    sites = [
        f"{s.rank}. {s.site_name} ({s.site_id})<br>+{s.marginal_workers:,} → "
        f"{s.cumulative_workers:,}"
        for s in plan.sites
    ]
    fig.add_trace(go.Scattermap(
        lat=[s.lat for s in plan.sites], lon=[s.lon for s in plan.sites], mode="markers",
        marker={"size": 13, "color": figures.COLORS["secondary"], "opacity": 0.75},
        name=t("legend.planned", lang), text=sites, hovertemplate="%{text}<extra></extra>",
    ))  # fmt: skip
    center, zoom = figures._center(communities)
    figures.map_layout(fig, boundaries, tiles_url, center, zoom)
    fig.update_layout(
        height=560,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        font={"family": figures.FONT, "size": 13},
        legend={"orientation": "h", "y": -0.02},
    )
    return fig
