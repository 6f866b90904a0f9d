"""Writing a table the way a union office exports it: CSV in UTF-8 (with or without
BOM) or GB18030, or XLSX/XLS with a title row above the header; Chinese or English
headers; dates in one of the five written styles, or Excel date cells / serial numbers.
And the habits of office spreadsheets (data contract, "Exports, part two"): one sheet a
month, a group header merged over its columns, a 合计 row and a signed footer under the
table, Excel's ``sep=`` hint, 12-hour times, numbers kept as text by an apostrophe, and
hand-rolled CSV that never quotes a cell (so that a stray comma shifts a row).

Sources hand over a frame of text cells (dates already written in the file's style) and
say which columns hold dates or numbers, so an XLSX file gets typed cells where a typed
value parses and text cells where it doesn't (an impossible date stays text, as typed).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Literal

import polars as pl
import xlsxwriter
import xlwt

from pipelines import vocabulary as vocab

DateStyle = Literal["iso", "slash", "dot", "chinese", "compact", "excel", "serial"]
CellType = Literal["text", "number", "date", "datetime"]

DATE_FORMATS: dict[str, str] = {
    "iso": "%Y-%m-%d",
    "slash": "%Y/%-m/%-d",
    "dot": "%Y.%-m.%-d",
    "chinese": "%Y年%-m月%-d日",
    "compact": "%Y%m%d",
    # XLSX: written as ISO text here, turned into date cells or serial numbers on write
    "excel": "%Y-%m-%d",
    "serial": "%Y-%m-%d",
}
#: who signed the table, and when, under its last sheet
FOOTER = ("制表人：王芳", "审核人：李建国", "填报日期：")
_EXCEL_EPOCH = datetime(1899, 12, 30)
#: a fixed creation time, so the same seed gives the same XLSX bytes
_WORKBOOK_CREATED = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Layout:
    """How one office writes one file."""

    kind: Literal["csv", "xlsx", "xls"] = "csv"
    encoding: Literal["utf-8", "utf-8-sig", "gb18030"] = "utf-8"
    chinese: bool = False
    date_style: DateStyle = "iso"
    #: what follows the date in a datetime: " %H:%M:%S", " %H:%M" or "T%H:%M:%S"
    time_format: str = " %H:%M:%S"
    title: str | None = None
    #: CSV: the delimiter, and whether Excel's ``sep=`` hint is the first line
    delimiter: str = ","
    sep_hint: bool = False
    #: CSV: False for a hand-rolled export that never quotes a cell
    quoted: bool = True
    #: CSV: times on a 12-hour clock (上午/下午 in Chinese files, AM/PM in English ones)
    twelve_hour: bool = False
    #: CSV: columns whose numbers are kept as text by a leading apostrophe
    apostrophes: tuple[str, ...] = ()
    #: workbooks: a group label merged over these columns, the other headers merged down
    group: tuple[str, tuple[str, ...]] | None = None
    #: columns summed in a 合计 row under each sheet's data (after a blank row), and the
    #: signed footer under the last sheet
    totals: tuple[str, ...] = ()

    def describe(self) -> str:
        where = self.kind if self.kind != "csv" else f"csv {self.encoding}"
        habits = [
            f"sep={self.delimiter}" if self.sep_hint else "",
            "unquoted" if not self.quoted else "",
            "12h" if self.twelve_hour else "",
            "apostrophes" if self.apostrophes else "",
            "group header" if self.group else "",
            "totals and footer" if self.totals else "",
        ]
        return ", ".join(
            [where, f"{'zh' if self.chinese else 'en'} headers", f"dates {self.date_style}"]
            + [h for h in habits if h]
        )


def date_text(column: str, layout: Layout) -> pl.Expr:
    return pl.col(column).dt.strftime(DATE_FORMATS[layout.date_style])


def datetime_text(column: str, layout: Layout) -> pl.Expr:
    date = DATE_FORMATS[layout.date_style]
    if layout.kind != "csv":
        return pl.col(column).dt.strftime(date + " %H:%M:%S")
    if not layout.twelve_hour:
        return pl.col(column).dt.strftime(date + layout.time_format)
    if not layout.chinese:  # 2024-05-06 3:20:00 PM
        return pl.col(column).dt.strftime(date + " %-I:%M:%S %p")
    half = pl.when(pl.col(column).dt.hour() < 12).then(pl.lit("上午")).otherwise(pl.lit("下午"))
    return pl.concat_str(  # 2024/5/6 下午 3:20:00, as Excel on a Chinese Windows writes it
        pl.col(column).dt.strftime(date + " "), half, pl.col(column).dt.strftime(" %-I:%M:%S")
    )


def impossible_date(year: int, month: int, day: int, layout: Layout) -> str:
    """A date that does not exist (``2025-02-30``) written in the file's style."""
    style = "iso" if layout.kind != "csv" else layout.date_style
    return {
        "iso": f"{year:04d}-{month:02d}-{day:02d}",
        "slash": f"{year}/{month}/{day}",
        "dot": f"{year}.{month}.{day}",
        "chinese": f"{year}年{month}月{day}日",
        "compact": f"{year:04d}{month:02d}{day:02d}",
    }[style]


def labels(enum: vocab.Enumeration, layout: Layout, synonyms: bool = False) -> dict[str, str]:
    """Code → the value an office writes: the English code in English exports, the
    Chinese label (or its first synonym, as some offices write) in Chinese ones."""
    if not layout.chinese:
        return {t.code: t.code for t in enum.terms}
    return {t.code: (t.synonyms[0] if synonyms and t.synonyms else t.zh) for t in enum.terms}


def write_table(
    path: Path,
    frame: pl.DataFrame,
    headers: list[str],
    layout: Layout,
    cell_types: dict[str, CellType] | None = None,
    sheets: pl.Series | None = None,
) -> tuple[str, int]:
    """Write ``frame`` (text columns) under ``headers``, a workbook's rows on the sheet
    ``sheets`` names for each (in order of appearance); returns the file's sha256 and
    the totals and footer rows written under the data."""
    path.parent.mkdir(parents=True, exist_ok=True)
    types = [(cell_types or {}).get(column, "text") for column in frame.columns]
    if layout.apostrophes:
        frame = frame.with_columns(
            pl.when(pl.col(c).str.contains(r"^\d"))
            .then("'" + pl.col(c))
            .otherwise(pl.col(c))
            .alias(c)
            for c in layout.apostrophes
        )
    totals = [frame.columns.index(c) for c in layout.totals]
    frame = frame.rename(dict(zip(frame.columns, headers, strict=True)))
    if sheets is None:
        tables = [("Sheet1", frame, _totals_row(frame, totals))]
    else:
        tables = [
            (name, part, _totals_row(part, totals))
            for name in sheets.unique(maintain_order=True).to_list()
            for part in [frame.filter(sheets == name)]
        ]
    if layout.kind == "csv":
        _write_csv(path, frame, layout, tables[0][2])
    elif layout.kind == "xls":
        _write_xls(path, tables, layout, types)
    else:
        _write_xlsx(path, tables, layout, types)
    skipped = (len(tables) + len(FOOTER)) if totals else 0
    return sha256_of(path), skipped


def _totals_row(frame: pl.DataFrame, columns: list[int]) -> list[str] | None:
    """``合计`` and the sums of the numbers of ``columns`` (a total counts what reads)."""
    if not columns:
        return None
    row = ["合计"] + [""] * (frame.width - 1)
    for c in columns:
        numbers = frame.to_series(c).cast(pl.Int64, strict=False)
        row[c] = str(int(numbers.sum()))
    return row


def _footer(day: str) -> list[str]:
    return [line + day if line.endswith("日期：") else line for line in FOOTER]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _write_csv(path: Path, frame: pl.DataFrame, layout: Layout, totals: list | None) -> None:
    # Excel on a Chinese Windows writes CRLF line ends with its ANSI code page
    end = "\r\n" if layout.encoding == "gb18030" else "\n"
    encoding = "gb18030" if layout.encoding == "gb18030" else "utf-8"
    sep = layout.delimiter
    with path.open("wb") as f:
        if layout.encoding == "utf-8-sig":
            f.write(b"\xef\xbb\xbf")
        if layout.sep_hint:
            f.write(f"sep={sep}{end}".encode(encoding))
        for start in range(0, max(frame.height, 1), 200_000):
            text = frame.slice(start, 200_000).write_csv(
                include_header=start == 0,
                line_terminator=end,
                separator=sep,
                quote_style="necessary" if layout.quoted else "never",
            )
            f.write(text.encode(encoding))
        if totals:
            lines = ["", sep.join(totals), *_footer("2026年11月1日")]
            f.write("".join(line + end for line in lines).encode(encoding))


def _write_xlsx(path: Path, tables: list, layout: Layout, types: list[str]) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    workbook.set_properties({"created": _WORKBOOK_CREATED, "author": "工会"})
    bold = workbook.add_format({"bold": True})
    formats = {
        "date": workbook.add_format({"num_format": "yyyy/m/d"}),
        "datetime": workbook.add_format({"num_format": "yyyy/m/d hh:mm:ss"}),
    }
    for n, (name, frame, totals) in enumerate(tables):
        sheet = workbook.add_worksheet(name)
        row = 0
        if layout.title:
            sheet.merge_range(0, 0, 0, max(frame.width - 1, 1), layout.title, bold)
            row = 1
        if layout.group:
            _group_header(sheet, row, frame.columns, layout.group, bold)
        else:
            sheet.write_row(row, 0, frame.columns, bold)
        first = row + (2 if layout.group else 1)
        for col, column in enumerate(frame.columns):
            kind = types[col]
            for offset, value in enumerate(frame[column].to_list(), start=first):
                if value is None or value == "":
                    continue
                typed = _typed(value, kind)
                if typed is None:
                    sheet.write_string(offset, col, value)
                elif isinstance(typed, datetime) and layout.date_style != "serial":
                    # a bare date (a daily tally) stays a date cell, without a time
                    cell_format = formats["date" if len(value) <= 10 else kind]
                    sheet.write_datetime(offset, col, typed, cell_format)
                elif isinstance(typed, datetime):
                    serial = (typed - _EXCEL_EPOCH).total_seconds() / 86_400
                    sheet.write_number(offset, col, round(serial, 6))
                else:
                    sheet.write_number(offset, col, typed)
        if totals:  # a blank row, the totals, and under the last sheet the footer
            below = first + frame.height + 1
            for col, value in enumerate(totals):
                if value:
                    sheet.write(below, col, int(value) if value.isdigit() else value, bold)
            if n == len(tables) - 1:
                for k, line in enumerate(_footer("2026年11月1日"), start=below + 1):
                    sheet.write_string(k, 0, line)
    workbook.close()


def _group_header(sheet, row: int, columns: list[str], group: tuple, bold) -> None:
    """The group's label merged over its columns and their names below it; every other
    header merged down over both rows."""
    label, members = group
    grouped = [c for c, name in enumerate(columns) if name in members]
    sheet.merge_range(row, grouped[0], row, grouped[-1], label, bold)
    for col, name in enumerate(columns):
        if col in grouped:
            sheet.write_string(row + 1, col, name, bold)
        else:
            sheet.merge_range(row, col, row + 1, col, name, bold)


def _write_xls(path: Path, tables: list, layout: Layout, types: list[str]) -> None:
    """Excel 97–2003, as older office PCs still save: typed cells, no merged headers."""
    book = xlwt.Workbook(encoding="utf-8")
    date = xlwt.easyxf(num_format_str="yyyy/m/d")
    moment = xlwt.easyxf(num_format_str="yyyy/m/d hh:mm:ss")
    for n, (name, frame, totals) in enumerate(tables):
        sheet = book.add_sheet(name)
        row = 0
        if layout.title:
            sheet.write(0, 0, layout.title)
            row = 1
        for col, column in enumerate(frame.columns):
            sheet.write(row, col, column)
        for col, column in enumerate(frame.columns):
            kind = types[col]
            for offset, value in enumerate(frame[column].to_list(), start=row + 1):
                if value is None or value == "":
                    continue
                typed = _typed(value, kind)
                if isinstance(typed, datetime):
                    sheet.write(offset, col, typed, date if len(value) <= 10 else moment)
                else:
                    sheet.write(offset, col, value if typed is None else typed)
        if totals:
            below = row + frame.height + 2
            for col, value in enumerate(totals):
                if value:
                    sheet.write(below, col, int(value) if value.isdigit() else value)
            if n == len(tables) - 1:
                for k, line in enumerate(_footer("2026年11月1日"), start=below + 1):
                    sheet.write(k, 0, line)
    book.save(str(path))


def _typed(value: str, kind: str) -> datetime | float | None:
    """The typed cell value of a text, or None to keep it as text."""
    try:
        if kind in ("date", "datetime"):
            return datetime.fromisoformat(value)
        if kind == "number":
            number = float(value)
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
    except ValueError:
        return None
    return None


def month_title(month: date, what: str) -> str:
    """A title row as offices write it: ``2024年5月 拱辰街道驿站服务记录``."""
    return f"{month.year}年{month.month}月 {what}"
