"""The lake: the raw layer both engines read, one Parquet file per landing file.

    <lake>/raw/<source>/<key>-<sha>.parquet         the file's rows that passed the value checks
    <lake>/quarantine/<source>/<key>-<sha>.parquet  the rows that did not, with their reasons
    <lake>/files/<source>/<key>.json                the file's record: the commit marker

A landing file's ``key`` comes from its path under ``landing/`` (a corrected export, at
the same path, replaces its predecessor's record), and its Parquet names carry its
content hash (a new version never overwrites the old one in place). Ingesting a file
writes its Parquet files first; writing its record — a temporary file, fsynced, then
``os.replace``d — is the commit. Readers list the records and read the Parquet files
they name: a file killed half-way leaves at most an orphan Parquet file, which
:meth:`Lake.collect_garbage` removes, never a half-visible one. Files are immutable once
written, so any number of processes read the lake while another ingests, and files are
ingested in parallel without sharing anything but the folder.

Only local folders are written here; ``WSI_LAKE_URI`` may name another path (a mounted
volume shared with a Spark cluster).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

RAW, QUARANTINE, FILES = "raw", "quarantine", "files"
_TEMP = ".tmp-"


def file_key(path: str) -> str:
    """The stable name of a landing file's lake entries, from its landing path."""
    return hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class FileRecord:
    """What ingesting one landing file produced, as the lake records it."""

    path: str  # relative to <data>/landing, e.g. usage/2024-05.csv
    source: str
    sha256: str
    status: str  # loaded | rejected
    rows_read: int = 0
    #: totals and footer rows: read, never loaded, never bad (data contract)
    rows_skipped: int = 0
    #: rows that failed a value check (reference and key checks come at build time)
    rows_invalid: int = 0
    message: str | None = None
    notes: str | None = None
    ingested_at: str = ""  # ISO, UTC
    file_mtime: float = 0.0
    file_size: int = 0
    #: first days of the months the file's rows fall in (event sources), ISO
    months: tuple[str, ...] = ()
    raw_file: str | None = None  # names under raw/<source>/ and quarantine/<source>/
    quarantine_file: str | None = None
    #: value-check counts: reason -> rows; column -> {unknown value -> rows}
    reasons: dict[str, int] = field(default_factory=dict)
    fallbacks: dict[str, dict[str, int]] = field(default_factory=dict)
    #: what of the file was not read (e.g. a sheet whose header does not match)
    warnings: tuple[str, ...] = ()
    #: how the file was read: encoding, delimiter, sheets, header rows, header mapping
    facts: dict[str, object] = field(default_factory=dict)
    #: who put the file in landing (an upload's steward), when known
    uploaded_by: str | None = None
    #: that steward's scope code when it is narrower than the city: rows outside it are
    #: quarantined (``out_of_scope``, docs/data-contract.md)
    upload_scope: str | None = None
    #: the ingestion code that wrote it (a newer one reads the landing file again)
    engine_version: str = ""

    @property
    def key(self) -> str:
        return file_key(self.path)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FileRecord:
        values = json.loads(text)
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in values.items() if k in known}
        values["months"] = tuple(values.get("months") or ())
        values["warnings"] = tuple(values.get("warnings") or ())
        return cls(**values)


class Lake:
    """A lake folder: records, Parquet parts, commits, withdrawals and clean-up."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- reading ------------------------------------------------------------------
    def records(self, source: str | None = None) -> list[FileRecord]:
        """Every committed record (of one source), by landing path."""
        folder = self.root / FILES
        pattern = f"{source}/*.json" if source else "*/*.json"
        found = []
        for path in folder.glob(pattern):
            if path.name.startswith(_TEMP):  # a record being written (or its writer killed)
                continue
            with contextlib.suppress(FileNotFoundError):  # withdrawn meanwhile
                found.append(FileRecord.from_json(path.read_text(encoding="utf-8")))
        return sorted(found, key=lambda r: r.path)

    def record(self, source: str, path: str) -> FileRecord | None:
        try:
            text = self._record_path(source, path).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return FileRecord.from_json(text)

    def raw_path(self, record: FileRecord) -> Path | None:
        return self.root / RAW / record.source / record.raw_file if record.raw_file else None

    def quarantine_path(self, record: FileRecord) -> Path | None:
        if not record.quarantine_file:
            return None
        return self.root / QUARANTINE / record.source / record.quarantine_file

    def raw_paths(self, source: str) -> list[Path]:
        """The raw Parquet files of a source's committed records."""
        return [p for r in self.records(source) if (p := self.raw_path(r)) is not None]

    # -- writing ------------------------------------------------------------------
    def part_name(self, path: str, version: str) -> str:
        """The Parquet name of one version of one landing file (``version``: its content
        hash and the code that read it)."""
        return f"{file_key(path)}-{version}.parquet"

    @contextlib.contextmanager
    def writing(self, kind: str, source: str, name: str) -> Iterator[Path]:
        """A temporary path to write a Parquet part to; on success it becomes ``name``."""
        folder = self.root / kind / source
        folder.mkdir(parents=True, exist_ok=True)
        temp = folder / f"{_TEMP}{uuid.uuid4().hex}-{name}"
        try:
            yield temp
            _fsync(temp)
            os.replace(temp, folder / name)
        finally:
            temp.unlink(missing_ok=True)

    def commit(self, record: FileRecord) -> None:
        """Make ``record`` (and the parts it names, already written) the file's state."""
        target = self._record_path(record.source, record.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f"{_TEMP}{uuid.uuid4().hex}.json")
        try:
            with temp.open("w", encoding="utf-8") as handle:
                handle.write(record.to_json())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, target)
            _fsync(target.parent)
        finally:
            temp.unlink(missing_ok=True)

    def withdraw(self, source: str, path: str) -> FileRecord | None:
        """Forget a landing file on purpose: its rows leave the next build. Returns the
        record withdrawn (None if there was none); its parts are collected later."""
        record = self.record(source, path)
        if record is not None:
            self._record_path(source, path).unlink(missing_ok=True)
            _fsync(self._record_path(source, path).parent)
        return record

    def collect_garbage(self, keep: set[str] = frozenset()) -> int:
        """Remove Parquet parts no record names (and temporaries of killed writers),
        except the names in ``keep`` (parts a build still needs). Returns how many."""
        named = {
            name
            for record in self.records()
            for name in (record.raw_file, record.quarantine_file)
            if name
        } | set(keep)
        removed = 0
        for kind in (RAW, QUARANTINE, FILES):
            for part in (self.root / kind).glob("*/*"):
                stale = part.name.startswith(_TEMP) or (
                    kind != FILES and part.suffix == ".parquet" and part.name not in named
                )
                if stale:
                    part.unlink(missing_ok=True)
                    removed += 1
        return removed

    def _record_path(self, source: str, path: str) -> Path:
        return self.root / FILES / source / f"{file_key(path)}.json"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
