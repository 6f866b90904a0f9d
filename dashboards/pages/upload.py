"""数据上报 Upload (data stewards only): send exports, read their previews, accept or
discard them, follow the refresh, withdraw files of one's scope.

The files go to the upload API by a plain browser upload (``assets/upload.js``: one
POST per file, streamed), never through a Dash callback; the callbacks here render the
API's answers and call the same service functions (:mod:`dashboards.upload.service`)
for accept, discard and withdraw. The page works before any snapshot exists: the first
upload is how the first data arrives.
"""

from __future__ import annotations

import dash
from dash import (
    ALL,
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
)
from dash.exceptions import PreventUpdate
from flask import request

from dashboards import data
from dashboards.components import T, page_header, section, table, table_outputs
from dashboards.components.upload import preview_card, progress
from dashboards.i18n import column, t
from dashboards.i18n.upload import error
from dashboards.upload import service
from pipelines.uploads.landing import EXTENSIONS, UPLOADABLE, Refused, check_source

dash.register_page(
    __name__, path="/upload", order=9, name="数据上报", i18n_key="page.upload",
    filters=False, steward_only=True,
)  # fmt: skip


def layout(**_):
    viewer = data.current_viewer()
    if not viewer.steward:
        return html.Div([page_header("page.upload"), html.P(T("upload.steward_only"))])
    settings = data.settings()
    sources = [s for s in UPLOADABLE if _may_send(s, viewer.scope_code)]
    form = html.Div(
        [
            html.Label([T("upload.source"), dcc.Dropdown(
                id="upload-source", value="auto", clearable=False, className="picker",
                options=[{"label": t("source.auto"), "value": "auto"}]
                + [{"label": t(f"source.{s}"), "value": s} for s in sources])]),
            # Dash has no file input but dcc.Upload, which reads files into base64:
            # assets/upload.js mounts a plain <input type=file> into this slot
            html.Label([T("upload.file"), html.Div(
                id="upload-file-slot", **{"data-accept": ",".join(EXTENSIONS)})]),
            html.Button(T("upload.send"), id="upload-send", className="btn primary"),
            html.Span(t("upload.limit", mb=settings.upload_max_bytes // 2**20), className="hint"),
        ],
        id="upload-form", className="upload-form",
        **{"data-api": dash.get_app().config.requests_pathname_prefix + "api"},
    )  # fmt: skip
    return html.Div(
        [
            page_header("page.upload"),
            html.P(T("upload.intro"), className="lead"),
            form,
            dcc.Store(id="upload-results", data=[]),
            dcc.Store(id="upload-state", data={}),
            dcc.Interval(id="upload-poll", interval=2000, disabled=True),
            section("upload.previews", dcc.Loading(html.Div(id="upload-previews")), wide=True),
            section("upload.progress", html.Div(id="upload-progress"), wide=True),
            section("upload.files", html.P(T("upload.withdraw_hint"), className="hint"),
                    table("upload-files", 300),
                    html.Div([dcc.Dropdown(id="upload-withdraw-file", className="picker"),
                              html.Button(T("upload.withdraw"), id="upload-withdraw",
                                          className="btn")], className="actions"),
                    html.P(id="upload-withdraw-said"), wide=True),
        ],
        className="grid",
    )  # fmt: skip


def _may_send(source: str, scope_code: str) -> bool:
    try:
        check_source(source, scope_code)
    except Refused:
        return False
    return True


clientside_callback(
    ClientsideFunction("wsi_upload", "send"),
    Output("upload-results", "data"),
    Input("upload-send", "n_clicks"),
    State("upload-source", "value"),
    prevent_initial_call=True,
)


@callback(
    Output("upload-previews", "children"),
    Input("upload-results", "data"),
    Input("upload-state", "data"),
    Input("lang", "data"),
)
def show_previews(results: list | None, state: dict | None, lang: str | None):
    if not results:
        return html.P(t("upload.none_yet", lang), className="hint")
    return [preview_card(r, state or {}, lang) for r in results]


@callback(
    Output("upload-state", "data"),
    Input({"type": "upload-action", "action": ALL, "id": ALL}, "n_clicks"),
    State("upload-state", "data"),
    prevent_initial_call=True,
)
def act(clicks: list, state: dict | None):
    if not ctx.triggered_id or not any(clicks):
        raise PreventUpdate
    state = dict(state or {})
    upload_id, action = ctx.triggered_id["id"], ctx.triggered_id["action"]
    viewer, settings = data.current_viewer(), data.settings()
    try:
        if action == "accept":
            accepted = service.accept(settings, viewer, upload_id, request.remote_addr or "")
            state[upload_id] = {"refresh_id": accepted.refresh_id}
        else:
            service.discard(settings, viewer, upload_id)
            state[upload_id] = {"discarded": True}
    except Refused as refused:
        state[upload_id] = {"error": refused.code}
    return state


@callback(
    Output("upload-state", "data", allow_duplicate=True),
    Output("upload-withdraw-said", "children"),
    Input("upload-withdraw", "n_clicks"),
    State("upload-withdraw-file", "value"),
    State("upload-state", "data"),
    State("lang", "data"),
    prevent_initial_call=True,
)
def withdraw(clicks: int | None, path: str | None, state: dict | None, lang: str | None):
    if not clicks or not path:
        raise PreventUpdate
    viewer, settings = data.current_viewer(), data.settings()
    try:
        refresh = service.withdraw(
            settings, viewer, data.steward_files(viewer), path, request.remote_addr or ""
        )
    except Refused as refused:
        return dash.no_update, error(refused.code, lang)
    state = dict(state or {})
    state[f"withdraw:{path}"] = {"refresh_id": refresh.refresh_id}
    return state, t("upload.withdrawing", lang, refresh_id=refresh.refresh_id)


@callback(
    Output("upload-progress", "children"),
    Output("upload-poll", "disabled"),
    *table_outputs("upload-files"),
    Output("upload-withdraw-file", "options"),
    Input("upload-poll", "n_intervals"),
    Input("upload-state", "data"),
    Input("lang", "data"),
)
def follow(_: int | None, state: dict | None, lang: str | None):
    """The progress of the refreshes asked for on this page, and the files of the scope
    (polled every 2 s while a refresh is under way)."""
    viewer, settings = data.current_viewer(), data.settings()
    ids = sorted({v["refresh_id"] for v in (state or {}).values() if v.get("refresh_id")})
    refreshes = []
    for refresh_id in ids:
        try:
            refreshes.append(service.refresh_status(settings, viewer, refresh_id).as_json())
        except Refused:
            continue
    running = any(r["stage"] not in ("published", "failed") for r in refreshes)
    files = data.steward_files(viewer)
    shown = [
        {
            **f,
            "status": t(f"status.{f['status']}", lang),
            "source": t("source." + f["source"], lang),
        }
        for f in files
    ]
    columns = [{"field": c, "headerName": column(c, lang)} for c in _FILE_COLUMNS]
    options = [{"label": f["path"], "value": f["path"]} for f in files]
    return progress(refreshes, lang), not running, shown, columns, options


_FILE_COLUMNS = ("path", "source", "uploaded_by", "uploaded_at", "status", "rows_read",
                 "rows_loaded", "rows_quarantined", "rows_superseded", "message")  # fmt: skip
