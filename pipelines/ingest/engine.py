"""The ingestion engine: the landing files of a source into ``raw.<source>``, with the
file registry (``meta.ingest_files``) and the quarantine (``meta.quarantine``).

A file is the unit of work. Its rows are replaced in one transaction (delete the file's
raw and quarantine rows, insert the new ones, settle duplicate keys, refresh every file's
counts), so ``rows_read = rows_loaded + rows_quarantined + rows_superseded +
rows_skipped`` holds per file after every commit. A file is skipped when its size and
modification time, or else its content hash, are those registered. References (station
ids, community names) are checked against what is loaded when the file is ingested: the
Dagster assets load communities, then stations, then usage and hotline; a file already
loaded is not checked again when the registry changes later (drop it in again to
recheck it).
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest import privacy
from pipelines.ingest.communities import CommunityMatcher, DistrictMatcher
from pipelines.ingest.read import FileFacts, Unreadable, inspect_bytes, open_table
from pipelines.ingest.specs import SPECS, SourceSpec, raw_table_ddl
from pipelines.ingest.validate import Context, Tally, check_batch
from pipelines.settings import Settings, get_settings

log = logging.getLogger(__name__)

EXTENSIONS = (".csv", ".xlsx", ".xls", ".txt", ".tsv", ".geojson")
BATCH_ROWS = 500_000
#: plain Arrow strings: polars' default string views cost a conversion on the way out
ARROW = pl.CompatLevel.oldest()
#: keys a file held before its rows were replaced (a temporary table)
AFFECTED = "temp.affected_keys"


@dataclass
class FileResult:
    """What happened to one landing file in one run."""

    path: str
    source: str
    status: str  # loaded | rejected | unchanged
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_superseded: int = 0
    message: str | None = None
    notes: str | None = None
    rows_skipped: int = 0  # totals and footer rows


def _utc(timestamp: float) -> datetime:
    # file times are kept in UTC (naive): only their order matters ("modified last wins")
    return datetime.fromtimestamp(timestamp, UTC).replace(tzinfo=None)


def landing_files(settings: Settings, source: str) -> list[Path]:
    """The files of a source's landing folder, in name order. Hidden files and Excel's
    lock files (``~$…``) are not exports."""
    folder = settings.landing_dir / source
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith((".", "~$")) and p.suffix.lower() in EXTENSIONS
    )


def _registered(con: duckdb.DuckDBPyConnection, path: str) -> tuple[str, datetime, int] | None:
    """The registered (sha256, modification time, size) of a file, if any."""
    rows = con.execute(
        "SELECT sha256, file_mtime, file_size FROM meta.ingest_files WHERE path = ?", [path]
    ).fetchall()
    return rows[0] if rows else None


@dataclass
class References:
    """What a source's rows are checked against (None: the source checks nothing)."""

    communities: CommunityMatcher | None = None
    districts: DistrictMatcher | None = None
    stations: pl.Series | None = None


class SourceRun:
    """What the files of one source run share: the pseudonymiser (the same people call
    again month after month), the date styles its files were written in (tried first on
    the next file), and the loaded stations and communities its rows are checked
    against — read from the warehouse once, when a file first needs them, as ingesting
    one source never changes the other sources' tables."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, spec: SourceSpec, settings: Settings
    ) -> None:
        self.con, self.spec, self.settings = con, spec, settings
        self.pseudonyms = privacy.Pseudonymiser(privacy.load_key(settings))
        self.moment_styles: dict[str, list[str]] = {}
        self._references: References | None = None

    def references(self) -> References:
        """The communities, districts and station ids this source checks against."""
        if self._references is None:
            spec, con = self.spec, self.con
            refs = References()
            if spec.community_column:
                rows = con.execute(
                    "SELECT community_code, community_name FROM raw.communities "
                    "WHERE NOT _superseded"
                ).fetchall()
                refs.communities = CommunityMatcher(rows)
            if spec.district_column:
                rows = con.execute(
                    "SELECT DISTINCT district, community_code FROM raw.communities "
                    "WHERE NOT _superseded"
                ).fetchall()
                refs.districts = DistrictMatcher(rows)
            if spec.station_column:
                refs.stations = (
                    con.sql("SELECT DISTINCT station_id FROM raw.stations WHERE NOT _superseded")
                    .pl()
                    .get_column("station_id")
                )
            self._references = refs
        return self._references

    def context(self, path: str, mtime: float, facts: FileFacts) -> Context:
        """What checking the rows of one file needs to know."""
        refs = self.references()
        return Context(
            spec=self.spec,
            path=path,
            file_mtime=_utc(mtime),
            crs=self.settings.crs_for(self.spec.name),
            excel=facts.kind in ("xlsx", "xls"),
            pseudonyms=self.pseudonyms,
            communities=refs.communities,
            districts=refs.districts,
            stations=refs.stations,
            moment_styles=self.moment_styles,
        )


def _message(tally: Tally) -> str | None:
    parts = []
    if tally.reasons:
        parts.append(
            "quarantined: " + ", ".join(f"{n} {r}" for r, n in tally.reasons.most_common())
        )
    for column, unknown in tally.fallbacks.items():
        examples = "、".join(f"'{v}'" for v, _ in unknown.most_common(3))
        parts.append(
            f"{column}: {sum(unknown.values())} unknown values loaded as other ({examples})"
        )
    unmatched = {k: v for k, v in tally.communities.items() if k != "matched"}
    if unmatched:
        parts.append(
            "community: " + ", ".join(f"{n} {state}" for state, n in sorted(unmatched.items()))
        )
    return "; ".join(parts) or None


def _forget_rows(con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: str) -> None:
    """Delete a file's raw and quarantine rows and its registry entry, remembering which
    keys it held."""
    if spec.key:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {AFFECTED} AS "
            f"SELECT DISTINCT {spec.key_sql}::VARCHAR AS key FROM raw.{spec.name} WHERE _path = ?",
            [path],
        )
    con.execute(f"DELETE FROM raw.{spec.name} WHERE _path = ?", [path])
    con.execute("DELETE FROM meta.quarantine WHERE path = ?", [path])
    con.execute("DELETE FROM meta.ingest_files WHERE path = ?", [path])


def _settle_keys(con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: str) -> None:
    """Duplicate ids in the file just loaded, then which row of each key wins overall."""
    table, key = f"raw.{spec.name}", spec.key_sql
    if spec.duplicate_policy == "first":
        repeats = f"""
            SELECT * FROM {table} WHERE _path = $path
            QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _read_order) > 1"""
        columns = ", ".join(c.name for c in spec.columns)
        con.execute(
            f"""INSERT INTO meta.quarantine
                SELECT _path, $source, _row_number, $key, 'duplicate_id',
                       to_json(struct_pack({columns}))::VARCHAR, _sheet
                FROM ({repeats})""",
            {"path": path, "source": spec.name, "key": "/".join(spec.key_columns)},
        )
        con.execute(
            f"""DELETE FROM {table} WHERE _path = $path AND _read_order IN
                (SELECT _read_order FROM ({repeats}))""",
            {"path": path},
        )
    # the latest file wins; inside one file (policy "last") the latest row. Only keys
    # this file held before or holds now can change hands.
    con.execute(
        f"INSERT INTO {AFFECTED} SELECT DISTINCT {key} FROM {table} WHERE _path = ?", [path]
    )
    con.execute(
        f"""UPDATE {table} SET _superseded = ranked.rank > 1
            FROM (SELECT _path AS p, _read_order AS r, row_number() OVER (
                    PARTITION BY {key} ORDER BY _file_mtime DESC, _path DESC, _read_order DESC
                  ) AS rank FROM {table} WHERE {key} IN (SELECT key FROM {AFFECTED})) AS ranked
            WHERE _path = ranked.p AND _read_order = ranked.r
              AND _superseded IS DISTINCT FROM (ranked.rank > 1)"""
    )
    # the other files' counts (this file is registered once its own are settled)
    con.execute(
        f"""UPDATE meta.ingest_files SET
                rows_loaded = counts.loaded, rows_superseded = counts.superseded
            FROM (SELECT _path, count(*) FILTER (NOT _superseded) AS loaded,
                         count(*) FILTER (_superseded) AS superseded
                  FROM {table} GROUP BY _path) AS counts
            WHERE meta.ingest_files.path = counts._path"""
    )


def _settled(con: duckdb.DuckDBPyConnection, spec: SourceSpec, result: FileResult) -> FileResult:
    """The file's counts as its rows now stand (after keys were settled), and the
    duplicate ids found once the whole file was loaded added to its message."""
    result.rows_loaded, result.rows_superseded = con.execute(
        f"SELECT count(*) FILTER (NOT _superseded), count(*) FILTER (_superseded) "
        f"FROM raw.{spec.name} WHERE _path = ?",
        [result.path],
    ).fetchall()[0]
    result.rows_quarantined, repeats = con.execute(
        "SELECT count(*), count(*) FILTER (reason = 'duplicate_id') FROM meta.quarantine "
        "WHERE path = ?",
        [result.path],
    ).fetchall()[0]
    if repeats:
        result.message = "; ".join(filter(None, [result.message, f"{repeats} duplicate_id"]))
    return result


def _register(
    con: duckdb.DuckDBPyConnection, result: FileResult, facts: FileFacts, stat: os.stat_result
) -> None:
    """The file's one registry entry, written once its counts are settled."""
    entry = {
        "path": result.path,
        "source": result.source,
        "sha256": facts.sha256,
        "status": result.status,
        "rows_read": result.rows_read,
        "rows_loaded": result.rows_loaded,
        "rows_quarantined": result.rows_quarantined,
        "rows_superseded": result.rows_superseded,
        "message": result.message,
        "ingested_at": datetime.now(UTC).replace(tzinfo=None),
        "file_mtime": _utc(stat.st_mtime),
        "file_size": stat.st_size,
        "notes": result.notes,
        "rows_skipped": result.rows_skipped,
    }
    values = ", ".join(f"${name} AS {name}" for name in entry)
    con.execute(f"INSERT INTO meta.ingest_files BY NAME SELECT {values}", entry)


def _load(con: duckdb.DuckDBPyConnection, file: Path, facts: FileFacts, ctx: Context) -> FileResult:
    """Read, check and insert one file's rows (inside the caller's transaction); the
    result's counts are settled by the caller."""
    spec = ctx.spec
    with tempfile.TemporaryDirectory(prefix="wsi-ingest-") as workdir:
        table = open_table(file, spec, facts, Path(workdir), BATCH_ROWS)
        tally = Tally()
        for batch in table.batches:
            clean, bad = check_batch(batch, table.header, table.header_cells, ctx, tally)
            if clean.height:
                con.register("clean_batch", clean.to_arrow(compat_level=ARROW))
                con.execute(f"INSERT INTO raw.{spec.name} BY NAME SELECT * FROM clean_batch")
                con.unregister("clean_batch")
            if bad.height:
                con.register("bad_batch", bad.to_arrow(compat_level=ARROW))
                con.execute("INSERT INTO meta.quarantine BY NAME SELECT * FROM bad_batch")
                con.unregister("bad_batch")
    notes = list(table.notes)
    if table.header.unknown:
        notes.append("ignored columns: " + ", ".join(table.header.unknown))
    return FileResult(
        ctx.path,
        spec.name,
        "loaded",
        tally.rows_read,
        message="; ".join(filter(None, [*table.warnings, _message(tally)])) or None,
        notes="; ".join(notes),
        rows_skipped=tally.rows_skipped,
    )


def ingest_file(con: duckdb.DuckDBPyConnection, file: Path, run: SourceRun) -> FileResult:
    """Ingest one landing file unless its content is already registered."""
    spec = run.spec
    rel = file.relative_to(run.settings.landing_dir).as_posix()
    stat = file.stat()
    known = _registered(con, rel)
    # same size and modification time: the registered content (as make and rsync judge),
    # which spares hashing every unchanged export on every run
    if known and known[1:] == (_utc(stat.st_mtime), stat.st_size):
        return FileResult(rel, spec.name, "unchanged")
    facts = inspect_bytes(file)
    if known and known[0] == facts.sha256:
        return FileResult(rel, spec.name, "unchanged")
    ctx = run.context(rel, stat.st_mtime, facts)
    con.begin()
    try:
        _forget_rows(con, spec, rel)
        try:
            result = _load(con, file, facts, ctx)
        except (Unreadable, pl.exceptions.PolarsError) as exc:
            con.rollback()
            con.begin()
            _forget_rows(con, spec, rel)
            if isinstance(exc, Unreadable):
                reason, rows = exc.reason, exc.rows_read
            else:
                reason, rows = f"{file.name}: cannot be read ({exc})", 0
            result = FileResult(rel, spec.name, "rejected", rows, message=reason)
        if spec.key:
            _settle_keys(con, spec, rel)
        _register(con, _settled(con, spec, result), facts, stat)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    log.info(
        "%s: %s, %d read, %d loaded, %d quarantined",
        rel,
        result.status,
        result.rows_read,
        result.rows_loaded,
        result.rows_quarantined,
    )
    return result


def _as_registered(con: duckdb.DuckDBPyConnection, results: list[FileResult]) -> list[FileResult]:
    """The results with the counts the registry holds now: a later file of a keyed
    source may have superseded rows of an earlier one in the same run."""
    counts = {
        path: (loaded, superseded)
        for path, loaded, superseded in con.execute(
            "SELECT path, rows_loaded, rows_superseded FROM meta.ingest_files WHERE path IN "
            "(SELECT unnest($paths))",
            {"paths": [r.path for r in results if r.status != "unchanged"]},
        ).fetchall()
    }
    for result in results:
        if result.path in counts:
            result.rows_loaded, result.rows_superseded = counts[result.path]
    return results


def ingest_source(
    con: duckdb.DuckDBPyConnection, source: str, settings: Settings | None = None
) -> list[FileResult]:
    """Ingest the new and changed files of one source's landing folder; the results carry
    every processed file's counts as they stand at the end."""
    settings = settings or get_settings()
    spec = SPECS[source]
    con.execute(raw_table_ddl(spec))
    # a checkpoint after every file's commit rewrites the growing table again and again;
    # one at the end does the same work once (the WAL keeps every commit durable)
    (threshold,) = con.execute("SELECT current_setting('checkpoint_threshold')").fetchall()[0]
    con.execute("SET checkpoint_threshold = '64GB'")
    try:
        run = SourceRun(con, spec, settings)
        results = [ingest_file(con, file, run) for file in landing_files(settings, source)]
        return _as_registered(con, results)
    finally:
        con.execute(f"SET checkpoint_threshold = '{threshold}'")
        con.execute("CHECKPOINT")
