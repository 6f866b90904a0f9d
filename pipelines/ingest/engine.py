"""The ingestion engine: the landing files of a source into ``raw.<source>``, with the
file registry (``meta.ingest_files``) and the quarantine (``meta.quarantine``).

A file is the unit of work. Its rows are replaced in one transaction (delete the file's
raw and quarantine rows, insert the new ones, settle duplicate keys, refresh every file's
counts), so ``rows_read = rows_loaded + rows_quarantined + rows_superseded`` holds per
file after every commit. A file is skipped when its size and modification time, or else
its content hash, are those registered. References (station ids, community names) are
checked against what is loaded when the file is ingested: the Dagster assets load
communities, then stations, then usage and hotline; a file already loaded is not checked
again when the registry changes later (drop it in again to recheck it).
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines import privacy
from pipelines.ingest.communities import CommunityMatcher, DistrictMatcher
from pipelines.ingest.read import FileFacts, Unreadable, inspect_bytes, open_table
from pipelines.ingest.specs import BOUNDARIES, SPECS, SourceSpec, raw_table_ddl
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


class References:
    """What the files of one source run share: the loaded stations and communities its
    rows are checked against, read from the warehouse once (when first needed) rather
    than per file, as ingesting one source never changes the other sources' tables; and
    the date styles its files were written in (tried first on the next file)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
        self._con, self._spec = con, spec
        self._read = False
        self.communities: CommunityMatcher | None = None
        self.districts: DistrictMatcher | None = None
        self.stations: pl.Series | None = None
        self.moment_styles: dict[str, list[str]] = {}

    def load(self) -> References:
        """Read the references (the first time only)."""
        if self._read:
            return self
        con, spec = self._con, self._spec
        if spec.community_column:
            rows = con.execute(
                "SELECT community_code, community_name FROM raw.communities WHERE NOT _superseded"
            ).fetchall()
            self.communities = CommunityMatcher(rows)
        if spec.district_column:
            rows = con.execute(
                "SELECT DISTINCT district, community_code FROM raw.communities "
                "WHERE NOT _superseded"
            ).fetchall()
            self.districts = DistrictMatcher(rows)
        if spec.station_column:
            self.stations = (
                con.sql("SELECT DISTINCT station_id FROM raw.stations WHERE NOT _superseded")
                .pl()
                .get_column("station_id")
            )
        self._read = True
        return self


def _context(
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    settings: Settings,
    pseudonyms: privacy.Pseudonymiser | None = None,
    references: References | None = None,
) -> Context:
    refs = (references or References(con, spec)).load()
    return Context(
        spec=spec,
        path="",
        file_mtime=datetime(1970, 1, 1),
        crs=settings.crs_for(spec.name),
        pseudonyms=pseudonyms or privacy.Pseudonymiser(privacy.load_key(settings)),
        communities=refs.communities,
        districts=refs.districts,
        stations=refs.stations,
        moment_styles=refs.moment_styles,
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


def _with_duplicates(con: duckdb.DuckDBPyConnection, path: str, message: str | None) -> str | None:
    """The message with the duplicate ids found once the whole file was loaded."""
    (repeats,) = con.execute(
        "SELECT count(*) FROM meta.quarantine WHERE path = ? AND reason = 'duplicate_id'", [path]
    ).fetchall()[0]
    if not repeats:
        return message
    return "; ".join(filter(None, [message, f"{repeats} duplicate_id"]))


def _forget_rows(con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: str) -> None:
    """Delete a file's raw and quarantine rows, remembering which keys it held."""
    if spec.key:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {AFFECTED} AS "
            f"SELECT DISTINCT {spec.key_sql}::VARCHAR AS key FROM raw.{spec.name} WHERE _path = ?",
            [path],
        )
    con.execute(f"DELETE FROM raw.{spec.name} WHERE _path = ?", [path])
    con.execute("DELETE FROM meta.quarantine WHERE path = ?", [path])


def _settle_keys(con: duckdb.DuckDBPyConnection, spec: SourceSpec, path: str) -> None:
    """Duplicate ids in the file just loaded, then which row of each key wins overall."""
    table, key = f"raw.{spec.name}", spec.key_sql
    if spec.duplicate_policy == "first":
        repeats = f"""
            SELECT * FROM {table} WHERE _path = $path
            QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _row_number) > 1"""
        columns = ", ".join(c.name for c in spec.columns)
        con.execute(
            f"""INSERT INTO meta.quarantine
                SELECT _path, $source, _row_number, $key, 'duplicate_id',
                       to_json(struct_pack({columns}))::VARCHAR
                FROM ({repeats})""",
            {"path": path, "source": spec.name, "key": "/".join(spec.key_columns)},
        )
        con.execute(
            f"""DELETE FROM {table} WHERE _path = $path AND _row_number IN
                (SELECT _row_number FROM ({repeats}))""",
            {"path": path},
        )
    # the latest file wins; inside one file (policy "last") the latest row. Only keys
    # this file held before or holds now can change hands.
    con.execute(
        f"INSERT INTO {AFFECTED} SELECT DISTINCT {key} FROM {table} WHERE _path = ?", [path]
    )
    con.execute(
        f"""UPDATE {table} SET _superseded = ranked.rank > 1
            FROM (SELECT _path AS p, _row_number AS r, row_number() OVER (
                    PARTITION BY {key} ORDER BY _file_mtime DESC, _path DESC, _row_number DESC
                  ) AS rank FROM {table} WHERE {key} IN (SELECT key FROM {AFFECTED})) AS ranked
            WHERE _path = ranked.p AND _row_number = ranked.r
              AND _superseded IS DISTINCT FROM (ranked.rank > 1)"""
    )
    con.execute(
        f"""UPDATE meta.ingest_files SET
                rows_loaded = counts.loaded, rows_superseded = counts.superseded
            FROM (SELECT _path, count(*) FILTER (NOT _superseded) AS loaded,
                         count(*) FILTER (_superseded) AS superseded
                  FROM {table} GROUP BY _path) AS counts
            WHERE meta.ingest_files.path = counts._path"""
    )


def _register(con: duckdb.DuckDBPyConnection, result: FileResult, facts: FileFacts, stat) -> None:
    con.execute("DELETE FROM meta.ingest_files WHERE path = ?", [result.path])
    con.execute(
        "INSERT INTO meta.ingest_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.path,
            result.source,
            facts.sha256,
            result.status,
            result.rows_read,
            result.rows_loaded,
            result.rows_quarantined,
            result.rows_superseded,
            result.message,
            datetime.now(UTC).replace(tzinfo=None),
            _utc(stat.st_mtime),
            stat.st_size,
            result.notes,
        ],
    )


def _load(
    con: duckdb.DuckDBPyConnection, file: Path, rel: str, facts: FileFacts, ctx: Context
) -> FileResult:
    """Read, check and insert one file's rows (inside the caller's transaction)."""
    spec = ctx.spec
    with tempfile.TemporaryDirectory(prefix="wsi-ingest-") as workdir:
        table = open_table(file, spec, facts, Path(workdir), BATCH_ROWS)
        tally = Tally()
        loaded = quarantined = 0
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
            loaded += clean.height
            quarantined += bad.height
    notes = list(table.notes)
    if table.header.unknown:
        notes.append("ignored columns: " + ", ".join(table.header.unknown))
    return FileResult(
        rel,
        spec.name,
        "loaded",
        tally.rows_read,
        loaded,
        quarantined,
        0,
        _message(tally),
        "; ".join(notes),
    )


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    file: Path,
    spec: SourceSpec,
    settings: Settings,
    pseudonyms: privacy.Pseudonymiser | None = None,
    references: References | None = None,
) -> FileResult:
    """Ingest one landing file unless its content is already registered."""
    rel = file.relative_to(settings.landing_dir).as_posix()
    stat = file.stat()
    known = _registered(con, rel)
    # same size and modification time: the registered content (as make and rsync judge),
    # which spares hashing every unchanged export on every run
    if known and known[1:] == (_utc(stat.st_mtime), stat.st_size):
        return FileResult(rel, spec.name, "unchanged")
    facts = inspect_bytes(file)
    if known and known[0] == facts.sha256:
        return FileResult(rel, spec.name, "unchanged")
    ctx = _context(con, spec, settings, pseudonyms, references)
    ctx.path, ctx.file_mtime = rel, _utc(stat.st_mtime)
    ctx.excel = facts.kind in ("xlsx", "xls")
    con.begin()
    try:
        _forget_rows(con, spec, rel)
        try:
            result = _load(con, file, rel, facts, ctx)
        except (Unreadable, pl.exceptions.PolarsError) as exc:
            con.rollback()
            con.begin()
            _forget_rows(con, spec, rel)
            reason = (
                exc.reason
                if isinstance(exc, Unreadable)
                else f"{file.name}: cannot be read ({exc})"
            )
            rows = exc.rows_read if isinstance(exc, Unreadable) else 0
            result = FileResult(rel, spec.name, "rejected", rows, message=reason)
        _register(con, result, facts, stat)
        if spec.key:
            _settle_keys(con, spec, rel)
        counts = con.execute(
            """SELECT rows_loaded, rows_superseded,
                      (SELECT count(*) FROM meta.quarantine WHERE path = $p)
               FROM meta.ingest_files WHERE path = $p""",
            {"p": rel},
        ).fetchall()[0]
        result.rows_loaded, result.rows_superseded, result.rows_quarantined = counts
        if spec.key and spec.duplicate_policy == "first" and result.status == "loaded":
            result.message = _with_duplicates(con, rel, result.message)
            con.execute(
                "UPDATE meta.ingest_files SET message = ? WHERE path = ?", [result.message, rel]
            )
        con.execute(
            "UPDATE meta.ingest_files SET rows_quarantined = ? WHERE path = ?",
            [result.rows_quarantined, rel],
        )
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


def ingest_source(
    con: duckdb.DuckDBPyConnection, source: str, settings: Settings | None = None
) -> list[FileResult]:
    """Ingest the new and changed files of one source's landing folder (none for an
    optional source such as weather: its table simply stays empty)."""
    settings = settings or get_settings()
    spec = SPECS[source] if source in SPECS else {BOUNDARIES.name: BOUNDARIES}[source]
    con.execute(raw_table_ddl(spec))  # boundaries are not among the warehouse's own tables
    files = landing_files(settings, source)
    # one pseudonymiser for all files: the same people call again month after month
    pseudonyms = privacy.Pseudonymiser(privacy.load_key(settings))
    # a checkpoint after every file's commit rewrites the growing table again and again;
    # one at the end does the same work once (the WAL keeps every commit durable)
    (threshold,) = con.execute("SELECT current_setting('checkpoint_threshold')").fetchall()[0]
    con.execute("SET checkpoint_threshold = '64GB'")
    try:
        references = References(con, spec)
        return [
            ingest_file(con, file, spec, settings, pseudonyms=pseudonyms, references=references)
            for file in files
        ]
    finally:
        con.execute(f"SET checkpoint_threshold = '{threshold}'")
        con.execute("CHECKPOINT")
