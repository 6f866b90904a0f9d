"""驿站 Stations: the registry with each station's 七有 checklist, 验收 status, opening
dates and the month's visits; a filter for stations missing an amenity."""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from dashboards import data
from dashboards.components import (
    T,
    context,
    download_bar,
    grid_columns,
    no_data,
    page_header,
    rows,
    section,
    table,
    table_outputs,
)  # fmt: skip
from dashboards.i18n import t
from pipelines.vocabulary import EXTRA_AMENITIES, SEVEN_AMENITIES

dash.register_page(__name__, path="/stations", order=6, name="驿站", i18n_key="page.stations")

_FLAGS = (*SEVEN_AMENITIES.codes, *EXTRA_AMENITIES.codes)


def layout(**_):
    if not data.available():
        return no_data()
    missing = html.Label(
        [T("stations.missing"), dcc.Dropdown(id="stations-missing", className="picker")],
        className="field",
    )
    return html.Div(
        [
            page_header("page.stations"),
            section("stations.registry", html.P(id="stations-count", className="lead"),
                    table("stations-table", 560), download_bar("stations"), help_key="stations",
                    wide=True, extra=missing),
        ],
        className="grid",
    )  # fmt: skip


@callback(
    Output("stations-missing", "options"),
    Output("stations-missing", "placeholder"),
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
    return options, t("stations.any", lang), count, rows(registry, lang), columns, params
