"""驿站 Stations: the stations on a map by their 七有 status, and the registry with each
station's 七有 checklist, 验收 status, opening dates and the month's visits; a filter for
stations missing an amenity (the map and the table both follow it)."""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from dashboards import data
from dashboards.basemaps import basemap
from dashboards.components import (
    T,
    context,
    download_bar,
    graph,
    grid_columns,
    no_data,
    page_header,
    rows,
    section,
    table,
    table_outputs,
)  # fmt: skip
from dashboards.components.charts import chart_outputs, chart_values
from dashboards.data.siting import geography
from dashboards.figures.maps import Outlines
from dashboards.figures.stations import station_map
from dashboards.i18n import dropdown_labels, t
from pipelines.vocabulary import EXTRA_AMENITIES, SEVEN_AMENITIES

dash.register_page(__name__, path="/stations", order=6, name="驿站", i18n_key="page.stations")

_FLAGS = (*SEVEN_AMENITIES.codes, *EXTRA_AMENITIES.codes)


def layout(**_):
    if not data.available():
        return no_data()
    missing = html.Label(
        [
            T("stations.missing"),
            dcc.Dropdown(id="stations-missing", className="picker", labels=dropdown_labels("zh")),
        ],
        className="field",
    )
    return html.Div(
        [
            page_header("page.stations"),
            section("stations.map", graph("stations-map", 520), help_key="stations", wide=True),
            section("stations.registry", html.P(id="stations-count", className="lead"),
                    table("stations-table", 560), download_bar("stations"), help_key="stations",
                    wide=True, extra=missing),
        ],
        className="grid",
    )  # fmt: skip


@callback(
    Output("stations-missing", "options"),
    Output("stations-missing", "placeholder"),
    Output("stations-missing", "labels"),
    *chart_outputs("stations-map"),
    Output("stations-count", "children"),
    *table_outputs("stations-table", "stations"),
    Input("lang", "data"),
    Input("month", "value"),
    Input("scope", "data"),
    Input("stations-missing", "value"),
)
def update(lang, month, scope, missing):
    viewer, month, scope = context(month, scope)
    registry = data.station_registry(viewer, scope, month, missing)
    located = registry.drop_nulls(["lat", "lon"])
    fig = station_map(
        registry, lang, Outlines.of(geography(viewer), located), basemap(data.settings())
    )
    options = [{"label": SEVEN_AMENITIES.label(c, lang or "zh"), "value": c}
               for c in SEVEN_AMENITIES.codes] + [
        {"label": EXTRA_AMENITIES.label(c, lang or "zh"), "value": c}
        for c in EXTRA_AMENITIES.codes]  # fmt: skip
    columns = grid_columns(registry, lang, ("station_name",))
    for spec in columns:
        if spec["field"] in _FLAGS:
            amenity = SEVEN_AMENITIES if spec["field"] in SEVEN_AMENITIES.codes else EXTRA_AMENITIES
            spec["headerName"] = amenity.label(spec["field"], lang or "zh")
            spec["cellRenderer"] = "agCheckboxCellRenderer"
            spec["width"] = 96
        elif spec["field"] in ("meets_standard", "active", "accepted"):
            spec["cellRenderer"] = "agCheckboxCellRenderer"
    params = {"scope": scope, "month": month.isoformat(), "missing": missing}
    count = t("stations.count", lang, n=registry.height)
    chart = chart_values(fig, "stations.map", viewer, scope, month, lang)
    return (options, t("stations.any", lang), dropdown_labels(lang), *chart, count,
            rows(registry, lang), columns, params)  # fmt: skip
