"""The serving snapshot, ``<data>/serving/current.duckdb``: published here, opened here.

The pipeline's last step publishes the marts (:func:`publish_snapshot`); the dashboard,
the monthly report and the planner open it read-only with :func:`open_snapshot`, which
raises :class:`NoSnapshot` while nothing has been published.

Every table of the ``marts`` schema is copied into a new DuckDB file under a temporary
name, with a ``snapshot_info`` table (build time, radius, months, the files loaded and
their sha256). The file is checkpointed, closed and fsynced, recorded in the history of
published snapshots (:mod:`pipelines.snapshots`: the last ``WSI_KEEP_SNAPSHOTS`` are
kept), then moved onto ``current.duckdb`` with ``os.replace``. A reader that holds the
old file open keeps reading it (POSIX keeps a replaced file alive for its open
handles), a new connection sees the new one, and a publish that fails (a full disk:
:class:`PublishFailed`) or is killed before the replace leaves ``current.duckdb`` as it
was; what it left behind is removed by the next refresh (:func:`discard_leftovers`).

Marts hold no raw rows and no personal data (pseudonyms included); as a last guard a
table with a personal column is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from pipelines import snapshots
from pipelines.ingest.specs import SPECS
from pipelines.settings import Settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: column names that must never reach the snapshot
PERSONAL_COLUMNS = frozenset(c.name for s in SPECS.values() for c in s.columns if c.personal)
_TEMP_PREFIX = ".publishing-"


class NoSnapshot(FileNotFoundError):
    """No snapshot has been published yet: the pipeline has not run."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"no published snapshot at {path}: run the pipeline first (python -m pipelines run)"
        )
        self.path = path


class PublishFailed(RuntimeError):
    """The new snapshot could not be written (e.g. the disk is full): the current one
    is untouched and keeps being served."""


def open_snapshot(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the snapshot at ``path``; :class:`NoSnapshot` if none."""
    # the file is replaced atomically, never removed: once it exists it stays
    if not Path(path).exists():
        raise NoSnapshot(Path(path))
    return duckdb.connect(str(path), read_only=True)


def published_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of the ``marts`` schema of the connection's database, sorted."""
    rows = con.execute(
        """
        SELECT table_name FROM information_schema.tables
        WHERE table_schema = 'marts' AND table_catalog = current_database()
        ORDER BY table_name
        """
    ).fetchall()
    return [r[0] for r in rows]


def latest_complete_month(latest_record: dt.date | None) -> dt.date | None:
    """The last month whose last day is on or before the latest record date, else the
    month before (first days of months)."""
    if latest_record is None:
        return None
    first = latest_record.replace(day=1)
    next_first = (first + dt.timedelta(days=32)).replace(day=1)
    if latest_record == next_first - dt.timedelta(days=1):
        return first
    return (first - dt.timedelta(days=1)).replace(day=1)


def snapshot_info(
    con: duckdb.DuckDBPyConnection, settings: Settings, built_at: dt.datetime
) -> list[tuple[str, str]]:
    """The ``snapshot_info`` rows: (key, value)."""
    first, last = con.execute("SELECT min(month), max(month) FROM staging.stg_months").fetchall()[0]
    latest = con.execute(
        """
        SELECT max(d) FROM (
            SELECT max(occurred_at)::DATE AS d FROM staging.stg_usage
            UNION ALL SELECT max(received_at)::DATE FROM staging.stg_hotline
            UNION ALL SELECT max(held_on) FROM staging.stg_drives
        )
        """
    ).fetchall()[0][0]
    complete = latest_complete_month(latest)
    info = [
        ("built_at", built_at.isoformat(timespec="seconds")),
        ("coverage_radius_m", f"{settings.coverage_radius_m:g}"),
        ("first_month", first.isoformat() if first else ""),
        ("last_month", last.isoformat() if last else ""),
        ("latest_complete_month", complete.isoformat() if complete else ""),
    ]
    files = con.execute(
        "SELECT path, sha256 FROM meta.files WHERE status = 'loaded' ORDER BY path"
    ).fetchall()
    return info + [(f"source_file:{path}", sha or "") for path, sha in files]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prints(con: duckdb.DuckDBPyConnection, where: str) -> dict[str, dict[str, str]]:
    """table → {month (ISO, '' for the whole table): fingerprint} from a state table."""
    found: dict[str, dict[str, str]] = {}
    try:
        rows = con.execute(f"SELECT model, month, fingerprint FROM {where}").fetchall()
    except duckdb.Error:  # a warehouse or snapshot without state: copy everything
        return found
    for table, month, fingerprint in rows:
        found.setdefault(table, {})[month.isoformat() if month else ""] = fingerprint
    return found


def _copy_months(
    con: duckdb.DuckDBPyConnection, table: str, old: dict[str, str], new: dict[str, str]
) -> None:
    """Bring ``snapshot.main.<table>`` from the fingerprints ``old`` to ``new``: only the
    months that differ when both have months, else the whole table."""
    target = f"snapshot.main.{table}"
    changed = [m for m in old.keys() | new.keys() if old.get(m) != new.get(m)]
    exists = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'snapshot' "
        "AND schema_name = 'main' AND table_name = ?",
        [table],
    ).fetchall()[0][0]
    if not changed and exists:
        return
    if not exists or "" in old or "" in new or not old or not new:
        con.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT * FROM marts.{table}")
        return
    months = ", ".join(f"DATE '{m}'" for m in sorted(changed))
    con.execute(f"DELETE FROM {target} WHERE month IN ({months})")
    con.execute(
        f"INSERT INTO {target} BY NAME SELECT * FROM marts.{table} WHERE month IN ({months})"
    )


def unpublished(con: duckdb.DuckDBPyConnection, settings: Settings) -> set[str]:
    """The marts (``marts.<name>``) whose rows differ from what the current snapshot holds,
    by their fingerprints: all of them when there is no snapshot (or no fingerprints)."""
    tables = published_tables(con)
    wanted = _prints(con, "meta.model_state")
    path = settings.snapshot_path
    if not path.exists():
        return {f"marts.{t}" for t in tables}
    con.execute(f"ATTACH '{path}' AS published (READ_ONLY)")
    try:
        held = _prints(con, "published.main.snapshot_state")
        present = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 'published'"
            ).fetchall()
        }
    finally:
        con.execute("DETACH published")
    return {
        f"marts.{t}"
        for t in tables
        if t not in present or not wanted.get(t) or wanted.get(t) != held.get(t)
    }


def publish_snapshot(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    built_at: dt.datetime | None = None,
) -> dict[str, int]:
    """Write the marts of the working database ``con`` into a new snapshot file and
    atomically make it ``settings.snapshot_path``. Returns the row count per table.

    The new file starts as a copy of the current snapshot and takes only the months of
    each mart whose fingerprint (``meta.model_state``, kept by the refresh) differs from
    the ones the snapshot records it holds (``snapshot_state``); a mart without
    fingerprints, or a snapshot without them, is copied whole."""
    serving = settings.serving_dir
    serving.mkdir(parents=True, exist_ok=True)
    discard_leftovers(settings)
    built_at = built_at or dt.datetime.now(SHANGHAI)
    temp = serving / f"{_TEMP_PREFIX}{uuid.uuid4().hex}.duckdb"
    current = settings.snapshot_path
    tables = published_tables(con)
    for table in tables:
        columns = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                "'marts' AND table_name = ? AND table_catalog = current_database()",
                [table],
            ).fetchall()
        }
        if columns & PERSONAL_COLUMNS:
            raise ValueError(f"marts.{table} has personal columns {columns & PERSONAL_COLUMNS}")
    wanted = _prints(con, "meta.model_state")
    counts: dict[str, int] = {}
    attached = False
    try:
        if current.exists():
            shutil.copyfile(current, temp)
        con.execute(f"ATTACH '{temp}' AS snapshot")
        attached = True
        held = _prints(con, "snapshot.main.snapshot_state") if current.exists() else {}
        for table in tables:
            have = held.get(table, {})
            want = wanted.get(table, {})
            _copy_months(con, table, have if want else {}, want)
            counts[table] = con.execute(f"SELECT count(*) FROM snapshot.main.{table}").fetchall()[
                0
            ][0]
        for (stale,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'snapshot' "
            "AND schema_name = 'main' AND table_name NOT IN (SELECT unnest(?))",
            [[*tables, "snapshot_info", "snapshot_state"]],
        ).fetchall():
            con.execute(f"DROP TABLE snapshot.main.{stale}")
        con.execute(
            "CREATE OR REPLACE TABLE snapshot.main.snapshot_state "
            "(model VARCHAR, month DATE, fingerprint VARCHAR)"
        )
        rows = [
            (table, dt.date.fromisoformat(m) if m else None, fp)
            for table in tables
            for m, fp in wanted.get(table, {}).items()
        ]
        if rows:
            con.executemany("INSERT INTO snapshot.main.snapshot_state VALUES (?, ?, ?)", rows)
        con.execute(
            "CREATE OR REPLACE TABLE snapshot.main.snapshot_info "
            "(key VARCHAR PRIMARY KEY, value VARCHAR)"
        )
        info = snapshot_info(con, settings, built_at)
        con.executemany("INSERT INTO snapshot.main.snapshot_info VALUES (?, ?)", info)
        counts["snapshot_info"] = len(info)
        con.execute("CHECKPOINT snapshot")
        con.execute("DETACH snapshot")
        attached = False
        _fsync(temp)
        entry = snapshots.record(settings, temp, built_at)
        os.replace(temp, current)
        _fsync(serving)
        _fsync(entry.parent)
    except BaseException as error:
        # leave the folder as it was; a failure in tidying must not hide the cause
        if attached:
            with contextlib.suppress(duckdb.Error):
                con.execute("DETACH snapshot")
        with contextlib.suppress(OSError):
            discard_leftovers(settings)
        if isinstance(error, (OSError, duckdb.IOException)):
            raise PublishFailed(_failure_message(settings, error)) from error
        raise
    snapshots.prune(settings)
    return counts


def discard_leftovers(settings: Settings) -> None:
    """Remove what a publish that failed or was killed left in the serving folder: its
    temporary files and a history entry it never made current."""
    for stale in settings.serving_dir.glob(f"{_TEMP_PREFIX}*"):
        stale.unlink(missing_ok=True)
    snapshots.discard_unpublished(settings)


def _failure_message(settings: Settings, error: BaseException) -> str:
    serving = settings.serving_dir
    full = (isinstance(error, OSError) and error.errno == errno.ENOSPC) or (
        "No space left on device" in str(error)
    )
    served = "the dashboard keeps serving the snapshot it had"
    if not settings.snapshot_path.exists():
        served = "there is no snapshot to serve yet"
    if full:
        free = shutil.disk_usage(serving).free / 1e6
        need = settings.snapshot_path.stat().st_size / 1e6 if settings.snapshot_path.exists() else 0
        return (
            f"the disk holding {serving} is full ({free:.0f} MB free; publishing needs room "
            f"for a copy of the snapshot, about {need:.0f} MB): the snapshot was not replaced "
            f"and {served}. Free some space (or lower WSI_KEEP_SNAPSHOTS) and run the "
            "refresh again"
        )
    return (
        f"could not write the new snapshot in {serving} ({error}): the snapshot was not "
        f"replaced and {served}"
    )
