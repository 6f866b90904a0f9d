"""The ingestion engine: a landing file into the lake (:mod:`pipelines.lake`), by its
source's spec — its rows that pass the value checks as one Parquet file, those that do
not as another with their reasons, and its record.

A file is the unit of work and needs nothing but itself, its spec and the divisions
reference: station ids, community names, repeated keys and which file's row wins are
settled when the warehouse is built (``pipelines/warehouse/raw.py`` and
``sql/staging``), so the order files arrive in never changes a figure and files are
ingested in parallel (:func:`ingest`, one process per core). Per file,
``rows_read = rows_valid + rows_invalid + rows_skipped``; the warehouse then splits the
valid rows into loaded, superseded and quarantined (unknown references, duplicate ids).
A file is skipped when its size and modification time, or else its content hash, are
those of its record. A file still being written is waited for (:mod:`pipelines.ingest`,
``WSI_LANDING_SETTLE_S``), and one that changes while it is read is not recorded: the
next run reads it again. A file a steward uploaded carries who did it and their scope
(:mod:`pipelines.uploads.registry`); rows outside a district or subdistrict steward's
scope are quarantined (``out_of_scope``, :mod:`.scope_check`). The upload page's preview
reads a file the same way into a lake of its own (:func:`read_into_lake`).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from multiprocessing import get_context
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.ingest import engine_version, landing_files, privacy, wait_until_settled
from pipelines.ingest.communities import DistrictMatcher
from pipelines.ingest.read import FileFacts, Unreadable, inspect_bytes, open_table
from pipelines.ingest.scope_check import scope_check
from pipelines.ingest.specs import SPECS, SourceSpec, raw_columns
from pipelines.ingest.validate import QUARANTINE_SCHEMA, Context, Tally, check_batch
from pipelines.lake import QUARANTINE, RAW, FileRecord, Lake
from pipelines.scope import CITY_CODE
from pipelines.settings import Settings, get_settings
from pipelines.uploads.registry import Uploader, landed

log = logging.getLogger(__name__)

BATCH_ROWS = 500_000
_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "TINYINT": pa.int8(),
}


def raw_schema(spec: SourceSpec) -> pa.Schema:
    """The Arrow schema of a source's raw Parquet files."""
    return pa.schema([(name, _ARROW_TYPES[kind]) for name, kind in raw_columns(spec)])


QUARANTINE_ARROW = pa.schema(
    [
        (name, pa.int32() if kind == pl.Int32 else pa.string())
        for name, kind in QUARANTINE_SCHEMA.items()
    ]
)


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


class SourceRun:
    """What the files of one source share in one process: the pseudonymiser (the same
    people call again month after month), the date styles its files were written in
    (tried first on the next file), the districts of the divisions reference, who
    uploaded which landing file."""

    def __init__(
        self,
        spec: SourceSpec,
        settings: Settings,
        lake: Lake,
        uploaders: dict[str, Uploader] | None = None,
    ) -> None:
        self.spec, self.settings, self.lake = spec, settings, lake
        self.pseudonyms = privacy.Pseudonymiser(privacy.load_key(settings))
        self.moment_styles: dict[str, list[str]] = {}
        self.districts = (
            _districts(settings.divisions_csv) if spec.district_column is not None else None
        )
        self.uploaders = landed(settings) if uploaders is None else uploaders

    def context(
        self, path: str, mtime: float, facts: FileFacts, uploader: Uploader | None = None
    ) -> Context:
        """What checking the rows of one file needs to know."""
        scope = uploader.scope if uploader else None
        return Context(
            spec=self.spec,
            path=path,
            file_mtime=datetime.fromtimestamp(mtime, UTC).replace(tzinfo=None),
            crs=self.settings.crs_for(self.spec.name),
            excel=facts.kind in ("xlsx", "xls"),
            pseudonyms=self.pseudonyms,
            districts=self.districts,
            moment_styles=self.moment_styles,
            scope=scope_check(scope, self.settings.divisions_csv) if scope else None,
        )


@cache
def _districts(csv_path: Path) -> DistrictMatcher:
    return DistrictMatcher.from_reference(csv_path)


def message(
    warnings: Iterable[str],
    reasons: Counter,
    fallbacks: dict[str, Counter],
    communities: Counter | None = None,
    duplicates: int = 0,
) -> str | None:
    """A file's message: what was not read, what was quarantined and why (most first),
    unknown enumeration values loaded as ``other``, communities that matched none and
    repeated ids. Ingestion says what the value checks found; the warehouse's
    ``ingest_files`` says it again with what it settled."""
    parts = list(warnings)
    if reasons:
        parts.append("quarantined: " + ", ".join(f"{n} {r}" for r, n in reasons.most_common()))
    for column, unknown in fallbacks.items():
        # most frequent first, then by value: the same file always says the same
        commonest = sorted(unknown.items(), key=lambda item: (-item[1], item[0]))
        examples = "、".join(f"'{v}'" for v, _ in commonest[:3])
        parts.append(
            f"{column}: {sum(unknown.values())} unknown values loaded as other ({examples})"
        )
    unmatched = {k: v for k, v in (communities or {}).items() if k != "matched"}
    if unmatched:
        parts.append("community: " + ", ".join(f"{n} {s}" for s, n in sorted(unmatched.items())))
    if duplicates:
        parts.append(f"{duplicates} duplicate_id")
    return "; ".join(parts) or None


def _write_parts(file: Path, facts: FileFacts, ctx: Context, run: SourceRun) -> FileRecord:
    """Read and check one file, writing its raw and quarantine Parquet parts; the record
    that names them (not yet committed)."""
    spec, lake = ctx.spec, run.lake
    # the scope is part of what the rows are: another scope makes another version
    scope = f"-{ctx.scope.prefix}" if ctx.scope else ""
    name = lake.part_name(ctx.path, f"{facts.sha256[:16]}-{engine_version()[:8]}{scope}")
    tally, months = Tally(), set()
    valid = invalid = 0
    with (
        tempfile.TemporaryDirectory(prefix="wsi-ingest-") as workdir,
        lake.writing(RAW, spec.name, name) as raw_path,
        lake.writing(QUARANTINE, spec.name, name) as bad_path,
        pq.ParquetWriter(raw_path, raw_schema(spec)) as raw_out,
        pq.ParquetWriter(bad_path, QUARANTINE_ARROW) as bad_out,
    ):
        table = open_table(file, spec, facts, Path(workdir), BATCH_ROWS)
        for batch in table.batches:
            clean, bad = check_batch(batch, table.header, table.header_cells, ctx, tally)
            if clean.height:
                raw_out.write_table(clean.to_arrow().cast(raw_schema(spec)))
                months.update(m.isoformat() for m in clean["_month"].drop_nulls().unique())
            if bad.height:
                bad_out.write_table(bad.to_arrow().cast(QUARANTINE_ARROW))
            valid, invalid = valid + clean.height, invalid + bad.height
    notes = list(table.notes)
    if table.header.unknown:
        notes.append("ignored columns: " + ", ".join(table.header.unknown))
    return FileRecord(
        path=ctx.path,
        source=spec.name,
        sha256=facts.sha256,
        status="loaded",
        rows_read=tally.rows_read,
        rows_skipped=tally.rows_skipped,
        rows_invalid=invalid,
        message=message(table.warnings, tally.reasons, tally.fallbacks),
        notes="; ".join(notes) or None,
        months=tuple(sorted(months)),
        raw_file=name,
        quarantine_file=name,
        reasons=dict(tally.reasons),
        fallbacks={c: dict(v) for c, v in tally.fallbacks.items()},
        warnings=tuple(table.warnings),
        facts={
            "kind": facts.kind,
            "encoding": facts.encoding,
            "valid_rows": valid,
            # which header matched which column, as written
            "columns": {table.header_cells[p]: c for p, c in table.header.columns.items()},
        },
    )


def read_into_lake(
    file: Path,
    rel: str,
    run: SourceRun,
    facts: FileFacts,
    uploader: Uploader | None,
    stat: os.stat_result | None = None,
) -> FileRecord:
    """Read ``file`` as the landing file ``rel`` into ``run.lake``: its parts written,
    its record returned (not committed). ``uploader``: the steward it came from;
    ``stat``: the file's as it was looked at before reading (the record keeps it)."""
    stat = stat or file.stat()
    ctx = run.context(rel, stat.st_mtime, facts, uploader)
    try:
        record = _write_parts(file, facts, ctx, run)
    except (Unreadable, pl.exceptions.PolarsError) as exc:
        if isinstance(exc, Unreadable):
            reason, rows = exc.reason, exc.rows_read
        else:
            reason, rows = f"{file.name}: cannot be read ({exc})", 0
        record = FileRecord(rel, run.spec.name, facts.sha256, "rejected", rows, message=reason)
    return replace(
        record,
        ingested_at=_now(),
        file_mtime=stat.st_mtime,
        file_size=stat.st_size,
        uploaded_by=uploader.username if uploader else None,
        upload_scope=uploader.scope if uploader else None,
        engine_version=engine_version(),
    )


def ingest_file(file: Path, run: SourceRun) -> FileRecord | None:
    """Ingest one landing file into the lake and commit its record; None when its
    content (and who uploaded it) is the one already recorded."""
    spec, lake = run.spec, run.lake
    rel = file.relative_to(run.settings.landing_dir).as_posix()
    stat = file.stat()
    previous = known = lake.record(spec.name, rel)
    uploader = run.uploaders.get(rel)
    if uploader is None and previous and previous.uploaded_by:
        # the registry lost it (restored from an older backup): the record still knows
        uploader = Uploader(previous.uploaded_by, previous.upload_scope or CITY_CODE)
    if known and known.engine_version != engine_version():
        known = None  # read by other code: read it again
    uploaded = (uploader.username, uploader.scope) if uploader else (None, None)
    if known and (known.uploaded_by, known.upload_scope) != uploaded:
        known = None  # another steward, or another scope: other rows may be out of scope
    # same size and modification time: the recorded content (as make and rsync judge),
    # which spares hashing every unchanged export on every run
    if known and (known.file_mtime, known.file_size) == (stat.st_mtime, stat.st_size):
        return None
    facts = inspect_bytes(file)
    if known and known.sha256 == facts.sha256:
        lake.commit(replace(known, file_mtime=stat.st_mtime, file_size=stat.st_size))
        return None
    record = read_into_lake(file, rel, run, facts, uploader, stat)
    if _changed_since(file, stat):
        log.warning("%s changed while it was read: the next run reads it again", rel)
        return None  # its parts, named by no record, are collected later
    lake.commit(record)
    log.info(
        "%s: %s, %d read, %d invalid", rel, record.status, record.rows_read, record.rows_invalid
    )
    return record


def _changed_since(file: Path, stat: os.stat_result) -> bool:
    try:
        now = file.stat()
    except FileNotFoundError:
        return True
    return (now.st_size, now.st_mtime_ns, now.st_ctime_ns) != (
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ctime_ns,
    )


def _ingest_files(source: str, files: list[str], settings: Settings) -> list[FileRecord]:
    """One worker's share: some files of one source (a process of its own)."""
    run = SourceRun(SPECS[source], settings, Lake(settings.lake_dir))
    return [r for f in files if (r := ingest_file(Path(f), run)) is not None]


def ingest(
    settings: Settings | None = None, sources: Iterable[str] | None = None, workers: int = 1
) -> list[FileRecord]:
    """Ingest the new and changed landing files of ``sources`` (all by default); with
    ``workers`` > 1, files are read by that many processes at once. Returns the records
    of the files ingested. Files still being written are waited for, a while."""
    settings = settings or get_settings()
    sources = list(sources or SPECS)
    wait_until_settled(settings, sources)
    jobs = [(source, [str(f) for f in landing_files(settings, source)]) for source in sources]
    jobs = [(source, files) for source, files in jobs if files]
    if workers <= 1 or sum(len(files) for _, files in jobs) <= 1:
        return [r for source, files in jobs for r in _ingest_files(source, files, settings)]
    # one task a file, biggest first, so that the long files do not all end up last
    tasks = sorted(
        ((source, f) for source, files in jobs for f in files),
        key=lambda task: -os.path.getsize(task[1]),
    )
    # forkserver: workers forked from a clean process, never from this one's threads
    # (Dagster's, DuckDB's), whose locks a fork would copy held
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver")) as pool:
        futures = [pool.submit(_ingest_files, s, [f], settings) for s, f in tasks]
        return sorted((r for f in futures for r in f.result()), key=lambda r: r.path)
