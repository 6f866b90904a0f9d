"""What every reader returns: a landing file as one table of text cells, whatever its
kind, and the refusal of a file that cannot be one.

A workbook may hold several sheets of the same source, each with its header in its own
place and order: the table's header lists each column once, in the order the sheets
first name it, and every sheet's rows are brought under it (:func:`assemble`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.ingest.headers import HeaderFound, HeaderMatch


class Unreadable(Exception):
    """The file cannot be read as a table of this source; the message says why."""

    def __init__(self, reason: str, rows_read: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rows_read = rows_read


@dataclass
class Table:
    """A file's header and its data rows, as text, in batches."""

    header: HeaderMatch
    #: the header cells as written, by position
    header_cells: list[str]
    #: columns c<position> (text), _row_number, _sheet, _read_order, _skip, _extra (see
    #: :func:`pipelines.ingest.rows.data_rows`)
    batches: Iterator[pl.DataFrame]
    notes: list[str] = field(default_factory=list)
    #: for the file's message: what of the file was not read (a sheet that does not match)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Part:
    """One sheet (or the one table of a text file) whose header matched."""

    found: HeaderFound
    #: positions in the sheet → position in the table's header → the rows, in batches
    batches: Callable[[dict[int, int]], Iterator[pl.DataFrame]]


def check_header(path: Path, header: HeaderMatch, cells: list[str], rows: int) -> None:
    """Refuse a header without a required column or with one column written twice."""
    if header.missing:
        raise Unreadable(
            f"{path.name}: required column missing: {', '.join(header.missing)}"
            f" (headers found: {', '.join(c for c in cells if c) or 'none'})",
            rows,
        )
    if header.duplicates:
        said = "; ".join(f"{' and '.join(w)} all mean {c}" for c, w in header.duplicates.items())
        raise Unreadable(f"{path.name}: duplicate columns: {said}; keep one of each", rows)


def assemble(parts: list[Part], notes: list[str], warnings: list[str]) -> Table:
    """One table over the parts' rows, in order, under one header."""
    header, cells = HeaderMatch(), []
    placed: list[dict[int, int]] = []
    for part in parts:
        where: dict[int, int] = {}
        for position, name in part.found.match.columns.items():
            known = next((k for k, n in header.columns.items() if n == name), None)
            if known is None:
                known = len(cells)
                header.columns[known] = name
                cells.append(part.found.cells[position])
            where[position] = known
        placed.append(where)
        header.unknown += [u for u in part.found.match.unknown if u not in header.unknown]

    def batches() -> Iterator[pl.DataFrame]:
        for part, where in zip(parts, placed, strict=True):
            # a column another sheet has is blank on this one
            absent = [f"c{k}" for k in header.columns if k not in where.values()]
            for batch in part.batches(where):
                yield batch.with_columns(pl.lit(None, pl.String).alias(c) for c in absent)

    return Table(header, cells, batches(), notes, warnings)
