"""Realistically bad rows (about 0.5% of each row-level file), counted by reason.

A bad row is a copy of a good row with one mistake, placed right after it, as a
double entry with a typo would be. The good data stays whole, so the clean figures of
the demo don't depend on the defects, and the manifest records exactly how many rows
of each reason a file holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

#: share of bad rows in each row-level file
BAD_SHARE = 0.005


@dataclass(frozen=True)
class Defect:
    """One kind of mistake: the quarantine reason it earns and how to make it.

    ``make(rows, rng)`` returns the rows with the mistake (same columns, all text)."""

    reason: str
    weight: float
    make: Callable[[pl.DataFrame, np.random.Generator], pl.DataFrame]


def inject(
    frame: pl.DataFrame,
    defects: list[Defect],
    rng: np.random.Generator,
    share: float = BAD_SHARE,
) -> tuple[pl.DataFrame, dict[str, int]]:
    """``frame`` with bad rows added after randomly chosen rows, and their count by reason.

    At least one bad row is written whenever the file has rows, so that every file's
    quarantine has something to show."""
    n = frame.height
    if n == 0 or not defects:
        return frame, {}
    total = max(1, round(n * share / (1 - share)))
    weights = np.array([d.weight for d in defects], dtype=float)
    per_kind = rng.multinomial(total, weights / weights.sum())
    sources = np.sort(rng.choice(n, size=total, replace=total > n))
    counts: dict[str, int] = {}
    kind_of_row = np.repeat(np.arange(len(defects)), per_kind)
    rng.shuffle(kind_of_row)
    bad_rows = []
    for k, defect in enumerate(defects):
        picked = sources[kind_of_row == k]
        if len(picked):
            bad = defect.make(frame[picked.tolist()], rng).with_columns(_after=pl.Series(picked))
            bad_rows.append(bad)
            counts[defect.reason] = counts.get(defect.reason, 0) + len(picked)
    indexed = frame.with_columns(_after=pl.int_range(n, dtype=pl.Int64), _bad=pl.lit(False))
    bad = pl.concat(bad_rows).with_columns(pl.col("_after").cast(pl.Int64), _bad=pl.lit(True))
    merged = pl.concat([indexed, bad.select(indexed.columns)]).sort(
        ["_after", "_bad"], maintain_order=True
    )
    return merged.drop("_after", "_bad"), counts


def set_text(column: str, values: list[str | None] | str | None) -> Callable:
    """A defect maker that overwrites one column (a value or one value per row)."""

    def make(rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        new = values if isinstance(values, list) else [values] * rows.height
        return rows.with_columns(pl.Series(column, new[: rows.height], dtype=pl.String))

    return make


def negative(column: str) -> Callable:
    """A count typed with a minus sign."""

    def make(rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        return rows.with_columns(
            pl.concat_str(pl.lit("-"), pl.col(column).fill_null("1")).alias(column)
        )

    return make


def mistyped_id(column: str) -> Callable:
    """An id with one character typed wrong (a letter O for a zero, a digit doubled)."""

    def make(rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        ids = rows[column].to_list()
        bad = []
        for i, value in enumerate(ids):
            value = value or "X"
            if "0" in value and i % 2 == 0:
                bad.append(value[::-1].replace("0", "O", 1)[::-1])
            else:
                bad.append(value + value[-1])
        return rows.with_columns(pl.Series(column, bad, dtype=pl.String))

    return make
