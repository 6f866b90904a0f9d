"""Tables as Excel and CSV files, safe to open in a spreadsheet.

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) is a formula to Excel and WPS: an export from the field could carry one. Such
cells get a leading apostrophe, which spreadsheets show as text.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import polars as pl
import xlsxwriter

from dashboards.i18n import column, label_codes

#: what a cell a spreadsheet would run as a formula starts with
FORMULA_START = r"^[=+\-@\t\r]"


def _safe(df: pl.DataFrame, lang: str) -> pl.DataFrame:
    df = label_codes(df, lang)
    text = [c for c, dtype in df.schema.items() if dtype == pl.String]
    if text:
        df = df.with_columns(
            pl.when(pl.col(c).str.contains(FORMULA_START))
            .then(pl.lit("'") + pl.col(c))
            .otherwise(pl.col(c))
            .alias(c)
            for c in text
        )
    return df.rename({c: column(c, lang) for c in df.columns})


def to_csv(df: pl.DataFrame, lang: str = "zh") -> bytes:
    """UTF-8 with a BOM, which Excel on a Chinese Windows needs to read Chinese."""
    return b"\xef\xbb\xbf" + _safe(df, lang).write_csv().encode("utf-8")


def to_xlsx(df: pl.DataFrame, lang: str = "zh", sheet: str = "data") -> bytes:
    safe = _safe(df, lang)
    buffer = io.BytesIO()
    # strings_to_formulas=False: xlsxwriter never writes a string as a formula either
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        },
    )
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    time_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for j, name in enumerate(safe.columns):
        ws.write_string(0, j, name, bold)
        ws.set_column(j, j, max(10, min(40, len(name) * 2)))
    for i, row in enumerate(safe.iter_rows(), start=1):
        for j, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                ws.write_datetime(i, j, value, time_fmt)
            elif isinstance(value, date):
                ws.write_datetime(i, j, datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, bool):
                ws.write_boolean(i, j, value)
            elif isinstance(value, int | float):
                ws.write_number(i, j, value)
            else:
                ws.write_string(i, j, str(value))
    ws.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
