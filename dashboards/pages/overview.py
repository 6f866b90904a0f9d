"""月度概览 Overview: the month's key figures with their changes, 24-month trends,
rankings of districts and subdistricts, and the monthly report files."""

from __future__ import annotations

import dash
from dash import Input, Output, callback, dcc, html

from dashboards import data, figures
from dashboards.components import (
    T,
    context,
    download_bar,
    download_params,
    graph,
    kpi_card,
    no_data,
    page_header,
    section,
)  # fmt: skip
from dashboards.i18n import column, t

dash.register_page(__name__, path="/", order=1, name="月度概览", i18n_key="page.overview")

#: the cards, in reading order, with how each value is shown
CARDS = (
    ("active_stations", "count"), ("standard_rate", "rate"), ("visits", "count"),
    ("unique_workers", "count"), ("calls", "count"), ("resolution_rate", "rate"),
    ("backlog", "count"), ("enrolled", "count"), ("enrollment_rate", "rate"),
    ("coverage_rate", "rate"), ("standard_coverage_rate", "rate"),
    ("median_resolution_hours", "hours"),
)  # fmt: skip


#: figures where a rise is bad news
LOWER_IS_BETTER = {"backlog", "median_resolution_hours"}


def layout(**_):
    if not data.available():
        return no_data()
    rank_by = dcc.RadioItems(id="overview-rank-by", value="coverage_rate", inline=True)
    return html.Div(
        [
            page_header("page.overview"),
            section("overview.kpis", html.Div(id="overview-kpis", className="kpi-grid"),
                    help_key="kpis", wide=True),
            section("overview.trends", graph("overview-trends", 420), help_key="trends",
                    wide=True, extra=download_bar("kpi_trend")),
            section("overview.rank_districts", graph("overview-rank-district", 260),
                    download_bar("ranking_district"), help_key="ranking", extra=rank_by),
            section("overview.rank_subdistricts", graph("overview-rank-subdistrict", 260),
                    download_bar("ranking_subdistrict"), help_key="ranking"),
            section("overview.reports", html.Div(id="overview-reports"), wide=True),
        ],
        className="grid",
    )  # fmt: skip


@callback(
    Output("overview-kpis", "children"),
    Output("overview-trends", "figure"),
    Output(download_params("kpi_trend"), "data"),
    Output("overview-reports", "children"),
    Input("lang", "data"),
    Input("month", "value"),
    Input("scope", "data"),
)
def update(lang, month, scope):
    viewer, month, scope = context(month, scope)
    changes = data.kpis(viewer, scope, month)
    cards = [
        kpi_card(name, changes[name], lang, kind, name not in LOWER_IS_BETTER)
        for name, kind in CARDS
    ]
    trend = figures.trends(data.kpi_trend(viewer, scope, month), lang)
    files = data.report_files(viewer, month)
    reports = (
        html.Ul(
            [html.Li(html.A(p.name, href=f"/reports/{p.name}", target="_blank")) for p in files],
            className="report-list",
        )
        if files
        else html.P(t("overview.no_report", lang), className="muted")
    )
    params = {"scope": scope, "month": month.isoformat()}
    return cards, trend, params, reports


@callback(
    Output("overview-rank-by", "options"),
    Output("overview-rank-district", "figure"),
    Output("overview-rank-subdistrict", "figure"),
    Output(download_params("ranking_district"), "data"),
    Output(download_params("ranking_subdistrict"), "data"),
    Input("lang", "data"),
    Input("month", "value"),
    Input("scope", "data"),
    Input("overview-rank-by", "value"),
)
def rankings(lang, month, scope, measure):
    viewer, month, scope = context(month, scope)
    measure = measure if measure in figures.RANK_MEASURES else "coverage_rate"
    options = [{"label": column(m, lang), "value": m} for m in figures.RANK_MEASURES]
    districts = figures.ranking(data.ranking(viewer, scope, month, "district"), measure, lang)
    subdistricts = figures.ranking(data.ranking(viewer, scope, month, "subdistrict"), measure, lang)
    params = {"scope": scope, "month": month.isoformat()}
    return options, districts, subdistricts, params, params


__all__ = ["T"]
