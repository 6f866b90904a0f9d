"""Refresh requests: an accept or a withdrawal asks for a refresh, and the refresh that
serves it reports its progress here, readable by ``refresh_id``.

    queued → ingesting → building → published
                       ↘          ↘ failed

The dashboard queues a request (after the accepted file is in landing). A refresh —
``python -m pipelines run`` (:func:`pipelines.refresh.refresh`) or the Dagster job the
landing sensor starts — claims every queued request when it starts (under the one
refresh lock, or one run at a time in Dagster), applies the withdrawals among them,
and moves them on as it goes. Requests made while a refresh runs stay queued for the
next one. A request left ``ingesting`` or ``building`` by a refresh that died is claimed
again by the next, which finishes the work (every step of a refresh is idempotent).

The API calls ``ingesting`` and ``building`` together ``running`` (:attr:`Refresh.status`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pipelines.settings import Settings
from pipelines.uploads.landing import withdraw
from pipelines.uploads.store import store

STAGES = ("queued", "ingesting", "building", "published", "failed")
RUNNING = ("ingesting", "building")
_STATUS = {"ingesting": "running", "building": "running"}
_COLUMNS = "refresh_id, kind, path, username, stage, requested_at, started_at, finished_at, message"


@dataclass(frozen=True)
class Refresh:
    refresh_id: int
    kind: str  # accept | withdraw
    path: str
    username: str
    stage: str
    requested_at: float
    started_at: float | None
    finished_at: float | None
    message: str | None

    @property
    def status(self) -> str:
        """queued, running, published or failed (the API's word)."""
        return _STATUS.get(self.stage, self.stage)

    def as_json(self) -> dict:
        return {
            "refresh_id": self.refresh_id,
            "kind": self.kind,
            "path": self.path,
            "status": self.status,
            "stage": self.stage,
            "requested_at": _iso(self.requested_at),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "message": self.message,
        }


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def queue(settings: Settings, kind: str, path: str, username: str) -> int:
    """Ask for a refresh; its id."""
    with store(settings).write() as con:
        cursor = con.execute(
            "INSERT INTO refreshes (kind, path, username, stage, requested_at) "
            "VALUES (?, ?, ?, 'queued', ?)",
            (kind, path, username, time.time()),
        )
        return int(cursor.lastrowid)


def get(settings: Settings, refresh_id: int) -> Refresh | None:
    rows = store(settings).read(
        f"SELECT {_COLUMNS} FROM refreshes WHERE refresh_id = ?", (refresh_id,)
    )
    return Refresh(*rows[0]) if rows else None


def pending(settings: Settings) -> bool:
    """Whether a request waits for a refresh (queued, or left running by one that died
    when none runs)."""
    if not settings.uploads_db_path.exists():
        return False
    return bool(store(settings).read("SELECT 1 FROM refreshes WHERE stage = 'queued' LIMIT 1"))


def claim(settings: Settings) -> list[Refresh]:
    """Take every waiting request for the refresh starting now (and those a refresh that
    died left running): they move to ``ingesting``."""
    if not settings.uploads_db_path.exists():
        return []
    with store(settings).write() as con:
        con.execute(
            "UPDATE refreshes SET stage = 'ingesting', started_at = ? "
            "WHERE stage IN ('queued', 'ingesting', 'building')",
            (time.time(),),
        )
        rows = con.execute(
            f"SELECT {_COLUMNS} FROM refreshes WHERE stage = 'ingesting' ORDER BY refresh_id"
        ).fetchall()
    return [Refresh(*row) for row in rows]


def advance(settings: Settings, stage: str) -> None:
    """Move the running requests to ``stage`` (``building``)."""
    _set(settings, stage, None, finished=False)


def finish(settings: Settings, failure: str | None = None) -> None:
    """The refresh ended: its requests are published, or failed with ``failure``."""
    _set(settings, "failed" if failure else "published", failure, finished=True)


def _set(settings: Settings, stage: str, message: str | None, finished: bool) -> None:
    if not settings.uploads_db_path.exists():
        return
    with store(settings).write() as con:
        con.execute(
            "UPDATE refreshes SET stage = ?, message = coalesce(?, message), "
            "finished_at = CASE WHEN ? THEN ? END WHERE stage IN ('ingesting', 'building')",
            (stage, message, finished, time.time()),
        )


def recent(settings: Settings, limit: int = 20) -> list[Refresh]:
    """The latest requests, newest first."""
    rows = store(settings).read(
        f"SELECT {_COLUMNS} FROM refreshes ORDER BY refresh_id DESC LIMIT ?", (limit,)
    )
    return [Refresh(*row) for row in rows]


def start(settings: Settings) -> list[Refresh]:
    """A refresh begins: claim the waiting requests and carry out the withdrawals among
    them (under the refresh lock, or in the one Dagster run at a time)."""
    claimed = claim(settings)
    for request in claimed:
        if request.kind == "withdraw":
            withdraw(settings, request.path)
    return claimed


@contextmanager
def serving(settings: Settings, active: bool = True) -> Iterator[list[Refresh]]:
    """Around one refresh: the requests it claims (when ``active``) end published when
    it ends, or failed with its error."""
    claimed = start(settings) if active else []
    try:
        yield claimed
    except BaseException as error:
        if claimed:
            finish(settings, failure=f"{type(error).__name__}: {error}"[:500])
        raise
    if claimed:
        finish(settings)
