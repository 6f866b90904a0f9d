"""选址规划 Siting: where the next k stations (or a budget's worth) cover the most
outdoor workers not covered today. Settings (scope, k, radius, budget in 万元, weight by
workers or forecast visits, sites pinned and excluded), the plan on a map and in a table
with a download and a printable PDF, and named scenarios saved and compared.

The settings of the plan shown live in the ``siting-request`` store: the Plan button
writes it from the controls, opening a scenario writes it (and the controls) from the
scenario; the plan, the downloads and the printout all follow it.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboards import data, figures
from dashboards.basemaps import basemap
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
from dashboards.components.charts import chart_outputs, chart_values
from dashboards.components.downloads import file_stem
from dashboards.data import scenarios, siting
from dashboards.figures.maps import Outlines
from dashboards.i18n import dropdown_labels, month_label, percent, t
from pipelines.planning.request import PlanError, PlanRequest

dash.register_page(
    __name__, path="/siting", order=8, name="选址规划", i18n_key="page.siting", filters=False
)

_NUMBER = {"type": "number", "debounce": True, "style": {"width": "110px"}}
_CONTROLS = ("siting-k", "siting-radius", "siting-budget", "siting-scope", "siting-weight",
             "siting-centroids", "siting-pin", "siting-exclude")  # fmt: skip


def _field(label_key: str, control) -> html.Label:
    return html.Label([T(label_key), control], className="field")


def _picker(id_: str, multi: bool = False, **kw) -> dcc.Dropdown:
    return dcc.Dropdown(id=id_, multi=multi, className="picker", labels=dropdown_labels("zh"), **kw)


def layout(**_):
    if not data.available():
        return no_data()
    settings = data.settings()
    viewer = data.current_viewer()
    # the options now, so that the value shows at once (their words follow the language)
    scopes = siting.plan_scope_options(viewer, t("siting.city"))
    settings_row = html.Div([
        _field("siting.scope", _picker("siting-scope", clearable=False, options=scopes,
                                       value=scopes[0]["value"] if scopes else None)),
        _field("siting.k", dcc.Input(id="siting-k", step=1, value=settings.siting_k, **_NUMBER)),
        _field("siting.radius", dcc.Input(id="siting-radius", step=100,
                                          value=settings.coverage_radius_m, **_NUMBER)),
        _field("siting.budget", dcc.Input(id="siting-budget", **_NUMBER)),
        _field("siting.weight", dcc.RadioItems(id="siting-weight", value="workers", inline=True)),
    ], className="filters")  # fmt: skip
    sites_row = html.Div([
        _field("siting.pin", _picker("siting-pin", multi=True)),
        _field("siting.exclude", _picker("siting-exclude", multi=True)),
        dcc.Checklist(id="siting-centroids", value=[],
                      options=[{"label": T("siting.centroids"), "value": "yes"}]),
        html.Button(T("siting.run"), id="siting-run", className="btn"),
    ], className="filters")  # fmt: skip
    scenario_row = html.Div([
        _field("siting.scenario_name", dcc.Input(id="siting-scenario-name", type="text",
                                                 maxLength=40, style={"width": "200px"})),
        html.Button(T("siting.save"), id="siting-save", className="btn"),
        _field("siting.scenarios", _picker("siting-scenario")),
        html.Button(T("siting.open"), id="siting-open", className="btn"),
        html.Button(T("siting.delete"), id="siting-delete", className="btn"),
    ], className="filters")  # fmt: skip
    compare_row = html.Div([
        _field("siting.compare_a", _picker("siting-compare-a")),
        _field("siting.compare_b", _picker("siting-compare-b")),
        html.Button(T("siting.compare"), id="siting-compare", className="btn"),
    ], className="filters")  # fmt: skip
    return html.Div([
        dcc.Store(id="siting-request"),
        page_header("page.siting"),
        section("siting.controls", settings_row, sites_row,
                html.P(id="siting-message", className="message"),
                dcc.Loading(html.P(id="siting-summary", className="lead"), type="dot"),
                help_key="siting", wide=True),
        section("siting.map", graph("siting-map", 560), wide=True),
        section("siting.table", table("siting-plan", 380), download_bar("siting_plan"),
                html.Div([html.Button(T("siting.print"), id="siting-print", className="btn"),
                          dcc.Loading(dcc.Download(id="siting-pdf"), type="dot")],
                         className="download-bar"), wide=True),
        section("siting.scenarios_title", scenario_row,
                html.P(id="siting-scenario-status", className="muted"), compare_row,
                html.P(id="siting-compare-summary", className="lead"),
                table("siting-compare-table", 300), wide=True),
    ], className="grid")  # fmt: skip


def _request(k, radius_m, budget, scope, weight, centroids, pinned, excluded) -> dict:
    """The settings as typed: a blank number stays blank (no substitute); k must be whole."""

    def number(value):
        return None if value in (None, "") else float(value)

    k = number(k)
    return PlanRequest(
        k=int(k) if k is not None and k.is_integer() else k, radius_m=number(radius_m),
        budget=number(budget), scope=scope or None, weight=weight or "workers",
        with_community_candidates=bool(centroids), pinned=tuple(pinned or ()),
        excluded=tuple(excluded or ()),
    ).to_dict()  # fmt: skip


@callback(
    Output("siting-request", "data"),
    Input("siting-run", "n_clicks"),
    *(State(c, "value") for c in _CONTROLS),
)
def plan_settings(_, k, radius_m, budget, scope, weight, centroids, pinned, excluded):
    return _request(k, radius_m, budget, scope, weight, centroids, pinned, excluded)


@callback(
    *chart_outputs("siting-map"),
    Output("siting-summary", "children"),
    Output("siting-message", "children"),
    *table_outputs("siting-plan", "siting_plan"),
    Input("siting-request", "data"),
    Input("lang", "data"),
)
def update(request, lang):
    if not data.available() or not request:
        raise PreventUpdate
    viewer = data.current_viewer()
    try:
        plan = siting.plan(viewer, PlanRequest.from_dict(request))
    except PlanError as error:
        return figures.empty(lang), no_update, "", \
            t(f"siting.error.{error.code}", lang, **error.values), \
            [], [], None  # fmt: skip
    outlines = Outlines.of(siting.geography(viewer), plan.communities)
    tiles = basemap(data.settings())
    fig = figures.siting_map(plan, siting.stations_on_map(viewer, plan), lang, outlines, tiles)
    total, today = plan.outdoor_workers, plan.covered_workers_today
    after = today + plan.newly_covered_workers
    quality = (
        t("siting.proven", lang) if plan.proven_optimal
        else t("siting.gap", lang, gap=percent(plan.gap, 2))
    )  # fmt: skip
    summary = t(
        "siting.summary", lang, scope=plan.scope.name or t("siting.city", lang),
        month=month_label(plan.month, lang) if plan.month else "—", today=today, total=total,
        after=after, rate_today=percent(today / total if total else None),
        rate_after=percent(after / total if total else None), sites=len(plan.sites),
        new=plan.newly_covered_workers, cost=plan.total_cost, quality=quality,
        seconds=plan.seconds,
    )  # fmt: skip
    if plan.forecast_visits is not None:
        first, last = plan.forecast_months
        summary += t("siting.visits", lang, visits=plan.forecast_visits,
                     first=month_label(first, lang), last=month_label(last, lang))  # fmt: skip
    shown = siting.plan_table(plan)
    values = table_values(shown, lang, ("rank", "site_name"), plan.request.to_dict())
    chart = chart_values(fig, "siting.map", viewer, plan.scope.code, plan.month, lang)
    return *chart, summary, "", *values


@callback(
    Output("siting-scope", "options"),
    Output("siting-weight", "options"),
    Output("siting-scope", "labels"),
    Output("siting-pin", "labels"),
    Output("siting-exclude", "labels"),
    Input("lang", "data"),
)
def words(lang):
    if not data.available():
        raise PreventUpdate
    scopes = siting.plan_scope_options(data.current_viewer(), t("siting.city", lang))
    weights = [{"label": t(f"siting.weight.{w}", lang), "value": w}
               for w in ("workers", "forecast")]  # fmt: skip
    return scopes, weights, *[dropdown_labels(lang)] * 3


@callback(
    Output("siting-pin", "options"),
    Output("siting-exclude", "options"),
    Input("siting-scope", "value"),
)
def site_options(scope):
    if not data.available():
        raise PreventUpdate
    options = siting.site_options(data.current_viewer(), scope)
    return options, options


@callback(
    Output("siting-pdf", "data"),
    Input("siting-print", "n_clicks"),
    State("siting-request", "data"),
    State("lang", "data"),
    prevent_initial_call=True,
)
def printout(_, request, lang):
    if not request or not data.available():
        raise PreventUpdate
    try:
        pdf, plan = siting.printable_pdf(data.current_viewer(), PlanRequest.from_dict(request),
                                         lang or "zh")  # fmt: skip
    except (PlanError, FileNotFoundError):
        raise PreventUpdate from None
    title = t("siting.print_title", lang)
    stem = file_stem(title, plan.scope.name or t("siting.city", lang), plan.month)
    return dcc.send_bytes(pdf, f"{stem}.pdf")


# -- scenarios ---------------------------------------------------------------------------
@callback(
    Output("siting-scenario", "options"),
    Output("siting-compare-a", "options"),
    Output("siting-compare-b", "options"),
    Output("siting-scenario-status", "children"),
    Input("siting-save", "n_clicks"),
    Input("siting-delete", "n_clicks"),
    Input("lang", "data"),
    State("siting-scenario-name", "value"),
    State("siting-scenario", "value"),
    State("siting-request", "data"),
)
def keep_scenarios(_save, _delete, lang, name, chosen, request):
    if not data.available():
        raise PreventUpdate
    viewer, status = data.current_viewer(), ""
    try:
        if ctx.triggered_id == "siting-save":
            planned = siting.plan(viewer, PlanRequest.from_dict(request or {}))
            name = scenarios.save_scenario(viewer, name, planned.request, planned.month)
            status = t("siting.scenario.saved", lang, name=name)
        elif ctx.triggered_id == "siting-delete" and chosen:
            scenarios.delete_scenario(viewer, chosen)
            status = t("siting.scenario.deleted", lang, name=chosen)
        saved = scenarios.scenarios(viewer)
    except PlanError as error:
        return no_update, no_update, no_update, t(f"siting.error.{error.code}", lang,
                                                  **error.values)  # fmt: skip
    except scenarios.ScenarioError as error:
        return no_update, no_update, no_update, t(f"siting.scenario.{error.code}", lang)
    options = [{"label": t("siting.scenario.option", lang, name=n,
                           month=entry.get("month") or "—"), "value": n}
               for n, entry in sorted(saved.items())]  # fmt: skip
    return options, options, options, status


@callback(
    *(Output(c, "value", allow_duplicate=True) for c in _CONTROLS),
    Output("siting-request", "data", allow_duplicate=True),
    Output("siting-scenario-name", "value"),
    Input("siting-open", "n_clicks"),
    State("siting-scenario", "value"),
    prevent_initial_call=True,
)
def open_scenario(_, name):
    if not name or not data.available():
        raise PreventUpdate
    request = scenarios.scenario_request(data.current_viewer(), name)
    if request is None:
        raise PreventUpdate
    r = request
    controls = (r.k, r.radius_m, r.budget, r.scope or "", r.weight,
                ["yes"] if r.with_community_candidates else [], list(r.pinned),
                list(r.excluded))  # fmt: skip
    return *controls, request.to_dict(), name


@callback(
    Output("siting-compare-summary", "children"),
    *table_outputs("siting-compare-table"),
    Input("siting-compare", "n_clicks"),
    Input("lang", "data"),
    State("siting-compare-a", "value"),
    State("siting-compare-b", "value"),
)
def compare(_, lang, first, second):
    if not (first and second) or not data.available():
        raise PreventUpdate
    viewer = data.current_viewer()
    requests = [scenarios.scenario_request(viewer, name) for name in (first, second)]
    if None in requests:
        raise PreventUpdate
    try:
        both = siting.compare(viewer, *requests)
    except PlanError as error:
        return t(f"siting.error.{error.code}", lang, **error.values), [], []
    a, b = both["first"], both["second"]
    summary = t("siting.compare_summary", lang, a=first, b=second,
                workers_a=a.newly_covered_workers, workers_b=b.newly_covered_workers,
                cost_a=a.total_cost, cost_b=b.total_cost, sites_a=len(a.sites),
                sites_b=len(b.sites), common=both["common"])  # fmt: skip
    sites = both["sites"].rename({"in_first": "in_a", "in_second": "in_b"})
    values = table_values(sites, lang, ("site_name",))
    for spec in values[1]:  # the scenarios' own names head their columns
        if spec["field"] in ("in_a", "in_b"):
            spec["headerName"] = first if spec["field"] == "in_a" else second
    return summary, *values
