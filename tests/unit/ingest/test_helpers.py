"""Headers, community names, coordinates and pseudonyms."""

from __future__ import annotations

import stat

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest import coords, privacy
from pipelines.ingest.communities import CommunityMatcher, bare_form, short_form
from pipelines.ingest.headers import find_header, match_header, normalise_header
from pipelines.ingest.specs import SPECS
from pipelines.settings import Settings


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("座位数(个)", "座位数"),
        ("人数（人）", "人数"),
        ("est_cost (万元)", "est_cost"),
        ("费用【万元】", "费用"),
        ("费用[万元]", "费用"),
        ("\u3000Station_ID ", "station_id"),
        ("街道(乡镇)", "街道"),
    ],
)
def test_header_normalisation(written: str, expected: str) -> None:
    assert normalise_header(written) == expected


def test_every_alias_means_one_column_only() -> None:
    for spec in SPECS.values():
        seen: dict[str, str] = {}
        for column in spec.columns:
            for alias in {normalise_header(a) for a in (column.name, *column.aliases)}:
                assert seen.setdefault(alias, column.name) == column.name, (spec.name, alias)


def test_header_found_below_titles_and_missing_named() -> None:
    spec = SPECS["usage"]
    rows = [["2024年5月 服务记录"], [], ["驿站编号", "服务时间", "服务项目", "备注", "驿站编号"]]
    found = find_header(spec, rows)
    index, match = found.index, found.match
    assert index == 2 and found.depth == 1
    assert match.columns == {0: "station_id", 1: "occurred_at", 2: "service"}
    assert match.unknown == ["备注"] and match.duplicates == {
        "station_id": ["驿站编号", "驿站编号"]
    }
    assert match_header(spec, ["驿站编号", "时间"]).missing == ["service"]
    assert (
        match_header(SPECS["stations"], ["编号"]).missing[-1] == "community_code or community_name"
    )


def test_two_row_header_with_grouped_columns() -> None:
    """Headers merged down over two rows sit in the upper row, the grouped columns'
    names in the lower one, under the group label."""
    spec = SPECS["stations"]
    rows = [
        ["2024年 驿站台账"],
        ["驿站编号", "驿站名称", "驿站类型", "社区代码", "纬度", "经度", "启用日期", "七有配置"],
        ["", "", "", "", "", "", "", "饮水", "充电"],
        ["K1", "甲", "暖心驿站", "110111001001", "39.73", "116.14", "2023-05-06", "是", "否"],
    ]
    found = find_header(spec, rows)
    assert (found.index, found.depth) == (1, 2)
    assert found.match.columns[7] == "has_water" and found.match.columns[8] == "has_charging"
    assert "七有配置" not in found.match.unknown
    # a group row above a complete header row is passed over like a title
    rows = [["", "", "", "", "", "", "", "七有配置", ""], [*rows[1][:7], "饮水", "充电"], rows[3]]
    found = find_header(spec, rows)
    assert found.depth == 1 and found.match.columns[8] == "has_charging"
    # a data row below a header is never taken for grouped columns
    rows = [rows[1], rows[2]]
    assert find_header(spec, rows).depth == 1


def test_community_short_forms() -> None:
    assert short_form("伊林郡社区居民委员会") == "伊林郡社区"
    assert short_form("张各庄村民委员会") == "张各庄村"
    assert short_form("张各庄村委会") == "张各庄村"
    assert bare_form("张各庄村民委员会") == "张各庄"
    assert bare_form("西关社区居委会") == "西关"


def test_community_matching_steps() -> None:
    matcher = CommunityMatcher(
        [
            ("110111001001", "伊林郡社区居民委员会"),
            ("110111001003", "西关社区居委会"),
            ("110111002004", "西关村民委员会"),
            ("110111002005", "东关"),
            ("110111002006", "东关社区"),
        ]
    )
    assert matcher.match("伊林郡社区") == ("110111001001", "matched")
    assert matcher.match("伊林郡") == ("110111001001", "matched")
    assert matcher.match("西关") == (None, "ambiguous")
    assert matcher.match("西关村") == ("110111002004", "matched")
    # step 1 finds exactly one: the search stops there, step 3 would be ambiguous
    assert matcher.match("东关") == ("110111002005", "matched")
    assert matcher.match("110111002004") == ("110111002004", "matched")
    assert matcher.match("110111002004.0") == ("110111002004", "matched")
    assert matcher.match("110111009999") == (None, "unmatched")
    assert matcher.match("月球") == (None, "unmatched")


def test_gcj02_round_trip_and_known_point() -> None:
    # Tiananmen: WGS-84 (39.908692, 116.397477) is GCJ-02 (39.910093, 116.403719)
    lat, lon = coords.wgs84_to_gcj02(np.array([39.908692]), np.array([116.397477]))
    assert lat[0] == pytest.approx(39.910093, abs=1e-5) and lon[0] == pytest.approx(
        116.403719, abs=1e-5
    )
    rng = np.random.default_rng(1)
    wlat, wlon = rng.uniform(39.4, 41.0, 500), rng.uniform(115.4, 117.5, 500)
    back = coords.to_wgs84(*coords.wgs84_to_gcj02(wlat, wlon), "gcj02")
    assert np.abs(back[0] - wlat).max() < 1e-8 and np.abs(back[1] - wlon).max() < 1e-8
    bd = coords.gcj02_to_bd09(*coords.wgs84_to_gcj02(wlat, wlon))
    back = coords.to_wgs84(*bd, "bd09")
    assert np.abs(back[0] - wlat).max() < 1e-5 and np.abs(back[1] - wlon).max() < 1e-5  # ~1 m


def test_bounding_box() -> None:
    assert coords.in_china(np.array([39.9, 116.4, 0.0]), np.array([116.4, 39.9, 0.0])).tolist() == [
        True,
        False,
        False,
    ]


def test_pseudonyms(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    key = privacy.load_key(settings)
    assert stat.S_IMODE(settings.secret_path.stat().st_mode) == 0o600
    assert privacy.load_key(settings) == key  # generated once
    same = {
        privacy.pseudonym(v, key)
        for v in ("13800138000", "+86 138-0013-8000", "0086１３８００１３８０００")
    }
    assert len(same) == 1 and len(next(iter(same))) == privacy.PSEUDONYM_LENGTH
    assert privacy.pseudonym("13800138001", key) not in same
    assert privacy.pseudonym("13800138000", b"another key") not in same
    keyed = Settings(data_dir=tmp_path / "other", pseudonym_key="k")
    assert privacy.load_key(keyed) == b"k" and not keyed.secret_path.exists()
    series = privacy.pseudonymise(pl.Series(["13800138000", None, " ", "A7"]), key)
    assert series.to_list()[1:3] == [None, None] and series[0] in same


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="0123456789０１２３+-() （）\u3000\t\x1f\xa0abcABCＡＢ", max_size=16)
    | st.from_regex(r"(\+86|0086|86)? ?1[3-9]\d-?\d{4}-?\d{4}", fullmatch=True)
)
def test_column_and_single_normalisation_agree(value: str) -> None:
    column = pl.DataFrame({"v": [value]}).select(privacy.normalise_expr(pl.col("v"))).item()
    assert column == privacy.normalise(value)


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=0, max_size=100), st.text(max_size=20))
def test_column_pseudonyms_are_hmac_sha256(key: bytes, value: str) -> None:
    column = privacy.Pseudonymiser(key)(pl.Series([value]))[0]
    if privacy.normalise(value):
        assert column == privacy.pseudonym(value, key)
    else:
        assert column is None


def test_pseudonymiser_repeats_keep_the_column_length() -> None:
    # a value with nothing left once normalised ("-") has no pseudonym, in every batch
    pseudonyms = privacy.Pseudonymiser(b"key")
    for _ in range(3):
        column = pseudonyms(pl.Series(["-", "13800138000", None, "-"]))
        assert column.to_list() == [None, privacy.pseudonym("13800138000", b"key"), None, None]
