"""The server's sign-in state, shared by every worker and process on the machine.

``<data>/auth.sqlite`` holds the open sessions (:mod:`.sessions`) and the failed-login
counters (:mod:`.throttle`). Both must be the same for every gunicorn worker, for the
``users`` command and across restarts, and both change a few times a minute at most,
so a small SQLite database fits: every process opens it, SQLite's locks serialise the
writers, and a committed sign-out is seen by the next request in any worker.

Why SQLite and not a locked JSON file: a request must look its session up, and a JSON
file would be read whole (and rewritten whole on every change) under a lock shared by
every request; SQLite reads one row by key and writes one row.

- WAL journal (readers never wait for a writer) with ``synchronous=FULL``: a committed
  sign-out or revocation survives a power cut too (a few fsyncs a minute).
- The file and its ``-wal``/``-shm`` companions are created mode 600 (SQLite gives the
  companions the database's mode).
- One connection per thread and process (a connection is never carried across
  ``fork``: gunicorn's ``--preload`` would otherwise share one between workers).
- The data folder must be on a local disk (WAL needs shared memory; not NFS).

Deleting the file (with the server stopped) signs everyone out and forgets the
counters; nothing else is lost, so backups need not include it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

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
BUSY_TIMEOUT_S = 10.0


class StateDB:
    """Connections to one state database file (created with its schema on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._ready = False
        self._ready_lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        self._ensure_schema()
        con = self._connect()
        self._local.held = (os.getpid(), con)
        return con

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: no implicit transactions; :meth:`write` opens them.
        con = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=True
        )
        con.execute("PRAGMA synchronous=FULL")
        return con

    def _ensure_schema(self) -> None:
        with self._ready_lock:
            if self._ready and self.path.exists():
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Create the file ourselves so that it is 600 from the first byte.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            con = self._connect()
            try:
                con.execute("PRAGMA journal_mode=WAL")
                con.execute("BEGIN IMMEDIATE")
                version = con.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    con.execute("ROLLBACK")
                    raise RuntimeError(
                        f"{self.path} was written by a newer version (schema {version}); "
                        "upgrade this program or delete the file (everyone signs in again)"
                    )
                _run_script(con, _SCHEMA)
                con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                con.execute("COMMIT")
            finally:
                con.close()
            self._ready = True

    def read(self, sql: str, params: tuple | dict = ()) -> list[tuple]:
        """All rows of one query (outside a transaction: sees the last commit)."""
        return self._connection().execute(sql, params).fetchall()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: ``BEGIN IMMEDIATE`` takes the write lock first, so a
        read-modify-write inside it cannot interleave with another process's."""
        con = self._connection()
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


def _run_script(con: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated statements inside the open transaction (``executescript``
    would commit it first)."""
    for statement in script.split(";"):
        if statement.strip():
            con.execute(statement)
