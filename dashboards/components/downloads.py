"""Excel and CSV download buttons for a table.

A page places ``download_bar("name")`` under a table and writes the parameters it
rendered the table with into ``download_params("name")`` (an Output of its callback).
The one download callback queries the table again through ``data.download_table`` for
the current viewer, so a download is restricted like any other query, names the file
for what it holds: ``<title>_<scope>_<data month>.xlsx`` (``data.describe``), and records
it in the audit log.
"""

from __future__ import annotations

import re

from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate
from flask import has_request_context, request

from dashboards import data, export
from dashboards.components.common import T
from pipelines.uploads import audit


def download_params(name: str) -> dict:
    """The id of the store holding a table's download parameters."""
    return {"type": "dl-params", "name": name}


def download_bar(name: str) -> html.Div:
    return html.Div(
        [
            html.Button(T("download.xlsx"), id={"type": "dl-btn", "name": name, "fmt": "xlsx"},
                        className="btn"),
            html.Button(T("download.csv"), id={"type": "dl-btn", "name": name, "fmt": "csv"},
                        className="btn"),
            dcc.Download(id={"type": "dl", "name": name}),
            dcc.Store(id=download_params(name)),
        ],
        className="download-bar",
    )  # fmt: skip


def register_download_callback(app: Dash) -> None:
    """The one callback serving every download button of the app."""

    @app.callback(
        Output({"type": "dl", "name": MATCH}, "data"),
        Input({"type": "dl-btn", "name": MATCH, "fmt": ALL}, "n_clicks"),
        State({"type": "dl-params", "name": MATCH}, "data"),
        State("lang", "data"),
        prevent_initial_call=True,
    )
    def download(clicks: list[int | None], params: dict | None, lang: str | None) -> dict:
        if not ctx.triggered_id or not any(clicks) or not data.available():
            raise PreventUpdate
        name, fmt = ctx.triggered_id["name"], ctx.triggered_id["fmt"]
        viewer, lang = data.current_viewer(), lang or "zh"
        try:
            table = data.download_table(viewer, name, params or {})
            about = data.describe(viewer, name, params or {}, lang, table.height)
        except (KeyError, ValueError):  # a crafted name or setting: no file
            raise PreventUpdate from None
        address = request.remote_addr if has_request_context() else None
        audit.record(data.settings(), "download", viewer.username, f"{name}.{fmt}",
                     address or "unknown")  # fmt: skip
        stem = file_stem(about.title, about.scope_name, about.month)
        content = export.About(about.title, about.lines)
        if fmt == "xlsx":
            return dcc.send_bytes(export.to_xlsx(table, lang, content), f"{stem}.xlsx")
        return dcc.send_bytes(export.to_csv(table, lang, content), f"{stem}.csv")


def file_stem(title: str, scope: str, month) -> str:
    """``<title>_<scope>_<YYYY-MM>``, without characters a file name may not hold."""
    parts = [title, scope, f"{month:%Y-%m}" if month else ""]
    stem = "_".join(p for p in parts if p)
    return re.sub(r'[\\/:*?"<>|\s]+', "-", stem)
