"""Sessions kept on the server, so that ending one is immediate and final.

The browser's signed cookie carries only a random session id (256 bits); the table
``sessions`` of :mod:`.state` holds what the id stands for: the user, the user's
session stamp at sign-in, when it began, when it was last used, and from where. A
request is signed in only while its id has a row, so signing out, a password change,
removing the user or ``python -m dashboards users revoke NAME`` ends a session for
every copy of its cookie, in every worker, at once.

A session ends at the first of: its absolute lifetime after sign-in
(``WSI_SESSION_HOURS``), its idle limit after its last request
(``WSI_SESSION_IDLE_MINUTES``), or a revocation. The table stores the id's SHA-256,
never the id: a copy of the database does not hold live cookies. ``last_seen`` is
written at most once a minute per session, so reading a page is not a write.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from dashboards.auth.state import StateDB

#: how many characters of the hashed id the ``users sessions`` listing shows
SHORT_ID = 12


@dataclass(frozen=True)
class SessionRecord:
    id_hash: str
    username: str
    stamp: str
    created_at: float
    last_seen: float
    ip: str
    user_agent: str

    @property
    def short_id(self) -> str:
        """What ``users sessions`` shows and ``users revoke --session`` takes."""
        return self.id_hash[:SHORT_ID]


_COLUMNS = "id_hash, username, stamp, created_at, last_seen, ip, user_agent"


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionStore:
    """Create, check, list and end sessions (``clock``: unix seconds, injectable)."""

    def __init__(
        self,
        db: StateDB,
        lifetime_s: float,
        idle_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if lifetime_s <= 0 or idle_s <= 0:
            raise ValueError("session lifetime and idle limit must be positive")
        self.db = db
        self.lifetime_s = lifetime_s
        self.idle_s = idle_s
        self.clock = clock
        # Idle time is measured to within this much; it bounds writes per session.
        self.touch_after_s = min(60.0, idle_s / 10)

    def create(self, username: str, stamp: str, ip: str, user_agent: str) -> str:
        """A new session for ``username``; returns the id to put in the cookie."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db.write() as con:
            self._purge(con, now)
            con.execute(
                f"INSERT INTO sessions ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (_hash(session_id), username, stamp, now, now, ip[:64], user_agent[:200]),
            )
        return session_id

    def check(self, session_id: str) -> SessionRecord | None:
        """The live session with this id (its ``last_seen`` brought up to date), or None
        when there is none: never created, ended, revoked, too old or idle too long."""
        id_hash = _hash(session_id)
        rows = self.db.read(f"SELECT {_COLUMNS} FROM sessions WHERE id_hash = ?", (id_hash,))
        if not rows:
            return None
        record = SessionRecord(*rows[0])
        now = self.clock()
        if not self.is_live(record, now):
            self.end(session_id)
            return None
        if now - record.last_seen >= self.touch_after_s:
            with self.db.write() as con:
                con.execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", (now, id_hash))
        return record

    def is_live(self, record: SessionRecord, now: float) -> bool:
        # A start in the future (clock stepped back) is not trusted either.
        return (
            record.created_at - 300 <= now < record.created_at + self.lifetime_s
            and now < record.last_seen + self.idle_s
        )

    def expires_at(self, record: SessionRecord) -> float:
        """When the session ends unless it is used again (or revoked) before."""
        return min(record.created_at + self.lifetime_s, record.last_seen + self.idle_s)

    def end(self, session_id: str) -> None:
        """End one session (signing out)."""
        with self.db.write() as con:
            con.execute("DELETE FROM sessions WHERE id_hash = ?", (_hash(session_id),))

    def revoke(self, username: str, short_id: str | None = None) -> int:
        """End every session of ``username`` (or the one whose listed id starts with
        ``short_id``); returns how many ended."""
        sql, params = "DELETE FROM sessions WHERE username = ?", [username]
        if short_id is not None:
            sql += " AND substr(id_hash, 1, ?) = ?"
            params += [len(short_id), short_id.lower()]
        with self.db.write() as con:
            return con.execute(sql, params).rowcount

    def of_user(self, username: str) -> list[SessionRecord]:
        """The user's live sessions, most recently used first."""
        rows = self.db.read(
            f"SELECT {_COLUMNS} FROM sessions WHERE username = ? ORDER BY last_seen DESC",
            (username,),
        )
        now = self.clock()
        records = (SessionRecord(*row) for row in rows)
        return [r for r in records if self.is_live(r, now)]

    def _purge(self, con: sqlite3.Connection, now: float) -> None:
        """Forget sessions that have ended by age or idleness (they could not be used)."""
        con.execute(
            "DELETE FROM sessions WHERE created_at <= ? OR last_seen <= ?",
            (now - self.lifetime_s, now - self.idle_s),
        )
