"""``python -m benchmarks.auth_state [--dir DIR] [-n N]``: what the shared sign-in state
(``<data>/auth.sqlite``: server-side sessions and the login throttle) costs a request.

Measured on the disk that holds ``--dir`` (default: a temporary folder under the
repository's ``benchmarks/.work``, i.e. the same disk as a data folder would be):

- a signed-in request's session lookup, when ``last_seen`` is fresh (a read) and when it
  must be written (once a minute per session: a write with fsync);
- a sign-in (a new session, with the purge of ended ones) and a sign-out;
- a sign-in attempt's throttle charge (a write) and its refund after a right password,
  with 1,000 other sessions and 1,000 counted keys in the tables.

Prints a Markdown table of medians and 95th percentiles in microseconds.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dashboards.auth.sessions import SessionStore
from dashboards.auth.state import StateDB
from dashboards.auth.throttle import LoginThrottle

REPO = Path(__file__).resolve().parent.parent


def _timed(step: Callable[[int], object], n: int) -> list[float]:
    times = []
    for i in range(n):
        start = time.perf_counter()
        step(i)
        times.append((time.perf_counter() - start) * 1e6)
    return times


def measure(folder: Path, n: int) -> list[tuple[str, list[float]]]:
    db = StateDB(folder / "auth.sqlite")
    clock = [time.time()]
    sessions = SessionStore(db, 12 * 3600, 3600, clock=lambda: clock[0])
    throttle = LoginThrottle(db, clock=lambda: clock[0])
    for i in range(1000):  # a server with history
        sessions.create(f"user{i % 200}", "stamp", "10.0.0.1", "bench")
        throttle.attempt(user=f"guess{i}", ip=f"10.1.{i // 250}.{i % 250}")
    ids = [sessions.create("bench", "stamp", "10.0.0.2", "bench") for _ in range(n)]

    def address(i: int) -> str:  # a new one each time: a locked one would not be charged
        return f"10.9.{i // 250}.{i % 250}"

    def charge(i: int) -> object:
        return throttle.attempt(user=f"u{i}", ip=address(i))

    def refund(i: int) -> object:
        return throttle.succeeded(user=f"u{i}", ip=address(i))

    def check(i: int) -> object:
        return sessions.check(ids[i])

    results = [("session lookup (read)", _timed(check, n))]
    clock[0] += 120  # every session is now due a last_seen write
    results += [
        ("session lookup + last_seen write", _timed(check, n)),
        ("sign-in: new session", _timed(lambda i: sessions.create("b", "s", "ip", "ua"), n)),
        ("sign-out: end session", _timed(lambda i: sessions.end(ids[i]), n)),
        ("throttle charge (attempt)", _timed(charge, n)),
        ("throttle refund (right password)", _timed(refund, n)),
    ]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=None, help="where to put the database")
    parser.add_argument("-n", type=int, default=500, help="repetitions of each step")
    args = parser.parse_args()
    parent = args.dir or REPO / "benchmarks" / ".work"
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=parent) as folder:
        results = measure(Path(folder), args.n)
    print(f"| step (n = {args.n}) | median µs | p95 µs |")
    print("|---|---:|---:|")
    for name, times in results:
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"| {name} | {statistics.median(times):,.0f} | {p95:,.0f} |")


if __name__ == "__main__":
    main()
