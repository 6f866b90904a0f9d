"""选址规划 Siting: where the next k stations (or a budget's worth) cover the most
outdoor workers not covered today; the plan on a map beside today's coverage, its sites
by marginal gain, and a download."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from dashboards import data, figures
from dashboards.components import (
    T,
    download_bar,
    graph,
    no_data,
    page_header,
    section,
    table,
    table_outputs,
    table_values,
)  # fmt: skip
from dashboards.data import siting
from dashboards.i18n import percent, t

dash.register_page(
    __name__, path="/siting", order=8, name="选址规划", i18n_key="page.siting", filters=False
)


def _field(label_key: str, control) -> html.Label:
    return html.Label([T(label_key), control], className="field")


def layout(**_):
    if not data.available():
        return no_data()
    settings = data.settings()
    low, high = settings.radius_range_m
    viewer = data.current_viewer()
    number = {"type": "number", "debounce": True, "style": {"width": "120px"}}
    controls = html.Div(
        [
            _field("siting.k", dcc.Input(id="siting-k", min=1, max=200, step=1,
                                         value=settings.siting_k, **number)),
            _field("siting.radius", dcc.Input(id="siting-radius", min=low, max=high, step=100,
                                              value=settings.coverage_radius_m, **number)),
            _field("siting.budget", dcc.Input(id="siting-budget", min=0, **number)),
            _field("siting.district", dcc.Dropdown(
                id="siting-district", options=siting.district_options(viewer, "zh"),
                value="" if viewer.is_city else viewer.scope_code, clearable=False,
                className="picker")),
            dcc.Checklist(id="siting-centroids",
                          options=[{"label": T("siting.centroids"), "value": "yes"}], value=[]),
            html.Button(T("siting.run"), id="siting-run", className="btn"),
        ],
        className="filters",
    )  # fmt: skip
    return html.Div(
        [
            page_header("page.siting"),
            section("siting.controls", controls,
                    dcc.Loading(html.P(id="siting-summary", className="lead"), type="dot"),
                    help_key="siting", wide=True),
            section("siting.map", graph("siting-map", 560), wide=True),
            section("siting.table", table("siting-plan", 360), download_bar("siting_plan"),
                    wide=True),
        ],
        className="grid",
    )  # fmt: skip


@callback(
    Output("siting-map", "figure"),
    Output("siting-summary", "children"),
    *table_outputs("siting-plan", "siting_plan"),
    Input("siting-run", "n_clicks"),
    Input("lang", "data"),
    State("siting-k", "value"),
    State("siting-radius", "value"),
    State("siting-budget", "value"),
    State("siting-district", "value"),
    State("siting-centroids", "value"),
)
def update(_, lang, k, radius_m, budget, district, centroids):
    if not data.available():
        raise PreventUpdate
    viewer = data.current_viewer()
    settings = data.settings()
    k = int(k) if k else (None if budget else settings.siting_k)
    low, high = settings.radius_range_m
    radius_m = min(high, max(low, float(radius_m or settings.coverage_radius_m)))
    budget = float(budget) if budget not in (None, "") else None
    params = {"k": k, "radius_m": radius_m, "budget": budget, "district": district or None,
              "with_community_candidates": bool(centroids)}  # fmt: skip
    try:
        plan = siting.plan(viewer, **params)
    except PermissionError:
        return dash.no_update, t("siting.not_allowed", lang), [], [], None
    communities = siting.communities_on_map(plan)
    fig = figures.siting_map(
        communities, siting.todays_stations(), plan, lang,
        figures.district_boundaries(settings.districts_geojson),
        settings.map_tiles_url,
    )  # fmt: skip
    total, today = plan.outdoor_workers, plan.covered_workers_today
    after = today + plan.newly_covered_workers
    quality = (
        t("siting.proven", lang) if plan.proven_optimal
        else t("siting.gap", lang, gap=percent(plan.gap, 2))
    )  # fmt: skip
    scope = data.scope_name(viewer, plan.district) if plan.district else t("siting.city", lang)
    summary = t(
        "siting.summary", lang, scope=scope, today=today, total=total, after=after,
        rate_today=percent(today / total if total else None),
        rate_after=percent(after / total if total else None),
        sites=len(plan.sites), new=plan.newly_covered_workers, cost=plan.total_cost,
        quality=quality, seconds=plan.seconds,
    )  # fmt: skip
    shown = siting.plan_table(plan).drop("radius_m", "k", "proven_optimal", "gap")
    return fig, summary, *table_values(shown, lang, ("site_name",), params)


@callback(Output("siting-district", "options"), Input("lang", "data"))
def district_options(lang):
    if not data.available():
        raise PreventUpdate
    return siting.district_options(data.current_viewer(), lang)
