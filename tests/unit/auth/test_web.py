"""The access rules of install_auth, one test per rule, with Flask's test client."""

from __future__ import annotations

import base64
import hashlib
import time
from pathlib import Path

import dash
import pytest
from flask.testing import FlaskClient

from dashboards.auth.users import UserStore
from dashboards.auth.web import AuthConfig, current_viewer, install_auth, load_or_create_secret
from pipelines.settings import Settings
from tests.unit.auth.helpers import (
    PASSWORD,
    build_app,
    callback_body,
    csrf_cookie,
    login,
    login_token,
)

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml"}
PROTECTED_GETS = [
    "/",
    "/overview",
    "/_dash-layout",
    "/_dash-dependencies",
    "/_reload-hash",
    "/assets/style.css",
    "/download/figures.csv",
    "/logout",
    "/_wsi-auth/session.js",
    "/no-such-route",
]


def _callback(client: FlaskClient, token: str | None = None):
    headers = {"X-CSRFToken": token} if token is not None else {}
    return client.post("/_dash-update-component", json=callback_body(), headers=headers)


def _signed_in(client: FlaskClient, username: str = "fangshan") -> FlaskClient:
    assert login(client, username).status_code == 302
    client.get("/")  # the first authenticated page sets the _csrf_token cookie
    return client


# -- default deny ----------------------------------------------------------------------
@pytest.mark.parametrize("path", PROTECTED_GETS)
def test_every_route_needs_a_session(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers=JSON)
    assert response.status_code == 401
    assert response.get_json() == {"error": "login required 请先登录"}


def test_callbacks_need_a_session_even_with_a_csrf_header(client: FlaskClient) -> None:
    response = _callback(client, token="anything")
    assert response.status_code == 401
    assert b"110111" not in response.data


def test_a_page_request_is_sent_to_the_login_page(client: FlaskClient) -> None:
    response = client.get("/overview?month=2024-03", headers=HTML)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Foverview%3Fmonth%3D2024-03"


def test_dash_xhr_routes_answer_401_not_a_redirect(client: FlaskClient) -> None:
    # The renderer asks with Accept */*; a redirect to an HTML page would confuse it.
    assert client.get("/_dash-layout", headers=HTML).status_code == 401


def test_component_bundles_and_favicon_are_public(app: dash.Dash, client: FlaskClient) -> None:
    signed_in = _signed_in(app.server.test_client())
    index = signed_in.get("/").get_data(as_text=True)
    bundle = next(
        part.split('"')[0]
        for part in index.split('src="')[1:]
        if part.startswith("/_dash-component-suites/dash/dash-renderer/")
    )
    assert client.get(bundle).status_code == 200
    assert client.get("/_favicon.ico").status_code == 200


def test_a_path_through_the_public_bundles_does_not_reach_protected_routes(
    client: FlaskClient,
) -> None:
    response = client.get("/_dash-component-suites/dash/../../_dash-layout")
    assert response.status_code != 200
    assert b"who" not in response.data


# -- signing in --------------------------------------------------------------------------
def test_login_page_is_bilingual_and_self_contained(client: FlaskClient) -> None:
    page = client.get("/login")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "用户名 Username" in text and "密码 Password" in text and "登录 Sign in" in text
    assert "http://" not in text and "https://" not in text and "<script" not in text


def test_login_success_gives_a_hardened_session_cookie(client: FlaskClient) -> None:
    response = login(client, next="/overview")
    assert response.status_code == 302
    assert response.headers["Location"] == "/overview"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("wsi_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/_dash-layout").status_code == 200


def test_over_https_the_cookies_are_secure(app: dash.Dash) -> None:
    client = app.server.test_client()
    token = login_token_https(client)
    response = client.post(
        "/login",
        data={"username": "fangshan", "password": PASSWORD, "csrf_token": token},
        base_url="https://localhost",
    )
    session_cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("wsi_session=")
    )
    assert "Secure" in session_cookie
    page = client.get("/", base_url="https://localhost")
    csrf = next(c for c in page.headers.getlist("Set-Cookie") if c.startswith("_csrf_token="))
    assert "Secure" in csrf and "SameSite=Strict" in csrf
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")


def login_token_https(client: FlaskClient) -> str:
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    return page.split('name="csrf_token" value="')[1].split('"')[0]


@pytest.mark.parametrize(
    ("username", "password"),
    [("fangshan", "wrong-password-1"), ("nobody", PASSWORD), ("", ""), ("FANGSHAN", "x")],
)
def test_login_failure_says_the_same_for_any_reason(
    client: FlaskClient, username: str, password: str
) -> None:
    response = login(client, username, password)
    assert response.status_code == 200  # the form again, with the message
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401


def test_usernames_are_case_insensitive(client: FlaskClient) -> None:
    assert login(client, "FangShan").status_code == 302


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_login_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    response = login(client, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_signed_in_visit_to_the_login_page_goes_home(client: FlaskClient) -> None:
    login(client)
    assert client.get("/login").headers["Location"] == "/"


# -- CSRF --------------------------------------------------------------------------------
def test_login_needs_the_form_token(client: FlaskClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "fangshan", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/_dash-layout").status_code == 401


def test_login_token_of_another_browser_is_refused(app: dash.Dash) -> None:
    attacker, victim = app.server.test_client(), app.server.test_client()
    token = login_token(attacker)
    victim.get("/login")
    data = {"username": "fangshan", "password": PASSWORD, "csrf_token": token}
    assert victim.post("/login", data=data).status_code == 400


def test_callbacks_need_the_csrf_header(client: FlaskClient) -> None:
    _signed_in(client)
    assert _callback(client).status_code == 403
    assert _callback(client, token="forged").status_code == 403
    response = _callback(client, token=csrf_cookie(client))
    assert response.status_code == 200
    assert "fangshan|district|110111000000" in response.get_data(as_text=True)


def test_csrf_cookie_is_readable_by_the_page_but_strict(client: FlaskClient) -> None:
    login(client)
    page = client.get("/")
    cookie = next(c for c in page.headers.getlist("Set-Cookie") if c.startswith("_csrf_token="))
    assert "HttpOnly" not in cookie and "SameSite=Strict" in cookie
    # Set once per session, not on every response.
    assert not any(
        c.startswith("_csrf_token=") for c in client.get("/").headers.getlist("Set-Cookie")
    )


def test_each_session_has_its_own_csrf_token(app: dash.Dash) -> None:
    first = _signed_in(app.server.test_client())
    second = _signed_in(app.server.test_client())
    assert csrf_cookie(first) != csrf_cookie(second)
    assert _callback(second, token=csrf_cookie(first)).status_code == 403


# -- throttling ------------------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_repeated_failures_lock_the_username(app: dash.Dash, client: FlaskClient) -> None:
    clock = FakeClock()
    app.server.extensions["wsi_auth"].throttle.clock = clock
    for _ in range(6):
        assert login(client, "fangshan", "wrong-password-1").status_code == 200
    locked = login(client, "fangshan", PASSWORD)
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 31
    assert "尝试次数过多" in locked.get_data(as_text=True)
    # Another user from the same address is not affected by this username's lock.
    assert login(app.server.test_client(), "city1").status_code == 302
    clock.now += 31
    assert login(client, "fangshan", PASSWORD).status_code == 302


def test_failures_across_usernames_lock_the_address(app: dash.Dash, client: FlaskClient) -> None:
    clock = FakeClock()
    app.server.extensions["wsi_auth"].throttle.clock = clock
    for n in range(21):
        assert login(client, f"guess{n}", "wrong-password-1").status_code == 200
    assert login(client, "city1").status_code == 429
    other = app.server.test_client()
    response = other.post(
        "/login",
        data={"username": "city1", "password": PASSWORD, "csrf_token": login_token(other)},
        environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert response.status_code == 302


# -- headers -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/login", "/", "/_dash-layout", "/no-such-route"])
@pytest.mark.parametrize("signed_in", [False, True])
def test_security_headers_on_every_response(
    client: FlaskClient, path: str, signed_in: bool
) -> None:
    if signed_in:
        login(client)
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    scripts = directives.get("script-src", directives["default-src"])
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src" if "object-src" in directives else "default-src"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_csp_allows_exactly_dashs_inline_renderer_script(app: dash.Dash) -> None:
    client = _signed_in(app.server.test_client())
    response = client.get("/")
    digest = base64.b64encode(hashlib.sha256(app.renderer.encode()).digest()).decode()
    assert app.renderer in response.get_data(as_text=True)
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]


def test_login_page_csp_allows_nothing_but_its_own_style(client: FlaskClient) -> None:
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'none'; style-src 'sha256-")
    assert "form-action 'self'" in csp


# -- logout and the end of sessions ------------------------------------------------------
def test_logout_needs_post_with_the_token(client: FlaskClient) -> None:
    _signed_in(client)
    form = client.get("/logout")
    assert form.status_code == 200 and 'name="csrf_token"' in form.get_data(as_text=True)
    assert client.post("/logout").status_code == 403
    assert client.get("/_dash-layout").status_code == 200
    token = login_token(client, "/logout")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 200
    assert "您已退出登录" in response.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401


def test_password_change_ends_existing_sessions(client: FlaskClient, store: UserStore) -> None:
    _signed_in(client)
    store.set_password("fangshan", "another-password-7")
    assert client.get("/_dash-layout").status_code == 401


def test_removing_a_user_ends_their_sessions(client: FlaskClient, store: UserStore) -> None:
    _signed_in(client)
    store.remove("fangshan")
    assert client.get("/_dash-layout").status_code == 401


def test_sessions_end_after_their_lifetime(app: dash.Dash, client: FlaskClient) -> None:
    clock = FakeClock()
    app.server.extensions["wsi_auth"].sessions.clock = clock
    _signed_in(client)
    # Used every 50 minutes (never idle for the 60-minute limit) until the 12 hours end.
    for _ in range(14):
        clock.now += 50 * 60
        assert client.get("/_dash-layout").status_code == 200
    clock.now += 50 * 60  # 15 × 50 min = 12.5 h after sign-in
    assert client.get("/_dash-layout").status_code == 401


def test_a_tampered_session_cookie_is_refused(client: FlaskClient) -> None:
    login(client)
    value = client.get_cookie("wsi_session").value
    client.set_cookie("wsi_session", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    assert client.get("/_dash-layout").status_code == 401


def test_a_session_signed_with_another_key_is_refused(
    settings: Settings, store: UserStore, tmp_path: Path
) -> None:
    first = build_app(settings, tmp_path, AuthConfig(session_secret="a" * 40))
    second = build_app(settings, tmp_path, AuthConfig(session_secret="b" * 40))
    client = first.server.test_client()
    login(client)
    stolen = client.get_cookie("wsi_session").value
    other = second.server.test_client()
    other.set_cookie("wsi_session", stolen)
    assert other.get("/_dash-layout").status_code == 401


# -- the page's part ------------------------------------------------------------------
def test_pages_load_the_session_script_that_reloads_on_401(client: FlaskClient) -> None:
    _signed_in(client)
    assert '<script src="/_wsi-auth/session.js"></script>' in client.get("/").get_data(as_text=True)
    script = client.get("/_wsi-auth/session.js")
    assert script.mimetype == "text/javascript"
    assert "401" in script.get_data(as_text=True)


def test_the_layout_has_a_sign_out_form_with_the_session_token(client: FlaskClient) -> None:
    _signed_in(client)
    account = client.get("/_dash-layout").get_json()["props"]["children"][0]
    assert account["type"] == "Form"
    assert account["props"]["action"] == "/logout" and account["props"]["method"] == "post"
    hidden = account["props"]["children"][1]["props"]
    assert hidden["name"] == "csrf_token" and hidden["value"] == csrf_cookie(client)
    assert account["props"]["children"][0]["props"]["children"] == "房山区 User"


# -- the viewer ------------------------------------------------------------------------
def test_callbacks_see_the_signed_in_viewer(app: dash.Dash) -> None:
    client = _signed_in(app.server.test_client(), "city1")
    response = _callback(client, token=csrf_cookie(client))
    assert "city1|city|110000000000" in response.get_data(as_text=True)
    assert client.get("/download/figures.csv").get_json() == {"scope": "110000000000"}


def test_current_viewer_outside_a_request_fails_closed() -> None:
    with pytest.raises(PermissionError):
        current_viewer()


def test_current_viewer_without_install_auth_fails_closed() -> None:
    app = dash.Dash(__name__)
    with app.server.test_request_context("/"), pytest.raises(PermissionError):
        current_viewer()


def test_turned_off_everyone_is_a_local_city_viewer(settings: Settings, tmp_path: Path) -> None:
    app = build_app(settings, tmp_path, AuthConfig(enabled=False))
    client = app.server.test_client()
    assert client.get("/_dash-layout").status_code == 200
    response = client.post("/_dash-update-component", json=callback_body())
    assert "local|city|110000000000" in response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "password" not in client.get("/login").get_data(as_text=True)


def test_auth_config_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WSI_AUTH", "off")
    monkeypatch.setenv("WSI_SESSION_HOURS", "2")
    monkeypatch.setenv("WSI_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("WSI_COOKIE_SECURE", "on")
    config = AuthConfig.from_env()
    assert (config.enabled, config.session_hours, config.cookie_secure) == (False, 2.0, True)
    assert config.session_idle_minutes == 15.0
    for name, value in [("WSI_SESSION_IDLE_MINUTES", "0"), ("WSI_SESSION_HOURS", "soon")]:
        monkeypatch.setenv(name, value)
        with pytest.raises(ValueError, match=name):
            AuthConfig.from_env()
        monkeypatch.delenv(name)
    monkeypatch.setenv("WSI_AUTH", "maybe")
    with pytest.raises(ValueError, match="WSI_AUTH"):
        AuthConfig.from_env()


def test_installing_twice_is_an_error(app: dash.Dash, settings: Settings) -> None:
    with pytest.raises(RuntimeError):
        install_auth(app, settings, AuthConfig())


# -- the signing key -------------------------------------------------------------------
def test_the_secret_is_generated_once_with_mode_600(settings: Settings, tmp_path: Path) -> None:
    path = settings.data_dir / ".flask_secret"
    build_app(settings, tmp_path)
    assert path.stat().st_mode & 0o777 == 0o600
    first = path.read_text()
    assert load_or_create_secret(path) == first.strip()
    assert len(first.strip()) >= 32


def test_a_short_session_secret_is_refused(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32"):
        build_app(settings, tmp_path, AuthConfig(session_secret="short"))


def test_an_explicit_secret_writes_no_file(settings: Settings, tmp_path: Path) -> None:
    build_app(settings, tmp_path, AuthConfig(session_secret="s" * 32))
    assert not (settings.data_dir / ".flask_secret").exists()


# -- behind a reverse proxy ------------------------------------------------------------
@pytest.mark.parametrize(("hops", "separate"), [(0, False), (1, True)])
def test_forwarded_addresses_count_only_behind_a_configured_proxy(
    settings: Settings, store: UserStore, tmp_path: Path, hops: int, separate: bool
) -> None:
    app = build_app(settings, tmp_path, AuthConfig(proxy_hops=hops))
    auth = app.server.extensions["wsi_auth"]
    auth.throttle.free_failures["ip"] = 1
    client = app.server.test_client()
    for forwarded in ("203.0.113.1", "203.0.113.2"):
        client.post(
            "/login",
            data={"username": "x", "password": "y", "csrf_token": login_token(client)},
            headers={"X-Forwarded-For": forwarded},
        )
    # Two failures from one address lock it; from two (trusted) addresses they do not.
    locked = auth.throttle.retry_after(ip="127.0.0.1") > 0
    assert locked is not separate


def test_a_huge_login_form_is_refused_before_parsing(client: FlaskClient) -> None:
    token = login_token(client)
    data = {"username": "fangshan", "password": "x" * (100 * 1024), "csrf_token": token}
    assert client.post("/login", data=data).status_code == 413
