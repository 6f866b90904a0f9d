"""Sign-in, sessions, CSRF and security headers for the Dash app's Flask server.

:func:`install_auth` puts the whole dashboard behind a login:

- **Default deny.** A ``before_request`` guard, run before Dash's own hooks, lets
  through only the login page, Dash's component bundles (``/_dash-component-suites/``:
  the JavaScript of the installed packages, public on PyPI anyway, and validated by
  Dash against the registered packages) and the favicon. Everything else, the page
  itself, ``/_dash-layout``, ``/_dash-dependencies``, ``/_dash-update-component``,
  ``/assets/`` (the project decides what goes there, so it is not assumed public) and
  any route added later, needs a session: pages redirect to ``/login``, other requests
  get ``401`` JSON. The check is on the matched endpoint, not a path prefix, so
  ``/_dash-component-suites/../_dash-layout`` gains nothing.
- **Sessions** are kept on the server (:mod:`.sessions`, in ``<data>/auth.sqlite``);
  Flask's signed cookie (HttpOnly, SameSite=Lax, Secure over https or when
  configured) carries only the session id and the CSRF token. Each request looks the
  id up and rereads the user from the users file (cached by mtime): signing out,
  ``users revoke``, removing a user or changing a password, role or scope ends a
  session for every copy of its cookie at once; sessions also end after
  ``session_hours`` and after ``session_idle_minutes`` without a request.
- **CSRF.** The login form carries a token bound to the pre-login session. After
  sign-in every unsafe request (POST …) must send the session's token, in the
  ``X-CSRFToken`` header (the Dash renderer copies it from the ``_csrf_token`` cookie
  this module sets) or a ``csrf_token`` form field (the logout form).
- **Throttling** of failed logins per username and per IP, shared by every worker
  (:mod:`.throttle`).
- **Headers** on every response (:mod:`.headers`).
- **Public views**: a view decorated with :func:`public` needs no session (the health
  check); it must show no data.
- **API tokens**: a request under ``/api/`` may instead carry a data steward's token,
  ``Authorization: Bearer …`` (``users token``; kept as its SHA-256). It needs no CSRF
  token: a browser never sends it on its own. A wrong token gets ``401``.
- **Audit**: sign-ins, failed sign-ins and refused tokens are appended to the audit log
  (:mod:`pipelines.uploads.audit`) with the username and the address.

:func:`current_viewer` gives callbacks and the data layer the signed-in viewer.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, g, has_request_context, jsonify, redirect, request, session
from flask.sessions import SecureCookieSessionInterface

from dashboards.auth import pages
from dashboards.auth.config import AuthConfig, load_or_create_secret
from dashboards.auth.headers import SecurityHeaders
from dashboards.auth.sessions import SessionStore
from dashboards.auth.state import StateDB
from dashboards.auth.throttle import LoginThrottle
from dashboards.auth.users import User, UserStore
from dashboards.basemaps import tile_urls
from dashboards.viewer import ROLE_LABELS, Viewer
from pipelines.uploads import audit

if TYPE_CHECKING:
    import dash

    from pipelines.settings import Settings

log = logging.getLogger(__name__)

EXTENSION_KEY = "wsi_auth"
SESSION_COOKIE_NAME = "wsi_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_FORM_LIMIT = 64 * 1024
# sign-in off: one person on their own machine, who may also upload (a city steward)
LOCAL_VIEWER = Viewer(username="local", display_name="本机 Local", steward=True)
View = TypeVar("View", bound=Callable)


def public(view: View) -> View:
    """Mark a Flask view as reachable without signing in. It must show no data."""
    view.wsi_public = True  # type: ignore[attr-defined]
    return view


def current_viewer() -> Viewer:
    """The viewer the current request acts for; fails closed when there is none.

    With sign-in turned off (``WSI_AUTH=off``) that is a city-wide local viewer.
    Outside a request, or on an app without :func:`install_auth`, it raises
    ``PermissionError`` rather than guessing a scope.
    """
    viewer = g.get("wsi_viewer") if has_request_context() else None
    if viewer is None:
        raise PermissionError("no signed-in viewer for this request")
    return viewer


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with Secure decided per request when on auto."""

    def __init__(self, secure: bool | None) -> None:
        self.secure = secure

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure if self.secure is None else self.secure


class _Auth:
    """Everything :func:`install_auth` attaches to one Flask server."""

    def __init__(self, app: dash.Dash, settings: Settings, config: AuthConfig) -> None:
        self.app = app
        self.settings = settings
        self.config = config
        self.prefix = app.config.routes_pathname_prefix
        self.home = app.config.requests_pathname_prefix
        self.csrf_cookie = app.config.csrf_token_name
        self.csrf_header = app.config.csrf_header_name
        self.store = UserStore(settings.users_path)
        state = StateDB(settings.auth_state_path)
        self.lifetime_s = config.session_hours * 3600
        self.sessions = SessionStore(state, self.lifetime_s, config.session_idle_minutes * 60)
        self.throttle = LoginThrottle(state)
        self.login_endpoint = "wsi_auth_login"
        self.logout_endpoint = "wsi_auth_logout"
        self.public_endpoints = {
            self.login_endpoint,
            f"{self.prefix}_dash-component-suites/<string:package_name>/<path:fingerprinted_path>",
            f"{self.prefix}_favicon.ico",
        }
        static = self.public_endpoints - {self.login_endpoint}
        self.headers = SecurityHeaders(app, static, tile_urls(settings))

    # -- the session ---------------------------------------------------------------
    def session_user(self) -> User | None:
        """The signed-in user: the cookie's session is live on the server and the
        user's password, role and scope are as they were at sign-in."""
        session_id = session.get("sid")
        if not isinstance(session_id, str):
            return None
        record = self.sessions.check(session_id)
        if record is None:
            return None
        user = self.store.get(record.username)
        if user is None or not hmac.compare_digest(user.session_stamp, record.stamp):
            self.sessions.end(session_id)
            return None
        return user

    def is_public(self, endpoint: str | None) -> bool:
        view = self.app.server.view_functions.get(endpoint) if endpoint else None
        return endpoint in self.public_endpoints or getattr(view, "wsi_public", False)

    def guard(self) -> Response | None:
        endpoint = request.url_rule.endpoint if request.url_rule else None
        if self.is_public(endpoint):
            return None
        token = _bearer_token()
        if token is not None and request.path.startswith(f"{self.prefix}api/"):
            return self.token_guard(token)
        user = self.session_user()
        if user is None:
            if "sid" in session:
                session.clear()
            return self.deny()
        g.wsi_user = user
        g.wsi_viewer = user.viewer()
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(self.csrf_header) or request.form.get("csrf_token", "")
            expected = session.get("csrf", "")
            if not (expected and hmac.compare_digest(str(sent), str(expected))):
                log.warning("CSRF token missing or wrong: %s %s", request.method, request.path)
                return _json_error(403, "CSRF token missing or invalid 缺少或无效的 CSRF 令牌")
        return None

    def token_guard(self, token: str) -> Response | None:
        user = self.store.by_token(token)
        if user is None:
            ip = request.remote_addr or "unknown"
            log.warning("refused API token: ip=%s", ip)
            audit.record(self.settings, "failed_sign_in", "", "API token", ip)
            return _json_error(401, "invalid API token 无效的 API 令牌")
        g.wsi_user = user
        g.wsi_viewer = user.viewer()
        return None

    def deny(self) -> Response:
        wants_page = (
            request.method == "GET"
            and request.accept_mimetypes.accept_html
            and not request.path.startswith((f"{self.prefix}_dash-", f"{self.prefix}api/"))
        )
        if wants_page:
            target = request.full_path if request.query_string else request.path
            return redirect(f"{self.home}login?{urlencode({'next': target})}")
        return _json_error(401, "login required 请先登录")

    # -- views ---------------------------------------------------------------------
    def login(self) -> Response:
        # A sign-in form is small: refuse a big body (413) before it is read, since
        # anyone may post here. (MAX_FORM_MEMORY_SIZE below covers multipart only.)
        request.max_content_length = LOGIN_FORM_LIMIT
        next_url = _safe_next(request.values.get("next", ""), self.home)
        if request.method == "GET":
            if self.session_user() is not None:
                return redirect(next_url)
            return self.login_page(next_url)
        sent = request.form.get("csrf_token", "")
        expected = session.get("login_csrf", "")
        if not (expected and hmac.compare_digest(str(sent), str(expected))):
            return self.login_page(next_url, pages.MESSAGES["expired"], 400)
        username = request.form.get("username", "").strip().lower()[:64]
        password = request.form.get("password", "")[:1024]
        ip = request.remote_addr or "unknown"
        # Charged before the password is checked, so parallel guesses count too.
        wait = self.throttle.attempt(user=username, ip=ip)
        if wait > 0:
            log.warning("login refused while locked out: user=%r ip=%s", username, ip)
            audit.record(self.settings, "failed_sign_in", username, "locked out", ip)
            minutes = max(1, round(wait / 60))
            message = pages.MESSAGES["locked"].format(minutes=minutes)
            response = self.login_page(next_url, message, 429, username)
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        user = self.store.authenticate(username, password) if username and password else None
        if user is None:
            log.warning("failed login: user=%r ip=%s", username, ip)
            audit.record(self.settings, "failed_sign_in", username, "wrong password", ip)
            # 200, as a re-shown form: a 401 would need a WWW-Authenticate challenge.
            return self.login_page(next_url, pages.MESSAGES["wrong"], 200, username)
        self.throttle.succeeded(user=username, ip=ip)
        session_id = self.sessions.create(
            user.username, user.session_stamp, ip, request.headers.get("User-Agent", "")
        )
        session.clear()  # a fresh session: nothing from before sign-in carries over
        session.permanent = True
        session.update(sid=session_id, csrf=secrets.token_urlsafe(32))
        log.info(
            "login: user=%s role=%s scope=%s ip=%s", user.username, user.role, user.scope_code, ip
        )
        audit.record(self.settings, "sign_in", user.username, "dashboard", ip)
        return redirect(next_url)

    def logout(self) -> Response:
        if request.method == "POST":
            log.info("logout: user=%s", g.wsi_user.username)
            self.sessions.end(session["sid"])
            session.clear()
            response = self.login_page(self.home, pages.MESSAGES["signed_out"], 200)
            response.delete_cookie(self.csrf_cookie, path=self.home)
            return response
        return self.logout_page()

    def login_page(
        self, next_url: str, message: str = "", status: int = 200, username: str = ""
    ) -> Response:
        token = session.get("login_csrf")
        if not token:
            token = session["login_csrf"] = secrets.token_urlsafe(32)
        return pages.login_page(f"{self.home}login", token, next_url, username, message, status)

    def logout_page(self) -> Response:
        user = g.wsi_user
        zh, en = ROLE_LABELS[user.role]
        who = f"{user.display_name} ({user.username}, {zh} {en})"
        return pages.logout_page(f"{self.home}logout", session.get("csrf", ""), who, self.home)

    # -- every response ------------------------------------------------------------
    def finish(self, response: Response) -> Response:
        user = g.get("wsi_user")
        token = session.get("csrf") if user is not None else None
        if token and request.cookies.get(self.csrf_cookie) != token:
            # Readable by the page's script (that is the point: the renderer copies it
            # into the X-CSRFToken header); Strict so no other site's request carries it.
            response.set_cookie(
                self.csrf_cookie,
                token,
                max_age=int(self.lifetime_s),
                path=self.home,
                secure=self.app.server.session_interface.get_cookie_secure(self.app.server),
                httponly=False,
                samesite="Strict",
            )
        return response


def install_auth(
    app: dash.Dash, settings: Settings | None = None, config: AuthConfig | None = None
) -> None:
    """Put ``app`` (a Dash app on the Flask backend) behind sign-in; see the module doc.

    Call it once, after the app is created (its pages may be registered before or
    after). With ``config.enabled`` false only the security headers are installed
    and :func:`current_viewer` returns a city-wide local viewer.
    """
    from pipelines.settings import get_settings

    settings = settings or get_settings()
    config = config or AuthConfig.from_env()
    server: Flask = app.server
    if EXTENSION_KEY in server.extensions:
        raise RuntimeError("install_auth was already called on this app")
    auth = _Auth(app, settings, config)
    server.extensions[EXTENSION_KEY] = auth
    server.after_request(auth.headers)
    if not config.enabled:
        log.warning("sign-in is OFF (WSI_AUTH=off): anyone reaching this port sees all data")
        server.before_request_funcs.setdefault(None, []).insert(0, _set_local_viewer)
        # no sign-in, but a session still keeps a choice (the snapshot viewed)
        server.secret_key = config.session_secret or load_or_create_secret(
            settings.data_dir / ".flask_secret"
        )
        return

    if config.proxy_hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = config.proxy_hops
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    secret = config.session_secret
    if secret is not None and len(secret) < 32:
        raise ValueError("WSI_SESSION_SECRET must be at least 32 characters")
    server.secret_key = secret or load_or_create_secret(settings.data_dir / ".flask_secret")
    server.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE_NAME,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH=auth.home,
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=auth.lifetime_s),
        # The server's session table bounds a session; the cookie need not be rewritten.
        SESSION_REFRESH_EACH_REQUEST=False,
        # A form field is small; refuse big ones before parsing them.
        MAX_FORM_MEMORY_SIZE=LOGIN_FORM_LIMIT,
    )
    server.session_interface = _SessionInterface(config.cookie_secure)
    server.add_url_rule(
        f"{auth.prefix}login", auth.login_endpoint, auth.login, methods=["GET", "POST"]
    )
    server.add_url_rule(
        f"{auth.prefix}logout", auth.logout_endpoint, auth.logout, methods=["GET", "POST"]
    )
    # Loaded by every dashboard page (Dash puts external scripts before its renderer).
    server.add_url_rule(f"{auth.prefix}_wsi-auth/session.js", "wsi_auth_script", _session_script)
    app.config.external_scripts.append(f"{auth.home}_wsi-auth/session.js")
    # First in line: nothing of Dash's runs for a request that is not signed in.
    server.before_request_funcs.setdefault(None, []).insert(0, auth.guard)
    server.after_request(auth.finish)


_SESSION_JS = (Path(__file__).with_name("session.js")).read_text(encoding="utf-8")


def _session_script() -> Response:
    return Response(_SESSION_JS, mimetype="text/javascript")


def _set_local_viewer() -> None:
    g.wsi_viewer = LOCAL_VIEWER


def csrf_token() -> str:
    """The signed-in session's CSRF token, for a form that POSTs (e.g. a logout button)."""
    return str(session.get("csrf", "")) if has_request_context() else ""


def _bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if the request has one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _safe_next(target: str, home: str) -> str:
    """Only a path on this site: no scheme, no host, no ``//`` or backslash tricks."""
    parts = urlsplit(target)
    if (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or parts.scheme
        or parts.netloc
        or any(ord(c) < 32 for c in target)
    ):
        return home
    return target


def _json_error(status: int, message: str) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response
