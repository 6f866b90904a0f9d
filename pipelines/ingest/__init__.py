"""Ingestion: landing files into the lake (``pipelines/lake.py``), by one engine over one
declarative spec per source. Here: which landing files there are, and the version of the
code that reads them.

- :mod:`.specs` — the sources, their columns, headers, types and keys (the data
  contract in code);
- :mod:`.read`, :mod:`.workbook`, :mod:`.rows`, :mod:`.table` — a file into batches of
  text cells (CSV in UTF-8/BOM/GB18030/UTF-16, XLSX, XLS, GeoJSON);
- :mod:`.headers` — header rows matched to a spec's columns;
- :mod:`.values`, :mod:`.coords`, :mod:`.communities`, :mod:`.privacy` — cells into
  typed values, coordinates, community codes and pseudonyms;
- :mod:`.validate` — a batch into clean rows and quarantined rows with reasons;
- :mod:`.engine` — a file into the lake: its valid rows, its rejected rows, its record.

A landing file is taken only once it has stopped changing (:func:`landing_files`): the
one rule for ``python -m pipelines run``, the Dagster ingest assets and the landing
sensor.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from pipelines.settings import REPO_ROOT, Settings

EXTENSIONS = (".csv", ".xlsx", ".xls", ".txt", ".tsv", ".geojson")
log = logging.getLogger(__name__)


@cache
def engine_version() -> str:
    """A digest of the code that turns an export into raw rows (this package and the
    divisions reference): records written by another version are read again."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    for path in sorted((REPO_ROOT / "data" / "reference").glob("*.csv")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def landing_files(settings: Settings, source: str, *, settled: bool = True) -> list[Path]:
    """The files of a source's landing folder, in name order; with ``settled`` (the
    default) only those no longer being written (:func:`is_settled`). Hidden files (a
    copy tool's temporary) and Excel's lock files (``~$…``) are not exports."""
    folder = settings.landing_dir / source
    if not folder.is_dir():
        return []
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith((".", "~$")) and p.suffix.lower() in EXTENSIONS
    )
    if not settled:
        return files
    now = time.time()
    return [p for p in files if is_settled(_stat(p), settings.landing_settle_s, now)]


def is_settled(stat: os.stat_result | None, settle_s: float, now: float) -> bool:
    """Whether a landing file has stopped changing: neither its size nor its times have
    moved for ``settle_s`` seconds (``WSI_LANDING_SETTLE_S``). Every write moves the
    file's change time (``st_ctime``, set by the kernel: also when a copy tool then puts
    the original modification time back), so one look tells; a modification time in the
    future (a clock elsewhere) is not waited for."""
    if stat is None:  # removed meanwhile
        return False
    mtime = stat.st_mtime if stat.st_mtime <= now else stat.st_ctime
    last_change = max(stat.st_ctime, mtime)
    return now - last_change >= settle_s


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def unsettled_files(settings: Settings, sources: Iterable[str] | None = None) -> list[Path]:
    """The landing files still being written (of ``sources``; every folder by default)."""
    landing = settings.landing_dir
    if sources is None:
        sources = [p.name for p in landing.iterdir() if p.is_dir()] if landing.is_dir() else []
    now = time.time()
    return [
        p
        for source in sources
        for p in landing_files(settings, source, settled=False)
        if not is_settled(_stat(p), settings.landing_settle_s, now)
    ]


def wait_until_settled(settings: Settings, sources: Iterable[str] | None = None) -> list[Path]:
    """Wait while landing files are being written, at most three settle times; returns
    those still changing then (a later run takes them)."""
    sources = list(sources) if sources is not None else None
    deadline = time.monotonic() + 3 * settings.landing_settle_s
    while True:
        pending = unsettled_files(settings, sources)
        left = deadline - time.monotonic()
        if not pending or left <= 0:
            break
        log.info("waiting for %d landing files still being written", len(pending))
        time.sleep(min(left, max(0.05, settings.landing_settle_s / 4)))
    for path in pending:
        log.warning("%s is still being written: a later run takes it", path)
    return pending
