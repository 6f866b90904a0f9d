"""Writing a table the way a union office exports it: CSV in UTF-8 (with or without
BOM) or GB18030, or XLSX with a title row above the header; Chinese or English headers;
dates in one of the five written styles, or Excel date cells / serial numbers.

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
_EXCEL_EPOCH = datetime(1899, 12, 30)
#: a fixed creation time, so the same seed gives the same XLSX bytes
_WORKBOOK_CREATED = datetime(2026, 11, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Layout:
    """How one office writes one file."""

    kind: Literal["csv", "xlsx"] = "csv"
    encoding: Literal["utf-8", "utf-8-sig", "gb18030"] = "utf-8"
    chinese: bool = False
    date_style: DateStyle = "iso"
    #: what follows the date in a datetime: " %H:%M:%S", " %H:%M" or "T%H:%M:%S"
    time_format: str = " %H:%M:%S"
    title: str | None = None

    def describe(self) -> str:
        where = "xlsx" if self.kind == "xlsx" else f"csv {self.encoding}"
        return f"{where}, {'zh' if self.chinese else 'en'} headers, dates {self.date_style}"


def date_text(column: str, layout: Layout) -> pl.Expr:
    return pl.col(column).dt.strftime(DATE_FORMATS[layout.date_style])


def datetime_text(column: str, layout: Layout) -> pl.Expr:
    time_format = " %H:%M:%S" if layout.kind == "xlsx" else layout.time_format
    return pl.col(column).dt.strftime(DATE_FORMATS[layout.date_style] + time_format)


def impossible_date(year: int, month: int, day: int, layout: Layout) -> str:
    """A date that does not exist (``2025-02-30``) written in the file's style."""
    style = "iso" if layout.kind == "xlsx" else layout.date_style
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
) -> str:
    """Write ``frame`` (text columns) under ``headers``; returns the file's sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    types = [(cell_types or {}).get(column, "text") for column in frame.columns]
    frame = frame.rename(dict(zip(frame.columns, headers, strict=True)))
    if layout.kind == "csv":
        _write_csv(path, frame, layout)
    else:
        _write_xlsx(path, frame, layout, types)
    return sha256_of(path)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _write_csv(path: Path, frame: pl.DataFrame, layout: Layout) -> None:
    if layout.encoding == "gb18030":
        # Excel on a Chinese Windows writes CRLF line ends with its ANSI code page
        with path.open("wb") as f:
            for start in range(0, max(frame.height, 1), 200_000):
                chunk = frame.slice(start, 200_000)
                text = chunk.write_csv(include_header=start == 0, line_terminator="\r\n")
                f.write(text.encode("gb18030"))
    else:
        frame.write_csv(path, include_bom=layout.encoding == "utf-8-sig")


def _write_xlsx(path: Path, frame: pl.DataFrame, layout: Layout, types: list[str]) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    workbook.set_properties({"created": _WORKBOOK_CREATED, "author": "工会"})
    sheet = workbook.add_worksheet("Sheet1")
    bold = workbook.add_format({"bold": True})
    formats = {
        "date": workbook.add_format({"num_format": "yyyy/m/d"}),
        "datetime": workbook.add_format({"num_format": "yyyy/m/d hh:mm:ss"}),
    }
    row = 0
    if layout.title:
        sheet.merge_range(0, 0, 0, max(frame.width - 1, 1), layout.title, bold)
        row = 1
    sheet.write_row(row, 0, frame.columns, bold)
    for col, name in enumerate(frame.columns):
        kind = types[col]
        for offset, value in enumerate(frame[name].to_list(), start=row + 1):
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
    workbook.close()


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
