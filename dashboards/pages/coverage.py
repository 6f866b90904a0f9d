"""覆盖缺口 Coverage: communities on a map coloured by uncovered workers, stations as
points, district boundaries; a radius slider that recomputes coverage live; the
largest gaps with the nearest station's distance."""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from dashboards import data, figures
from dashboards.basemaps import basemap
from dashboards.components import (
    chart_outputs,
    chart_values,
    context,
    download_bar,
    graph,
    no_data,
    page_header,
    section,
    table,
    table_outputs,
    table_values,
)  # fmt: skip
from dashboards.data.siting import geography
from dashboards.figures.maps import Outlines
from dashboards.i18n import percent, t

dash.register_page(__name__, path="/coverage", order=2, name="覆盖缺口", i18n_key="page.coverage")


def layout(**_):
    if not data.available():
        return no_data()
    settings = data.settings()
    low, high = settings.radius_range_m
    marks = sorted({low, high, *(m for m in (500, 1000, 2000, 3000) if low < m < high)})
    slider = dcc.Slider(
        id="coverage-radius", min=low, max=high, step=100, value=settings.coverage_radius_m,
        marks={m: f"{m:,.0f}" for m in marks},
        tooltip={"placement": "bottom", "always_visible": False}, updatemode="mouseup",
    )  # fmt: skip
    return html.Div(
        [
            page_header("page.coverage"),
            section("coverage.radius", slider, html.P(id="coverage-summary", className="lead"),
                    wide=True),
            section("coverage.map", graph("coverage-map", 560), help_key="coverage", wide=True),
            section("coverage.gaps", table("coverage-gaps"), download_bar("coverage_gaps"),
                    help_key="gaps", wide=True),
        ],
        className="grid",
    )  # fmt: skip


@callback(
    *chart_outputs("coverage-map"),
    Output("coverage-summary", "children"),
    *table_outputs("coverage-gaps", "coverage_gaps"),
    Input("lang", "data"),
    Input("month", "value"),
    Input("scope", "data"),
    Input("coverage-radius", "value"),
)
def update(lang, month, scope, radius_m):
    viewer, month, scope = context(month, scope)
    settings = data.settings()
    low, high = settings.radius_range_m
    if not isinstance(radius_m, int | float) or not low <= radius_m <= high:
        # a radius the slider cannot give: say so, never draw another radius instead
        message = t("coverage.radius_invalid", lang, low=low, high=high, radius=radius_m)
        empty = chart_values(figures.empty(lang), "coverage.map", viewer, scope, month, lang)
        return *empty, message, [], [], None
    radius_m = float(radius_m)
    communities = data.coverage_at_radius(viewer, scope, month, radius_m)
    stations = data.stations_in_month(viewer, scope, month)
    fig = figures.coverage_map(
        communities, stations, lang, Outlines.of(geography(viewer), communities),
        basemap(settings),
    )  # fmt: skip
    total = int(communities["outdoor_workers"].sum() or 0)
    uncovered = int(communities["uncovered_workers"].sum() or 0)
    summary = t(
        "coverage.summary", lang, r=int(radius_m), covered=total - uncovered, total=total,
        rate=percent((total - uncovered) / total if total else None),
        gaps=int((~communities["covered"]).sum()),
    )  # fmt: skip
    gaps = communities.filter(communities["uncovered_workers"] > 0).select(data.GAP_COLUMNS)
    params = {"scope": scope, "month": month.isoformat(), "radius_m": radius_m}
    return (*chart_values(fig, "coverage.map", viewer, scope, month, lang), summary,
            *table_values(gaps, lang, ("community_name",), params))  # fmt: skip
