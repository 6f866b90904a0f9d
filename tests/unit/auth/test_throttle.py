"""Login throttling: free attempts, then a lockout that doubles, capped, and forgotten;
one count for every process on the machine, parallel guesses included."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path

from dashboards.auth.state import StateDB
from dashboards.auth.throttle import LoginThrottle, lockout_s


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _throttle(tmp_path: Path, **options) -> LoginThrottle:
    return LoginThrottle(StateDB(tmp_path / "auth.sqlite"), **options)


def test_lockout_formula() -> None:
    # 3 free failures, 30 s doubling to a cap of 300 s: the 4th failure locks 30 s,
    # the 5th 60, 6th 120, 7th 240, 8th 480 → capped at 300.
    lockouts = [lockout_s(n, free=3, base_s=30, max_s=300) for n in range(1, 10)]
    assert lockouts == [0, 0, 0, 30, 60, 120, 240, 300, 300]


def test_lockouts_double_as_failures_continue(tmp_path: Path) -> None:
    clock = Clock()
    throttle = _throttle(tmp_path, free_failures={"user": 3}, max_lockout_s=300, clock=clock)
    waits = []
    for _ in range(9):
        clock.now += throttle.retry_after(user="a")  # wait out any lockout, then fail again
        assert throttle.attempt(user="a") == 0
        waits.append(throttle.retry_after(user="a"))
    assert waits == [0, 0, 0, 30, 60, 120, 240, 300, 300]
    assert throttle.retry_after(user="b") == 0


def test_a_locked_key_is_refused_without_counting(tmp_path: Path) -> None:
    clock = Clock()
    throttle = _throttle(tmp_path, free_failures={"user": 1}, clock=clock)
    throttle.attempt(user="k")
    throttle.attempt(user="k")  # the 2nd failure locks for 30 s
    clock.now += 29
    assert throttle.attempt(user="k") == 1  # refused: 1 s to go, nothing charged
    clock.now += 1
    assert throttle.retry_after(user="k") == 0
    # The count is remembered (2, not 3), so the next failure locks for 60 s.
    assert throttle.attempt(user="k") == 0
    assert throttle.retry_after(user="k") == 60


def test_failures_are_forgotten_after_a_quiet_period(tmp_path: Path) -> None:
    clock = Clock()
    throttle = _throttle(tmp_path, free_failures={"user": 1}, forget_after_s=3600, clock=clock)
    throttle.attempt(user="k")
    throttle.attempt(user="k")
    clock.now += 3600
    throttle.attempt(user="k")  # counts as the first failure again: no lockout
    assert throttle.retry_after(user="k") == 0


def test_either_key_locked_refuses_the_attempt(tmp_path: Path) -> None:
    throttle = _throttle(tmp_path, free_failures={"user": 5, "ip": 1}, clock=Clock())
    throttle.attempt(user="a", ip="10.0.0.1")
    throttle.attempt(user="b", ip="10.0.0.1")  # the address's 2nd failure locks it
    assert throttle.attempt(user="c", ip="10.0.0.1") == 30
    assert throttle.attempt(user="c", ip="10.0.0.2") == 0


def test_success_clears_the_user_and_refunds_the_address(tmp_path: Path) -> None:
    throttle = _throttle(tmp_path, free_failures={"user": 1, "ip": 2}, clock=Clock())
    throttle.attempt(user="a", ip="10.0.0.1")
    throttle.attempt(user="a", ip="10.0.0.1")  # user a locked; the address at 2 of 2 free
    assert throttle.retry_after(user="a") == 30
    # A third attempt from the address would lock it, unless it turns out right:
    throttle.attempt(user="b", ip="10.0.0.1")
    assert throttle.retry_after(ip="10.0.0.1") == 30
    throttle.succeeded(user="b", ip="10.0.0.1")
    assert throttle.retry_after(ip="10.0.0.1") == 0  # back to 2 of 2 free
    assert throttle.retry_after(user="a") == 30  # another user's lock is untouched
    throttle.attempt(user="c", ip="10.0.0.1")
    assert throttle.retry_after(ip="10.0.0.1") == 30  # the 3rd failure locks, as counted


def test_the_table_stays_bounded_under_a_flood_of_keys(tmp_path: Path) -> None:
    throttle = _throttle(tmp_path, max_keys=100, clock=Clock())
    for n in range(1000):
        throttle.attempt(user=f"u{n}")
    (count,) = (
        sqlite3.connect(tmp_path / "auth.sqlite")
        .execute("SELECT count(*) FROM login_failures")
        .fetchone()
    )
    assert count <= 100


def _guess_many(path: str, guesses: int, start: float, allowed: multiprocessing.Queue) -> None:
    throttle = LoginThrottle(StateDB(Path(path)), free_failures={"user": 5, "ip": 1000})
    while time.time() < start:  # both processes begin together
        time.sleep(0.001)
    allowed.put(sum(throttle.attempt(user="target", ip="x") == 0 for _ in range(guesses)))


def test_two_processes_guessing_at_once_share_one_count(tmp_path: Path) -> None:
    # 5 free failures; the 6th starts a 30 s lockout. Two processes racing 40 guesses
    # each, with no waiting, get 6 checked between them, exactly as one would.
    context = multiprocessing.get_context("spawn")
    allowed = context.Queue()
    start = time.time() + 2.0
    path = str(tmp_path / "auth.sqlite")
    workers = [context.Process(target=_guess_many, args=(path, 40, start, allowed)) for _ in "ab"]
    for worker in workers:
        worker.start()
    counts = [allowed.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert sum(counts) == 6, counts
