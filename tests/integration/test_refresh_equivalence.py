"""The incremental refresh equals one full refresh: after any sequence of adds,
corrections and withdrawals of landing files (refreshing after each), the published
snapshot is, table by table, the one a full refresh over the same final files gives —
and the order files arrive in never changes a figure.

A small world: the bad-input corpus's four communities and two versions of the station
registry, and exports of usage, hotline and drives whose months and keys overlap (a call
exported again with its newer status, a drive corrected in a later file, usage of a
station only the second registry has)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pipelines.compare import differences, snapshot_rows
from pipelines.lake import Lake
from pipelines.refresh import refresh
from pipelines.settings import Settings

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_inputs"
STATIONS = (
    "驿站编号,驿站名称,驿站类型,社区代码,纬度,经度,启用日期,停用日期,座位数,"
    "避暑取暖,卫生间,饮用水,充电,防疫物品,医疗急救包,雨具\n"
)
#: the seven amenities (七有) of a station that has them all
SEVEN = "是,是,是,是,是,是,是"
USAGE = "驿站编号,服务时间,服务项目,人员类型,人次,手机号\n"
HOTLINE = "工单编号,来电时间,诉求类别,所属社区,办理状态,办结时间,满意度\n"
DRIVES = "活动编号,活动日期,区,街道,社区代码,平台,覆盖人数,入会人数\n"

#: each landing path and the versions of its content a sequence may write
FILES: dict[str, list[str]] = {
    "stations/registry.csv": [
        STATIONS
        + f"S001,伊林郡驿站,暖心驿站,110111001001,39.7301,116.1402,2024-01-01,,12,{SEVEN}\n"
        + "S002,张各庄驿站,户外劳动者服务站,110111001002,39.7402,116.1503,2024-05-15,,8,"
        + "是,否,是,是,否,是,否\n",
        # the second registry: S002 closed at the end of May, S003 new, S001 standard lost
        STATIONS
        + "S001,伊林郡驿站,暖心驿站,110111001001,39.7301,116.1402,2024-01-01,,12,"
        + "是,否,是,是,是,是,是\n"
        + "S002,张各庄驿站,户外劳动者服务站,110111001002,39.7402,116.1503,2024-05-15,"
        + "2024-05-31,8,是,否,是,是,否,是,否\n"
        + f"S003,西关驿站,职工之家,110111001003,39.7201,116.1301,2024-06-01,,6,{SEVEN}\n",
    ],
    "usage/2024-05.csv": [
        USAGE
        + "S001,2024-05-06 08:00,饮水,外卖骑手,1,13800000001\n"
        + "S001,2024-05-06 09:30,充电,快递员,2,13800000002\n"
        + "S002,2024-05-20 12:00,热饭,外卖骑手,1,13800000001\n"
        + "S003,2024-05-21 12:00,休息,,1,\n",
        USAGE
        + "S001,2024-05-07 08:00,饮水,外卖骑手,3,13800000003\n"
        + "S002,2024-05-28,如厕,,5,\n",
    ],
    "usage/2024-06.csv": [
        USAGE
        + "S001,2024-06-03 10:00,饮水,环卫工人,1,13800000004\n"
        + "S003,2024-06-04 11:00,充电,外卖骑手,2,13800000001\n"
        + "S002,2024-06-05 11:00,充电,外卖骑手,1,13800000005\n",
        USAGE + "S003,2024-06-10,休息,,4,\n",
    ],
    "usage/2024-07-and-05.csv": [
        USAGE
        + "S001,2024-07-01 07:00,饮水,快递员,1,13800000002\n"
        + "S001,2024-05-31 23:00,饮水,快递员,1,13800000002\n",
    ],
    "hotline/2024-05.csv": [
        HOTLINE
        + "H1,2024-05-02 09:00,法律咨询,伊林郡社区,办理中,,\n"
        + "H2,2024-05-10 10:00,心理咨询,西关社区,已办结,2024-05-11 10:00,5\n"
        + "H3,2024-05-30 10:00,入会,不存在社区,已转办,,\n",
        HOTLINE + "H1,2024-05-02 09:00,法律咨询,伊林郡社区,已办结,2024-05-03 09:00,4\n",
    ],
    "hotline/2024-06.csv": [
        # H1 again with its newer status; H4 received in June
        HOTLINE
        + "H1,2024-05-02 09:00,法律咨询,伊林郡社区,已办结,2024-06-02 09:00,3\n"
        + "H4,2024-06-15 10:00,救助,张各庄,办理中,,\n",
        # a correction moves H2 to June
        HOTLINE + "H2,2024-06-10 10:00,心理咨询,西关社区,已办结,2024-06-11 10:00,2\n",
    ],
    "drives/q2.csv": [
        DRIVES
        + "D1,2024-05-08,房山区,拱辰街道,110111001001,美团,100,20\n"
        + "D2,2024-06-08,房山区,西潞街道,,饿了么,50,5\n",
        DRIVES + "D1,2024-05-09,房山区,拱辰街道,110111001001,美团,90,30\n",
    ],
    "drives/corrections.csv": [DRIVES + "D2,2024-06-18,房山区,拱辰,,京东,60,6\n"],
}

#: an operation: (path, version to write) or (path, None) to withdraw it
OPERATION = st.sampled_from(
    [(path, version) for path, versions in FILES.items() for version in range(len(versions))]
    + [(path, None) for path in FILES]
)


def _write(landing: Path, path: str, version: int, clock: list[int]) -> None:
    target = landing / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(FILES[path][version], encoding="utf-8")
    clock[0] += 60  # each write is later than the last: "the file modified last wins"
    os.utime(target, (clock[0], clock[0]))


def _withdraw(settings: Settings, path: str) -> None:
    (settings.landing_dir / path).unlink(missing_ok=True)
    Lake(settings.lake_dir).withdraw(path.split("/")[0], path)


def _start(data_dir: Path) -> Settings:
    shutil.copytree(CORPUS / "_reference" / "communities", data_dir / "landing" / "communities")
    return Settings(data_dir=data_dir, coverage_radius_m=1000.0, pseudonym_key="test-key")


def published(settings: Settings) -> dict[str, list[tuple]]:
    return snapshot_rows(settings.snapshot_path)


def assert_same(incremental: dict, full: dict) -> None:
    assert differences(incremental, full) == []


def full_refresh_of(settings: Settings, data_dir: Path) -> dict:
    """A full refresh in a fresh data folder over the same landing files (same times)."""
    fresh = _start(data_dir)
    shutil.rmtree(fresh.landing_dir)
    shutil.copytree(settings.landing_dir, fresh.landing_dir, copy_function=shutil.copy2)
    refresh(fresh, workers=1)
    return published(fresh)


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # a shrink would refresh hundreds of times
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(OPERATION, min_size=2, max_size=6))
def test_any_sequence_equals_one_full_refresh(operations, tmp_path_factory) -> None:
    data_dir = tmp_path_factory.mktemp("incremental")
    settings = _start(data_dir)
    clock = [1_700_000_000]
    _write(settings.landing_dir, "stations/registry.csv", 0, clock)
    refresh(settings, workers=1)
    for path, version in operations:
        if version is None:
            _withdraw(settings, path)
        else:
            _write(settings.landing_dir, path, version, clock)
        refresh(settings, workers=1)
    assert_same(published(settings), full_refresh_of(settings, tmp_path_factory.mktemp("full")))


def test_usage_before_its_registry_ends_as_usage_after_it(tmp_path: Path) -> None:
    """Usage of S003 arrives before the registry that has S003: quarantined as
    unknown_station at first, it loads once the registry does — the same snapshot as
    when the registry came first."""
    late = _start(tmp_path / "late")
    clock = [1_700_000_000]
    _write(late.landing_dir, "stations/registry.csv", 0, clock)
    _write(late.landing_dir, "usage/2024-06.csv", 0, clock)
    refresh(late, workers=1)
    with duckdb.connect(str(late.snapshot_path), read_only=True) as con:
        assert con.execute(
            "SELECT reason, count(*) FROM quarantine WHERE path = 'usage/2024-06.csv' GROUP BY 1"
        ).fetchall() == [("unknown_station", 1)]  # S003 is not in the first registry
    _write(late.landing_dir, "stations/registry.csv", 1, clock)
    refresh(late, workers=1)

    first = _start(tmp_path / "first")
    clock = [1_700_000_000]
    _write(first.landing_dir, "stations/registry.csv", 1, clock)
    _write(first.landing_dir, "usage/2024-06.csv", 0, clock)
    refresh(first, workers=1)
    with duckdb.connect(str(late.snapshot_path), read_only=True) as con:
        assert con.execute(
            "SELECT count(*) FROM quarantine WHERE path = 'usage/2024-06.csv'"
        ).fetchall() == [(0,)]
        # S002 closed at the end of May: its June visit still counts (a visit counts
        # even on a day its station was not open); S003's two June visits load
        assert con.execute(
            "SELECT visits FROM kpi_monthly WHERE scope_level = 'city' AND month = '2024-06-01'"
        ).fetchall() == [(4,)]
    incremental, full = published(late), published(first)
    # the registry's record carries its own time: the two folders wrote it at different
    # moments, so compare everything but the file registry's times
    assert_same(incremental, full)
