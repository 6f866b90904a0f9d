"""The bad-input corpus (tests/fixtures/bad_inputs): every case is ingested against the
reference communities and stations, and each of its files must end exactly as written
here: status, rows read / loaded / quarantined / superseded, and the quarantine reasons."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import get_settings
from tests.fixtures.lakehouse import build

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_inputs"

# file → (status, read, loaded, quarantined, superseded, {reason: count}, message fragment)
CASES: dict[str, dict[str, tuple]] = {
    "utf8_bom": {"usage/bom.csv": ("loaded", 2, 2, 0, 0, {}, None)},
    "gb18030_short": {"usage/gbk.csv": ("loaded", 1, 1, 0, 0, {}, None)},
    "gbk_stations": {"stations/gbk.csv": ("loaded", 2, 2, 0, 0, {}, None)},
    "mixed_encoding": {
        "usage/mixed.csv": ("rejected", 0, 0, 0, 0, {}, "mixed encodings: lines 1–2 are UTF-8")
    },
    "utf16_tab_txt": {"usage/unicode_export.txt": ("loaded", 2, 2, 0, 0, {}, None)},
    "gb18030_invalid_bytes": {
        "usage/broken_gbk.csv": (
            "rejected",
            0,
            0,
            0,
            0,
            {},
            "broken_gbk.csv: neither UTF-8 nor GB18030 text: undecodable bytes on line 3",
        )
    },
    "binary_junk": {"usage/junk.csv": ("rejected", 0, 0, 0, 0, {}, "junk.csv: not a text file")},
    "empty_file": {"usage/empty.csv": ("rejected", 0, 0, 0, 0, {}, "empty.csv: the file is empty")},
    "blank_lines_only": {"usage/blank.csv": ("rejected", 0, 0, 0, 0, {}, "the file is empty")},
    "header_only": {"usage/header_only.csv": ("loaded", 0, 0, 0, 0, {}, None)},
    "semicolon_csv": {"hotline/semicolon.csv": ("loaded", 2, 2, 0, 0, {}, None)},
    "tab_csv": {"drives/tabs.tsv": ("loaded", 2, 2, 0, 0, {}, None)},
    "hyperlink_cells": {
        "candidate_sites/links.csv": ("loaded", 3, 2, 1, 0, {"bad_number": 1}, None)
    },
    "duplicate_headers": {
        "stations/dup.csv": (
            "rejected",
            2,
            0,
            0,
            0,
            {},
            "dup.csv: duplicate columns: 驿站编号 and 编号",
        )
    },
    "missing_required_column": {
        "usage/no_service.csv": (
            "rejected",
            3,
            0,
            0,
            0,
            {},
            "no_service.csv: required column missing: service",
        )
    },
    "title_rows": {"communities/titled.csv": ("loaded", 2, 1, 1, 0, {"bad_number": 1}, None)},
    "header_units_and_spaces": {"candidate_sites/units.csv": ("loaded", 1, 1, 0, 0, {}, None)},
    # a short row loads (its missing cells are blank); blank lines are not rows; the row
    # with a 7th cell under no header is extra_cells (it used to load, the cell dropped)
    "ragged_and_blank_rows": {
        "usage/ragged.csv": ("loaded", 3, 1, 2, 0, {"bad_date": 1, "extra_cells": 1}, None)
    },
    "csv_named_xlsx": {
        "stations/not_really.xlsx": (
            "rejected",
            0,
            0,
            0,
            0,
            {},
            "named .xlsx but not an Excel workbook",
        )
    },
    "numbers": {
        "communities/numbers.csv": (
            "loaded",
            6,
            2,
            4,
            0,
            {"bad_number": 1, "negative_value": 1, "bad_code": 1, "missing_value": 1},
            None,
        )
    },
    "dates_and_times": {"drives/dates.csv": ("loaded", 9, 6, 3, 0, {"bad_date": 3}, None)},
    "booleans": {"stations/flags.csv": ("loaded", 6, 5, 1, 0, {"bad_boolean": 1}, None)},
    "enumerations": {
        "usage/enums.csv": (
            "loaded",
            4,
            3,
            1,
            0,
            {"missing_value": 1},
            "service: 2 unknown values loaded as other",
        )
    },
    "hotline_rules": {
        "hotline/rules.csv": (
            "loaded",
            8,
            3,
            5,
            0,
            {
                "missing_resolved_at": 1,
                "resolved_before_received": 1,
                "bad_enum": 1,
                "out_of_range": 1,
                "bad_number": 1,
            },
            "channel: 1 unknown values loaded as other",
        )
    },
    "hotline_communities": {
        "hotline/communities.csv": ("loaded", 6, 6, 0, 0, {}, "community: 1 ambiguous, 1 unmatched")
    },
    "hotline_last_row_wins": {"hotline/history.csv": ("loaded", 4, 2, 0, 2, {}, None)},
    "drives_rules": {
        "drives/rules.csv": (
            "loaded",
            5,
            2,
            3,
            0,
            {"enrolled_exceeds_reached": 1, "negative_value": 1, "missing_value": 1},
            None,
        )
    },
    "drives_across_files": {
        "drives/2024-05.csv": ("loaded", 2, 1, 0, 1, {}, None),
        "drives/2024-05-corrected.csv": ("loaded", 2, 2, 0, 0, {}, None),
    },
    "coordinates": {
        "candidate_sites/coords.csv": (
            "loaded",
            6,
            1,
            5,
            0,
            {
                "swapped_coordinates": 1,
                "bad_coordinates": 2,
                "bad_number": 1,
                "missing_value": 1,
            },
            None,
        )
    },
    "gcj02_stations": {"stations/amap.csv": ("loaded", 1, 1, 0, 0, {}, None)},
    "unknown_station": {"usage/unknown.csv": ("loaded", 3, 1, 2, 0, {"unknown_station": 2}, None)},
    "community_matching": {
        "stations/names.csv": (
            "loaded",
            9,
            6,
            3,
            0,
            {"unknown_community": 2, "missing_value": 1},
            "community: 1 ambiguous, 1 unmatched",
        )
    },
    "stations_duplicate_id": {
        "stations/dups.csv": (
            "loaded",
            4,
            2,
            2,
            0,
            {"duplicate_id": 1, "bad_date": 1},
            "1 duplicate_id",
        )
    },
    "usage_tallies": {
        "usage/tallies.csv": ("loaded", 6, 4, 2, 0, {"out_of_range": 1, "negative_value": 1}, None)
    },
    "personal_data": {"usage/phones.csv": ("loaded", 4, 3, 1, 0, {"unknown_station": 1}, None)},
    "missing_values": {"stations/blanks.csv": ("loaded", 4, 0, 4, 0, {"missing_value": 4}, None)},
    "full_width_text": {"usage/fullwidth.csv": ("loaded", 1, 1, 0, 0, {}, None)},
    "xlsx_title_and_types": {"stations/台账.xlsx": ("loaded", 4, 3, 1, 0, {"bad_date": 1}, None)},
    "xlsx_named_csv": {"stations/export.csv": ("loaded", 4, 3, 1, 0, {"bad_date": 1}, None)},
    "boundaries_geojson": {
        "boundaries/fangshan.geojson": (
            "loaded",
            5,
            2,
            3,
            0,
            {"missing_value": 1, "bad_coordinates": 1, "duplicate_id": 1},
            "1 duplicate_id",
        ),
        "boundaries/broken.geojson": ("rejected", 0, 0, 0, 0, {}, "broken.geojson: not GeoJSON"),
    },
    "weather_rules": {
        "weather/2024-07.csv": (
            "loaded",
            13,
            3,
            8,
            2,
            {
                "duplicate_id": 1,
                "unknown_district": 1,
                "missing_value": 1,
                "out_of_range": 2,
                "negative_value": 1,
                "bad_enum": 1,
                "bad_date": 1,
            },
            "warning_type: 1 unknown values loaded as other ('冰雹')",
        ),
        "weather/2024-07-corrected.csv": ("loaded", 3, 3, 0, 0, {}, None),
    },
    "xlsx_truncated": {
        "stations/cut.xlsx": ("rejected", 0, 0, 0, 0, {}, "cut.xlsx: not a readable Excel workbook")
    },
    # --- exports, part two ---
    # the XLSX case's four stations as Excel 97–2003: X4's date 五月六日 is unreadable
    "xls_legacy": {"stations/台账.xls": ("loaded", 4, 3, 1, 0, {"bad_date": 1}, None)},
    "several_sheets": {
        # 5月: 2 rows; 填表说明: no header, named; Sheet3: empty; 6月: 3 rows, S404 unknown
        "usage/2024年拱辰街道.xlsx": (
            "loaded",
            5,
            4,
            1,
            0,
            {"unknown_station": 1},
            "sheet 填表说明 not read",
        ),
        # K1 K2 K3 on the first sheet, K4 K3 on the second: the second K3 is the repeat
        "stations/分街道台账.xlsx": ("loaded", 5, 4, 1, 0, {"duplicate_id": 1}, "1 duplicate_id"),
    },
    "two_row_header": {"stations/七有配置.xlsx": ("loaded", 2, 2, 0, 0, {}, None)},
    # 3 visits; 小　计, 合计, 制表人：, 填报日期:, 注：, Total skipped (6); the blank line
    # is not read: 3 + 6 = 9 read
    "totals_and_footers": {"usage/合计.csv": ("loaded", 9, 3, 0, 0, {}, None)},
    "blank_rows_keep_numbers": {
        "usage/blank_rows.csv": ("loaded", 2, 1, 1, 0, {"bad_date": 1}, None),
        "usage/blank_rows.xlsx": ("loaded", 2, 1, 1, 0, {"bad_date": 1}, None),
    },
    "sep_hint": {
        "usage/sep_semicolon.csv": ("loaded", 3, 2, 1, 0, {"unknown_station": 1}, None),
        "usage/sep_tab.txt": ("loaded", 1, 1, 0, 0, {}, None),
    },
    # H3: 下午 15:20 is no time; H4: resolved 上午 11:00 before it was received 下午 3:20
    "twelve_hour_times": {
        "hotline/12小时制.csv": (
            "loaded",
            4,
            2,
            2,
            0,
            {"bad_date": 1, "resolved_before_received": 1},
            None,
        )
    },
    # no source asks for a rate: 85% in a cost column is no number (rates: unit tests)
    "percent_not_a_rate": {
        "candidate_sites/percent.csv": ("loaded", 2, 1, 1, 0, {"bad_number": 1}, None)
    },
    # 'abc is text, not a number stored as text
    "leading_apostrophe": {
        "communities/apostrophe.csv": ("loaded", 2, 1, 1, 0, {"bad_number": 1}, None)
    },
    "extra_cells": {
        # D2's venue 拱辰街道,西侧 was not quoted; D3's two trailing empty cells are nothing
        "drives/shifted.csv": ("loaded", 3, 2, 1, 0, {"extra_cells": 1}, None),
        "hotline/shifted.csv": ("loaded", 1, 0, 1, 0, {"extra_cells": 1}, None),
        # N2 has a remark two columns right of the table
        "drives/note.xlsx": ("loaded", 3, 2, 1, 0, {"extra_cells": 1}, None),
    },
    "quoted_line_breaks": {"stations/address.csv": ("loaded", 3, 2, 1, 0, {"bad_date": 1}, None)},
}
#: totals and footer rows skipped, where a file has any (every other file: 0)
SKIPPED = {"usage/合计.csv": 6}
ENV = {"gcj02_stations": {"WSI_CRS_STATIONS": "gcj02"}}
#: files whose modification order matters: later wins
MTIMES = {
    "drives/2024-05.csv": 1_714_000_000,
    "drives/2024-05-corrected.csv": 1_714_100_000,
    "weather/2024-07.csv": 1_720_000_000,
    "weather/2024-07-corrected.csv": 1_720_100_000,
}


def ingest_case(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> duckdb.DuckDBPyConnection:
    """Copy the reference and the case into a fresh landing folder, ingest every file and
    settle what the warehouse settles (keys, references): the file registry and the
    quarantine as published, and ``loaded_<source>``: the rows each source loaded."""
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WSI_PSEUDONYM_KEY", "test-key")
    for name, value in ENV.get(case, {}).items():
        monkeypatch.setenv(name, value)
    landing = tmp_path / "landing"
    shutil.copytree(CORPUS / "_reference", landing)
    shutil.copytree(CORPUS / case, landing, dirs_exist_ok=True)
    for rel, mtime in MTIMES.items():
        if (landing / rel).exists():
            os.utime(landing / rel, (mtime, mtime))
    return build(get_settings())


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_dir() and p.name != "_reference"}
    assert on_disk == set(CASES)
    assert sum(len(files) for files in CASES.values()) >= 45


@pytest.mark.parametrize("case", sorted(CASES))
def test_case(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = ingest_case(case, tmp_path, monkeypatch)
    for rel, (status, read, loaded, quarantined, superseded, reasons, message) in CASES[
        case
    ].items():
        row = con.execute(
            """SELECT status, rows_read, rows_loaded, rows_quarantined, rows_superseded, message,
                      rows_skipped
               FROM marts.ingest_files WHERE path = ?""",
            [rel],
        ).fetchall()
        assert row, f"{rel} not registered"
        row = row[0]
        assert row[:5] == (status, read, loaded, quarantined, superseded), row[5]
        assert row[6] == SKIPPED.get(rel, 0), rel
        found = Counter(
            dict(
                con.execute(
                    "SELECT reason, count(*) FROM marts.quarantine WHERE path = ? GROUP BY reason",
                    [rel],
                ).fetchall()
            )
        )
        assert found == Counter(reasons)
        if message:
            assert message in (row[5] or "")
    reference = con.execute(
        "SELECT path, status, rows_loaded FROM marts.ingest_files WHERE path IN "
        "('communities/communities.csv', 'stations/stations.csv') ORDER BY path"
    ).fetchall()
    assert reference == [
        ("communities/communities.csv", "loaded", 4),
        ("stations/stations.csv", "loaded", 2),
    ]
    unbalanced = con.execute(
        "SELECT path FROM marts.ingest_files WHERE status = 'loaded'"
        " AND rows_read <> rows_loaded + rows_quarantined + rows_superseded + rows_skipped"
    ).fetchall()
    assert unbalanced == []


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_values_as_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spot checks of what the loaded rows hold, case by case."""
    con = ingest_case("xlsx_title_and_types", tmp_path / "x", monkeypatch)
    assert _rows(
        con,
        "SELECT station_id, community_code, opened_on::VARCHAR, seats, has_toilet "
        "FROM loaded_stations WHERE _path LIKE '%xlsx' ORDER BY 1",
    ) == [
        ("X1", "110111001001", "2023-05-06", 12, True),
        ("X2", "110111001002", "2023-07-16", 8, False),
        ("X3", "110111001001", "2023-05-06", 5, True),
    ]
    assert _rows(con, "SELECT row_number, column_name FROM marts.quarantine") == [(7, "opened_on")]

    con = ingest_case("hyperlink_cells", tmp_path / "h", monkeypatch)
    assert _rows(
        con, "SELECT site_id, site_name, est_cost FROM loaded_candidate_sites ORDER BY 1"
    ) == [
        ("C1", "拱辰党群服务中心", 12.5),
        ("C2", "https://map.example/c2", 8.0),
    ]

    con = ingest_case("hotline_communities", tmp_path / "c", monkeypatch)
    assert _rows(con, "SELECT call_id, community_code FROM loaded_hotline ORDER BY 1") == [
        ("H1", "110111001001"),
        ("H2", "110111001002"),
        ("H3", None),
        ("H4", "110111002004"),
        ("H5", None),
        ("H6", None),
    ]

    con = ingest_case("hotline_last_row_wins", tmp_path / "l", monkeypatch)
    assert _rows(
        con,
        "SELECT call_id, status, satisfaction FROM loaded_hotline ORDER BY 1",
    ) == [("H1", "resolved", 5), ("H2", "in_progress", None)]

    con = ingest_case("usage_tallies", tmp_path / "t", monkeypatch)
    assert _rows(
        con,
        "SELECT sum(visits), count(*) FILTER (is_tally) FROM loaded_usage "
        "WHERE _path = 'usage/tallies.csv'",
    ) == [(1251, 3)]
    assert _rows(con, "SELECT row_number, reason FROM marts.quarantine ORDER BY 1") == [
        (4, "out_of_range"),
        (5, "negative_value"),
    ]

    con = ingest_case("gcj02_stations", tmp_path / "g", monkeypatch)
    ((lat, lon),) = _rows(con, "SELECT lat, lon FROM loaded_stations WHERE station_id = 'K1'")
    assert lat == pytest.approx(39.908692, abs=2e-5) and lon == pytest.approx(116.397477, abs=2e-5)

    con = ingest_case("community_matching", tmp_path / "m", monkeypatch)
    assert _rows(
        con,
        "SELECT station_id, community_code FROM loaded_stations "
        "WHERE _path = 'stations/names.csv' ORDER BY 1",
    ) == [
        ("K1", "110111001001"),
        ("K2", "110111001001"),
        ("K3", "110111001002"),
        ("K4", "110111001002"),
        ("K6", "110111001003"),
        ("K7", "110111002004"),
    ]

    con = ingest_case("enumerations", tmp_path / "e", monkeypatch)
    assert _rows(
        con,
        "SELECT service, worker_type FROM loaded_usage "
        "WHERE _path = 'usage/enums.csv' ORDER BY _row_number",
    ) == [("water", "food_delivery"), ("other", "courier"), ("other", "other")]

    # weather: 房山区, 房山 and 110111 are one district; the later file's 1 and 2 July win
    con = ingest_case("weather_rules", tmp_path / "w", monkeypatch)
    assert _rows(
        con,
        "SELECT date::VARCHAR, district, district_code, temp_max, precipitation_mm, warning, "
        "warning_type, replace(_path, 'weather/2024-07', '') FROM loaded_weather "
        "ORDER BY date",
    ) == [
        ("2024-07-01", "房山区", "110111000000", 35.8, 0.0, "yellow", "heat", "-corrected.csv"),
        ("2024-07-02", "房山区", "110111000000", 36.1, 12.5, None, None, "-corrected.csv"),
        ("2024-07-03", "110111", "110111000000", 30.1, None, None, None, ".csv"),
        ("2024-07-10", "房山区", "110111000000", 28.0, 60.0, "blue", "rain", ".csv"),
        ("2024-07-11", "房山区", "110111000000", 29.0, 0.0, None, "other", ".csv"),
        ("2024-07-12", "房山区", "110111000000", 30.0, 0.0, None, None, "-corrected.csv"),
    ]  # fmt: skip
    assert _rows(
        con,
        "SELECT row_number, column_name, reason FROM marts.quarantine "
        "WHERE path = 'weather/2024-07.csv' ORDER BY row_number",
    ) == [
        (5, "date/district_code", "duplicate_id"),
        (6, "district", "unknown_district"),
        (7, "temp_max", "missing_value"),
        (8, "temp_max", "out_of_range"),
        (9, "temp_min", "out_of_range"),
        (10, "precipitation_mm", "negative_value"),
        (11, "warning", "bad_enum"),
        (14, "date", "bad_date"),
    ]


def test_personal_data_never_in_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = ingest_case("personal_data", tmp_path, monkeypatch)
    refs = [
        r
        for (r,) in _rows(
            con,
            "SELECT worker_ref FROM loaded_usage "
            "WHERE _path = 'usage/phones.csv' ORDER BY _row_number",
        )
    ]
    assert refs[0] == refs[1] != refs[2]  # +86 and dashes do not make another person
    # the unknown station's row is quarantined with its values, the phone a pseudonym
    (raw_values,) = _rows(con, "SELECT raw_values FROM staging.stg_usage_rejects")[0]
    assert json.loads(raw_values)["worker_ref"] not in ("13700137000", None)
    con.close()
    # neither the warehouse nor any file of the lake (raw rows, rejected rows, records)
    stored = [
        tmp_path / "warehouse.duckdb",
        *(p for p in (tmp_path / "lake").rglob("*") if p.is_file()),
    ]
    for path in stored:
        data = path.read_bytes()
        for phone in (b"13800138000", b"13700137000", b"13900139000", b"0013-8000"):
            assert phone not in data, path


def test_exports_part_two_as_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spot checks of the part-two cases: values, row numbers and sheets."""
    con = ingest_case("xls_legacy", tmp_path / "xls", monkeypatch)
    assert _rows(
        con,
        "SELECT station_id, community_code, opened_on::VARCHAR, seats, has_toilet "
        "FROM loaded_stations WHERE _path LIKE '%xls' ORDER BY 1",
    ) == [
        ("X1", "110111001001", "2023-05-06", 12, True),
        ("X2", "110111001002", "2023-07-16", 8, False),
        ("X3", "110111001001", "2023-05-06", 5, True),
    ]
    # row 1 empty, title on row 2, row 3 empty, header on row 4, X1–X4 on rows 5–8
    assert _rows(con, "SELECT sheet, row_number, column_name FROM marts.quarantine") == [
        ("台账", 8, "opened_on")
    ]

    con = ingest_case("several_sheets", tmp_path / "sheets", monkeypatch)
    assert _rows(
        con, "SELECT path, sheet, row_number, reason FROM marts.quarantine ORDER BY path"
    ) == [
        ("stations/分街道台账.xlsx", "西潞街道", 3, "duplicate_id"),
        # 6月: title on row 1, header on row 2, S404 the second row under it
        ("usage/2024年拱辰街道.xlsx", "6月", 4, "unknown_station"),
    ]
    assert _rows(
        con,
        "SELECT _sheet, station_id, service, visits, _row_number FROM loaded_usage "
        "WHERE _path LIKE '%xlsx' ORDER BY _read_order",
    ) == [
        ("5月", "S001", "water", 1, 2),
        ("5月", "S002", "charging", 2, 3),
        ("6月", "S001", "water", 3, 3),
        ("6月", "S002", "charging", 1, 5),
    ]
    assert _rows(con, "SELECT station_name FROM loaded_stations WHERE station_id = 'K3'") == [
        ("丙",)
    ]

    con = ingest_case("two_row_header", tmp_path / "two", monkeypatch)
    assert _rows(
        con,
        "SELECT station_id, _row_number, has_water, has_charging, has_toilet, community_code "
        "FROM loaded_stations WHERE _path LIKE '%七有%' ORDER BY 1",
    ) == [
        ("K1", 4, True, False, True, "110111001001"),
        ("K2", 5, False, True, False, "110111001002"),
    ]

    con = ingest_case("blank_rows_keep_numbers", tmp_path / "blank", monkeypatch)
    assert _rows(con, "SELECT path, sheet, row_number FROM marts.quarantine ORDER BY 1") == [
        ("usage/blank_rows.csv", None, 5),
        ("usage/blank_rows.xlsx", "台账", 5),
    ]

    con = ingest_case("sep_hint", tmp_path / "sep", monkeypatch)
    # Excel hides the sep= line: the header is its row 1, S404 its row 4
    assert _rows(con, "SELECT row_number FROM marts.quarantine") == [(4,)]
    assert _rows(
        con, "SELECT station_id, visits FROM loaded_usage WHERE _path LIKE 'usage/sep%' ORDER BY 2"
    ) == [("S001", 1), ("S001", 1200), ("S002", 1500)]

    con = ingest_case("twelve_hour_times", tmp_path / "12h", monkeypatch)
    assert _rows(
        con,
        "SELECT call_id, strftime(received_at, '%H:%M'), strftime(resolved_at, '%H:%M') "
        "FROM loaded_hotline WHERE _path LIKE '%12%' ORDER BY 1",
    ) == [("H1", "15:20", "16:00"), ("H2", "09:05", "11:30")]

    con = ingest_case("leading_apostrophe", tmp_path / "apostrophe", monkeypatch)
    assert _rows(
        con,
        "SELECT community_code, lat, lon, residents, outdoor_workers FROM loaded_communities "
        "WHERE _path = 'communities/apostrophe.csv'",
    ) == [("110111005001", 39.7, 116.1, 1200, 12)]

    con = ingest_case("extra_cells", tmp_path / "extra", monkeypatch)
    assert _rows(con, "SELECT path, row_number, column_name FROM marts.quarantine ORDER BY 1") == [
        ("drives/note.xlsx", 3, None),
        ("drives/shifted.csv", 3, None),
        ("hotline/shifted.csv", 2, None),
    ]
    assert _rows(con, "SELECT drive_id, venue FROM loaded_drives ORDER BY 1") == [
        ("D1", "拱辰街道西侧"),
        ("D3", None),
        ("N1", None),
        ("N3", None),
    ]
    # the shift moved the phone number under 所属社区: it is pseudonymised there too
    (raw_values,) = _rows(con, "SELECT raw_values FROM marts.quarantine WHERE path LIKE 'hot%'")[0]
    assert "13800138000" not in raw_values and json.loads(raw_values)["所属社区"]

    con = ingest_case("quoted_line_breaks", tmp_path / "breaks", monkeypatch)
    assert _rows(con, "SELECT row_number FROM marts.quarantine") == [(4,)]
    assert _rows(
        con, "SELECT address FROM loaded_stations WHERE _path = 'stations/address.csv' ORDER BY 1"
    ) == [("一层\n二层\n三层",), ("拱辰街道\n行宫园小区1号",)]
