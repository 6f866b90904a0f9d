"""覆盖缺口 Coverage: communities on a map coloured by uncovered workers, stations as
points, district boundaries; a radius slider that recomputes coverage live; the
largest gaps with the nearest station's distance."""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from dashboards import data, figures
from dashboards.components import (
    context,
    download_bar,
    download_params,
    graph,
    grid,
    grid_columns,
    no_data,
    page_header,
    rows,
    section,
    table,
)  # fmt: skip
from dashboards.i18n import percent, t

dash.register_page(__name__, path="/coverage", order=2, name="覆盖缺口", i18n_key="page.coverage")

GAP_COLUMNS = ("community_name", "subdistrict", "district", "outdoor_workers",
               "uncovered_workers", "nearest_station_m", "nearest_station_name")  # fmt: skip


def layout(**_):
    if not data.available():
        return no_data()
    radius = data.settings().coverage_radius_m
    slider = dcc.Slider(
        id="coverage-radius", min=300, max=3000, step=100, value=radius,
        marks={m: f"{m:,}" for m in (300, 500, 1000, 1500, 2000, 2500, 3000)},
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
    Output("coverage-map", "figure"),
    Output("coverage-summary", "children"),
    Output(grid("coverage-gaps"), "rowData"),
    Output(grid("coverage-gaps"), "columnDefs"),
    Output(download_params("coverage_gaps"), "data"),
    Input("lang", "data"),
    Input("month", "value"),
    Input("scope", "data"),
    Input("coverage-radius", "value"),
)
def update(lang, month, scope, radius_m):
    viewer, month, scope = context(month, scope)
    radius_m = min(3000.0, max(300.0, float(radius_m or data.settings().coverage_radius_m)))
    communities = data.coverage_at_radius(viewer, scope, month, radius_m)
    stations = data.stations_in_month(viewer, scope, month)
    settings = data.settings()
    fig = figures.coverage_map(
        communities, stations, lang,
        figures.district_boundaries(settings.districts_geojson), settings.map_tiles_url,
    )  # fmt: skip
    total = int(communities["outdoor_workers"].sum() or 0)
    uncovered = int(communities["uncovered_workers"].sum() or 0)
    summary = t(
        "coverage.summary", lang, r=int(radius_m), covered=total - uncovered, total=total,
        rate=percent((total - uncovered) / total if total else None),
        gaps=int((~communities["covered"]).sum()),
    )  # fmt: skip
    gaps = communities.filter(communities["uncovered_workers"] > 0).select(GAP_COLUMNS)
    params = {"scope": scope, "month": month.isoformat(), "radius_m": radius_m}
    return fig, summary, rows(gaps, lang), grid_columns(gaps, lang, ("community_name",)), params
