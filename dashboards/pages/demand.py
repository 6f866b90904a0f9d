"""服务需求 Demand: visits, calls and enrolment per community (also per 1,000 workers),
service and worker mix, weekday × hour, seasons and crowded stations."""

from __future__ import annotations

import dash
import polars as pl
from dash import Input, Output, callback, dcc, html

from dashboards import data, figures
from dashboards.components import (
    context,
    download_bar,
    download_params,
    graph,
    no_data,
    page_header,
    section,
    table,
    table_outputs,
    table_values,
)  # fmt: skip
from dashboards.i18n import t
from pipelines.scope import level_of

dash.register_page(__name__, path="/demand", order=3, name="服务需求", i18n_key="page.demand")


def layout(**_):
    if not data.available():
        return no_data()
    per = dcc.RadioItems(id="demand-per", value="per_1000", inline=True)
    return html.Div(
        [
            page_header("page.demand"),
            section("demand.per_community", graph("demand-communities", 380),
                    table("demand-table", 320), download_bar("demand"), help_key="demand",
                    wide=True, extra=per),
            section("demand.service_mix", graph("demand-services"), help_key="mix"),
            section("demand.worker_mix", graph("demand-workers"), help_key="mix"),
            section("demand.heatmap", graph("demand-heatmap", 300),
                    html.P(id="demand-heatmap-note", className="muted"), help_key="heatmap"),
            section("demand.seasons", graph("demand-seasons"), help_key="seasons"),
            section("demand.crowded", graph("demand-crowded", 380),
                    download_bar("crowded_stations"), help_key="crowded", wide=True),
        ],
        className="grid",
    )  # fmt: skip


@callback(
    Output("demand-per", "options"),
    Output("demand-communities", "figure"),
    *table_outputs("demand-table", "demand"),
    Input("lang", "data"),
    Input("month", "value"),
    Input("scope", "data"),
    Input("demand-per", "value"),
)
def communities(lang, month, scope, per):
    viewer, month, scope = context(month, scope)
    df = data.demand_by_community(viewer, scope, month)
    measure = "visits_per_1000_workers" if per == "per_1000" else "visits"
    top = df.sort(measure, descending=True, nulls_last=True).head(20)
    # names repeat across subdistricts (二街社区 …): the bar says which one
    top = top.with_columns(place=pl.format("{}（{}）", "community_name", "subdistrict"))
    fig = figures.bars(top, "place", measure, lang, horizontal=True, height=380)
    options = [{"label": t("demand.per_1000", lang), "value": "per_1000"},
               {"label": t("demand.absolute", lang), "value": "absolute"}]  # fmt: skip
    params = {"scope": scope, "month": month.isoformat()}
    return options, fig, *table_values(df, lang, ("community_name",), params)


@callback(
    Output("demand-services", "figure"),
    Output("demand-workers", "figure"),
    Output("demand-heatmap", "figure"),
    Output("demand-heatmap-note", "children"),
    Output("demand-seasons", "figure"),
    Output("demand-crowded", "figure"),
    Output(download_params("crowded_stations"), "data"),
    Input("lang", "data"),
    Input("month", "value"),
    Input("scope", "data"),
)
def mix(lang, month, scope):
    viewer, month, scope = context(month, scope)
    hours = data.hour_weekday(viewer, scope, month)
    note = t("demand.heatmap_parent", lang) if level_of(scope) == "community" else ""
    crowded = data.crowded_stations(viewer, scope, month)
    return (
        figures.bars(data.service_mix(viewer, scope, month), "service", "visits", lang, "service"),
        figures.bars(data.worker_mix(viewer, scope, month), "worker_type", "visits", lang,
                     "worker_type"),
        figures.heatmap(hours, lang),
        note,
        figures.seasons(data.seasons(viewer, scope), lang),
        figures.bars(crowded, "station_name", "visits_per_seat_day", lang, horizontal=True,
                     height=380),
        {"scope": scope, "month": month.isoformat()},
    )  # fmt: skip
