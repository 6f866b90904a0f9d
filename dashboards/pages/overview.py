"""月度概览 Overview: what needs attention this month (3–5 sentences, each opening its
page), the key figures against their targets and the scope's peers, 24-month trends,
two rankings — the scope among its peers, and the scopes inside it — where a click on a
bar drills into that scope, and the month's brief and WeChat card to download."""

from __future__ import annotations

import dash
from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboards import data, figures
from dashboards.components import (
    T,
    chart_outputs,
    chart_values,
    context,
    download_bar,
    download_params,
    explainer,
    graph,
    kpi_card,
    no_data,
    page_header,
    section,
)  # fmt: skip
from dashboards.i18n import column, t
from pipelines.report.attention import headline

dash.register_page(__name__, path="/", order=1, name="月度概览", i18n_key="page.overview")

#: the cards, in reading order (the figures with a target first), with how each is shown
CARDS = (
    ("coverage_rate", "rate"), ("standard_rate", "rate"), ("resolution_rate_7d", "rate"),
    ("visits", "count"), ("unique_workers", "count"), ("active_stations", "count"),
    ("calls", "count"), ("backlog", "count"), ("median_resolution_hours", "hours"),
    ("enrolled", "count"), ("enrollment_rate", "rate"), ("standard_coverage_rate", "rate"),
)  # fmt: skip
#: figures where a rise is bad news (ranked from the lowest)
LOWER_IS_BETTER = frozenset({"backlog", "median_resolution_hours"})
#: the hotline's figures: provisional in a provisional month (metrics.md "Hotline")
HOTLINE = frozenset({"calls", "resolution_rate_7d", "backlog", "median_resolution_hours"})


def _ranking(which: str) -> html.Section:
    """A ranking card whose title names what it ranks (it changes with the scope)."""
    header = [html.H3(id=f"overview-rank-{which}-title")]
    if which == "peers":
        radio = dcc.RadioItems(id="overview-rank-by", value="coverage_rate", inline=True)
        header.append(html.Div(radio, className="section-extra"))
    return html.Section(
        [
            html.Div(header, className="section-header"),
            graph(f"overview-rank-{which}", 280),
            html.P(T("overview.drill_hint"), className="muted hint"),
            download_bar(f"ranking_{which}"),
            explainer("ranking"),
        ],
        className="card",
    )


def layout(**_):
    if not data.available():
        return no_data()
    downloads = html.Div(
        [
            html.Button(T("overview.brief"), id="overview-brief-button", className="btn"),
            html.Button(T("overview.card"), id="overview-card-button", className="btn"),
            dcc.Loading(dcc.Download(id="overview-brief-download"), type="dot"),
            dcc.Loading(dcc.Download(id="overview-card-download"), type="dot"),
            html.Span(id="overview-card-note", className="muted"),
        ],
        className="download-bar",
    )
    return html.Div(
        [
            page_header("page.overview"),
            section("overview.attention", html.Ol(id="overview-attention", className="attention"),
                    help_key="attention", wide=True),
            section("overview.kpis", html.Div(id="overview-kpis", className="kpi-grid"),
                    help_key="kpis", wide=True),
            section("overview.trends", graph("overview-trends", 420), help_key="trends",
                    wide=True, extra=download_bar("kpi_trend")),
            _ranking("peers"),
            _ranking("inside"),
            section("overview.reports", downloads, html.Div(id="overview-reports"), wide=True),
        ],
        className="grid overview",
    )  # fmt: skip


@callback(
    Output("overview-attention", "children"),
    Output("overview-kpis", "children"),
    *chart_outputs("overview-trends"),
    Output(download_params("kpi_trend"), "data"),
    Output("overview-reports", "children"),
    Input("lang", "data"),
    Input("month", "value"),
    Input("scope", "data"),
)
def update(lang, month, scope):
    viewer, month, scope = context(month, scope)
    findings = data.attention(viewer, scope, month)
    sentences = headline(findings, scope, lang or "zh")
    attention = [
        html.Li(dcc.Link(s.text, href=s.page), className="adverse" if s.adverse else "favourable")
        for s in sentences
    ]
    changes, targets = data.kpis(viewer, scope, month), data.targets(viewer)
    standing = data.standing(viewer, scope, month, LOWER_IS_BETTER)
    moves = {
        f["metric"]: bool(f["adverse"])
        for f in findings
        if f["scope_code"] == scope and f["kind"] == "large_move"
    }
    provisional = data.provisional(viewer, month)
    cards = [
        kpi_card(name, changes[name], lang, kind, target=targets.get(name),
                 move=moves.get(name), standing=standing.get(name),
                 provisional=provisional and name in HOTLINE)
        for name, kind in CARDS
    ]  # fmt: skip
    trend = figures.trends(data.kpi_trend(viewer, scope, month), lang)
    reports = _report_links(data.report_groups(viewer, month), lang)
    params = {"scope": scope, "month": month.isoformat()}
    return (attention, cards, *chart_values(trend, "overview.trends", viewer, scope, month, lang),
            params, reports)  # fmt: skip


def _report_links(groups: list, lang: str | None) -> list:
    """One line per scope, "房山区：简报 HTML · 简报 PDF · 卡片 PNG"; the viewer's own
    first and the others folded (the city has a brief and a card for every district)."""
    if not groups:
        return [html.P(t("overview.no_report", lang), className="muted")]
    kinds = {
        ".html": "overview.file_html",
        ".pdf": "overview.file_pdf",
        ".png": "overview.file_png",
    }
    lines = []
    for _, name, files in groups:
        links = [html.A(t(kinds[p.suffix], lang), href=f"/reports/{p.name}", target="_blank",
                        title=p.name) for p in files]  # fmt: skip
        parts = [html.Strong(name), "："]
        for n, link in enumerate(links):
            parts += [" · ", link] if n else [link]
        lines.append(html.Li(parts))
    own = html.Ul(lines[:1], className="report-list")
    if len(lines) == 1:
        return [own]
    others = html.Details([html.Summary(t("overview.other_reports", lang, n=len(lines) - 1)),
                           html.Ul(lines[1:], className="report-list")])  # fmt: skip
    return [own, others]


def _titles(viewer, scope, lang) -> tuple[str, str]:
    level, _ = data.peer_group(viewer, scope)
    inside = data.inside_level(viewer, scope)
    peers = t("overview.rank_peers", lang, level=t(f"level.{level}", lang))
    if inside is None:
        return peers, t("overview.no_ranking", lang)
    name = data.scope_name(viewer, scope)
    return peers, t("overview.rank_inside", lang, parent=name, level=t(f"level.{inside}", lang))


@callback(
    Output("overview-rank-by", "options"),
    Output("overview-rank-peers-title", "children"),
    Output("overview-rank-inside-title", "children"),
    *chart_outputs("overview-rank-peers"),
    *chart_outputs("overview-rank-inside"),
    Output(download_params("ranking_peers"), "data"),
    Output(download_params("ranking_inside"), "data"),
    Input("lang", "data"),
    Input("month", "value"),
    Input("scope", "data"),
    Input("overview-rank-by", "value"),
)
def rankings(lang, month, scope, measure):
    viewer, month, scope = context(month, scope)
    measure = measure if measure in figures.RANK_MEASURES else "coverage_rate"
    options = [{"label": column(m, lang), "value": m} for m in figures.RANK_MEASURES]
    target = data.targets(viewer).get(measure)
    parent = data.parent_figures(viewer, scope, month)
    own = data.kpis(viewer, scope, month)[measure].value
    peers = figures.ranking(
        data.peer_ranking(viewer, scope, month), measure, lang, highlight=scope,
        reference=(parent.get("scope_name", ""), parent.get(measure)), target=target,
    )  # fmt: skip
    inside = figures.ranking(
        data.ranking(viewer, scope, month, data.inside_level(viewer, scope)), measure, lang,
        reference=(data.scope_name(viewer, scope), own), target=target,
    )  # fmt: skip
    peers_title, inside_title = _titles(viewer, scope, lang)
    params = {"scope": scope, "month": month.isoformat()}
    return (
        options, peers_title, inside_title,
        *chart_values(peers, "overview.rankings", viewer, scope, month, lang, peers_title),
        *chart_values(inside, "overview.rankings", viewer, scope, month, lang, inside_title),
        params, params,
    )  # fmt: skip


@callback(
    Output("drill", "data"),
    Input("overview-rank-peers", "clickData"),
    Input("overview-rank-inside", "clickData"),
    prevent_initial_call=True,
)
def drill(peers_click, inside_click):
    """A click on a bar opens that scope (the shell's pickers walk to it), when the viewer
    may see inside it: a peer of the viewer's own scope is compared, not opened."""
    click = peers_click if ctx.triggered_id == "overview-rank-peers" else inside_click
    if not click or not click.get("points") or not data.available():
        raise PreventUpdate
    code = click["points"][0].get("customdata")
    if not isinstance(code, str) or not data.current_viewer().covers(code):
        raise PreventUpdate
    return code


@callback(
    Output("overview-brief-download", "data"),
    Input("overview-brief-button", "n_clicks"),
    State("month", "value"),
    State("scope", "data"),
    prevent_initial_call=True,
)
def download_brief(_, month, scope):
    viewer, month, scope = context(month, scope)
    name, html_text = data.brief(viewer, scope, month)
    return dcc.send_string(html_text, name)


@callback(
    Output("overview-card-download", "data"),
    Output("overview-card-note", "children"),
    Input("overview-card-button", "n_clicks"),
    State("month", "value"),
    State("scope", "data"),
    State("lang", "data"),
    prevent_initial_call=True,
)
def download_card(_, month, scope, lang):
    viewer, month, scope = context(month, scope)
    try:
        name, png = data.month_card(viewer, scope, month)
    except FileNotFoundError:  # no card written, and no chromium here to draw one
        return no_update, t("overview.card_failed", lang)
    return dcc.send_bytes(png, name), ""


__all__ = ["T"]
