"""Exports, part two, below the corpus: which rows are data, Excel's hints, rates, the
row numbers of workbooks, and older warehouses."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
import xlwt

from pipelines.ingest import read
from pipelines.ingest.headers import match_header
from pipelines.ingest.rows import NOT_DATA
from pipelines.ingest.specs import SPECS, Column, SourceSpec
from pipelines.ingest.validate import Context, Tally, check_batch
from pipelines.ingest.workbook import first_filled_rows


@pytest.mark.parametrize(
    "cell",
    ["合计", "合 计", "合　计", "总计：", "小计:", "累计", "TOTAL", "Subtotal", "制表人：张三",
     "填报人: 李四", "审核人 ：王五", "负责人：", "填报日期：2024年6月1日", "制表日期:2024-06-01",
     "联系电话：010-12345678", "注：人次为估计", "备注:无", "备 注：见附件"],
)  # fmt: skip
def test_totals_and_footers_are_not_data(cell: str) -> None:
    assert pl.Series([cell]).str.contains(NOT_DATA).item()


@pytest.mark.parametrize(
    "cell",
    ["合计人次", "本月合计", "S001", "注水站", "备注", "总计划", "Total Station 1", "联系电话",
     "2024-05-06", "张三（制表人）"],
)  # fmt: skip
def test_data_that_merely_looks_like_a_footer(cell: str) -> None:
    # a label without its colon, or a word inside a longer name, is data
    assert not pl.Series([cell]).str.contains(NOT_DATA).item()


@pytest.mark.parametrize(
    ("first_line", "delimiter"),
    [("sep=;\n", ";"), ("sep=,\r\n", ","), ("sep=\t\n", "\t"), ("sep=\\t\n", "\t"),
     ('"sep=|"\n', "|")],
)  # fmt: skip
def test_excel_separator_hint(first_line: str, delimiter: str, tmp_path: Path) -> None:
    path = tmp_path / "hint.csv"
    header = delimiter.join(["驿站编号", "服务时间", "服务项目"])
    row = delimiter.join(["S001", "2024-05-06", "饮水"])
    path.write_text(first_line + header + "\n" + row + "\n", encoding="utf-8")
    table = read.open_table(path, SPECS["usage"], read.inspect_bytes(path), tmp_path)
    (batch,) = list(table.batches)
    assert batch.select("c0", "_row_number").rows() == [("S001", 2)]
    assert "sep= line" in table.notes


def test_workbook_rows_as_excel_numbers_them(tmp_path: Path) -> None:
    xls = tmp_path / "old.xls"
    book = xlwt.Workbook()
    book.add_sheet("A").write(5, 2, "x")  # C6
    book.add_sheet("B").write(0, 0, 1)
    book.add_sheet("C")
    book.save(str(xls))
    assert first_filled_rows(xls, "xls") == {"A": 6, "B": 1, "C": 1}
    xlsx = tmp_path / "new.xlsx"
    book = xlsxwriter.Workbook(xlsx)
    book.set_properties({"created": datetime(2024, 1, 1)})
    book.add_worksheet("一 & 二").write(3, 1, "x")  # B4; the name is escaped in the XML
    book.add_worksheet("B").write(0, 0, 1)
    book.close()
    assert first_filled_rows(xlsx, "xlsx") == {"一 & 二": 4, "B": 1}
    (tmp_path / "broken.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert first_filled_rows(tmp_path / "broken.xls", "xls") == {}


def test_a_rate_may_be_a_percentage() -> None:
    """No source asks for a rate yet; a float column declared as one reads ``85%``."""
    spec = SourceSpec(
        "rates",
        (Column("site", "text", required=True), Column("share", "float", rate=True)),
    )
    cells = ["site", "share"]
    batch = pl.DataFrame(
        {"c0": ["A", "B", "C", "D"], "c1": ["85%", "0.5", "12.5 %", "八成"]}
    ).with_columns(
        _row_number=pl.int_range(2, 6, dtype=pl.Int32),
        _sheet=pl.lit(None, pl.String),
        _read_order=pl.int_range(2, 6, dtype=pl.Int64),
        _skip=pl.lit(False),
        _extra=pl.lit(0, pl.Int32),
    )
    tally = Tally()
    ctx = Context(spec, "rates/x.csv", datetime(2024, 1, 1))
    clean, bad = check_batch(batch, match_header(spec, cells), cells, ctx, tally)
    assert clean.select("site", "share").rows() == [("A", 0.85), ("B", 0.5), ("C", 0.125)]
    assert bad.select("row_number", "reason").rows() == [(5, "bad_number")]


def test_a_csv_row_far_wider_than_its_header_is_refused_not_cut(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "驿站编号,服务时间,服务项目\nS001,2024-05-06,饮水\nS001,2024-05-06,饮水" + ",x" * 12 + "\n",
        encoding="utf-8",
    )
    table = read.open_table(path, SPECS["usage"], read.inspect_bytes(path), tmp_path)
    with pytest.raises(read.Unreadable, match="more than 8 cells beyond the header's 3 columns"):
        list(table.batches)
    # up to eight extra cells are read, and counted
    path.write_text("驿站编号,服务时间,服务项目\nS001,2024-05-06,饮水,,x,,\n", encoding="utf-8")
    table = read.open_table(path, SPECS["usage"], read.inspect_bytes(path), tmp_path)
    (batch,) = list(table.batches)
    assert batch["_extra"].to_list() == [1]
