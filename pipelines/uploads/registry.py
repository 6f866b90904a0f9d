"""Who put each landing file there: the ``landed`` table of ``uploads.sqlite``.

An accepted upload is registered under its landing path with the steward and their
scope; ingestion reads the registry (:func:`landed`) into the file's record
(``FileRecord.uploaded_by``, ``upload_scope``), and the scope decides which of its rows
are ``out_of_scope``. A file put in landing by other means (an operator, a script) has
no entry: it was not uploaded by a steward and is not scope-checked.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pipelines.scope import CITY_CODE
from pipelines.settings import Settings
from pipelines.uploads.store import store


@dataclass(frozen=True)
class Uploader:
    """The steward a landing file came from."""

    username: str
    scope_code: str
    #: when the upload was accepted (unix seconds), where known
    accepted_at: float | None = field(default=None, compare=False)

    @property
    def scope(self) -> str | None:
        """The scope rows are checked against: None for a city steward (everything)."""
        return None if self.scope_code == CITY_CODE else self.scope_code


def landed(settings: Settings) -> dict[str, Uploader]:
    """Landing path (relative to ``landing/``) → who uploaded it."""
    if not settings.uploads_db_path.exists():
        return {}
    rows = store(settings).read("SELECT path, username, scope_code, accepted_at FROM landed")
    return {path: Uploader(username, scope, at) for path, username, scope, at in rows}


def owner(settings: Settings, path: str) -> Uploader | None:
    """Who uploaded the landing file ``path``, if a steward did."""
    rows = store(settings).read("SELECT username, scope_code FROM landed WHERE path = ?", (path,))
    return Uploader(*rows[0]) if rows else None


def register(settings: Settings, path: str, uploader: Uploader, upload_id: str) -> None:
    """Record that ``uploader`` put ``path`` in landing (a corrected export: again)."""
    with store(settings).write() as con:
        con.execute(
            """INSERT INTO landed (path, username, scope_code, upload_id, accepted_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (path) DO UPDATE SET username = excluded.username,
                   scope_code = excluded.scope_code, upload_id = excluded.upload_id,
                   accepted_at = excluded.accepted_at""",
            (path, uploader.username, uploader.scope_code, upload_id, time.time()),
        )


def forget(settings: Settings, path: str) -> None:
    """The landing file ``path`` was withdrawn."""
    with store(settings).write() as con:
        con.execute("DELETE FROM landed WHERE path = ?", (path,))
