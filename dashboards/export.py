"""Tables as Excel and CSV files that describe themselves, safe to open in a spreadsheet.

A file holds the table as the screen shows it: headings, codes turned into words and
yes/no in the reader's language, numbers rounded as shown (:mod:`dashboards.formats`;
Excel keeps percentages as numbers formatted as percentages). It says what it is: a CSV
starts with a block of ``label,value`` lines (title, scope, month, parameters, snapshot
time) and a blank line before the table; a workbook has the table on a sheet named
for it and the same lines on a second sheet, 说明 (About).

A text cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) is a formula to Excel and WPS: an export from the field could carry one. Such
cells get a leading apostrophe, which spreadsheets show as text.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl
import xlsxwriter

from dashboards.formats import NumberFormat, number_format, rounded
from dashboards.i18n import column, label_codes, t

#: what a cell a spreadsheet would run as a formula starts with
FORMULA_START = r"^[=+\-@\t\r]"
#: characters a sheet name may not hold
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class About:
    """What a file says about itself: its title and (label, value) lines."""

    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)


def _prepared(df: pl.DataFrame, lang: str) -> tuple[pl.DataFrame, list[NumberFormat | None]]:
    """The table as shown: rounded, words for codes and booleans, formula-safe text,
    headings in ``lang``; and each column's number format."""
    formats = [number_format(name, dtype) for name, dtype in df.schema.items()]
    df = label_codes(rounded(df), lang)
    yes, no = t("yes", lang), t("no", lang)
    df = df.with_columns(
        pl.when(pl.col(c)).then(pl.lit(yes)).when(~pl.col(c)).then(pl.lit(no)).alias(c)
        for c, dtype in df.schema.items() if dtype == pl.Boolean
    )  # fmt: skip
    text = [c for c, dtype in df.schema.items() if dtype == pl.String]
    df = df.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )
    return df.rename({c: column(c, lang) for c in df.columns}), formats


def _safe_text(value: str) -> str:
    return "'" + value if re.match(FORMULA_START, value) else value


def to_csv(df: pl.DataFrame, lang: str, about: About) -> bytes:
    """UTF-8 with a BOM, which Excel on a Chinese Windows needs to read Chinese: the
    ``About`` lines, a blank line, then the table."""
    table, _ = _prepared(df, lang)
    head = io.StringIO()
    writer = csv.writer(head, lineterminator="\n")
    writer.writerow([_safe_text(about.title)])
    writer.writerows([_safe_text(label), _safe_text(value)] for label, value in about.lines)
    writer.writerow([])
    return b"\xef\xbb\xbf" + (head.getvalue() + table.write_csv()).encode("utf-8")


def sheet_name(title: str) -> str:
    """A sheet name Excel accepts: no ``[]:*?/\\``, at most 31 characters."""
    return _SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "data"


def to_xlsx(df: pl.DataFrame, lang: str, about: About) -> bytes:
    """The table on a sheet named for it, the ``About`` lines on a 说明 (About) sheet."""
    table, formats = _prepared(df, lang)
    buffer = io.BytesIO()
    # strings_to_formulas=False: xlsxwriter never writes a string as a formula either
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "nan_inf_to_errors": True}  # fmt: skip
    book = xlsxwriter.Workbook(buffer, options)
    ws = book.add_worksheet(sheet_name(about.title))
    bold = book.add_format({"bold": True})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    time_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    number_fmts = [book.add_format({"num_format": f.excel()}) if f else None for f in formats]
    for j, name in enumerate(table.columns):
        ws.write_string(0, j, name, bold)
        ws.set_column(j, j, max(10, min(40, len(name) * 2)))
    for i, row in enumerate(table.iter_rows(), start=1):
        for j, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime):
                ws.write_datetime(i, j, value, time_fmt)
            elif isinstance(value, date):
                ws.write_datetime(i, j, datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, int | float):
                ws.write_number(i, j, value, number_fmts[j])
            else:
                ws.write_string(i, j, str(value))
    ws.freeze_panes(1, 0)
    notes = book.add_worksheet(sheet_name(t("download.about_sheet", lang)))
    notes.set_column(0, 0, 24)
    notes.set_column(1, 1, 70)
    notes.write_string(0, 0, about.title, bold)
    for i, (label, value) in enumerate(about.lines, start=1):
        notes.write_string(i, 0, label, bold)
        notes.write_string(i, 1, value)
    book.close()
    return buffer.getvalue()
