"""The preview of an upload: what would load if it were accepted, by a dry run of the
pipeline's own code — never a second implementation of the checks.

1. The ingestion engine reads the file (:func:`pipelines.ingest.engine.read_into_lake`)
   as the landing file it would become, with its steward's scope, into a lake folder of
   its own under ``<data>/uploads/tmp/``: the value checks, ``out_of_scope``, the header
   matching, the encoding.
2. The warehouse's accounting models (``marts.ingest_files``, ``marts.quarantine`` and
   what they read) are built, by the same refresh code, in an in-memory DuckDB over the
   current lake with this file added (or replacing its earlier version): keys settled
   against the files already there (superseded rows, repeated ids), stations and
   communities checked against the registries (``unknown_station``, ``unknown_community``,
   ``out_of_scope`` of usage).

Only the file's source and the registries it is checked against are read. Nothing is
written but the temporary folder, which is removed: not landing, not the lake, not the
warehouse (the dashboard, which runs previews, never opens the warehouse). The counts are
those the real refresh gives the file when nothing else changes in between
(tests/integration/test_upload_preview.py checks this for the whole bad-input corpus).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines.ingest.engine import SourceRun, read_into_lake
from pipelines.ingest.read import inspect_bytes
from pipelines.ingest.specs import SPECS
from pipelines.lake import FileRecord, Lake
from pipelines.settings import Settings
from pipelines.uploads.registry import Uploader
from pipelines.warehouse import connect, raw, state
from pipelines.warehouse.duck import DuckEngine
from pipelines.warehouse.refresh import refresh_models

#: quarantined rows a preview shows (the file registry has them all once it loads)
SHOWN_ROWS = 50
_ACCOUNTING = {"ingest_files", "quarantine"}


class _WithFile(Lake):
    """The current lake, as far as ``sources``, with one file's new version in place of
    its old one (whose parts live in another folder)."""

    def __init__(self, lake: Lake, added: Lake, record: FileRecord, sources: set[str]) -> None:
        super().__init__(lake.root)
        self.lake, self.added, self.record, self.sources = lake, added, record, sources

    def records(self, source: str | None = None) -> list[FileRecord]:
        found = [
            r
            for r in self.lake.records(source)
            if r.source in self.sources and r.path != self.record.path
        ]
        if source in (None, self.record.source):
            found.append(self.record)
        return sorted(found, key=lambda r: r.path)

    def _holder(self, record: FileRecord) -> Lake:
        return self.added if record is self.record else self.lake

    def raw_path(self, record: FileRecord) -> Path | None:
        return self._holder(record).raw_path(record)

    def quarantine_path(self, record: FileRecord) -> Path | None:
        return self._holder(record).quarantine_path(record)


def checked_against(source: str) -> set[str]:
    """The sources whose files a file of ``source`` is settled and checked against."""
    return {source, "communities"} | ({"stations"} if SPECS[source].station_column else set())


def dry_run(
    settings: Settings,
    file: Path,
    source: str,
    landing_path: str,
    uploader: Uploader | None,
    mtime: float | None = None,
) -> dict:
    """What accepting ``file`` as ``landing/<landing_path>`` would load (see module doc).
    ``mtime``: the time it would carry (default now: an accepted file is the newest)."""
    started = time.perf_counter()
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="preview-", dir=settings.uploads_dir))
    try:
        # the file under the name it would land with: messages name it as they will then
        copy = workdir / "landing" / landing_path
        copy.parent.mkdir(parents=True)
        try:
            os.link(file, copy)
        except OSError:
            shutil.copyfile(file, copy)
        moment = time.time() if mtime is None else mtime
        os.utime(copy, (moment, moment))
        added = Lake(workdir / "lake")
        run = SourceRun(SPECS[source], settings, added, uploaders={})
        record = read_into_lake(copy, landing_path, run, inspect_bytes(copy), uploader)
        lake = _WithFile(Lake(settings.lake_dir), added, record, checked_against(source))
        with connect(Path(":memory:")) as con:
            con.execute(f"SET temp_directory = '{workdir / 'spill'}'")
            return _account(con, settings, lake, record) | {
                "seconds": round(time.perf_counter() - started, 3)
            }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _account(
    con: duckdb.DuckDBPyConnection, settings: Settings, lake: _WithFile, record: FileRecord
) -> dict:
    """Build the accounting models over ``lake`` and read off what they say of ``record``."""
    state.create(con)
    engine = DuckEngine(con)
    engine.register(lake)
    refresh_models(engine, con, settings, only=_ACCOUNTING)
    path = record.path
    (row,) = con.execute(
        """SELECT status, rows_read, rows_loaded, rows_quarantined, rows_superseded,
                  rows_skipped, message FROM marts.ingest_files WHERE path = ?""",
        [path],
    ).fetchall()
    status, read, loaded, quarantined, superseded, skipped, message = row
    reasons = dict(
        con.execute(
            "SELECT reason, count(*) FROM marts.quarantine WHERE path = ? GROUP BY reason "
            "ORDER BY count(*) DESC, reason",
            [path],
        ).fetchall()
    )
    shown = con.execute(
        """SELECT sheet, row_number, column_name, reason, raw_values FROM marts.quarantine
           WHERE path = ? ORDER BY sheet NULLS FIRST, row_number, column_name LIMIT ?""",
        [path, SHOWN_ROWS],
    ).fetchall()
    previous = lake.lake.record(record.source, path)
    return {
        "source": record.source,
        "landing_path": path,
        "status": status,
        "message": message,
        "read_as": {
            "kind": record.facts.get("kind"),
            "encoding": record.facts.get("encoding"),
            "notes": record.notes,
            "columns": record.facts.get("columns", {}),
            "warnings": list(record.warnings),
        },
        "counts": {
            "rows_read": read,
            "rows_loaded": loaded,
            "rows_quarantined": quarantined,
            "rows_superseded": superseded,
            "rows_skipped": skipped,
        },
        "reasons": reasons,
        "quarantined": [
            {
                "sheet": sheet,
                "row_number": number,
                "column": column,
                "reason": reason,
                "values": json.loads(values) if values else None,
            }
            for sheet, number, column, reason, values in shown
        ],
        "unknown_values": record.fallbacks,
        "supersedes": _supersedes(con, lake, record),
        "replaces": None
        if previous is None
        else {
            "uploaded_by": previous.uploaded_by,
            "ingested_at": previous.ingested_at,
            "rows_read": previous.rows_read,
        },
    }


def _supersedes(con: duckdb.DuckDBPyConnection, lake: _WithFile, record: FileRecord) -> dict:
    """Other files' rows this file would supersede: per file, the rows that win their key
    now and would lose it to this file's rows (the raw layer's own settling, run over the
    lake without this file)."""
    spec = SPECS[record.source]
    if spec.key is None or record.status != "loaded":
        return {}
    others = [
        str(lake.raw_path(r))
        for r in lake.records(record.source)
        if r.raw_file and r.path != record.path
    ]
    if not others:
        return {}
    key = ", ".join(spec.key_columns)
    before = raw.settled_sql(spec, raw.parquet_scan(others, raw.empty_sql(spec)))
    rows = con.execute(
        f"""SELECT _path, count(*) FROM ({before}) AS b
            WHERE _state = 'kept' AND ({key}) IN (
                SELECT ({key}) FROM raw.{spec.name} WHERE _path = ? AND _state = 'kept')
            GROUP BY _path ORDER BY _path""",
        [record.path],
    ).fetchall()
    return dict(rows)
