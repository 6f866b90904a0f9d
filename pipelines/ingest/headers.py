"""Header matching: which written header is which column of a source's spec.

A header matches a column's canonical name or one of its aliases case-insensitively,
after trimming half- and full-width spaces and ignoring a trailing unit in brackets
(``座位数(个)``, ``人数（人）``, ``est_cost [万元]``, ``费用【万元】``).
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


def find_header(spec: SourceSpec, rows: list[list[str | None]]) -> tuple[int, HeaderMatch]:
    """The header among the first rows: the first that holds all required columns. When
    none does, the row that matches most columns, so that the message names what is
    really missing."""
    best: tuple[int, HeaderMatch] | None = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not any(cell is not None and str(cell).strip() for cell in row):
            continue
        match = match_header(spec, row)
        if not match.missing:
            return index, match
        if best is None or len(match.columns) > len(best[1].columns):
            best = (index, match)
    return best if best is not None else (0, match_header(spec, []))
