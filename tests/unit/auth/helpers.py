"""Helpers for the access-control tests: a small Dash app and a signed-in client.

The app is deliberately minimal (one callback that reports the viewer, one extra
Flask route standing in for a download, one asset) so that these tests pin down the
rules of :mod:`dashboards.auth.web`, not the dashboard's pages.
"""

from __future__ import annotations

import re
from pathlib import Path

import dash
from dash import Input, Output, html
from flask import jsonify
from flask.testing import FlaskClient

from dashboards.auth.components import account_menu
from dashboards.auth.web import AuthConfig, current_viewer, install_auth
from pipelines.settings import Settings

PASSWORD = "correct-horse-42"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')


def build_app(settings: Settings, tmp_path: Path, config: AuthConfig | None = None) -> dash.Dash:
    """A Dash app with one callback, an asset and a later-added download route."""
    assets = tmp_path / "assets"
    assets.mkdir(exist_ok=True)
    (assets / "style.css").write_text("body { color: #222; }\n")
    app = dash.Dash(__name__, assets_folder=str(assets))
    app.layout = lambda: html.Div([account_menu(), html.Button("go", id="go"), html.Div(id="who")])

    @app.callback(Output("who", "children"), Input("go", "n_clicks"))
    def who(_clicks: int | None) -> str:
        viewer = current_viewer()
        return f"{viewer.username}|{viewer.role}|{viewer.scope_code}"

    install_auth(app, settings, config or AuthConfig())

    # Added after install_auth on purpose: default deny must cover it too.
    @app.server.route("/download/figures.csv")
    def download() -> object:
        return jsonify({"scope": current_viewer().scope_code})

    return app


def login_token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path)
    match = _CSRF_FIELD.search(page.get_data(as_text=True))
    assert match, "the login page carries a CSRF token"
    return match.group(1)


def login(client: FlaskClient, username: str = "fangshan", password: str = PASSWORD, **extra: str):
    token = login_token(client)
    data = {"username": username, "password": password, "csrf_token": token, **extra}
    return client.post("/login", data=data)


def callback_body() -> dict:
    return {
        "output": "who.children",
        "outputs": {"id": "who", "property": "children"},
        "inputs": [{"id": "go", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["go.n_clicks"],
        "state": [],
    }


def csrf_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("_csrf_token")
    assert cookie is not None, "a signed-in client holds the _csrf_token cookie"
    return cookie.value
