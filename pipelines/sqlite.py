"""Small SQLite files that every process on the machine shares: the dashboard's sign-in
state (``<data>/auth.sqlite``) and the self-serve cycle's uploads, refresh requests and
audit log (``<data>/uploads.sqlite``).

Each holds a few rows that many processes read and a few change a minute, so SQLite fits:
every process opens the file, SQLite's locks serialise the writers, and a committed write
is seen by the next reader in any process.

- WAL journal (readers never wait for a writer) with ``synchronous=FULL``: a committed
  write survives a power cut too.
- The file and its ``-wal``/``-shm`` companions are created mode 600 (SQLite gives the
  companions the database's mode).
- One connection per thread and process (a connection is never carried across ``fork``).
- The data folder must be on a local disk (WAL needs shared memory; not NFS).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

BUSY_TIMEOUT_S = 10.0


class SQLiteFile:
    """Connections to one database file, created with ``schema`` on first use.

    ``version`` is kept in ``PRAGMA user_version``: a file written by a newer schema is
    refused rather than misread."""

    def __init__(self, path: Path, schema: str, version: int) -> None:
        self.path = Path(path)
        self.schema = schema
        self.version = version
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
                if version > self.version:
                    con.execute("ROLLBACK")
                    raise RuntimeError(
                        f"{self.path} was written by a newer version (schema {version}); "
                        "upgrade this program"
                    )
                run_script(con, self.schema)
                con.execute(f"PRAGMA user_version={self.version}")
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


def run_script(con: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated statements inside the open transaction (``executescript``
    would commit it first). A statement may not contain ``;`` itself except in a
    trigger body, which ends with ``END;``."""
    statement = ""
    for part in script.split(";"):
        statement += part
        if not part.strip():
            continue
        if "CREATE TRIGGER" in statement.upper() and not statement.rstrip().upper().endswith("END"):
            statement += ";"  # inside a trigger body: keep collecting
            continue
        con.execute(statement)
        statement = ""
