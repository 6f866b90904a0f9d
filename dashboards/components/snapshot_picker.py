"""Which published snapshot a city user views: the newest, or one of the earlier ones kept
(``WSI_KEEP_SNAPSHOTS``, :mod:`pipelines.snapshots`) — to see what last month's figures
were before a correction, say.

- :func:`chosen` / :func:`chooser`: the data layer asks, once per request, which file to
  read. The choice is kept in the user's session (Flask's signed cookie, cleared at
  sign-in and sign-out), and honoured only for a city viewer and only while the
  snapshot is still kept; everyone else, and every other case, reads the newest.
- :func:`picker` and :func:`banner`: the control in the header (shown to city viewers
  when more than one snapshot is kept) and the notice above every page that says which
  snapshot is shown and when it was published. Choosing reloads the page, so that every
  figure on it comes from the chosen snapshot.
"""

from __future__ import annotations

from pathlib import Path

from dash import Dash, Input, Output, dcc, html
from dash.exceptions import PreventUpdate
from flask import g, has_request_context, session

from dashboards import data
from dashboards.i18n import t
from pipelines import snapshots
from pipelines.settings import Settings

SESSION_KEY = "wsi_snapshot"
NEWEST = "newest"
PICKER_ID, BANNER_ID, CHOSEN_ID, RELOADED_ID = (
    "snapshot-picker", "snapshot-banner", "snapshot-chosen", "snapshot-reloaded",
)  # fmt: skip
_HIDDEN = {"display": "none"}


def _city_viewer() -> bool:
    try:
        return data.current_viewer().is_city
    except PermissionError:  # a public view (/healthz): no viewer, the newest
        return False


def kept(settings: Settings) -> list[snapshots.Published]:
    """The snapshots a city viewer may choose, newest first (listed once per request)."""
    if not has_request_context():
        return snapshots.published(settings)
    if "wsi_snapshots" not in g:
        g.wsi_snapshots = snapshots.published(settings)
    return g.wsi_snapshots


def chosen(settings: Settings) -> snapshots.Published | None:
    """The earlier snapshot the current request reads (None: the newest)."""
    if not has_request_context():
        return None
    name = session.get(SESSION_KEY)
    if not isinstance(name, str) or name == NEWEST or not _city_viewer():
        return None
    return next((s for s in kept(settings) if s.name == name and not s.newest), None)


def chooser(settings: Settings) -> Path:
    """The snapshot file the current request reads (for the data layer)."""
    picked = chosen(settings)
    return picked.path if picked else settings.snapshot_path


def _label(snapshot: snapshots.Published, lang: str | None) -> str:
    when = snapshot.published_at.strftime("%Y-%m-%d %H:%M")
    return f"{when} · {t('snapshot.newest', lang)}" if snapshot.newest else when


def picker() -> html.Span:
    """The header's control (filled and shown by :func:`register`)."""
    return html.Span(
        [
            html.Label(t("snapshot.label"), htmlFor=PICKER_ID, id=f"{PICKER_ID}-label"),
            dcc.Dropdown(id=PICKER_ID, clearable=False, searchable=False, className="picker"),
            dcc.Store(id=CHOSEN_ID),
            dcc.Store(id=RELOADED_ID),
        ],
        id=f"{PICKER_ID}-box",
        className="snapshot-picker",
        style=_HIDDEN,
    )


def banner() -> html.Div:
    return html.Div(id=BANNER_ID, role="status", className="snapshot-banner", style=_HIDDEN)


def register(app: Dash) -> None:
    """The picker's callbacks, and the data layer's chooser, on ``app``."""
    data.set_snapshot_chooser(chooser)

    @app.callback(
        Output(PICKER_ID, "options"),
        Output(PICKER_ID, "value"),
        Output(f"{PICKER_ID}-box", "style"),
        Output(f"{PICKER_ID}-label", "children"),
        Output(BANNER_ID, "children"),
        Output(BANNER_ID, "style"),
        Input("lang", "data"),
        Input("_pages_location", "pathname"),
    )
    def show(lang: str | None, _: str | None):
        settings = data.settings()
        if not _city_viewer():
            return [], None, _HIDDEN, "", "", _HIDDEN
        options = kept(settings)
        picked = chosen(settings)
        value = picked.name if picked else NEWEST
        items = [
            {"label": _label(s, lang), "value": NEWEST if s.newest else s.name} for s in options
        ]
        box = _HIDDEN if len(options) < 2 else None
        notice, style = "", _HIDDEN
        if picked is not None:
            when = picked.published_at.strftime("%Y-%m-%d %H:%M")
            notice, style = t("snapshot.viewing", lang, published=when), None
        elif session.get(SESSION_KEY, NEWEST) != NEWEST:  # pruned since it was chosen
            session[SESSION_KEY] = NEWEST
            notice, style = t("snapshot.gone", lang), None
        return items, value, box, t("snapshot.label", lang), notice, style

    @app.callback(Output(CHOSEN_ID, "data"), Input(PICKER_ID, "value"), prevent_initial_call=True)
    def choose(value: str | None) -> str:
        if not value or not _city_viewer() or value == session.get(SESSION_KEY, NEWEST):
            raise PreventUpdate  # not a city viewer, or the picker showing the choice made
        names = {s.name for s in kept(data.settings()) if not s.newest}
        if value != NEWEST and value not in names:
            raise PreventUpdate
        session[SESSION_KEY] = value
        return value

    # reload once the response (and its cookie) is in: every figure then reads the choice
    app.clientside_callback(
        "function(chosen) { if (chosen) { window.location.reload(); } return chosen; }",
        Output(RELOADED_ID, "data"),
        Input(CHOSEN_ID, "data"),
        prevent_initial_call=True,
    )
