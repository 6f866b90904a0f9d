"""One refresh, start to end: the landing files into the lake, the warehouse's owed months,
the checks, the published snapshot. ``python -m pipelines run`` calls :func:`refresh`;
the Dagster assets call the same steps one by one.

Only one refresh runs at a time (a lock file beside the warehouse): DuckDB has one
writer, and two refreshes would owe each other's months twice. A refresh that finds
nothing new — no changed landing file, nothing owed — does nothing and says so quickly.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pipelines.lake import FileRecord, Lake
from pipelines.settings import REPO_ROOT, Settings, get_settings

log = logging.getLogger(__name__)


class CheckFailed(RuntimeError):
    """A blocking check failed: the snapshot was not replaced."""


@dataclass
class Report:
    """What a refresh did, and how long each part took."""

    ingested: list[FileRecord] = field(default_factory=list)
    changes: dict = field(default_factory=dict)
    rebuilt: dict[str, str] = field(default_factory=dict)
    changed: dict = field(default_factory=dict)
    checks: list = field(default_factory=list)
    published: dict[str, int] | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def nothing_new(self) -> bool:
        return not self.ingested and not self.rebuilt


@contextmanager
def refresh_lock(settings: Settings, wait: bool = True) -> Iterator[bool]:
    """Hold the one-refresh-at-a-time lock; yields False when ``wait`` is off and another
    refresh holds it."""
    path = settings.data_dir / ".refresh.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def catalogue_digest(settings: Settings) -> str:
    """What the models' output depends on besides the data: every model's file, the
    specs and the settings the models read (cheap: nothing is imported to compute it)."""
    digest = hashlib.sha256()
    root = REPO_ROOT
    for path in sorted((root / "sql").rglob("*")):
        if path.suffix in (".sql", ".py"):
            digest.update(path.as_posix().encode() + path.read_bytes())
    digest.update((root / "pipelines" / "ingest" / "specs.py").read_bytes())
    digest.update(
        repr((settings.coverage_radius_m, settings.siting_k, settings.siting_time_limit_s)).encode()
    )
    return digest.hexdigest()[:32]


def up_to_date(settings: Settings) -> bool:
    """Whether a refresh would do nothing: every landing file is the one the lake records
    (same size and modification time, read by this ingestion code), nothing is owed, the
    models were last built from the present files and settings, and the snapshot holds
    what the marts hold; and the lake holds the files the warehouse was built from (none
    withdrawn since). Loads no data library but DuckDB."""
    import duckdb

    from pipelines.ingest import engine_version, landing_files

    if not settings.warehouse_path.exists() or not settings.snapshot_path.exists():
        return False
    records = {r.path: r for r in Lake(settings.lake_dir).records()}
    landing = settings.landing_dir
    sources = [p.name for p in landing.iterdir() if p.is_dir()] if landing.is_dir() else []
    for source in sources:
        for file in landing_files(settings, source):
            known = records.get(file.relative_to(landing).as_posix())
            stat = file.stat()
            if known is None or known.engine_version != engine_version():
                return False
            if (known.file_mtime, known.file_size) != (stat.st_mtime, stat.st_size):
                return False
    try:
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    except duckdb.Error:  # another process is refreshing: not up to date by definition
        return False
    try:
        owed = con.execute("SELECT count(*) FROM meta.pending").fetchall()[0][0]
        # a record added or withdrawn other than through landing (an upload's withdrawal)
        queued = {
            (path, sha, raw, mtime)
            for path, sha, raw, mtime in con.execute(
                "SELECT path, sha256, raw_file, file_mtime FROM meta.built_files"
            ).fetchall()
        }
        if queued != {(r.path, r.sha256, r.raw_file, r.file_mtime) for r in records.values()}:
            return False
        built = con.execute(
            "SELECT value FROM meta.refresh_state WHERE key = 'catalogue'"
        ).fetchall()
        con.execute(f"ATTACH '{settings.snapshot_path}' AS published (READ_ONLY)")
        differs = con.execute(
            """SELECT count(*) FROM (
                   SELECT model, month, fingerprint FROM meta.model_state
                   WHERE model IN (SELECT table_name FROM information_schema.tables
                                   WHERE table_catalog = current_database()
                                     AND table_schema = 'marts')
                   EXCEPT SELECT model, month, fingerprint FROM published.main.snapshot_state
               ) AS d"""
        ).fetchall()[0][0]
    except duckdb.Error:
        return False
    finally:
        con.close()
    return owed == 0 and differs == 0 and built == [(catalogue_digest(settings),)]


def default_workers() -> int:
    """Processes that read landing files at once: ``WSI_INGEST_WORKERS``, else the cores."""
    value = os.environ.get("WSI_INGEST_WORKERS", "").strip()
    return int(value) if value else (os.cpu_count() or 1)


def refresh(
    settings: Settings | None = None,
    *,
    workers: int | None = None,
    publish: bool = True,
    only: set[str] | None = None,
) -> Report:
    """Ingest what is new, rebuild what it changed, check, publish (see module doc).
    ``only``: refresh just these models and what they read (no checks, no publish)."""
    settings = settings or get_settings()
    report = Report()
    lake = Lake(settings.lake_dir)
    with refresh_lock(settings):
        if only is None and publish and up_to_date(settings):
            return report
        from pipelines.serving import publish_snapshot, unpublished
        from pipelines.warehouse import checks, connect, state
        from pipelines.warehouse.engine import open_engine
        from pipelines.warehouse.refresh import queue_lake_changes, refresh_models

        clock = time.perf_counter()

        def lap(step: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            report.seconds[step] = round(now - clock, 3)
            clock = now

        from pipelines.ingest.engine import ingest

        report.ingested = ingest(settings, workers=workers or default_workers())
        lap("ingest")
        with connect(settings.warehouse_path) as con, open_engine(con, settings) as engine:
            state.create(con)
            records = engine.register(lake)
            report.changes = queue_lake_changes(con, lake, records)
            lap("queue")
            models = refresh_models(engine, con, settings, only)
            report.rebuilt, report.changed = models.rebuilt, models.changed
            report.seconds.update({f"model:{k}": v for k, v in models.seconds.items()})
            lap("models")
            if only is not None or not publish:
                return report
            # what is about to be published must pass its checks (also what a refresh
            # before this one rebuilt but could not publish)
            due = unpublished(con, settings)
            for check in checks.checks_for(due | set(report.changed)):
                report.checks.append(checks.run(engine, check, settings))
            lap("checks")
            failed = [o for o in report.checks if not o.passed]
            if failed:
                names = ", ".join(f"{o.check.table}.{o.check.name}" for o in failed)
                raise CheckFailed(f"blocking checks failed, snapshot not replaced: {names}")
            if due:
                report.published = publish_snapshot(con, settings)
            con.execute(
                "CREATE OR REPLACE TABLE meta.refresh_state AS "
                "SELECT 'catalogue' AS key, ? AS value",
                [catalogue_digest(settings)],
            )
            lap("publish")
        lake.collect_garbage()
        lap("clean-up")
    return report
