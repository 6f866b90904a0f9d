"""Server-side sessions: an ended session is refused for every copy of its cookie, in
every worker; idle and absolute limits; what the session table keeps."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
import time
from pathlib import Path

import dash
import pytest
from flask.testing import FlaskClient

from dashboards.auth.cli import main as cli_main
from dashboards.auth.config import AuthConfig
from dashboards.auth.sessions import SessionStore
from dashboards.auth.state import StateDB
from dashboards.auth.users import UserStore
from pipelines.settings import Settings
from tests.unit.auth.helpers import build_app, login, login_token

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html"}


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def _signed_in(client: FlaskClient, username: str = "fangshan") -> FlaskClient:
    assert login(client, username).status_code == 302
    client.get("/")  # sets the _csrf_token cookie
    return client


def _cookie(client: FlaskClient) -> str:
    return client.get_cookie("wsi_session").value


def _replay(app: dash.Dash, cookie: str) -> FlaskClient:
    """A new browser (or an attacker) holding a copy of the session cookie."""
    other = app.server.test_client()
    other.set_cookie("wsi_session", cookie)
    return other


def _sign_out(client: FlaskClient) -> None:
    response = client.post("/logout", data={"csrf_token": login_token(client, "/logout")})
    assert response.status_code == 200


def test_a_cookie_replayed_after_sign_out_is_refused(app: dash.Dash, client: FlaskClient) -> None:
    _signed_in(client)
    copied = _cookie(client)
    assert _replay(app, copied).get("/_dash-layout").status_code == 200  # the copy works…
    _sign_out(client)
    replayed = _replay(app, copied)
    # … until the owner signs out: then data requests get 401, pages the sign-in form.
    assert replayed.get("/_dash-layout", headers=JSON).status_code == 401
    assert replayed.get("/download/figures.csv", headers=JSON).status_code == 401
    page = replayed.get("/", headers=HTML)
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


def test_sign_out_in_one_worker_holds_in_another(
    settings: Settings, store: UserStore, tmp_path: Path
) -> None:
    # Two app instances over one data folder stand for two gunicorn workers.
    first, second = build_app(settings, tmp_path), build_app(settings, tmp_path)
    client = _signed_in(first.server.test_client())
    copied = _cookie(client)
    assert _replay(second, copied).get("/_dash-layout").status_code == 200
    _sign_out(client)
    assert _replay(second, copied).get("/_dash-layout").status_code == 401


def test_sessions_end_after_the_idle_limit(app: dash.Dash, client: FlaskClient) -> None:
    clock = Clock()
    app.server.extensions["wsi_auth"].sessions.clock = clock
    _signed_in(client)
    clock.now += 59 * 60  # idle 59 minutes of the default 60: still signed in
    assert client.get("/_dash-layout").status_code == 200
    clock.now += 59 * 60  # that request counted as use: another 59 minutes is fine
    assert client.get("/_dash-layout").status_code == 200
    clock.now += 61 * 60
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/_dash-layout").status_code == 401  # and it stays ended


def test_the_idle_limit_is_a_setting(
    settings: Settings, store: UserStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WSI_SESSION_IDLE_MINUTES", "5")
    app = build_app(settings, tmp_path, AuthConfig.from_env())
    clock = Clock()
    app.server.extensions["wsi_auth"].sessions.clock = clock
    client = _signed_in(app.server.test_client())
    clock.now += 6 * 60
    assert client.get("/_dash-layout").status_code == 401


def test_revoking_a_user_ends_all_their_sessions_only(app: dash.Dash, cli_env) -> None:
    office, home = _signed_in(app.server.test_client()), _signed_in(app.server.test_client())
    city = _signed_in(app.server.test_client(), "city1")
    status, out = cli_env("revoke", "FangShan")
    assert status == 0 and "fangshan: 2 sessions ended" in out
    assert office.get("/_dash-layout").status_code == 401
    assert home.get("/_dash-layout").status_code == 401
    assert city.get("/_dash-layout").status_code == 200


def test_sessions_lists_and_revoke_ends_one(app: dash.Dash, cli_env) -> None:
    office = app.server.test_client()
    office.get("/login")
    token = login_token(office)
    form = {"username": "fangshan", "password": "correct-horse-42", "csrf_token": token}
    office.post("/login", data=form, headers={"User-Agent": "OfficeBrowser/1.0"})
    home = _signed_in(app.server.test_client())
    status, out = cli_env("sessions", "fangshan")
    lines = out.strip().splitlines()
    assert status == 0 and lines[0].split()[:3] == ["id", "signed", "in"]
    assert len(lines) == 3 and any("OfficeBrowser/1.0" in line for line in lines)
    office_id = next(line.split()[0] for line in lines if "OfficeBrowser" in line)
    status, out = cli_env("revoke", "fangshan", "--session", office_id)
    assert "fangshan: 1 session ended" in out
    assert office.get("/_dash-layout").status_code == 401
    assert home.get("/_dash-layout").status_code == 200
    assert "has no open sessions" in cli_env("sessions", "city1")[1]


@pytest.mark.parametrize("command", [("passwd", "fangshan", "--password-stdin"), ("remove",)])
def test_passwd_and_remove_end_sessions_in_the_table(
    app: dash.Dash, settings: Settings, cli_env, command: tuple[str, ...]
) -> None:
    _signed_in(app.server.test_client())
    argv = command if len(command) > 1 else (*command, "fangshan")
    status, out = cli_env(*argv, stdin="a-new-password-9\n")
    assert status == 0 and "1 session ended" in out
    rows = sqlite3.connect(settings.auth_state_path).execute("SELECT * FROM sessions").fetchall()
    assert rows == []


def test_a_password_changed_behind_the_table_still_ends_sessions(
    client: FlaskClient, store: UserStore, settings: Settings
) -> None:
    # Changed through the store directly (no revocation): the stamp check still holds.
    _signed_in(client)
    store.set_password("fangshan", "another-password-7")
    assert client.get("/_dash-layout").status_code == 401
    con = sqlite3.connect(settings.auth_state_path)
    assert con.execute("SELECT count(*) FROM sessions").fetchone() == (0,)


def test_the_table_holds_no_usable_cookie_and_is_private(
    client: FlaskClient, settings: Settings
) -> None:
    _signed_in(client)
    with client.session_transaction() as session:
        session_id = session["sid"]
    # no username, role or scope in the cookie: only the id and the CSRF token
    assert set(session) - {"_permanent"} == {"sid", "csrf"}
    database = settings.auth_state_path.read_bytes()
    assert session_id.encode() not in database
    for path in settings.data_dir.glob("auth.sqlite*"):
        assert path.stat().st_mode & 0o777 == 0o600, path


def test_a_cookie_without_a_server_session_is_refused(client: FlaskClient) -> None:
    # A validly signed cookie of the earlier cookie-only format, or with a made-up id.
    login(client)
    for forged in ({"user": "fangshan", "stamp": "x", "at": time.time()}, {"sid": "made-up"}):
        with client.session_transaction() as session:
            session.clear()
            session.update(forged)
        assert client.get("/_dash-layout").status_code == 401


def test_ended_sessions_are_purged_at_the_next_sign_in(settings: Settings) -> None:
    clock = Clock()
    sessions = SessionStore(StateDB(settings.auth_state_path), 3600, 600, clock=clock)
    sessions.create("a", "stamp", "10.0.0.1", "ua")
    clock.now += 601  # idle past 10 minutes
    sessions.create("b", "stamp", "10.0.0.2", "ua")
    con = sqlite3.connect(settings.auth_state_path)
    assert con.execute("SELECT username FROM sessions").fetchall() == [("b",)]


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys):
    """Run ``python -m dashboards users …`` in this test's data folder."""

    def run(*argv: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = cli_main(["users", *argv])
        captured = capsys.readouterr()
        return status, captured.out + captured.err

    return run


def test_signing_in_starts_a_new_session(app: dash.Dash) -> None:
    # Session fixation: an attacker plants their pre-sign-in cookie in the victim's
    # browser; after the victim signs in, the attacker's copy is still not signed in.
    attacker = app.server.test_client()
    attacker.get("/login")
    planted = _cookie(attacker)
    victim = app.server.test_client()
    victim.set_cookie("wsi_session", planted)
    form = {"username": "fangshan", "password": "correct-horse-42"}
    form["csrf_token"] = login_token(victim)
    assert victim.post("/login", data=form).status_code == 302
    assert _cookie(victim) != planted
    assert victim.get("/_dash-layout").status_code == 200
    assert attacker.get("/_dash-layout").status_code == 401


@pytest.mark.parametrize(
    ("role", "scope"), [("subdistrict", "110111011000"), ("district", "110108000000")]
)
def test_a_role_or_scope_change_ends_sessions(
    client: FlaskClient, settings: Settings, role: str, scope: str
) -> None:
    # Changed in users.json by hand (there is no command for it): the session stamp
    # taken at sign-in no longer matches, so the next request is not signed in.
    _signed_in(client)
    document = json.loads(settings.users_path.read_text())
    user = next(u for u in document["users"] if u["username"] == "fangshan")
    user.update(role=role, scope_code=scope)
    settings.users_path.write_text(json.dumps(document))
    assert client.get("/_dash-layout").status_code == 401
