"""The demo generator writes exports that meet the data contract, deterministically,
with the seed article's places and about 0.5% bad rows, exactly as recorded."""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from pipelines.commands import demo_data
from pipelines.demo import MANIFEST, SCALES, generate
from pipelines.demo.geography import communities_for
from pipelines.demo.names import NameMatcher, short_form
from pipelines.demo.stations import build_stations
from pipelines.ingest.specs import EXPORTS, SPECS

SEED = 3
_UNIT = re.compile(r"\s*[(（\[【][^()（）\[\]【】]*[)）\]】]$")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("small")
    manifest = generate("small", SEED, out)
    return out, manifest


def _header_key(text: str) -> str:
    """As the contract matches headers: trimmed, without a trailing unit, case-folded."""
    return _UNIT.sub("", str(text).replace("\u3000", " ").strip()).strip().casefold()


def _canonical(source: str) -> dict[str, str]:
    names = {}
    for column in SPECS[source].columns:
        for written in (column.name, *column.aliases):
            names[_header_key(written)] = column.name
    return names


#: totals and footer rows (data contract, "Exports, part two"), which are not data
_NOT_DATA = re.compile(
    r"^\s*(合\s*计|总\s*计|小\s*计|累\s*计|total|subtotal)\s*[:：]?\s*$"
    r"|^\s*(制表人|填报人|审核人|负责人|填报日期|制表日期|联系电话|注|备注)\s*[:：]",
    re.IGNORECASE,
)


def _grids(path: Path) -> list[pl.DataFrame]:
    """A landing file's sheets (one for a CSV) as grids of text cells."""
    if path.suffix in (".xlsx", ".xls"):
        sheets = pl.read_excel(path, sheet_id=0, has_header=False, infer_schema_length=0)
        return [grid for grid in sheets.values() if grid.height]
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    separator = ","
    if text.startswith("sep="):  # Excel's hint: the delimiter, on a line of its own
        separator, text = text[4], text.split("\n", 1)[1]
    # a row shifted by a stray delimiter has a cell too many: cut off here
    grid = pl.read_csv(
        io.StringIO(text),
        has_header=False,
        infer_schema_length=0,
        separator=separator,
        truncate_ragged_lines=True,
    )
    return [grid]


def _table(grid: pl.DataFrame, path: Path, source: str) -> pl.DataFrame:
    names = _canonical(source)
    required = set(SPECS[source].required_columns)
    for i in range(min(10, grid.height)):
        header = [_header_key(v) if v is not None else "" for v in grid.row(i)]
        below = grid.row(i + 1) if i + 1 < grid.height else ()
        # a group label over grouped columns: their names are on the row below
        grouped = [_header_key(v) if v is not None else "" for v in below]
        if grouped and all(g in names for g in grouped if g):
            header = [g or h for h, g in zip(header, grouped, strict=True)]
        mapped = [names.get(h) for h in header]
        if required <= set(mapped):
            depth = 2 if header != [_header_key(v or "") for v in grid.row(i)] else 1
            assert all(m is not None for m, h in zip(mapped, header, strict=True) if h), (
                f"{path.name}: unknown header in {grid.row(i)}"
            )
            table = grid.slice(i + depth).select(
                pl.col(c).alias(m) for c, m in zip(grid.columns, mapped, strict=True) if m
            )
            first = pl.coalesce(table.columns)
            return table.filter(first.is_not_null() & ~first.str.contains(_NOT_DATA.pattern))
    raise AssertionError(f"{path.name}: no header row with {sorted(required)}")


def read_export(path: Path, source: str) -> pl.DataFrame:
    """A landing file's data rows as text cells under canonical column names: the header
    found among the first ten rows of each sheet (as the contract says), blank rows,
    totals and footers left out, the sheets one after another."""
    return pl.concat([_table(grid, path, source) for grid in _grids(path)], how="diagonal")


def test_every_file_meets_the_contract(small: tuple[Path, dict]) -> None:
    out, manifest = small
    assert {entry["source"] for entry in manifest["files"].values()} == set(EXPORTS)
    for relative, entry in manifest["files"].items():
        assert relative.startswith(entry["source"] + "/")
        table = read_export(out / relative, entry["source"])
        assert table.height == entry["rows"], relative


def test_the_formats_offices_use_all_appear(small: tuple[Path, dict]) -> None:
    out, manifest = small
    layouts = " | ".join(entry["layout"] for entry in manifest["files"].values())
    for fragment in (
        "xlsx",
        "xls,",
        "csv gb18030",
        "csv utf-8-sig",
        "csv utf-8,",
        "zh headers",
        "en headers",
        # exports, part two
        "sep=;",
        "unquoted",
        "12h",
        "apostrophes",
        "group header",
        "totals and footer",
    ):
        assert fragment in layouts, fragment
    written = []
    for relative, entry in manifest["files"].items():
        if entry["source"] in ("usage", "hotline") and relative.endswith(".csv"):
            table = read_export(out / relative, entry["source"])
            written += table[table.columns[1]].head(50).to_list()
    styles = {
        "iso": r"^\d{4}-\d{2}-\d{2}([ T]|$)",
        "slash": r"^\d{4}/\d{1,2}/\d{1,2}",
        "dot": r"^\d{4}\.\d{1,2}\.\d{1,2}",
        "chinese": r"^\d{4}年\d{1,2}月\d{1,2}日",
        "compact": r"^\d{8}( |$)",
    }
    for style, pattern in styles.items():
        assert any(re.match(pattern, value or "") for value in written), style
    # the titled workbooks: the header is not the first row
    grid = pl.read_excel(out / "stations/stations.xlsx", has_header=False, infer_schema_length=0)
    assert grid.row(0)[0].startswith("北京市暖心驿站台账")


def test_office_habits_are_in_the_files(small: tuple[Path, dict]) -> None:
    """What the layouts say is in the bytes: the sep= line, 12-hour times, apostrophes,
    a line break inside a quoted cell, unquoted tallies with a comma, one sheet a month."""
    out, manifest = small

    def text(relative: str) -> str:
        raw = (out / relative).read_bytes()
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("gb18030")

    seen = set()
    for relative, entry in manifest["files"].items():
        layout = entry["layout"]
        if "sep=;" in layout:
            assert text(relative).startswith("sep=;")
            seen.add("sep")
        if "12h" in layout:
            assert re.search(
                r"(上午|下午) \d{1,2}:\d{2}:\d{2}|\d:\d{2}:\d{2} [AP]M", text(relative)
            )
            seen.add("12h")
        if "apostrophes" in layout:
            assert re.search(r",'1\d{10}(,|\r?\n)", text(relative))
            seen.add("apostrophes")
        if "unquoted" in layout and entry["bad_rows"].get("extra_cells"):
            # the header's six cells, and a tally of 1,234 unquoted: seven
            lines = text(relative).splitlines()
            shifted = [line for line in lines if line.count(",") == 6]
            assert len(shifted) == entry["bad_rows"]["extra_cells"]
            seen.add("extra")
        if entry["source"] == "hotline" and relative.endswith(".csv"):
            assert '\n（已电话回访）"' in text(relative).replace("\r\n", "\n")
            seen.add("line break")
        if entry.get("sheets", 1) > 1:
            book = pl.read_excel(out / relative, sheet_id=0, has_header=False)
            assert list(book) == [f"{m}月" for m in range(8, 8 + len(book))]
            seen.add("sheets")
    assert seen == {"sep", "12h", "apostrophes", "extra", "line break", "sheets"}


def _numeric_share(path: Path, column: str) -> float:
    """Share of a worksheet column's filled data cells (below title and header) stored
    as numbers — Excel dates are numbers with a date format — rather than text."""
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    cells = re.findall(rf'<c r="{column}(\d+)"([^>/]*)>(?=<[vi])', sheet)
    data = [attributes for row, attributes in cells if int(row) > 2]
    return sum('t="s"' not in a and 't="str"' not in a for a in data) / len(data)


def test_workbooks_hold_typed_cells(small: tuple[Path, dict]) -> None:
    """Dates as Excel date cells (or serial numbers), counts as numbers, codes as text."""
    out, manifest = small
    stations = out / "stations/stations.xlsx"
    assert _numeric_share(stations, "J") > 0.9  # 启用日期
    assert _numeric_share(stations, "L") > 0.9  # 座位数(个)
    assert _numeric_share(stations, "F") == 0  # 社区代码: text, leading digits kept
    registry = pl.read_excel(stations, read_options={"header_row": 1}, infer_schema_length=10_000)
    assert registry.schema["座位数(个)"].is_numeric()
    kinds = set()
    for relative, entry in manifest["files"].items():
        if entry["source"] == "drives":
            assert _numeric_share(out / relative, "B") > 0.9  # 活动日期
            held_on = read_export(out / relative, "drives")["held_on"]
            serial = held_on.str.contains(r"^\d{5}(\.0)?$").mean()
            kinds.add("serial" if serial > 0.9 else "date cells")
    assert kinds == {"serial", "date cells"}  # one quarter as serial numbers, one as dates


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes_other_seed_other_bytes(
    small: tuple[Path, dict], tmp_path: Path
) -> None:
    out, _ = small
    generate("small", SEED, tmp_path / "again")
    generate("small", SEED + 1, tmp_path / "other")
    first, again, other = _digests(out), _digests(tmp_path / "again"), _digests(tmp_path / "other")
    assert first == again
    assert any(name.endswith(".xlsx") for name in first)
    differing = [name for name in first if other.get(name) != first[name]]
    assert "usage/usage_2026-08.csv" in differing and "stations/stations.xlsx" in differing


def test_the_window_is_fixed_not_today(small: tuple[Path, dict]) -> None:
    _, manifest = small
    assert manifest["months"] == ["2026-08", "2026-10"]
    assert SCALES["demo"].window[0] == date(2024, 11, 1) and len(SCALES["demo"].window) == 24


def test_gongchen_is_there_at_small_scale(small: tuple[Path, dict]) -> None:
    out, _ = small
    registry = read_export(out / "stations/stations.xlsx", "stations")
    gongchen = registry.filter(pl.col("station_id").str.starts_with("FS-GC-"))
    assert gongchen.height >= 10
    assert {"110111011034"} <= set(gongchen["community_code"].drop_nulls())
    # 伊林郡社区 is written by its short name only, as the office does
    yilinjun = gongchen.filter(pl.col("community_name") == "伊林郡社区")
    assert yilinjun.height >= 1 and yilinjun["community_code"].null_count() == yilinjun.height
    hosts = " ".join(gongchen["host_org"].drop_nulls())
    assert "党群服务中心" in hosts and "华冠" in hosts and "天街" in hosts
    # only 房山区's communities, with their official names
    communities = read_export(out / "communities/communities.csv", "communities")
    assert set(communities["district"]) == {"房山区"}
    assert "伊林郡社区居民委员会" in set(communities["community_name"])


def test_demo_scale_stations_follow_the_seed_article() -> None:
    scale = SCALES["demo"]
    registry = build_stations(scale, SEED, communities_for(scale, SEED))
    assert 1_400 <= registry.height <= 1_600
    assert registry["station_id"].is_unique().all()
    assert registry.filter(pl.col("subdistrict") == "拱辰街道").height >= 100
    wangxinzhuang = registry.filter(
        (pl.col("subdistrict") == "王辛庄镇") & (pl.col("district") == "平谷区")
    )
    assert wangxinzhuang.height == 6
    assert (wangxinzhuang["accepted_on"] >= date(2026, 7, 1)).all()
    longtan = registry.filter(
        (pl.col("subdistrict") == "龙潭街道") & (pl.col("district") == "东城区")
    )
    assert longtan["host_org"].str.contains("包子铺|饭|餐|南城香|和合谷").any()
    seven = [
        "has_shelter",
        "has_toilet",
        "has_water",
        "has_charging",
        "has_epidemic_kit",
        "has_first_aid",
        "has_rain_gear",
    ]
    below_standard = registry.select(~pl.all_horizontal(seven)).to_series().mean()
    assert 0.15 < below_standard < 0.45
    assert 0 < registry["closed_on"].is_not_null().sum() < registry.height * 0.1


def test_about_half_a_percent_bad_rows_as_recorded(small: tuple[Path, dict]) -> None:
    _, manifest = small
    for source in ("usage", "hotline"):
        assert 0.004 <= manifest["totals"][source]["bad_share"] <= 0.006, source
    assert manifest["totals"]["communities"]["bad_rows"] == 0
    for relative, entry in manifest["files"].items():
        if entry["source"] != "communities":
            assert sum(entry["bad_rows"].values()) >= 1, relative
    recorded = json.loads((small[0] / MANIFEST).read_text(encoding="utf-8"))
    assert recorded == manifest


def test_bad_rows_recounted_from_the_files(small: tuple[Path, dict]) -> None:
    out, manifest = small
    registry = read_export(out / "stations/stations.xlsx", "stations")
    known_ids = set(registry["station_id"])
    for relative, entry in manifest["files"].items():
        if entry["source"] != "usage":
            continue
        usage = read_export(out / relative, "usage")
        negative = usage.filter(pl.col("visits").str.starts_with("-")).height
        unknown = usage.filter(~pl.col("station_id").is_in(list(known_ids))).height
        missing = usage["service"].null_count()
        assert negative == entry["bad_rows"].get("negative_value", 0), relative
        assert unknown == entry["bad_rows"].get("unknown_station", 0), relative
        assert missing == entry["bad_rows"].get("missing_value", 0), relative
    for relative, entry in manifest["files"].items():
        if entry["source"] == "drives":
            drives = read_export(out / relative, "drives").with_columns(
                pl.col("reached", "enrolled").cast(pl.Float64)
            )
            exceeds = drives.filter(pl.col("enrolled") > pl.col("reached")).height
            assert exceeds == entry["bad_rows"].get("enrolled_exceeds_reached", 0), relative


def test_bad_rows_never_take_a_good_rows_id(small: tuple[Path, dict]) -> None:
    """Only the duplicate_id rows repeat an id; other bad rows carry a fresh one."""
    out, manifest = small
    keys = {"stations": "station_id", "candidate_sites": "site_id", "drives": "drive_id"}
    for relative, entry in manifest["files"].items():
        if entry["source"] in keys:
            ids = read_export(out / relative, entry["source"])[keys[entry["source"]]]
            assert ids.len() - ids.n_unique() == entry["bad_rows"].get("duplicate_id", 0)
        if entry["source"] == "hotline":
            calls = read_export(out / relative, "hotline")
            assert calls["call_id"].len() - calls["call_id"].n_unique() == entry["status_updates"]


def test_hotline_calls_come_back_with_a_newer_status(small: tuple[Path, dict]) -> None:
    out, manifest = small
    files = sorted(r for r, e in manifest["files"].items() if e["source"] == "hotline")
    first, second = (read_export(out / f, "hotline") for f in files[:2])
    open_then = first.filter(
        pl.col("status").is_in(["办理中", "已转办", "in_progress", "referred"])
    )
    again = second.join(open_then.select("call_id"), on="call_id")
    assert again.height > 0
    assert again["status"].is_in(["已办结", "resolved"]).any()
    assert sum(manifest["files"][f]["carried_calls"] for f in files) > 0


def test_regenerating_replaces_demo_files_only(tmp_path: Path) -> None:
    generate("small", SEED, tmp_path)
    mine = tmp_path / "usage" / "朝阳区_自己的导出.csv"
    mine.write_text("驿站编号,服务时间,服务项目\n", encoding="utf-8")
    generate("small", SEED + 1, tmp_path)
    assert mine.exists()
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    written = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert written == {*manifest["files"], MANIFEST, "usage/朝阳区_自己的导出.csv"}
    # an export a person put under a demo file's name is never overwritten
    (tmp_path / MANIFEST).unlink()
    with pytest.raises(FileExistsError):
        generate("small", SEED, tmp_path)


def test_short_names_and_matching_follow_the_contract() -> None:
    assert short_form("伊林郡社区居民委员会") == "伊林郡社区"
    assert short_form("张各庄村民委员会") == "张各庄村"
    assert short_form("梅花庄村委会") == "梅花庄村"
    matcher = NameMatcher(
        [
            ("1", "伊林郡社区居民委员会"),
            ("2", "张各庄村民委员会"),
            ("3", "梅花庄社区居委会"),
            ("4", "梅花庄村委会"),
        ]
    )
    assert matcher.match("伊林郡社区") == "1"
    assert matcher.match("伊林郡") == "1"
    assert matcher.match("张各庄") == "2"
    assert matcher.match("梅花庄村") == "4"
    assert matcher.match("梅花庄") is None  # two communities: ambiguous
    assert matcher.match("不详") is None


def test_registry_communities_resolve_unless_recorded_as_unknown(small: tuple[Path, dict]) -> None:
    out, manifest = small
    communities = read_export(out / "communities/communities.csv", "communities")
    codes = set(communities["community_code"])
    matcher = NameMatcher(communities.select("community_code", "community_name").iter_rows())
    registry = read_export(out / "stations/stations.xlsx", "stations")
    unresolved = 0
    for code, name in registry.select("community_code", "community_name").iter_rows():
        if code is not None:
            assert code in codes
        elif matcher.match(name) is None:
            unresolved += 1
    recorded = manifest["files"]["stations/stations.xlsx"]["bad_rows"]
    assert unresolved == recorded.get("unknown_community", 0)
    assert registry["community_code"].null_count() >= 1  # some rows name their community only


def test_callers_name_communities_in_their_own_words(small: tuple[Path, dict]) -> None:
    out, manifest = small
    communities = read_export(out / "communities/communities.csv", "communities")
    matcher = NameMatcher(communities.select("community_code", "community_name").iter_rows())
    codes, official = set(communities["community_code"]), set(communities["community_name"])
    written = []
    for relative, entry in manifest["files"].items():
        if entry["source"] == "hotline":
            written += read_export(out / relative, "hotline")["community"].to_list()
    kinds = {"code": 0, "official": 0, "short": 0, "blank": 0, "unmatched": 0}
    for text in written:
        if text is None:
            kinds["blank"] += 1
        elif text in codes:
            kinds["code"] += 1
        elif text in official:
            kinds["official"] += 1
        elif matcher.match(text) is not None:
            kinds["short"] += 1
        else:
            kinds["unmatched"] += 1
    assert kinds["official"] + kinds["short"] > 0.6 * len(written)
    assert all(kinds[k] > 0.02 * len(written) for k in kinds), kinds


def test_gongchen_enrols_200_plus_a_month(small: tuple[Path, dict]) -> None:
    out, manifest = small
    drives = pl.concat(
        read_export(out / relative, "drives")
        for relative, entry in manifest["files"].items()
        if entry["source"] == "drives"
    )
    # real drives only: bad rows carry a fresh, longer number
    gongchen = drives.filter(
        (pl.col("subdistrict") == "拱辰街道") & pl.col("drive_id").str.contains(r"^RH\d{10}$")
    ).with_columns(pl.col("enrolled").cast(pl.Float64), month=pl.col("drive_id").str.slice(2, 6))
    by_month = gongchen.group_by("month").agg(pl.col("enrolled").sum())
    assert by_month.height == 3 and (by_month["enrolled"] >= 200).all()


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    demo_data.register(parser.add_subparsers())
    args = parser.parse_args(
        ["demo-data", "--scale", "small", "--seed", "1", "--out", str(tmp_path)]
    )
    assert args.func(args) == 0
    captured = capsys.readouterr()
    assert "usage/usage_2026-10.csv" in captured.err  # progress, file by file
    assert "hotline" in captured.out and (tmp_path / MANIFEST).exists()
