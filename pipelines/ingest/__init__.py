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
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from pipelines.settings import REPO_ROOT, Settings

EXTENSIONS = (".csv", ".xlsx", ".xls", ".txt", ".tsv", ".geojson")


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
