"""Which source an export is, when its steward lets the headers decide: the sources
whose required columns its header holds (matched by the ingestion engine's own header
rules), the one naming most columns first."""

from __future__ import annotations

import tempfile
from pathlib import Path

import fastexcel

from pipelines.ingest.headers import HEADER_SEARCH_ROWS, find_header
from pipelines.ingest.read import Unreadable, inspect_bytes, open_table
from pipelines.ingest.specs import SPECS
from pipelines.uploads.landing import UPLOADABLE


def _workbook_heads(path: Path) -> list[list[list[str | None]]]:
    """The first rows of every sheet of a workbook (not the whole sheets)."""
    book = fastexcel.read_excel(path)
    heads = []
    for i in range(len(book.sheet_names)):
        sheet = book.load_sheet(
            i, header_row=None, n_rows=HEADER_SEARCH_ROWS + 1, dtypes="string"
        ).to_polars()
        heads.append([list(row) for row in sheet.iter_rows()])
    return heads


def candidates(path: Path) -> list[str]:
    """The sources ``path`` may be, most likely first (empty: none matches)."""
    facts = inspect_bytes(path)
    scores: dict[str, int] = {}
    if facts.kind in ("xlsx", "xls"):
        try:
            heads = _workbook_heads(path)
        except Exception:  # a broken workbook: the preview will say why
            return []
        for source in UPLOADABLE:
            for rows in heads:
                match = find_header(SPECS[source], rows).match
                if not match.missing:
                    scores[source] = max(scores.get(source, 0), len(match.columns))
    else:
        with tempfile.TemporaryDirectory(prefix="wsi-detect-") as workdir:
            for source in UPLOADABLE:
                try:  # a text file's table is lazy: only its head is read here
                    table = open_table(path, SPECS[source], facts, Path(workdir))
                except Unreadable:
                    continue
                scores[source] = len(table.header.columns)
    return sorted(scores, key=lambda s: (-scores[s], UPLOADABLE.index(s)))
