"""The audit log: who did what, when, from which address — uploads, previews, accepts,
withdrawals, sign-ins (and failed ones) and downloads.

The dashboard appends events to ``uploads.sqlite`` (:func:`record`; the table refuses
updates and deletes), and every refresh copies the new ones into the warehouse's
``meta.audit_log`` (:func:`copy_to_warehouse`, idempotent by ``event_id``), so the
warehouse keeps the whole history with its data. The 数据质量 page reads the store, which
is current to the second.

An event names a user, a source, a file or a table, never a row's values: nothing
personal is ever written here. Failed sign-ins record the username as typed (cut to 64
characters), as the server log does.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

import duckdb

from pipelines.settings import Settings
from pipelines.uploads.store import store

log = logging.getLogger(__name__)

EVENTS = (
    "upload", "preview", "accept", "withdraw", "sign_in", "failed_sign_in", "download",
)  # fmt: skip
_LIMIT = 300  # characters of ``what``: a file name, a source, a table


@dataclass(frozen=True)
class Event:
    event_id: int
    occurred_at: float  # unix seconds
    username: str
    event: str
    what: str
    address: str


def record(settings: Settings, event: str, username: str, what: str, address: str) -> None:
    """Append one event. Never raises: a full disk must not stop a sign-in; the server
    log says so instead."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    try:
        with store(settings).write() as con:
            con.execute(
                "INSERT INTO audit (occurred_at, username, event, what, address) "
                "VALUES (?, ?, ?, ?, ?)",
                (time.time(), username[:64], event, what[:_LIMIT], address[:64]),
            )
    except Exception:  # see the docstring
        log.exception("audit event not recorded: %s %s %s", event, username, what)


def events(settings: Settings, limit: int = 500) -> list[Event]:
    """The latest events, newest first."""
    if not settings.uploads_db_path.exists():
        return []
    rows = store(settings).read(
        "SELECT event_id, occurred_at, username, event, what, address FROM audit "
        "ORDER BY event_id DESC LIMIT ?",
        (limit,),
    )
    return [Event(*row) for row in rows]


AUDIT_LOG_DDL = """CREATE TABLE IF NOT EXISTS meta.audit_log (
    event_id BIGINT PRIMARY KEY, occurred_at TIMESTAMP NOT NULL, username VARCHAR NOT NULL,
    event VARCHAR NOT NULL, what VARCHAR NOT NULL, address VARCHAR NOT NULL)"""


def copy_to_warehouse(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Copy the events the warehouse does not hold yet into ``meta.audit_log``; how many."""
    con.execute(AUDIT_LOG_DDL)
    if not settings.uploads_db_path.exists():
        return 0
    (last,) = con.execute("SELECT coalesce(max(event_id), 0) FROM meta.audit_log").fetchone()
    rows = store(settings).read(
        "SELECT event_id, occurred_at, username, event, what, address FROM audit "
        "WHERE event_id > ? ORDER BY event_id",
        (last,),
    )
    if rows:
        utc = [
            (i, dt.datetime.fromtimestamp(at, dt.UTC).replace(tzinfo=None), *rest)
            for i, at, *rest in rows
        ]
        con.executemany(
            "INSERT INTO meta.audit_log VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", utc
        )
    return len(rows)
