"""服务需求 Demand: visits, calls and enrolment per community (also per 1,000 workers),
service and worker mix, weekday × hour, seasons and crowded stations; and 需求预测, the
forecast of the scope (or one of its stations) with its backtest and weather assumption,
which does not depend on the month picked."""

from __future__ import annotations

import dash
import polars as pl
from dash import Input, Output, State, callback, dcc, html

from dashboards import data, figures
from dashboards.components import (
    T,
    chart_outputs,
    chart_values,
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
from dashboards.components.forecast import backtest_words, forecast_summary, weather_words
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
            *_forecast_sections(),
        ],
        className="grid",
    )  # fmt: skip


@callback(
    Output("demand-per", "options"),
    *chart_outputs("demand-communities"),
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
    return (options, *chart_values(fig, "demand.per_community", viewer, scope, month, lang),
            *table_values(df, lang, ("community_name",), params))  # fmt: skip


@callback(
    *chart_outputs("demand-services"),
    *chart_outputs("demand-workers"),
    *chart_outputs("demand-heatmap"),
    Output("demand-heatmap-note", "children"),
    *chart_outputs("demand-seasons"),
    *chart_outputs("demand-crowded"),
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

    def chart(fig, title_key: str) -> tuple:
        return chart_values(fig, title_key, viewer, scope, month, lang)

    return (
        *chart(figures.bars(data.service_mix(viewer, scope, month), "service", "visits", lang,
                            "service"), "demand.service_mix"),
        *chart(figures.bars(data.worker_mix(viewer, scope, month), "worker_type", "visits", lang,
                            "worker_type"), "demand.worker_mix"),
        *chart(figures.heatmap(hours, lang), "demand.heatmap"),
        note,
        *chart(figures.seasons(data.seasons(viewer, scope), lang), "demand.seasons"),
        *chart(figures.bars(crowded, "station_name", "visits_per_seat_day", lang,
                            horizontal=True, height=380), "demand.crowded"),
        {"scope": scope, "month": month.isoformat()},
    )  # fmt: skip


# --- 需求预测 Demand forecast ---------------------------------------------------------


def _forecast_sections() -> list:
    station = html.Label(
        [T("forecast.station"),
         dcc.Dropdown(id="demand-forecast-station", clearable=True, searchable=True,
                      className="picker", style={"minWidth": "320px"})],
        className="field",
    )  # fmt: skip
    return [
        section("forecast.title", html.Div(id="demand-forecast-summary"),
                graph("demand-forecast-fan", 380), download_bar("demand_forecast"),
                help_key="forecast", wide=True, extra=station),
        section("forecast.backtest", graph("demand-forecast-backtest", 340),
                html.Div(id="demand-forecast-accuracy"), help_key="forecast_backtest"),
        section("forecast.weather", graph("demand-forecast-weather", 300),
                html.Div(id="demand-forecast-assumed"), help_key="forecast_weather"),
    ]  # fmt: skip


@callback(
    Output("demand-forecast-station", "options"),
    Output("demand-forecast-station", "value"),
    Output("demand-forecast-station", "placeholder"),
    Output("demand-forecast-station", "disabled"),
    Input("lang", "data"),
    Input("scope", "data"),
    State("demand-forecast-station", "value"),
)
def forecast_stations(lang, scope, current):
    """Stations of the scope with a forecast; at the city, one among thousands is not a
    sensible pick: a district first."""
    viewer, _, scope = context(None, scope)
    if level_of(scope) == "city":
        return [], None, t("forecast.pick_district", lang), True
    stations = data.forecast_stations(viewer, scope)
    options = [{"label": f"{name} · {sid}", "value": sid} for sid, name in stations.iter_rows()]
    keep = current if current in set(stations["station_id"].to_list()) else None
    return options, keep, t("forecast.all_stations", lang), False


@callback(
    Output("demand-forecast-summary", "children"),
    Output("demand-forecast-fan", "figure"),
    Output(download_params("demand_forecast"), "data"),
    Output("demand-forecast-backtest", "figure"),
    Output("demand-forecast-backtest", "style"),
    Output("demand-forecast-accuracy", "children"),
    Output("demand-forecast-weather", "figure"),
    Output("demand-forecast-weather", "style"),
    Output("demand-forecast-assumed", "children"),
    Input("lang", "data"),
    Input("scope", "data"),
    Input("demand-forecast-station", "value"),
)
def forecast(lang, scope, station):
    viewer, _, scope = context(None, scope)
    view = data.scope_forecast(viewer, scope, station)
    # without a backtest or weather the words say so; an empty chart would add nothing
    hidden = {"display": "none"}
    return (
        forecast_summary(view, lang),
        figures.forecast_fan(view.history, view.forecast, lang),
        {"scope": scope},
        figures.backtest_chart(view.level_backtest, lang),
        hidden if view.level_backtest.is_empty() else {},
        backtest_words(view, lang),
        figures.weather_assumed(view.weather, lang),
        hidden if view.weather.is_empty() else {},
        weather_words(view, lang),
    )
