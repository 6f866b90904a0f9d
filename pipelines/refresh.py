"""One refresh, start to end: the landing files into the lake, the warehouse's owed months,
the checks, the published snapshot. ``python -m pipelines run`` calls :func:`refresh`;
the Dagster assets call the same steps one by one.

Only one refresh runs at a time (:func:`refresh_lock`, a lock file in the data folder):
DuckDB has one writer, and two refreshes would owe each other's months twice. The
Dagster assets take the same lock for each step that writes, and a backup takes it to
copy a folder no refresh is writing. A refresh that finds nothing new — no changed
landing file, nothing owed — does nothing and says so quickly.

A refresh also serves the stewards' refresh requests (:mod:`pipelines.uploads.requests`:
it claims them, carries out their withdrawals, reports its stage) and copies the audit
log's new events into ``meta.audit_log``.

A refresh killed at any moment (``kill -9``, a power cut) leaves the system sound: the
lock goes with the process, the lake commits a file by writing its record last, the
warehouse writes each model's rows, fingerprints and debts in one transaction, and the
snapshot is replaced by a rename, so the dashboard keeps serving the last snapshot and
the next refresh ends where an uninterrupted one would have
(``tests/integration/test_crash_safety.py``). Each step is logged as it starts
(``step: ingest`` … at INFO).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.lake import FileRecord, Lake
from pipelines.settings import REPO_ROOT, Settings, get_settings
from pipelines.targets import load_targets
from pipelines.uploads import audit, requests

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


class LockTimeout(TimeoutError):
    """Another process held the refresh lock for longer than the caller would wait."""


#: per lock file: a re-entrant lock for the threads of this process, and how deeply the
#: thread holding it has taken the file lock (a Dagster ingest step takes it, then the
#: warehouse resource inside it)
_local_locks: dict[Path, threading.RLock] = {}
_depth: dict[Path, int] = {}
_local_guard = threading.Lock()


@contextmanager
def refresh_lock(settings: Settings, timeout: float | None = None) -> Iterator[None]:
    """Hold the one-writer-at-a-time lock of the data folder (re-entrant within a thread).
    Waits for it, at most ``timeout`` seconds when given (then :class:`LockTimeout`).

    An ``flock`` on ``<data>/.refresh.lock``: the kernel releases it when its process
    ends, however it ends, so a killed refresh never leaves a stale lock behind."""
    path = settings.refresh_lock_path
    with _local_guard:
        local = _local_locks.setdefault(path, threading.RLock())
    deadline = None if timeout is None else time.monotonic() + timeout
    if not local.acquire(timeout=-1 if timeout is None else timeout):
        raise LockTimeout(f"{path} is held by another thread of this process")
    try:
        if _depth.get(path):
            _depth[path] += 1
            try:
                yield
            finally:
                _depth[path] -= 1
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            _flock(handle, path, deadline)
            _depth[path] = 1
            try:
                yield
            finally:
                _depth[path] = 0
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        local.release()


def _flock(handle, path: Path, deadline: float | None) -> None:
    if deadline is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(
                    f"a refresh (or a backup) is still running: {path} is locked"
                ) from None
            time.sleep(0.1)


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
    # the targets and attention thresholds of <data>/targets.toml (attention_monthly)
    digest.update(repr(sorted(load_targets(settings.targets_path).variables().items())).encode())
    return digest.hexdigest()[:32]


def up_to_date(settings: Settings) -> bool:
    """Whether a refresh would do nothing: every landing file is the one the lake records
    (same size and modification time, read by this ingestion code), nothing is owed, the
    models were last built from the present files and settings, and the snapshot holds
    what the marts hold; and the lake holds the files the warehouse was built from (none
    withdrawn since); and no landing file is still being written. Loads no data library
    but DuckDB."""
    import duckdb

    from pipelines.ingest import engine_version, landing_files, unsettled_files

    if not settings.warehouse_path.exists() or not settings.snapshot_path.exists():
        return False
    if unsettled_files(settings):
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


def _copy_audit(settings: Settings) -> None:
    """The audit log's new events into the warehouse, when nothing else is to be done."""
    from pipelines.warehouse import connect

    with connect(settings.warehouse_path) as con:
        audit.copy_to_warehouse(con, settings)


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
    whole = only is None and publish
    with refresh_lock(settings), requests.serving(settings, active=whole):
        if whole and up_to_date(settings):
            _copy_audit(settings)
            return report
        from pipelines.serving import discard_leftovers, publish_snapshot, unpublished
        from pipelines.warehouse import checks, connect, state
        from pipelines.warehouse.engine import open_engine
        from pipelines.warehouse.refresh import queue_lake_changes, refresh_models

        clock = time.perf_counter()

        def lap(step: str, following: str | None = None) -> None:
            nonlocal clock
            now = time.perf_counter()
            report.seconds[step] = round(now - clock, 3)
            clock = now
            if following:  # what an operator (and the crash test) sees happen
                log.info("step: %s", following)

        from pipelines.ingest.engine import ingest

        log.info("step: ingest")
        discard_leftovers(settings)  # of a publish that was killed
        report.ingested = ingest(settings, workers=workers or default_workers())
        lap("ingest", "build")
        requests.advance(settings, "building")
        with connect(settings.warehouse_path) as con, open_engine(con, settings) as engine:
            state.create(con)
            audit.copy_to_warehouse(con, settings)
            records = engine.register(lake)
            report.changes = queue_lake_changes(con, lake, records)
            lap("queue")
            models = refresh_models(engine, con, settings, only)
            report.rebuilt, report.changed = models.rebuilt, models.changed
            report.seconds.update({f"model:{k}": v for k, v in models.seconds.items()})
            lap("models", "check")
            if only is not None or not publish:
                return report
            # what is about to be published must pass its checks (also what a refresh
            # before this one rebuilt but could not publish)
            due = unpublished(con, settings)
            for check in checks.checks_for(due | set(report.changed)):
                report.checks.append(checks.run(engine, check, settings))
            lap("checks", "publish")
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
            lap("publish", "clean-up")
        lake.collect_garbage()
        lap("clean-up", "done")
    return report
