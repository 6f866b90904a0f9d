"""The self-serve cycle's data: the landing files of a steward's scope (who, when, status,
counts) and the audit log (city viewers only).

Files come from the lake's records (what was read), the upload registry (who uploaded
what, including files accepted but not read yet) and the refresh requests (withdrawals
under way); counts come from the snapshot's ``ingest_files`` when it holds the same
version of the file, else from the record (rows read, rows refused by the value checks).
A district or subdistrict steward's scope holds the files stewards inside it uploaded;
the city's holds every file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import polars as pl

from dashboards.data.snapshot import query, settings
from dashboards.viewer import Viewer
from pipelines.lake import Lake
from pipelines.serving import NoSnapshot
from pipelines.uploads import audit, registry, requests

_BEIJING = ZoneInfo("Asia/Shanghai")


def _local(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, _BEIJING).strftime("%Y-%m-%d %H:%M")


def _published(paths: list[str]) -> dict[str, dict]:
    if not paths:
        return {}
    try:
        frame = query(
            """SELECT path, sha256, rows_loaded, rows_quarantined, rows_superseded, message
               FROM ingest_files WHERE list_contains($paths, path)""",
            paths=paths,
        )
    except NoSnapshot:
        return {}
    return {row["path"]: row for row in frame.iter_rows(named=True)}


def steward_files(viewer: Viewer) -> list[dict]:
    """The landing files of the viewer's scope, by path: source, path, uploaded_by,
    uploaded_at (Beijing time), status (loaded, rejected, waiting, withdrawing), rows_read,
    rows_loaded, rows_quarantined, rows_superseded, message."""
    data = settings()
    landed = registry.landed(data)
    withdrawing = {
        r.path for r in requests.recent(data, 200)
        if r.kind == "withdraw" and r.stage in ("queued", *requests.RUNNING)
    } if data.uploads_db_path.exists() else set()  # fmt: skip
    found: dict[str, dict] = {}
    for record in Lake(data.lake_dir).records():
        uploader = landed.get(record.path)
        scope = uploader.scope if uploader else record.upload_scope
        if not viewer.holds_file(scope, uploader is not None or bool(record.uploaded_by)):
            continue
        found[record.path] = {
            "source": record.source,
            "path": record.path,
            "uploaded_by": record.uploaded_by,
            "uploaded_at": _local(uploader.accepted_at if uploader else record.file_mtime),
            "status": record.status,
            "rows_read": record.rows_read,
            "rows_loaded": None,
            "rows_quarantined": record.rows_invalid,
            "rows_superseded": None,
            "message": record.message,
            "_sha256": record.sha256,
        }
    for path, uploader in landed.items():
        if path not in found and viewer.holds_file(uploader.scope, True):
            found[path] = {
                "source": path.split("/", 1)[0], "path": path,
                "uploaded_by": uploader.username, "uploaded_at": _local(uploader.accepted_at),
                "status": "waiting", "rows_read": None, "rows_loaded": None,
                "rows_quarantined": None, "rows_superseded": None, "message": None,
                "_sha256": None,
            }  # fmt: skip
    published = _published(sorted(found))
    for path, row in found.items():
        counts = published.get(path)
        if counts and counts["sha256"] == row["_sha256"]:
            for name in ("rows_loaded", "rows_quarantined", "rows_superseded", "message"):
                row[name] = counts[name]
        if path in withdrawing:
            row["status"] = "withdrawing"
        del row["_sha256"]
    return [found[path] for path in sorted(found)]


def audit_events(viewer: Viewer, limit: int = 500) -> pl.DataFrame:
    """The latest audit events, newest first: occurred_at (Beijing time), username, event,
    what, ip (the address it came from). City viewers only: they name people of every
    scope."""
    schema = {
        "occurred_at": pl.String, "username": pl.String, "event": pl.String,
        "what": pl.String, "ip": pl.String,
    }  # fmt: skip
    if not viewer.is_city:
        return pl.DataFrame(schema=schema)
    rows = [
        (
            datetime.fromtimestamp(e.occurred_at, UTC).astimezone(_BEIJING).strftime(
                "%Y-%m-%d %H:%M:%S"
            ),
            e.username, e.event, e.what, e.address,
        )
        for e in audit.events(settings(), limit)
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")
