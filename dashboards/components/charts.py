"""A chart's two outputs: its figure, stamped with its title, scope and month, and its
config, which names the image download the same way and offers nothing of Plotly's
cloud. A page places ``graph("id")`` in a ``section("title.key", …)`` and lets its
callback end with ``*chart_values(fig, "title.key", viewer, scope, month, lang)`` for the
outputs ``*chart_outputs("id")``.
"""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
from dash import Output

from dashboards import data
from dashboards.figures.base import graph_config, stamp
from dashboards.i18n import month_label, t
from dashboards.viewer import Viewer


def chart_outputs(graph_id: str) -> list[Output]:
    return [Output(graph_id, "figure"), Output(graph_id, "config")]


def chart_values(
    fig, title_key: str, viewer: Viewer, scope: str | None, month: date, lang: str | None,
    title: str | None = None,
) -> tuple:  # fmt: skip
    """(figure, config) of a chart titled by the UI string ``title_key`` (or by ``title``,
    a title that depends on the data)."""
    title, where = title or t(title_key, lang), data.scope_name(viewer, scope)
    if isinstance(fig, go.Figure):  # stamped as the dict Dash sends: no second validation
        fig = fig.to_plotly_json()
    return (
        stamp(fig, title, where, month_label(month, lang)),
        graph_config(title, where, f"{month:%Y-%m}"),
    )
