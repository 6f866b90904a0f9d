"""The banner above every page while the data is older than expected.

The rule (the newest complete month against the current month in Beijing, with the
``WSI_DATA_LAG_MONTHS`` tolerance) is :func:`dashboards.health.freshness`, the same
one ``/healthz`` reports as ``data_behind``.
"""

from __future__ import annotations

from dash import Dash, Input, Output, html

from dashboards import data
from dashboards.health import snapshot_freshness
from dashboards.i18n import month_label, t

BANNER_ID = "stale-banner"
_SHOWN = {
    "background": "#fff4e5",
    "color": "#7a4b00",
    "borderBottom": "1px solid #f0c36d",
    "padding": "8px 20px",
    "fontSize": "13px",
}
_HIDDEN = {"display": "none"}


def stale_banner() -> html.Div:
    """The banner's place in the shell (filled by :func:`register_stale_banner`)."""
    return html.Div(id=BANNER_ID, role="status", style=_HIDDEN)


def banner_text(lang: str | None) -> str | None:
    """What the banner says now, or None when the data is as recent as expected."""
    if not data.available():
        return None  # the pages show "no data yet" instead
    state = snapshot_freshness()
    if not state.behind:
        return None
    expected = month_label(state.expected, lang)
    if state.latest is None:
        return t("stale.no_complete_month", lang, expected=expected)
    return t("stale.behind", lang, latest=month_label(state.latest, lang), expected=expected)


def register_stale_banner(app: Dash) -> None:
    @app.callback(
        Output(BANNER_ID, "children"),
        Output(BANNER_ID, "style"),
        Input("lang", "data"),
        Input("_pages_location", "pathname"),
    )
    def show(lang: str | None, _: str | None) -> tuple[str, dict]:
        text = banner_text(lang)
        return (text, _SHOWN) if text else ("", _HIDDEN)
