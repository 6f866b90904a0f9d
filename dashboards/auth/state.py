"""The server's sign-in state, shared by every worker and process on the machine.

``<data>/auth.sqlite`` holds the open sessions (:mod:`.sessions`) and the failed-login
counters (:mod:`.throttle`). Both must be the same for every gunicorn worker, for the
``users`` command and across restarts, and both change a few times a minute at most,
so a small SQLite database fits: every process opens it, SQLite's locks serialise the
writers, and a committed sign-out is seen by the next request in any worker.

Why SQLite and not a locked JSON file: a request must look its session up, and a JSON
file would be read whole (and rewritten whole on every change) under a lock shared by
every request; SQLite reads one row by key and writes one row.

How the file is opened and written (WAL, ``synchronous=FULL``, mode 600, one connection
per thread and process): :class:`pipelines.sqlite.SQLiteFile`. A committed sign-out or
revocation survives a power cut too.

Deleting the file (with the server stopped) signs everyone out and forgets the
counters; nothing else is lost, so backups need not include it.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.sqlite import SQLiteFile

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id_hash     TEXT PRIMARY KEY,   -- sha256 of the id in the cookie, never the id itself
    username    TEXT NOT NULL,
    stamp       TEXT NOT NULL,      -- the user's session stamp at sign-in (users.py)
    created_at  REAL NOT NULL,      -- unix seconds
    last_seen   REAL NOT NULL,
    ip          TEXT NOT NULL,
    user_agent  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (username);
CREATE TABLE IF NOT EXISTS login_failures (
    key          TEXT PRIMARY KEY,  -- 'user:<name>' or 'ip:<address>'
    failures     INTEGER NOT NULL,
    last_failure REAL NOT NULL,
    locked_until REAL NOT NULL
);
"""


class StateDB(SQLiteFile):
    """Connections to ``auth.sqlite`` (created with its schema on first use)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, _SCHEMA, SCHEMA_VERSION)
