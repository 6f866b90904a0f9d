"""Load test of the dashboard under gunicorn on loopback, with requests a real browser sends.

1. :func:`serve` starts ``gunicorn dashboards.wsgi:server`` on 127.0.0.1 against a data
   folder holding a published snapshot.
2. :func:`capture` opens every page in headless chromium (signed in when access control
   is on) and records, from Chrome's performance log, the body of every
   ``/_dash-update-component`` POST the page fires on load: the page's real callbacks
   with the real inputs (month, scope, language …).
3. :func:`replay` sends one page's captured POSTs in order, warm, and times each:
   the per-page callback latency over HTTP.
4. :func:`load` runs N simulated users for a fixed time: each signs in once, then
   visits pages at random (page HTML, ``/_dash-layout``, ``/_dash-dependencies``, then
   the page's captured callbacks in order), with a short think time between pages.
   Requests are bounded per user and by time; every non-2xx answer or exception is an
   error.

    python -m benchmarks.load --data-dir DIR [--users 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

PAGES = ("/", "/coverage", "/demand", "/hotline", "/membership", "/stations", "/quality", "/siting")
USER = "bench-city"
PASSWORD = "bench-password-0123456789"
CSRF_HEADER = "X-CSRFToken"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def auth_enabled() -> bool:
    """Whether the app installs access control (it is being added while this is written)."""
    source = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
    return "install_auth" in source.read_text(encoding="utf-8") and os.environ.get(
        "WSI_AUTH", "on"
    ).strip().lower() not in ("0", "off", "false", "no")


def add_user(data_dir: Path) -> None:
    """A city-level account in ``<data_dir>/users.json`` via the users CLI."""
    env = {**os.environ, "WSI_DATA_DIR": str(data_dir)}
    for argv in (["remove", USER], ["add", USER, "--role", "city", "--password-stdin"]):
        subprocess.run(
            [sys.executable, "-m", "dashboards", "users", *argv],
            input=PASSWORD + "\n" + PASSWORD + "\n",
            text=True,
            env=env,
            capture_output=True,
            check=argv[0] == "add",
        )


def serve(data_dir: Path, port: int, workers: int = 2, threads: int = 4) -> subprocess.Popen:
    """``gunicorn dashboards.wsgi:server`` on 127.0.0.1:port; returns once it answers."""
    env = {**os.environ, "WSI_DATA_DIR": str(data_dir)}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "dashboards.wsgi:server",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            status = Client(port).request("GET", "/_favicon.ico")[0]
            if status:
                return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 120 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Client:
    """One simulated browser: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int, timeout: float = 60.0) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST" and "_csrf_token" in self.cookies:
            headers[CSRF_HEADER] = self.cookies["_csrf_token"]
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                jar = SimpleCookie()
                jar.load(value)
                for key, morsel in jar.items():
                    self.cookies[key] = morsel.value
        return response.status, data

    def login(self) -> None:
        status, page = self.request("GET", "/login")
        match = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        if status != 200 or not match:
            raise RuntimeError(f"no login form (HTTP {status})")
        form = urlencode(
            {
                "csrf_token": match.group(1).decode(),
                "next": "/",
                "username": USER,
                "password": PASSWORD,
            }
        ).encode()
        status, _ = self.request(
            "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status not in (200, 302, 303):
            raise RuntimeError(f"login failed (HTTP {status})")
        # the CSRF cookie for POSTs is set on the first page after sign-in
        self.request("GET", "/")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def chromium(network_log: bool = False):
    """Headless chromium as the benchmarks drive it (a 1400 × 1600 window, Chinese);
    with ``network_log``, its performance log holds the network events."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1600",
        "--lang=zh-CN",
    ):
        options.add_argument(argument)
    if network_log:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(options=options)


def sign_in(driver, base: str) -> float:
    """Fill in and submit the sign-in form as the benchmark's city account; returns
    ``time.monotonic()`` at the submit (what follows it is not waited for)."""
    from selenium.webdriver.common.by import By

    driver.get(base + "/login")
    driver.find_element(By.ID, "username").send_keys(USER)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    submitted = time.monotonic()
    driver.find_element(By.ID, "password").submit()
    return submitted


def capture(port: int, with_auth: bool, settle_s: float = 3.0, max_s: float = 60.0) -> dict:
    """Page path → the ``/_dash-update-component`` bodies chromium sends when it opens it."""
    driver = chromium(network_log=True)
    base = f"http://127.0.0.1:{port}"
    captured: dict[str, list[str]] = {}
    try:
        if with_auth:
            sign_in(driver, base)
            time.sleep(2)
        for page in PAGES:
            driver.get_log("performance")  # drop what came before
            driver.get(base + page)
            bodies: list[str] = []
            started = last_seen = time.monotonic()
            while time.monotonic() - last_seen < settle_s and time.monotonic() - started < max_s:
                time.sleep(0.5)
                for entry in driver.get_log("performance"):
                    message = json.loads(entry["message"])["message"]
                    if message.get("method") != "Network.requestWillBeSent":
                        continue
                    request = message["params"]["request"]
                    if "/_dash-update-component" in request["url"]:
                        body = request.get("postData")
                        if body is None:
                            body = driver.execute_cdp_cmd(
                                "Network.getRequestPostData",
                                {"requestId": message["params"]["requestId"]},
                            )["postData"]
                        bodies.append(body)
                        last_seen = time.monotonic()
            captured[page] = bodies
    finally:
        driver.quit()
    return captured


def _post(client: Client, body: str) -> tuple[int, float]:
    began = time.perf_counter()
    status, _ = client.request(
        "POST", "/_dash-update-component", body.encode(), {"Content-Type": "application/json"}
    )
    return status, time.perf_counter() - began


def _output(body: str) -> str:
    """The callback's output id, as Dash names it in the request body."""
    try:
        output = str(json.loads(body).get("output", "?"))
    except ValueError:
        return "?"
    parts = output.strip(".").split("...")  # Dash joins several outputs with "..."
    first = parts[0][:60]
    return first if len(parts) == 1 else f"{first} (+{len(parts) - 1})"


def replay(port: int, captured: dict, with_auth: bool, rounds: int = 5) -> dict:
    """Per page: the warm latency of its callbacks over HTTP (one client, sequential):
    the first round warms caches and is dropped; p50/p95 over every POST of the others,
    and the slowest callbacks by their median."""
    client = Client(port)
    if with_auth:
        client.login()
    result = {}
    for page, bodies in captured.items():
        times: list[float] = []
        by_output: dict[str, list[float]] = {}
        errors = 0
        for round_ in range(rounds + 1):
            for body in bodies:
                status, seconds = _post(client, body)
                errors += status >= 400
                if round_:
                    times.append(seconds)
                    by_output.setdefault(_output(body), []).append(seconds)
        slowest = sorted(
            ((name, statistics.median(t) * 1000) for name, t in by_output.items()),
            key=lambda kv: -kv[1],
        )[:3]
        result[page] = {
            "callbacks": len(bodies),
            "errors": errors,
            **percentiles(times),
            "slowest": [(name, round(ms, 1)) for name, ms in slowest],
        }
    client.close()
    return result


def percentiles(times: list[float]) -> dict:
    if not times:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


@dataclass
class _Tally:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1


def load(
    port: int,
    captured: dict,
    with_auth: bool,
    users: int = 50,
    seconds: float = 60.0,
    think_s: tuple[float, float] = (0.5, 2.0),
    max_requests_per_user: int = 5000,
    seed: int = 7,
) -> dict:
    """``users`` threads visiting pages for ``seconds``; returns counts and percentiles."""
    tally = _Tally()
    pages = [p for p in PAGES if p in captured]
    stop_at = time.monotonic() + seconds
    login_errors = []

    def user(n: int) -> None:
        rng = random.Random(seed * 1000 + n)
        client = Client(port)
        try:
            if with_auth:
                client.login()
        except Exception as exc:
            login_errors.append(repr(exc))
            return
        sent = 0
        while time.monotonic() < stop_at and sent < max_requests_per_user:
            page = rng.choice(pages)
            steps = [("GET", page, None, "page"), ("GET", "/_dash-layout", None, "layout")]
            steps.append(("GET", "/_dash-dependencies", None, "dependencies"))
            steps += [("POST", "/_dash-update-component", b, "callback") for b in captured[page]]
            for method, path, body, kind in steps:
                if time.monotonic() >= stop_at:
                    break
                began = time.perf_counter()
                try:
                    status, _ = client.request(
                        method,
                        path,
                        body.encode() if body else None,
                        {"Content-Type": "application/json"} if body else None,
                    )
                    ok = 200 <= status < 300 or status == 204
                except Exception:
                    ok = False
                    client.close()
                    client.conn = None
                tally.add(kind, time.perf_counter() - began, ok)
                sent += 1
            time.sleep(rng.uniform(*think_s))
        client.close()

    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 180)
    elapsed = time.monotonic() - began
    every = [t for times in tally.times.values() for t in times]
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "errors": sum(tally.errors.values()) + len(login_errors),
        "login_errors": login_errors[:3],
        "requests_per_s": round(len(every) / elapsed, 1),
        **{k: v for k, v in percentiles(every).items() if k != "n"},
        "by_kind": {
            kind: {**percentiles(times), "errors": tally.errors.get(kind, 0)}
            for kind, times in sorted(tally.times.items())
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with_auth = auth_enabled()
    if with_auth:
        add_user(args.data_dir)
    port = free_port()
    server = serve(args.data_dir, port, args.workers, args.threads)
    try:
        captured = capture(port, with_auth)
        print({page: len(bodies) for page, bodies in captured.items()})
        print(json.dumps(replay(port, captured, with_auth), indent=1))
        print(json.dumps(load(port, captured, with_auth, args.users, args.seconds), indent=1))
    finally:
        stop(server)


if __name__ == "__main__":
    main()
