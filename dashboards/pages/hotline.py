"""热线 Hotline: calls by category over time, resolution rate and median hours, backlog
and satisfaction, routing departments, and the calls no community could be matched to."""

from __future__ import annotations

import dash
import polars as pl
from dash import Input, Output, callback, html

from dashboards import data, figures
from dashboards.components import (
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
from dashboards.i18n import t

dash.register_page(__name__, path="/hotline", order=4, name="热线", i18n_key="page.hotline")


def layout(**_):
    if not data.available():
        return no_data()
    return html.Div(
        [
            page_header("page.hotline"),
            section("hotline.categories", graph("hotline-categories"),
                    download_bar("hotline_categories"), help_key="hotline", wide=True),
            section("hotline.performance", graph("hotline-performance"), help_key="hotline"),
            section("hotline.backlog", graph("hotline-backlog"), help_key="backlog"),
            section("hotline.routing", table("hotline-routing", 300),
                    download_bar("hotline_routing"), help_key="routing"),
            section("hotline.unassigned", graph("hotline-unassigned"), help_key="unassigned"),
        ],
        className="grid",
    )  # fmt: skip


@callback(
    *chart_outputs("hotline-categories"),
    *chart_outputs("hotline-performance"),
    *chart_outputs("hotline-backlog"),
    *chart_outputs("hotline-unassigned"),
    Output(download_params("hotline_categories"), "data"),
    *table_outputs("hotline-routing", "hotline_routing"),
    Input("lang", "data"),
    Input("month", "value"),
    Input("scope", "data"),
)
def update(lang, month, scope):
    viewer, month, scope = context(month, scope)
    trend = data.kpi_trend(viewer, scope, month)
    routing = data.hotline_routing(viewer, scope, month).with_columns(
        routed_to=pl.col("routed_to").fill_null(t("hotline.not_routed", lang))
    )
    unassigned = data.unassigned_calls(viewer, scope, month)
    params = {"scope": scope, "month": month.isoformat()}
    charts = {
        "hotline.categories": figures.stacked_over_months(
            data.hotline_by_category(viewer, scope, month), "category", "calls", lang, "category"
        ),
        # the like-for-like rate: the newest month's open calls do not pull it down
        "hotline.performance": figures.two_measures(
            trend, "resolution_rate_7d", "median_resolution_hours", lang, left_rate=True
        ),
        "hotline.backlog": figures.two_measures(
            trend, "backlog", "avg_satisfaction", lang, right_range=[0, 5.2]
        ),
        "hotline.unassigned": figures.unassigned(unassigned, lang),
    }
    stamped = [v for key, fig in charts.items()
               for v in chart_values(fig, key, viewer, scope, month, lang)]  # fmt: skip
    return (
        *stamped,
        params,
        *table_values(routing, lang, params=params),
    )  # fmt: skip
