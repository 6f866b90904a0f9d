"""入会 Membership: drives, reached, enrolled and the enrolment rate by platform and
month, and cumulative enrolment."""

from __future__ import annotations

import dash
import polars as pl
from dash import Input, callback, html

from dashboards import data, figures
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

dash.register_page(__name__, path="/membership", order=5, name="入会", i18n_key="page.membership")


def layout(**_):
    if not data.available():
        return no_data()
    return html.Div(
        [
            page_header("page.membership"),
            section("membership.by_platform", graph("membership-platforms"), help_key="drives"),
            section("membership.cumulative", graph("membership-cumulative"),
                    help_key="cumulative"),
            section("membership.by_month", graph("membership-months"), help_key="drives",
                    wide=True),
            section("membership.table", table("membership-table", 320), download_bar("drives"),
                    help_key="drives", wide=True),
        ],
        className="grid",
    )  # fmt: skip


@callback(
    *chart_outputs("membership-platforms"),
    *chart_outputs("membership-cumulative"),
    *chart_outputs("membership-months"),
    *table_outputs("membership-table", "drives"),
    Input("lang", "data"),
    Input("month", "value"),
    Input("scope", "data"),
)
def update(lang, month, scope):
    viewer, month, scope = context(month, scope)
    drives = data.drives_by_platform(viewer, scope, month)
    this_month = drives.filter(pl.col("month") == month).sort("enrolled", descending=True)
    charts = {
        "membership.by_platform": figures.platforms(this_month, lang),
        "membership.cumulative": figures.cumulative(data.cumulative_enrolment(viewer, scope), lang),
        "membership.by_month": figures.stacked_over_months(
            drives, "platform", "enrolled", lang, "platform"
        ),
    }
    stamped = [v for key, fig in charts.items()
               for v in chart_values(fig, key, viewer, scope, month, lang)]  # fmt: skip
    return (
        *stamped,
        *table_values(drives, lang, params={"scope": scope, "month": month.isoformat()}),
    )
