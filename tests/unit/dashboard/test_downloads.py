"""Downloads that describe themselves, on the synthetic snapshot (March 2024, 1 km):
the file holds the rows the screen shows, says its scope, month, settings and snapshot
time, speaks the reader's language, rounds as the screen does, and is named for its
data month and scope."""

from __future__ import annotations

import io
import sys
import zipfile
from xml.etree import ElementTree

import dash
import fastexcel
import polars as pl
import pytest

from dashboards import data, export
from dashboards.components.downloads import file_stem
from dashboards.i18n import AMENITY_COLUMNS, COLUMNS
from pipelines.planning.geo import haversine_m

FANGSHAN, GONGCHEN = "110111000000", "110111011000"
PARAMS = {"scope": FANGSHAN, "month": "2024-03-01", "radius_m": 1000.0}


def files(name: str, params: dict, lang: str, viewer=None):
    """What the download callback sends: the CSV, the workbook and the file stem."""
    viewer = viewer or data.Viewer()
    table = data.download_table(viewer, name, params)
    about = data.describe(viewer, name, params, lang, table.height)
    content = export.About(about.title, about.lines)
    stem = file_stem(about.title, about.scope_name, about.month)
    return export.to_csv(table, lang, content), export.to_xlsx(table, lang, content), stem


def sheets(raw: bytes) -> list[str]:
    return fastexcel.read_excel(raw).sheet_names


def sheet(raw: bytes, name: str) -> pl.DataFrame:
    return pl.read_excel(io.BytesIO(raw), sheet_name=name, infer_schema_length=0)


def number_format(raw: bytes, cell: str) -> str:
    """The number format of ``cell`` (``B7``) on the first sheet, read from the file."""
    ns = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        styles = ElementTree.fromstring(book.read("xl/styles.xml"))
        first = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    style = int(first.find(f".//x:c[@r='{cell}']", ns).get("s"))
    fmt_id = styles.findall("x:cellXfs/x:xf", ns)[style].get("numFmtId")
    custom = {f.get("numFmtId"): f.get("formatCode") for f in styles.findall(".//x:numFmt", ns)}
    return custom[fmt_id]


def csv_parts(raw: bytes) -> tuple[list[str], pl.DataFrame]:
    head, body = raw.decode("utf-8-sig").split("\n\n", 1)
    return head.splitlines(), pl.read_csv(io.StringIO(body))


def test_the_gaps_file_holds_the_gaps_the_page_shows(settings):
    from dashboards.app import create_app
    from dashboards.auth import AuthConfig

    create_app(settings, auth=AuthConfig(enabled=False))
    page = next(sys.modules[p["module"]] for p in dash.page_registry.values()
                if p["path"] == "/coverage")  # fmt: skip
    *_, rows, columns, params = page.update("zh", "2024-03-01", FANGSHAN, 1000)
    table = data.download_table(data.Viewer(), "coverage_gaps", params)
    # 房山区 in March at 1 km: 行宫园 (200) and 周庄村 (100) are its gaps, no covered rows
    assert [r["community_name"] for r in rows] == table["community_name"].to_list() == [
        "行宫园社区居委会", "周庄村委会"]  # fmt: skip
    assert [c["field"] for c in columns] == table.columns


def test_the_csv_says_what_it_holds(settings):
    raw, _, stem = files("coverage_gaps", PARAMS, "zh")
    head, table = csv_parts(raw)
    assert head[0] == "覆盖缺口最大的社区"
    assert head[1:5] == ["范围,房山区", "数据月份,2024年3月", '服务半径（米）,"1,000"', "行数,2"]
    assert head[5] == "数据快照时间,2024-04-02 08:45" and head[6].startswith("导出时间,")
    assert stem == "覆盖缺口最大的社区_房山区_2024-03"
    # headings in Chinese, distances rounded to whole metres as on screen: 行宫园's nearest
    # active station is S001 (39.7390, 116.1500)
    assert table.columns == ["社区", "街道(乡镇)", "区", "户外劳动者", "未覆盖劳动者",
                             "最近驿站距离（米）", "最近驿站"]  # fmt: skip
    metres = float(haversine_m(39.748324, 116.140606, 39.7390, 116.1500))
    assert table["最近驿站距离（米）"][0] == round(metres) == 1311


def test_the_workbook_has_the_table_and_an_about_sheet(settings):
    _, raw, _ = files("stations", {"scope": GONGCHEN, "month": "2024-03-01", "missing": None},
                      "zh")  # fmt: skip
    assert sheets(raw) == ["驿站台账", "说明"]
    notes = pl.read_excel(io.BytesIO(raw), sheet_name="说明", has_header=False)
    about = dict(notes.rows()[1:])
    assert about["范围"] == "拱辰街道" and about["数据月份"] == "2024年3月"
    assert about["缺少设施"] == "不限" and about["行数"] == "2"
    registry = sheet(raw, "驿站台账")
    assert "七有达标" in registry.columns and "station_id" not in registry.columns
    s001 = registry.row(0, named=True)
    # S001 in 拱辰: all seven amenities (是), no haircut (否); yes/no as words
    assert (s001["七有达标"], s001["理发"], s001["本月在用"]) == ("是", "否", "是")


def test_an_english_file_is_english_throughout(settings):
    raw, xlsx, stem = files("coverage_gaps", PARAMS, "en")
    head, table = csv_parts(raw)
    assert head[:3] == ["Largest coverage gaps", "Scope,房山区", "Data month,Mar 2024"]
    assert table.columns[0] == "Community" and "Nearest station (m)" in table.columns
    assert sheets(xlsx) == ["Largest coverage gaps", "About"]
    assert stem == "Largest-coverage-gaps_房山区_2024-03"


def test_percentages_are_rounded_as_shown_and_formatted_in_excel(settings):
    _, raw, _ = files("kpi_trend", {"scope": None, "month": "2024-03-01"}, "zh")
    trend = pl.read_excel(io.BytesIO(raw), sheet_name=sheets(raw)[0])
    # March: 1,450 of 1,750 covered = 0.828571… shown as 82.9%, stored as 0.829
    assert trend["覆盖率"][-1] == 0.829
    column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[trend.columns.index("覆盖率")]
    assert number_format(raw, f"{column}{trend.height + 1}") == "0.0%"


@pytest.mark.parametrize("name", sorted(data.DOWNLOADS))
def test_every_download_column_has_words_in_both_languages(settings, name):
    params = {"scope": None, "month": "2024-03-01", "radius_m": 1000.0, "k": 2}
    table = data.download_table(data.Viewer(), name, params)
    missing = [c for c in table.columns if c not in COLUMNS and c not in AMENITY_COLUMNS]
    assert not missing, f"{name}: no heading for {missing}"
