"""Login throttling: an exponential lockout after repeated failures, the same for every
worker and process on the machine.

Each sign-in attempt is charged to two keys, the username and the client's address.
After a key's free failures (5 for a username, 20 for an address: many staff may share
one office NAT address) it is locked for ``base_lockout_s``, and each further failure
doubles the lockout up to ``max_lockout_s``; a key with no failure for
``forget_after_s`` starts afresh. Attempts during a lockout are refused without
checking the password, so they neither reveal whether a password is right nor extend
the lockout.

The counters live in the ``login_failures`` table of :mod:`.state`, so N gunicorn
workers allow no more attempts than one, and a restart forgets nothing. An attempt is
charged *before* its password is checked, in one write transaction with the lockout
check: guesses sent in parallel, to one worker or several, cannot all pass the check
before any of them counts. A right password then clears the username's count and
refunds the address its charge.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType

from dashboards.auth.state import StateDB

#: failures allowed per kind of key before a lockout starts
FREE_FAILURES = MappingProxyType({"user": 5, "ip": 20})
#: kinds of key that a right password clears (the others get their charge back)
CLEARED_BY_SUCCESS = frozenset({"user"})


def lockout_s(failures: int, free: int, base_s: float, max_s: float) -> float:
    """The lockout that the ``failures``-th failure starts (0 while within ``free``)."""
    excess = failures - free
    return min(max_s, base_s * 2 ** min(excess - 1, 30)) if excess > 0 else 0.0


class LoginThrottle:
    """Counts failures per key and says how long a key must wait (any process)."""

    def __init__(
        self,
        db: StateDB,
        free_failures: Mapping[str, int] = FREE_FAILURES,
        base_lockout_s: float = 30.0,
        max_lockout_s: float = 900.0,
        forget_after_s: float = 3600.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.free_failures = dict(free_failures)
        self.base_lockout_s = base_lockout_s
        self.max_lockout_s = max_lockout_s
        self.forget_after_s = forget_after_s
        self.max_keys = max_keys
        self.clock = clock

    def attempt(self, **keys: str) -> float:
        """Charge one attempt to each key (``user="zhang.wei", ip="10.0.0.7"``).

        Returns 0 when the attempt may go ahead (it now counts as a failure until
        :meth:`succeeded` says otherwise), else the seconds to wait (nothing charged).
        """
        now = self.clock()
        stored = self._stored_keys(keys)
        with self.db.write() as con:
            entries = {key: self._current(con, key, now) for key in stored}
            wait = max((row[2] - now for row in entries.values() if row), default=0.0)
            if wait > 0:
                return wait
            for key, kind in stored.items():
                failures = (entries[key][0] if entries[key] else 0) + 1
                lockout = lockout_s(
                    failures, self.free_failures[kind], self.base_lockout_s, self.max_lockout_s
                )
                con.execute(
                    "INSERT OR REPLACE INTO login_failures VALUES (?, ?, ?, ?)",
                    (key, failures, now, now + lockout),
                )
            if any(row is None for row in entries.values()):
                self._bound(con, now)
        return 0.0

    def succeeded(self, **keys: str) -> None:
        """The attempt charged by :meth:`attempt` had the right password."""
        now = self.clock()
        with self.db.write() as con:
            for key, kind in self._stored_keys(keys).items():
                row = self._current(con, key, now)
                if row is None:
                    continue
                failures = row[0] - 1
                if kind in CLEARED_BY_SUCCESS or failures <= 0:
                    con.execute("DELETE FROM login_failures WHERE key = ?", (key,))
                elif failures <= self.free_failures[kind]:
                    # Back within the free failures: a lockout this charge started ends.
                    con.execute(
                        "UPDATE login_failures SET failures = ?, locked_until = ? WHERE key = ?",
                        (failures, min(row[2], now), key),
                    )
                else:
                    con.execute(
                        "UPDATE login_failures SET failures = ? WHERE key = ?", (failures, key)
                    )

    def retry_after(self, **keys: str) -> float:
        """Seconds until an attempt with these keys may be made (0: now)."""
        now = self.clock()
        waits = [0.0]
        for key in self._stored_keys(keys):
            rows = self.db.read(
                "SELECT failures, last_failure, locked_until FROM login_failures WHERE key = ?",
                (key,),
            )
            if rows and not self._expired(rows[0], now):
                waits.append(rows[0][2] - now)
        return max(waits)

    def _stored_keys(self, keys: Mapping[str, str]) -> dict[str, str]:
        unknown = set(keys) - set(self.free_failures)
        if unknown:
            raise ValueError(f"unknown throttle key kinds: {sorted(unknown)}")
        return {f"{kind}:{value}": kind for kind, value in keys.items()}

    def _current(self, con: sqlite3.Connection, key: str, now: float) -> tuple | None:
        """(failures, last_failure, locked_until) of ``key``, None if it has none
        (a row forgotten by now is deleted)."""
        row = con.execute(
            "SELECT failures, last_failure, locked_until FROM login_failures WHERE key = ?",
            (key,),
        ).fetchone()
        if row is not None and self._expired(row, now):
            con.execute("DELETE FROM login_failures WHERE key = ?", (key,))
            return None
        return row

    def _expired(self, row: tuple, now: float) -> bool:
        _, last_failure, locked_until = row
        return now >= locked_until and now - last_failure >= self.forget_after_s

    def _bound(self, con: sqlite3.Connection, now: float) -> None:
        """Keep the table small under a flood of distinct keys: drop forgotten keys,
        and if still full, the least recently failed half."""
        (count,) = con.execute("SELECT count(*) FROM login_failures").fetchone()
        if count <= self.max_keys:
            return
        con.execute(
            "DELETE FROM login_failures WHERE locked_until <= ? AND last_failure <= ?",
            (now, now - self.forget_after_s),
        )
        (count,) = con.execute("SELECT count(*) FROM login_failures").fetchone()
        if count > self.max_keys:
            con.execute(
                "DELETE FROM login_failures WHERE key IN "
                "(SELECT key FROM login_failures ORDER BY last_failure LIMIT ?)",
                (count - self.max_keys // 2,),
            )
