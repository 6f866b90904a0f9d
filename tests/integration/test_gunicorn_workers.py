"""The dashboard under a real gunicorn with two worker processes on 127.0.0.1: the
login lockout and the end of a session hold across workers.

The server runs with ``deploy/gunicorn.conf.py`` (as ``make serve`` and the systemd
unit do), but with sync workers: each handles one request at a time, so requests sent
in parallel are spread over both, which the access log (one line per request, with the
worker's pid) shows.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from argon2 import PasswordHasher

from dashboards.auth.users import UserStore

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-42"
TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')
ACCESS = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d+) .* pid=<(?P<pid>\d+)>'
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One server for this module's tests (starting two workers takes a while here);
    they use different users."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    data = tmp_path / "data"
    data.mkdir()
    # Verification uses the parameters stored in each hash: the production profile for
    # the user under attack (each checked guess keeps a worker busy ~0.3 s, so parallel
    # guesses go to both workers), a cheap one for the other.
    UserStore(data / "users.json").add("fangshan", "district", "110111000000", PASSWORD)
    cheap = UserStore(data / "users.json", PasswordHasher(time_cost=1, memory_cost=8192))
    cheap.add("city1", "city", "110000000000", PASSWORD)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WSI_")}
    env.update(WSI_DATA_DIR=str(data), WSI_BIND=f"127.0.0.1:{port}", WSI_WEB_WORKERS="2")
    access_log = tmp_path / "access.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "-k", "sync",
               "--access-logfile", str(access_log), "dashboards.wsgi:server"]  # fmt: skip
    with open(tmp_path / "gunicorn.err", "wb") as errors:
        process = subprocess.Popen(command, cwd=REPO, env=env, stderr=errors)
    url = f"http://127.0.0.1:{port}"
    try:
        # Ready when both workers answer (the second may still be importing the app).
        deadline = time.monotonic() + 120
        while len(_requests_by_pid(access_log, "GET", "/healthz")) < 2:
            assert process.poll() is None, (tmp_path / "gunicorn.err").read_text()
            assert time.monotonic() < deadline, "two workers did not answer within 120 s"
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda _: _probe(f"{url}/healthz"), range(8)))
        yield url, access_log
    finally:
        process.terminate()
        process.wait(timeout=60)


def _probe(url: str) -> None:
    try:
        requests.get(url, timeout=60)
    except requests.ConnectionError:
        time.sleep(0.3)  # not listening yet


def _login(url: str, username: str, password: str) -> tuple[requests.Session, int]:
    browser = requests.Session()
    token = TOKEN.search(browser.get(f"{url}/login", timeout=30).text).group(1)
    form = {"username": username, "password": password, "csrf_token": token}
    response = browser.post(f"{url}/login", data=form, allow_redirects=False, timeout=30)
    return browser, response.status_code


def _requests_by_pid(access_log: Path, method: str, path: str) -> dict[str, Counter]:
    """{pid: Counter(status)} of the logged requests ``method path``."""
    time.sleep(0.5)  # let the workers flush their last lines
    seen: dict[str, Counter] = {}
    lines = access_log.read_text().splitlines() if access_log.exists() else []
    for line in lines:
        match = ACCESS.search(line)
        if match and match["method"] == method and match["path"].split("?")[0] == path:
            seen.setdefault(match["pid"], Counter())[match["status"]] += 1
    return seen


def test_the_lockout_holds_at_its_count_across_two_workers(server) -> None:
    url, access_log = server
    # 24 wrong guesses for one username, 4 at a time. 5 failures are free and the
    # 6th starts a 30 s lockout, so exactly 6 are checked (200: the form again) and
    # 18 refused (429) — not 6 per worker.
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: _login(url, "fangshan", "wrong-guess-1")[1], range(24)))
    assert Counter(statuses) == {200: 6, 429: 18}
    # The right password is refused too while the username is locked.
    assert _login(url, "fangshan", PASSWORD)[1] == 429
    by_pid = _requests_by_pid(access_log, "POST", "/login")
    assert len(by_pid) == 2, f"the checked guesses reached both workers: {by_pid}"
    assert all(c["200"] > 0 for c in by_pid.values()), by_pid
    assert sum(sum(c.values()) for c in by_pid.values()) == 25


def test_a_cookie_replayed_after_sign_out_is_refused_by_every_worker(server) -> None:
    url, access_log = server
    browser, status = _login(url, "city1", PASSWORD)
    assert status == 302
    copied = browser.cookies.get("wsi_session")
    replay = requests.Session()
    replay.cookies.set("wsi_session", copied)

    def layout(session: requests.Session) -> int:
        return session.get(f"{url}/_dash-layout", timeout=30).status_code

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(lambda _: layout(replay), range(12))) == {200}
    csrf = TOKEN.search(browser.get(f"{url}/logout", timeout=30).text).group(1)
    assert browser.post(f"{url}/logout", data={"csrf_token": csrf}, timeout=30).ok
    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(lambda _: layout(replay), range(20))) == {401}
    page = replay.get(f"{url}/", headers={"Accept": "text/html"}, allow_redirects=False)
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    by_pid = _requests_by_pid(access_log, "GET", "/_dash-layout")
    assert len(by_pid) == 2 and all(c["401"] > 0 for c in by_pid.values()), by_pid
