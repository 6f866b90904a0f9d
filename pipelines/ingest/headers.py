"""Header matching: which written header is which column of a source's spec.

A header matches a column's canonical name or one of its aliases case-insensitively,
after trimming half- and full-width spaces and ignoring a trailing unit in brackets
(``座位数(个)``, ``人数（人）``, ``est_cost [万元]``, ``费用【万元】``).

The header is the first row, among the first ten, that holds the source's required
columns. Office sheets often group columns under a merged cell: ``七有配置`` over
``饮水 | 充电 | 如厕 …``. Where the other headers are merged down over both rows, the row
with the required columns holds the group label and the row below it holds the grouped
columns' names: the two rows are read as one header.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from pipelines.ingest.specs import SourceSpec

#: how many rows from the top may hold titles before the header (data contract)
HEADER_SEARCH_ROWS = 10
_TRAILING_UNIT = re.compile(r"\s*(\([^()]*\)|（[^（）]*）|\[[^\[\]]*\]|【[^【】]*】)\s*$")


def normalise_header(text: str) -> str:
    """The form headers are compared in."""
    folded = unicodedata.normalize("NFKC", text or "").strip()
    without_unit = _TRAILING_UNIT.sub("", folded)
    return "".join(without_unit.split()).casefold()


@cache
def _names(spec: SourceSpec) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in spec.columns:
        for written in (column.name, *column.aliases):
            names.setdefault(normalise_header(written), column.name)
    return names


@dataclass
class HeaderMatch:
    """How one header row maps onto a spec."""

    #: position in the row → canonical column name
    columns: dict[int, str] = field(default_factory=dict)
    #: headers that are no column of the spec (kept in the file's notes)
    unknown: list[str] = field(default_factory=list)
    #: canonical column → the headers that all mean it
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    #: required columns (or one-of groups) that are not there
    missing: list[str] = field(default_factory=list)


def match_header(spec: SourceSpec, cells: list[str | None]) -> HeaderMatch:
    """Map a header row onto ``spec``."""
    names = _names(spec)
    match = HeaderMatch()
    seen: dict[str, list[str]] = {}
    for position, cell in enumerate(cells):
        if cell is None or not str(cell).strip():
            continue
        column = names.get(normalise_header(str(cell)))
        if column is None:
            match.unknown.append(str(cell).strip())
            continue
        seen.setdefault(column, []).append(str(cell).strip())
        if len(seen[column]) == 1:
            match.columns[position] = column
    match.duplicates = {c: written for c, written in seen.items() if len(written) > 1}
    match.missing = [c for c in spec.required_columns if c not in seen]
    for group in spec.one_of:
        if not any(c in seen for c in group):
            match.missing.append(" or ".join(group))
    return match


@dataclass
class HeaderFound:
    """Where a sheet's header is and what it says."""

    #: 0-based index of the header's first row among the rows searched
    index: int
    #: the header's cells by position (the two rows combined for a two-row header)
    cells: list[str]
    match: HeaderMatch
    #: 1, or 2 for a group row above the grouped columns' names
    depth: int = 1


def _text(cell: str | None) -> str:
    return "" if cell is None else str(cell).strip()


def _under_group(spec: SourceSpec, upper: list[str], lower: list[str | None]) -> list[str] | None:
    """The two rows as one header, when ``lower`` names grouped columns: each of its
    filled cells stands under a blank or a group label (a cell no column is named),
    and at least one names a column. A data row fails this: its cells stand under
    the column headers."""
    names = _names(spec)
    filled = [(p, _text(c)) for p, c in enumerate(lower) if _text(c)]
    if not filled:
        return None
    width = max(len(upper), len(lower))
    cells = [*upper, *[""] * (width - len(upper))]
    for position, _ in filled:
        if cells[position] and normalise_header(cells[position]) in names:
            return None
    if not any(normalise_header(text) in names for _, text in filled):
        return None
    for position, text in filled:
        cells[position] = text
    return cells


def find_header(spec: SourceSpec, rows: list[list[str | None]]) -> HeaderFound:
    """The header among the first rows: the first that holds all required columns (with
    the row below it when that names grouped columns). When none does, the row that
    matches most columns, so that the message names what is really missing."""
    best: HeaderFound | None = None
    searched = rows[:HEADER_SEARCH_ROWS]
    for index, row in enumerate(searched):
        cells = [_text(c) for c in row]
        if not any(cells):
            continue
        found = HeaderFound(index, cells, match_header(spec, cells))
        below = rows[index + 1] if index + 1 < len(rows) else []
        # a title names no column: only a header row can have grouped columns below it
        combined = _under_group(spec, cells, below) if found.match.columns else None
        if combined is not None:
            both = HeaderFound(index, combined, match_header(spec, combined), depth=2)
            if len(both.match.columns) > len(found.match.columns):
                found = both
        if not found.match.missing:
            return found
        if best is None or len(found.match.columns) > len(best.match.columns):
            best = found
    return best if best is not None else HeaderFound(0, [], match_header(spec, []))
