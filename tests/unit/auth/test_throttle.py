"""Login throttling: free attempts, then a lockout that doubles, capped, and forgotten."""

from __future__ import annotations

from dashboards.auth.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_lockouts_double_up_to_the_cap() -> None:
    throttle = LoginThrottle(free_failures=3, base_lockout_s=30, max_lockout_s=300, clock=Clock())
    lockouts = [throttle.failure("user:a") for _ in range(9)]
    assert lockouts == [0, 0, 0, 30, 60, 120, 240, 300, 300]
    assert throttle.retry_after("user:a") == 300
    assert throttle.retry_after("user:b") == 0


def test_the_lockout_runs_out() -> None:
    clock = Clock()
    throttle = LoginThrottle(free_failures=1, base_lockout_s=30, clock=clock)
    throttle.failure("k")
    throttle.failure("k")
    clock.now = 29
    assert throttle.retry_after("k") == 1
    clock.now = 30
    assert throttle.retry_after("k") == 0
    # The count is remembered, so the next failure locks for longer.
    assert throttle.failure("k") == 60


def test_failures_are_forgotten_after_a_quiet_period() -> None:
    clock = Clock()
    throttle = LoginThrottle(free_failures=1, base_lockout_s=30, forget_after_s=3600, clock=clock)
    throttle.failure("k")
    throttle.failure("k")
    clock.now = 3600
    assert throttle.failure("k") == 0


def test_success_clears_the_key() -> None:
    throttle = LoginThrottle(free_failures=1, clock=Clock())
    throttle.failure("k")
    throttle.success("k")
    assert throttle.failure("k") == 0


def test_memory_stays_bounded_under_a_flood_of_keys() -> None:
    throttle = LoginThrottle(max_keys=100, clock=Clock())
    for n in range(1000):
        throttle.failure(f"user:{n}")
    assert len(throttle._entries) <= 100
