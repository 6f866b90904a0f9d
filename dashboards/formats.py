"""How a column's numbers are shown: one rule for the tables on screen and the downloads,
so that a file holds what the screen shows, to the same precision.

:func:`number_format` says, for a column name and its type, whether it is a percentage,
how many decimals it has and whether thousands are separated. The grid formats with it
(d3-format), the downloads round with it (and Excel shows percentages as percentages).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

#: integer columns that are identifiers or positions, not amounts: no thousands separator
PLAIN_INTEGERS = ("rank", "k", "row_number", "season_year", "hour", "weekday", "horizon")


@dataclass(frozen=True)
class NumberFormat:
    decimals: int
    percent: bool = False
    grouped: bool = True

    def d3(self) -> str:
        """The d3-format specifier (``,.1%``, ``.6f``, ``,.0f`` …)."""
        return f"{',' if self.grouped else ''}.{self.decimals}{'%' if self.percent else 'f'}"

    def excel(self) -> str:
        """The Excel number format."""
        if self.percent:
            return "0." + "0" * self.decimals + "%" if self.decimals else "0%"
        whole = "#,##0" if self.grouped else "0"
        return whole + ("." + "0" * self.decimals if self.decimals else "")

    def stored_decimals(self) -> int:
        """Decimals a stored value keeps: a percentage is a fraction (0.823 is 82.3%)."""
        return self.decimals + (2 if self.percent else 0)


def number_format(name: str, dtype: pl.DataType) -> NumberFormat | None:
    """How column ``name`` of type ``dtype`` is shown (None: not a number)."""
    if dtype.is_integer():
        plain = name in PLAIN_INTEGERS or name.endswith("_code")
        return NumberFormat(0, grouped=not plain)
    if not dtype.is_float():
        return None
    if name == "gap":
        return NumberFormat(2, percent=True)
    if name.endswith("_rate") or name.startswith("coverage_"):
        return NumberFormat(1, percent=True)
    if name in ("lat", "lon"):
        return NumberFormat(6, grouped=False)
    if name in ("p50", "p10", "p90", "p2_5", "p97_5"):
        return NumberFormat(1)  # the forecast's visits, to a tenth as published for download
    if name.endswith("_m") or name == "visits":
        return NumberFormat(0)
    if name.endswith(("_hours", "_per_1000_workers")) or name.startswith("temp_"):
        return NumberFormat(1)
    return NumberFormat(2)


def rounded(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with every float column rounded to the decimals it is shown with."""
    formats = {c: number_format(c, t) for c, t in df.schema.items() if t.is_float()}
    return df.with_columns(
        pl.col(c).round(f.stored_decimals()) for c, f in formats.items() if f is not None
    )
