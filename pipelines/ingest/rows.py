"""Which rows under a header are data (data contract, "Exports, part two").

A sheet or CSV file is read as text cells by position; this module turns them into the
rows the validator checks, whatever the file's kind:

- a blank row (every cell empty) is dropped: neither read nor counted, though it keeps
  its row number, so the rows after it keep the number a person sees;
- a totals row (first filled cell 合计, 总计, 小计, 累计, Total, Subtotal) or a footer line
  (制表人：, 填报人：, 审核人：, 负责人：, 填报日期：, 制表日期：, 联系电话：, 注：, 备注：) is
  marked ``_skip``: read and counted in ``rows_skipped``, never loaded, never a bad row;
- ``_extra`` counts a row's filled cells beyond the header's last column (a stray
  delimiter shifted the row): such a row is quarantined as ``extra_cells``.

All of it is polars expressions over whole columns.
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.headers import HeaderFound

_SPACE = r"[\s\u3000]*"
TOTAL_WORDS = ("合计", "总计", "小计", "累计", "total", "subtotal")
FOOTER_WORDS = (
    *("制表人", "填报人", "审核人", "负责人", "填报日期", "制表日期", "联系电话", "注", "备注"),
)


def _spaced(word: str) -> str:
    # offices space out short labels to widen them: 合　计, 备 注
    return _SPACE.join(word) if not word.isascii() else word


#: a totals row's first filled cell is the word alone (maybe with a colon); a footer
#: line's starts with its label and a colon
NOT_DATA = (
    rf"(?i)^{_SPACE}(?:(?:{'|'.join(map(_spaced, TOTAL_WORDS))}){_SPACE}[:：]?{_SPACE}$"
    rf"|(?:{'|'.join(map(_spaced, FOOTER_WORDS))}){_SPACE}[:：])"
)
#: the reading order's sheet stride: more rows than a worksheet can hold (2^20)
SHEET_STRIDE = 1 << 20


def header_width(cells: list[str]) -> int:
    """One past the header's last filled cell: a filled cell from there on is extra."""
    return max((p + 1 for p, c in enumerate(cells) if c and c.strip()), default=0)


def data_rows(
    frame: pl.LazyFrame,
    width: int,
    found: HeaderFound,
    positions: dict[int, int],
    sheet: str | None = None,
    sheet_no: int = 0,
) -> pl.LazyFrame:
    """The rows of ``frame`` (text cells ``c0…c<width-1>`` and ``_row_number``) as the
    validator takes them: the header's columns as ``c<k>`` (``positions``: position in
    the sheet → k), ``_row_number``, ``_sheet``, ``_read_order`` (sheet by sheet, row by
    row: a row's identity within its file), ``_skip`` and ``_extra``; blank rows left out."""
    cells = [f"c{p}" for p in range(width)]
    beyond = cells[header_width(found.cells) :]
    first_filled = pl.coalesce(cells) if cells else pl.lit(None, pl.String)
    extra = (
        pl.sum_horizontal(pl.col(beyond).is_not_null()).cast(pl.Int32)
        if beyond
        else pl.lit(0, pl.Int32)
    )
    row = pl.col("_row_number").cast(pl.Int32)
    return frame.filter(first_filled.is_not_null()).select(
        *[pl.col(f"c{p}").alias(f"c{k}") for p, k in positions.items()],
        row.alias("_row_number"),
        pl.lit(sheet, pl.String).alias("_sheet"),
        (row.cast(pl.Int64) + sheet_no * SHEET_STRIDE).alias("_read_order"),
        first_filled.str.contains(NOT_DATA).alias("_skip"),
        extra.alias("_extra"),
    )
