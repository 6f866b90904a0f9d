"""The signed-in user's corner of the page: who is signed in, and a sign-out button.

:func:`account_menu` is meant for a layout *function* (evaluated per page load, inside
the request), because the sign-out form carries the session's CSRF token. It renders
an empty placeholder when nobody is signed in or sign-in is turned off.
"""

from __future__ import annotations

from dash import dcc, html
from flask import current_app, g, has_request_context

from dashboards.auth.web import EXTENSION_KEY, csrf_token
from dashboards.viewer import ROLE_LABELS


def account_menu() -> html.Div | html.Form:
    """A form that POSTs to ``/logout`` with the CSRF token, labelled with the user."""
    user = g.get("wsi_user") if has_request_context() else None
    if user is None:
        return html.Div(id="account", className="account")
    auth = current_app.extensions[EXTENSION_KEY]
    zh, en = ROLE_LABELS[user.role]
    return html.Form(
        [
            html.Span(
                user.display_name,
                className="account-name",
                title=f"{user.username} · {zh} {en} · {user.scope_code}",
            ),
            dcc.Input(type="hidden", name="csrf_token", value=csrf_token(), id="logout-csrf"),
            html.Button("退出 Sign out", type="submit", id="logout-button", className="btn logout"),
        ],
        action=f"{auth.home}logout",
        method="post",
        id="account",
        className="account",
        # Inline so the component looks right without the app's stylesheet knowing it.
        style={"display": "flex", "alignItems": "center", "gap": "10px", "margin": 0},
    )
