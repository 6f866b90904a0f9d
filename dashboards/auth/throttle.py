"""Login throttling: exponential lockout after repeated failures, per key.

The login view keeps two throttles, one keyed by username and one by client IP
address. After ``free_failures`` failures a key is locked for ``base_lockout_s``, and
each further failure doubles the lockout up to ``max_lockout_s``; a key with no
failure for ``forget_after_s`` starts afresh, and a successful login clears it.
Attempts during a lockout are refused without checking the password, so they neither
reveal whether a password is right nor extend the lockout.

The state lives in this process's memory: under gunicorn with N workers an attacker
gets up to N times the attempts, and a restart forgets every counter. For this
dashboard's audience (a union office's staff) that bounds guessing well enough; a
shared store (a file or Redis) would be the step up if it is ever exposed widely.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Entry:
    failures: int
    last_failure: float
    locked_until: float


class LoginThrottle:
    """Counts failures per key and says how long a key must wait (thread-safe)."""

    def __init__(
        self,
        free_failures: int = 5,
        base_lockout_s: float = 30.0,
        max_lockout_s: float = 900.0,
        forget_after_s: float = 3600.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free_failures = free_failures
        self.base_lockout_s = base_lockout_s
        self.max_lockout_s = max_lockout_s
        self.forget_after_s = forget_after_s
        self.max_keys = max_keys
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again (0 when it may try now)."""
        now = self._clock()
        with self._lock:
            entry = self._current(key, now)
            return max(0.0, entry.locked_until - now) if entry else 0.0

    def failure(self, key: str) -> float:
        """Record a failed attempt; returns the lockout it starts (0 if none yet)."""
        now = self._clock()
        with self._lock:
            entry = self._current(key, now)
            if entry is None:
                if len(self._entries) >= self.max_keys:
                    self._prune(now)
                entry = self._entries[key] = _Entry(0, now, now)
            entry.failures += 1
            entry.last_failure = now
            excess = entry.failures - self.free_failures
            lockout = (
                min(self.max_lockout_s, self.base_lockout_s * 2 ** min(excess - 1, 30))
                if excess > 0
                else 0.0
            )
            entry.locked_until = now + lockout
            return lockout

    def success(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def _current(self, key: str, now: float) -> _Entry | None:
        entry = self._entries.get(key)
        if entry is not None and self._expired(entry, now):
            del self._entries[key]
            return None
        return entry

    def _expired(self, entry: _Entry, now: float) -> bool:
        return now >= entry.locked_until and now - entry.last_failure >= self.forget_after_s

    def _prune(self, now: float) -> None:
        for key in [k for k, e in self._entries.items() if self._expired(e, now)]:
            del self._entries[key]
        # Still full (a flood of distinct keys): drop the oldest half rather than grow.
        if len(self._entries) >= self.max_keys:
            oldest = sorted(self._entries, key=lambda k: self._entries[k].last_failure)
            for key in oldest[: len(oldest) // 2]:
                del self._entries[key]
