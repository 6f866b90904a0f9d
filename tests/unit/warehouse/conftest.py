"""A hand-built warehouse: three communities, four stations, two months (January and
February 2024), a dozen usage rows, a dozen calls and five drives, written into a lake as
ingestion would (tests/fixtures/lakehouse.py), then every model refreshed on it.

The numbers the tests expect are worked out by hand from these rows (see the comments
in each test). Geometry: every point lies on one of two meridians, so distances are
Δlat × 111,195.08 m (6,371,008.8 m × π/180 per degree): 0.005° = 555.98 m,
0.006° = 667.17 m, 0.01° = 1,111.95 m.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.lake import Lake
from pipelines.refresh import refresh
from pipelines.settings import Settings
from tests.fixtures.lakehouse import write_rows

C1, C2, C3 = "110101001001", "110101001002", "110102002001"
DONGCHENG, XICHENG = "110101000000", "110102000000"
DONGHUAMEN, DESHENG = "110101001000", "110102002000"
CITY = "110000000000"


def pseudonym(label: str) -> str:
    """A stand-in pseudonym (32 hex digits, as ingestion writes): one per person."""
    return hashlib.md5(label.encode()).hexdigest()


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


COMMUNITIES = [
    # code, name, subdistrict, district, lat, lon, residents, outdoor_workers
    (C1, "甲社区", "东华门街道", "东城区", 39.9000, 116.4000, 5000, 1000),
    (C2, "乙社区", "东华门街道", "东城区", 39.9100, 116.4000, 3000, 500),
    (C3, "丙村", "德胜街道", "西城区", 39.9500, 116.3500, 800, 200),
]

SEVEN = ("has_shelter", "has_toilet", "has_water", "has_charging", "has_epidemic_kit",
         "has_first_aid", "has_rain_gear")  # fmt: skip

STATIONS = [
    # S1 at C1: 0.005° from C1 and from C2 (555.98 m); all seven; accepted 2024-02-15
    dict(
        station_id="S1",
        station_name="一号驿站",
        community_code=C1,
        lat=39.9050,
        lon=116.4000,
        opened_on=d("2024-01-10"),
        closed_on=None,
        seats=10,
        accepted_on=d("2024-02-15"),
        **dict.fromkeys(SEVEN, True),
    ),
    # S2 at C2: 0.01° from C2 (1,111.95 m > 1,000), 0.02° from C1; no toilet, no water
    dict(
        station_id="S2",
        station_name="二号驿站",
        community_code=C2,
        lat=39.9200,
        lon=116.4000,
        opened_on=d("2024-02-01"),
        closed_on=None,
        seats=None,
        accepted_on=None,
        **dict.fromkeys(SEVEN, True) | {"has_toilet": False, "has_water": False},
    ),
    # S3 at C3: 0.006° from C3 (667.17 m); closed on 2024-01-31 (its last day of service)
    dict(
        station_id="S3",
        station_name="三号驿站",
        community_code=C3,
        lat=39.9560,
        lon=116.3500,
        opened_on=d("2023-06-01"),
        closed_on=d("2024-01-31"),
        seats=5,
        accepted_on=d("2023-07-01"),
        **dict.fromkeys(SEVEN, True),
    ),
    # S4 at C3: opens in March, so never active in the two months; only a first-aid kit
    dict(
        station_id="S4",
        station_name="四号驿站",
        community_code=C3,
        lat=39.9400,
        lon=116.3500,
        opened_on=d("2024-03-01"),
        closed_on=None,
        seats=8,
        accepted_on=None,
        has_first_aid=True,
    ),
]

USAGE = [
    # station, occurred_at, service, worker_type, visits, worker_ref, is_tally
    ("S1", "2024-01-15 08:30", "water", "food_delivery", 1, "W1", False),  # Monday
    ("S1", "2024-01-15 09:10", "charging", "food_delivery", 1, "W1", False),
    ("S1", "2024-01-16 12:00", "rest", "courier", 1, "W2", False),  # Tuesday
    ("S1", "2024-01-20 00:00", "water", None, 5, None, True),  # a daily tally
    ("S3", "2024-01-22 14:45", "water", "sanitation", 1, "W3", False),  # Monday
    ("S3", "2024-01-22 15:00", "rest", "sanitation", 2, "W1", False),
    ("S1", "2024-02-05 10:00", "water", "food_delivery", 1, "W1", False),
    ("S2", "2024-02-05 11:00", "meal_heating", "courier", 1, "W2", False),
    ("S2", "2024-02-06 11:30", "meal_heating", "courier", 1, "W2", False),
    ("S2", "2024-02-10 00:00", "rest", None, 10, None, True),
    ("S3", "2024-02-12 09:00", "water", "sanitation", 1, "W3", False),  # S3 closed: counts
    ("S1", "2024-02-29 23:30", "toilet", "food_delivery", 1, "W4", False),
]

HOTLINE = [
    # id, received_at, category, community_code, routed_to, status, resolved_at, satisfaction
    ("h1", "2024-01-03 09:00", "legal", C1, "法律部", "resolved", "2024-01-03 11:00", 5),  # 2 h
    ("h2", "2024-01-05 10:00", "legal", C1, "法律部", "resolved", "2024-01-06 10:00", 3),  # 24 h
    ("h3", "2024-01-10 08:00", "psychological", C2, None, "in_progress", None, None),
    ("h4", "2024-01-20 12:00", "join_union", C3, "组织部", "resolved", "2024-02-02 12:00", 4),
    ("h5", "2024-01-25 18:00", "assistance", None, None, "referred", None, 1),  # unmatched
    ("h6", "2024-01-31 23:00", "legal", C2, "法律部", "resolved", "2024-02-01 01:00", None),
    ("h7", "2024-02-01 09:00", "join_union", C1, "组织部", "resolved", "2024-02-01 15:00", 5),
    ("h8", "2024-02-10 10:00", "psychological", C3, None, "resolved", "2024-02-12 10:00", 2),
    ("h9", "2024-02-15 14:00", "other", None, None, "resolved", "2024-02-15 16:00", None),
    ("h10", "2024-02-20 09:00", "legal", C1, "法律部", "in_progress", None, None),
    ("h11", "2024-02-28 09:00", "found_union", C2, "组织部", "referred", None, 4),
    ("h12", "2024-02-29 20:00", "legal", C3, "法律部", "resolved", "2024-03-01 08:00", 5),
]

DRIVES = [
    # id, held_on, district, subdistrict, community_code, platform, reached, enrolled
    ("d1", "2024-01-12", "东城区", "东华门街道", C1, "meituan", 100, 30),
    ("d2", "2024-01-18", "西城", "德胜", None, "eleme", 50, 10),  # suffixes left out
    ("d3", "2024-02-08", "西城区", "德胜街道", C2, "meituan", 80, 20),  # the code wins: C2
    ("d4", "2024-02-20", "东城区", "不存在街道", None, None, 40, 0),  # district only
    ("d5", "2024-02-22", "朝阳区", None, None, "jd", 60, 6),  # unknown: city only
    # d1's id again, later in the same file: duplicate_id (the first row wins), ignored
    ("d1", "2024-02-23", "东城区", None, C1, "meituan", 999, 99),
]


def load_fixture(data_dir: Path) -> Settings:
    """Write the fixture's rows into the lake of ``data_dir``: January's usage as the
    export usage/2024-01.csv (with two rows the value checks refused), February's as
    usage/2024-02.csv, the calls as hotline/export.csv (one refused), the rest one file a
    source."""
    settings = Settings(data_dir=data_dir, coverage_radius_m=1000.0)
    lake = Lake(settings.lake_dir)
    keys = ("community_code", "community_name", "subdistrict", "district", "lat", "lon",
            "residents", "outdoor_workers")  # fmt: skip
    write_rows(lake, "communities", "communities/fixture.csv",
               [dict(zip(keys, c, strict=True)) for c in COMMUNITIES])  # fmt: skip
    stations = []
    for s in STATIONS:
        flags = {f: False for f in (*SEVEN, "has_microwave", "has_haircut", "has_parking")}
        stations.append({"station_type": "warm_station", **flags, **s})
    write_rows(lake, "stations", "stations/fixture.csv", stations)
    keys = ("station_id", "occurred_at", "service", "worker_type", "visits", "worker_ref",
            "is_tally")  # fmt: skip
    usage = [
        dict(zip(keys, (u[0], ts(u[1]), *u[2:5], u[5] and pseudonym(u[5]), u[6]), strict=True))
        for u in USAGE
    ]
    refused = [
        dict(row_number=5, column_name="station_id", reason="unknown_station",
             raw_values={"驿站编号": "S9", "手机号": "pseudonym-x", "人次": "1"}),
        dict(row_number=7, column_name="visits", reason="bad_number",
             raw_values={"station_id": "S1", "worker_ref": "pseudonym-y", "visits": "abc"}),
    ]  # fmt: skip
    january = [u for u in usage if u["occurred_at"].month == 1]
    february = [u for u in usage if u["occurred_at"].month == 2]
    write_rows(lake, "usage", "usage/2024-01.csv", january, quarantine=[_cells(q) for q in refused])
    write_rows(lake, "usage", "usage/2024-02.csv", february)
    calls = [
        dict(
            call_id=h[0],
            received_at=ts(h[1]),
            category=h[2],
            community=h[3],
            routed_to=h[4],
            status=h[5],
            resolved_at=ts(h[6]) if h[6] else None,
            satisfaction=h[7],
            caller_phone=pseudonym(h[0]),
            channel="phone",
        )
        for h in HOTLINE
    ]
    bad_call = dict(row_number=3, column_name="received_at", reason="bad_date",
                    raw_values={"call_id": "h0", "caller_phone": "pseudonym-z",
                                "联系电话 (脱敏)": "p", "received_at": "soon"})  # fmt: skip
    write_rows(lake, "hotline", "hotline/export.csv", calls, quarantine=[_cells(bad_call)])
    keys = ("drive_id", "held_on", "district", "subdistrict", "community_code", "platform",
            "reached", "enrolled")  # fmt: skip
    write_rows(lake, "drives", "drives/fixture.csv",
               [dict(zip(keys, (r[0], d(r[1]), *r[2:]), strict=True)) for r in DRIVES])  # fmt: skip
    write_rows(
        lake,
        "candidate_sites",
        "candidate_sites/fixture.csv",
        [dict(site_id="K1", site_name="党群服务中心", site_type="party_service_center",
              lat=39.9500, lon=116.3550, community_code=C3, est_cost=12.5, seats=6)],
    )  # fmt: skip
    return settings


def _cells(row: dict) -> dict:
    return {**row, "raw_values": json.dumps(row["raw_values"], ensure_ascii=False)}


def refreshed(data_dir: Path) -> duckdb.DuckDBPyConnection:
    """The fixture in ``data_dir`` with every model refreshed (radius 1,000 m)."""
    settings = load_fixture(data_dir)
    refresh(settings, publish=False)
    return duckdb.connect(str(settings.warehouse_path))


@pytest.fixture(scope="package")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """The fixture's warehouse with every model refreshed (radius 1,000 m)."""
    con = refreshed(tmp_path_factory.mktemp("warehouse"))
    yield con
    con.close()
