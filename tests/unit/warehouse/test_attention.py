"""The attention mart on a hand-built fixture: the tables it reads written by hand (only
the columns it uses), the targets from a targets.toml, every finding worked out below.

Scopes: the city C; districts D1, D2, D3 (three peers); subdistricts S11, S12 of D1 (two
peers: too few to compare); a community K111 of S11 (communities get no findings).
Months M1, M2, M3 (2024-01 … 03). Targets: coverage_rate 0.85 (from the file),
standard_rate 0.80 and resolution_rate_7d 0.95 (defaults); thresholds the defaults:
moves of 5 points or 20 % of at least 100, at least 20 eligible calls, lagging 10 points
below the median of at least 3 peers, quiet after at least 30 visits.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipelines.settings import Settings
from pipelines.warehouse.duck import DuckEngine
from pipelines.warehouse.models import load_models, parameters

M1, M2, M3 = dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)
ALL = (M1, M2, M3)
C, D1, D2, D3 = "110000000000", "110101000000", "110102000000", "110105000000"
S11, S12, K111, K121 = "110101001000", "110101002000", "110101001001", "110101002001"

SCOPES = {  # code: (level, name, parent)
    C: ("city", "北京市", None),
    D1: ("district", "甲区", C),
    D2: ("district", "乙区", C),
    D3: ("district", "丙区", C),
    S11: ("subdistrict", "一街道", D1),
    S12: ("subdistrict", "二街道", D1),
    K111: ("community", "一社区", S11),
}

#: (month, code): standard_rate, coverage_rate, resolution_rate_7d, eligible_calls_7d,
#: visits, unique_workers, enrolled, backlog
KPI = {
    (M1, C): (0.90, 0.90, 0.96, 100, 1000, 500, 100, 10),
    (M2, C): (0.90, 0.86, 0.97, 100, 1000, 500, 100, 15),
    (M3, C): (0.85, 0.84, 0.90, 100, 1300, 480, 79, 24),
    # the districts and below keep their rates; 甲区's visits fall in March, 丙区's rise
    **{(m, D1): (0.80, 0.60, 0.99, 50, 150 if m == M3 else 200, 90, 10, 5) for m in ALL},
    **{(m, D2): (0.70, 0.80, 0.50, 10, 100, 50, 10, 5) for m in ALL},
    **{(m, D3): (0.90, 0.75, 0.96, 40, 200 if m == M3 else 99, 50, 10, 5) for m in ALL},
    **{(m, S11): (0.90, 0.95, None, 0, 120, 60, 5, 2) for m in ALL},
    **{(m, S12): (0.90, 0.30, None, 0, 80, 30, 5, 3) for m in ALL},
    **{(m, K111): (0.0, 0.10, 0.0, 30, 120, 60, 5, 2) for m in ALL},
}

#: station, name, place: M2 (active, visits), M3 (active, visits)
STATIONS = [
    ("ST1", "一号站", K111, (True, 40), (True, 0)),  # quiet: 40 ≥ 30
    ("ST2", "二号站", K111, (True, 30), (True, 0)),  # quiet: exactly 30
    ("ST3", "三号站", K121, (True, 29), (True, 0)),  # 29 < 30: not quiet
    ("ST4", "四号站", K111, (True, 100), (False, 0)),  # closed: not quiet, gone
    ("ST5", "五号站", None, (True, 50), (True, 0)),  # quiet, placed nowhere: the city only
]

ANCESTORS = [  # place → every scope it lies in
    (K111, "community", K111), (K111, "subdistrict", S11), (K111, "district", D1),
    (K111, "city", C), (K121, "subdistrict", S12), (K121, "district", D1), (K121, "city", C),
    (None, "city", C),
]  # fmt: skip


def build(con: duckdb.DuckDBPyConnection, months: tuple[dt.date, ...]) -> None:
    for schema in ("staging", "marts"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(
        """CREATE OR REPLACE TABLE marts.kpi_monthly (month DATE, scope_level VARCHAR,
        scope_code VARCHAR, scope_name VARCHAR, parent_code VARCHAR, provisional BOOLEAN,
        standard_rate DOUBLE, coverage_rate DOUBLE, resolution_rate_7d DOUBLE,
        eligible_calls_7d BIGINT, visits BIGINT, unique_workers BIGINT, enrolled BIGINT,
        backlog BIGINT)"""
    )
    for (month, code), figures in KPI.items():
        if month in months:
            level, name, parent = SCOPES[code]
            con.execute(
                "INSERT INTO marts.kpi_monthly VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [month, level, code, name, parent, month == M3, *figures],
            )
    con.execute(
        """CREATE OR REPLACE TABLE marts.station_monthly (month DATE, station_id VARCHAR,
        station_name VARCHAR, active BOOLEAN, visits BIGINT)"""
    )
    con.execute(
        "CREATE OR REPLACE TABLE staging.stg_stations (station_id VARCHAR, place_code VARCHAR)"
    )
    for sid, name, place, feb, march in STATIONS:
        con.execute("INSERT INTO staging.stg_stations VALUES (?, ?)", [sid, place])
        for month, (active, visits) in ((M2, feb), (M3, march)):
            if month in months:
                con.execute(
                    "INSERT INTO marts.station_monthly VALUES (?, ?, ?, ?, ?)",
                    [month, sid, name, active, visits],
                )
    con.execute(
        """CREATE OR REPLACE TABLE staging.stg_scope_ancestors (place_code VARCHAR,
        scope_level VARCHAR, scope_code VARCHAR)"""
    )
    con.executemany("INSERT INTO staging.stg_scope_ancestors VALUES (?, ?, ?)", ANCESTORS)


def run_attention(path: Path, months: tuple[dt.date, ...]) -> duckdb.DuckDBPyConnection:
    (path.parent / "targets.toml").write_text("[targets]\ncoverage_rate = 0.85\n")
    con = duckdb.connect(str(path))
    build(con, months)
    engine = DuckEngine(con)
    engine.set_parameters(parameters(Settings(data_dir=path.parent)))
    models = {m.name: m for m in load_models()}
    engine.build(models["targets"], None)
    engine.build(models["attention_monthly"], None)
    return con


COLUMNS = "scope_code, kind, metric, value, previous, reference, peer_rank, peers, subject, "
COLUMNS += "adverse, priority, magnitude, page, provisional"


def findings(con: duckdb.DuckDBPyConnection, month: dt.date) -> list[tuple]:
    return con.execute(
        f"SELECT {COLUMNS} FROM marts.attention_monthly WHERE month = ?", [month]
    ).fetchall()


@pytest.fixture(scope="module")
def attention(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    con = run_attention(tmp_path_factory.mktemp("attention") / "w.duckdb", (M1, M2, M3))
    yield con
    con.close()


def approx_rows(actual: list[tuple], expected: list[tuple]) -> None:
    assert len(actual) == len(expected), actual
    for row, want in zip(actual, expected, strict=True):
        assert row == tuple(pytest.approx(w) if isinstance(w, float) else w for w in want)


def test_targets_are_published_from_the_file_and_the_defaults(attention):
    assert attention.execute("SELECT metric, target FROM marts.targets ORDER BY 1").fetchall() == [
        ("coverage_rate", 0.85),  # from targets.toml
        ("resolution_rate_7d", 0.95),
        ("standard_rate", 0.80),
    ]


def test_march_findings(attention):
    approx_rows(
        findings(attention, M3),
        [
            # the city. Missed targets, the larger shortfall first:
            # resolution_rate_7d 0.95 − 0.90 = 0.05 (100 eligible calls ≥ 20); coverage
            # 0.85 − 0.84 = 0.01; standard_rate 0.85 ≥ 0.80 meets its target
            (C, "missed_target", "resolution_rate_7d", 0.90, None, 0.95, None, None, None,
             True, 1, 0.05, "/hotline", True),
            (C, "missed_target", "coverage_rate", 0.84, None, 0.85, None, None, None,
             True, 1, 0.01, "/coverage", True),
            # adverse moves, in multiples of their threshold: resolution_rate_7d
            # 0.97 → 0.90 = 7 points / 5 = 1.4; enrolled 100 → 79 = 21 % / 20 % = 1.05;
            # standard_rate 0.90 → 0.85 = exactly 5 points: 1.0. Coverage moved 2 points,
            # unique_workers 4 %: not large.
            (C, "large_move", "resolution_rate_7d", 0.90, 0.97, None, None, None, None,
             True, 2, 1.4, "/hotline", True),
            (C, "large_move", "enrolled", 79.0, 100.0, None, None, None, None,
             True, 2, 1.05, "/membership", True),
            (C, "large_move", "standard_rate", 0.85, 0.90, None, None, None, None,
             True, 2, 1.0, "/stations", True),
            # backlog 10 → 15 → 24: rose twice, by (24 − 10) / 10 = 140 % ≥ 20 %, to ≥ 20
            (C, "backlog_growing", "backlog", 24.0, 10.0, None, None, None, None,
             True, 3, 1.4, "/hotline", True),
            # ST1 (40), ST2 (30) and ST5 (50, placed nowhere) went quiet; ST3 had 29, ST4
            # closed. The busiest of them: 五号站.
            (C, "station_gone_quiet", "active_stations", 3.0, 120.0, None, None, None,
             "五号站", True, 5, 3.0, "/stations", True),
            # visits 1000 → 1300 = +30 % / 20 % = 1.5: a favourable move, last
            (C, "large_move", "visits", 1300.0, 1000.0, None, None, None, None,
             False, 6, 1.5, "/demand", True),
            # 甲区: coverage 0.60 misses 0.85 by 0.25; visits 200 → 150 = −25 % / 20 %;
            # among the districts' coverage 0.60, 0.75, 0.80 (median 0.75) it is third of
            # three and 0.15 below: 1.5 × 10 points; ST1 and ST2 went quiet (40 + 30)
            (D1, "missed_target", "coverage_rate", 0.60, None, 0.85, None, None, None,
             True, 1, 0.25, "/coverage", True),
            (D1, "large_move", "visits", 150.0, 200.0, None, None, None, None,
             True, 2, 1.25, "/demand", True),
            (D1, "lagging_peer", "coverage_rate", 0.60, None, 0.75, 3, 3, None,
             True, 4, 1.5, "/coverage", True),
            (D1, "station_gone_quiet", "active_stations", 2.0, 70.0, None, None, None,
             "一号站", True, 5, 2.0, "/stations", True),
            # 一街道: the same two stations; its rates have no target problem
            (S11, "station_gone_quiet", "active_stations", 2.0, 70.0, None, None, None,
             "一号站", True, 5, 2.0, "/stations", True),
            # 二街道: coverage 0.30 misses by 0.55; with one peer it is not compared
            (S12, "missed_target", "coverage_rate", 0.30, None, 0.85, None, None, None,
             True, 1, 0.55, "/coverage", True),
            # 乙区: standard_rate 0.70 misses 0.80 by 0.10, coverage 0.80 misses by 0.05;
            # standard rates 0.70, 0.80, 0.90: median 0.80, exactly 10 points below;
            # its resolution_rate_7d 0.50 has 10 eligible calls (< 20): no finding
            (D2, "missed_target", "standard_rate", 0.70, None, 0.80, None, None, None,
             True, 1, 0.10, "/stations", True),
            (D2, "missed_target", "coverage_rate", 0.80, None, 0.85, None, None, None,
             True, 1, 0.05, "/coverage", True),
            (D2, "lagging_peer", "standard_rate", 0.70, None, 0.80, 3, 3, None,
             True, 4, 1.0, "/stations", True),
            # 丙区: coverage 0.75 misses by 0.10; visits 99 → 200 started below 100
            (D3, "missed_target", "coverage_rate", 0.75, None, 0.85, None, None, None,
             True, 1, 0.10, "/coverage", True),
        ],
    )  # fmt: skip


def test_the_first_month_has_no_moves_and_communities_no_findings(attention):
    kinds = attention.execute(
        "SELECT DISTINCT kind FROM marts.attention_monthly WHERE month = ? ORDER BY 1", [M1]
    ).fetchall()
    # without a month before, only targets and peers: no move, no backlog, no quiet station
    assert kinds == [("lagging_peer",), ("missed_target",)]
    levels = attention.execute(
        "SELECT DISTINCT scope_level FROM marts.attention_monthly ORDER BY 1"
    ).fetchall()
    assert levels == [("city",), ("district",), ("subdistrict",)]


def test_a_months_findings_do_not_depend_on_later_months(attention, tmp_path):
    """February's findings are the same whether March has been loaded or not."""
    alone = run_attention(tmp_path / "w.duckdb", (M1, M2))
    assert findings(alone, M2) == findings(attention, M2)
    assert findings(alone, M2), "February has findings to compare"
    alone.close()
