"""``<data>/uploads.sqlite``: what the dashboard and the pipeline tell each other about
stewards' uploads. The dashboard writes uploads, accepts, withdrawal requests and audit
events; the pipeline reads who uploaded each landing file, takes the refresh requests
and reports their progress. Neither opens the other's files for this: the dashboard
never writes the warehouse, the pipeline never imports the dashboard.

Tables:

- ``uploads``: a file a steward sent, staged under ``<data>/uploads/staged/`` until they
  accept (or discard) it, with its preview;
- ``landed``: landing files that came through an upload — who, with which scope (the
  registry ingestion reads: ``FileRecord.uploaded_by``, ``upload_scope``);
- ``refreshes``: refresh requests and their stage (:mod:`.requests`);
- ``audit``: the audit log, append-only (:mod:`.audit`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pipelines.settings import Settings
from pipelines.sqlite import SQLiteFile

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    upload_id    TEXT PRIMARY KEY,   -- random, shown to the uploader only
    username     TEXT NOT NULL,
    scope_code   TEXT NOT NULL,      -- the steward's scope when they uploaded
    source       TEXT NOT NULL,
    name         TEXT NOT NULL,      -- the export's name, made safe (landing.py)
    landing_path TEXT NOT NULL,      -- <source>/<steward>__<name>, relative to landing/
    staged       TEXT NOT NULL,      -- the file's name under uploads/staged/
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    created_at   REAL NOT NULL,      -- unix seconds
    status       TEXT NOT NULL,      -- previewed | accepted | discarded
    preview      TEXT NOT NULL,      -- JSON (preview.py)
    refresh_id   INTEGER
);
CREATE INDEX IF NOT EXISTS uploads_by_user ON uploads (username, created_at);
CREATE TABLE IF NOT EXISTS landed (
    path         TEXT PRIMARY KEY,   -- relative to landing/
    username     TEXT NOT NULL,
    scope_code   TEXT NOT NULL,
    upload_id    TEXT NOT NULL,
    accepted_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS refreshes (
    refresh_id   INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,      -- accept | withdraw
    path         TEXT NOT NULL,      -- the landing file accepted or to withdraw
    username     TEXT NOT NULL,
    stage        TEXT NOT NULL,      -- queued | ingesting | building | published | failed
    requested_at REAL NOT NULL,
    started_at   REAL,
    finished_at  REAL,
    message      TEXT
);
CREATE INDEX IF NOT EXISTS refreshes_by_stage ON refreshes (stage);
CREATE TABLE IF NOT EXISTS audit (
    event_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at  REAL NOT NULL,      -- unix seconds
    username     TEXT NOT NULL,      -- '' when nobody is signed in
    event        TEXT NOT NULL,      -- audit.EVENTS
    what         TEXT NOT NULL,      -- a source, a file name, a table: never a row's values
    address      TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


@cache
def _store(path: Path) -> SQLiteFile:
    return SQLiteFile(path, SCHEMA, SCHEMA_VERSION)


def store(settings: Settings) -> SQLiteFile:
    """The data folder's ``uploads.sqlite`` (one handle per process and path)."""
    return _store(settings.uploads_db_path)
