"""Translatable text, page and section frames, and the "no data yet" notice.

Static text is written as ``T("key")``: a span that renders Chinese first and that
the app's one translation callback rewrites when the language store changes. Text
that depends on data (figures, options, tables) is produced by the page's callbacks,
which take the language as an input.
"""

from __future__ import annotations

import itertools
from datetime import date

from dash import dcc, html
from dash.exceptions import PreventUpdate

from dashboards import data
from dashboards.figures.base import CONFIG
from dashboards.i18n import help_text, t
from dashboards.viewer import Viewer

_ids = itertools.count()


def T(key: str, kind: str = "text") -> html.Span:
    """A span showing UI string ``key`` (``kind="help"``: a "how is this computed"
    text) in the current language."""
    text = help_text(key) if kind == "help" else t(key)
    return html.Span(text, id={"type": "i18n", "kind": kind, "key": key, "n": next(_ids)})


def explainer(help_key: str) -> html.Details:
    """The folded "how is this computed" note under a figure or table."""
    return html.Details(
        [html.Summary(T("how")), html.P(T(help_key, kind="help"))], className="explainer"
    )


def section(title_key: str, *children, help_key: str | None = None, wide: bool = False,
            extra=None) -> html.Section:  # fmt: skip
    """A titled card holding a figure or table, its explainer and optional controls."""
    header = [html.H3(T(title_key))]
    if extra is not None:
        header.append(html.Div(extra, className="section-extra"))
    body = [html.Div(header, className="section-header"), *children]
    if help_key:
        body.append(explainer(help_key))
    return html.Section(body, className="card wide" if wide else "card")


def page_header(key: str) -> html.H2:
    """A page's title: the UI string ``key`` (the page's ``i18n_key`` in register_page)."""
    return html.H2(T(key), className="page-title")


def graph(graph_id: str, height: int = 320) -> dcc.Loading:
    """A graph with the one config (:data:`dashboards.figures.base.CONFIG`: nothing of
    Plotly's cloud); its callback sets the image download's name (components/charts.py)."""
    return dcc.Loading(
        dcc.Graph(id=graph_id, config=CONFIG, style={"minHeight": f"{height}px"}),
        type="circle", delay_show=300,
    )  # fmt: skip


def no_data() -> html.Div:
    """Shown instead of a page while no snapshot has been published."""
    return html.Div(
        [
            html.H2(T("nodata.title")),
            html.P(T("nodata.body")),
            html.Pre("make run\n# or\npython -m pipelines run", className="command"),
            html.P(T("nodata.after")),
        ],
        className="no-data card",
        id="no-data",
    )


def context(month: str | None, scope: str | None) -> tuple[Viewer, date, str]:
    """What every page callback starts with: the viewer, the month (default: the
    latest complete one) and the scope the viewer may see."""
    if not data.available():
        raise PreventUpdate
    viewer = data.current_viewer()
    resolved = date.fromisoformat(month[:10]) if month else data.default_month(viewer)
    if resolved is None:
        raise PreventUpdate
    return viewer, resolved, viewer.allowed(scope)
