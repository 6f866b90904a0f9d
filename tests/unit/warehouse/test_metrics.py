"""Every metric of metrics.md on the hand-built fixture (conftest.py), worked out by hand.

Months: records fall in January and February 2024, so the spine is those two months
(31 and 29 days: 2024 is a leap year).
Active stations: January {S1 (opened 01-10), S3 (closed 01-31, its last day)};
February {S1, S2 (opened 02-01)}; S4 opens in March.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import duckdb
import pytest

from .conftest import C1, C2, C3, CITY, DESHENG, DONGCHENG, DONGHUAMEN, XICHENG

JAN, FEB = dt.date(2024, 1, 1), dt.date(2024, 2, 1)
KPI_COLUMNS = (
    "active_stations, standard_stations, accepted_stations, standard_rate, visits, "
    "unique_workers, visits_per_station_day, calls, resolved, resolution_rate, "
    "eligible_calls_7d, resolved_7d, resolution_rate_7d, provisional, "
    "median_resolution_hours, avg_satisfaction, backlog, drives, reached, enrolled, "
    "enrollment_rate, outdoor_workers, covered_workers, coverage_rate, "
    "standard_coverage_rate, communities, covered_communities"
)


def kpi(con, month: dt.date, code: str) -> dict:
    cur = con.execute(
        f"SELECT {KPI_COLUMNS} FROM marts.kpi_monthly WHERE month = ? AND scope_code = ?",
        [month, code],
    )
    rows = cur.fetchall()
    assert len(rows) == 1
    return dict(zip([c[0] for c in cur.description], rows[0], strict=True))


def check(actual: dict, expected: dict) -> None:
    for key, value in expected.items():
        if isinstance(value, float):
            assert actual[key] == pytest.approx(value, rel=1e-12), key
        else:
            assert actual[key] == value, key


def test_month_spine_and_scopes(warehouse):
    assert warehouse.execute(
        "SELECT month, days FROM staging.stg_months ORDER BY month"
    ).fetchall() == [
        (JAN, 31),
        (FEB, 29),
    ]
    scopes = warehouse.execute(
        "SELECT scope_level, scope_code, scope_name, parent_code FROM marts.scopes"
    ).fetchall()
    assert scopes == [
        ("city", CITY, "北京市", None),
        ("district", DONGCHENG, "东城区", CITY),
        ("subdistrict", DONGHUAMEN, "东华门街道", DONGCHENG),
        ("community", C1, "甲社区", DONGHUAMEN),
        ("community", C2, "乙社区", DONGHUAMEN),
        ("district", XICHENG, "西城区", CITY),
        ("subdistrict", DESHENG, "德胜街道", XICHENG),
        ("community", C3, "丙村", DESHENG),
    ]
    # every scope in every month: (1 city + 2 districts + 2 subdistricts + 3 communities) × 2
    assert warehouse.execute("SELECT count(*) FROM marts.kpi_monthly").fetchall() == [(16,)]


def test_kpi_city_january(warehouse):
    check(
        kpi(warehouse, JAN, CITY),
        {
            # S1 and S3 active, both with all seven; only S3 accepted by 01-31 (S1 on 02-15)
            "active_stations": 2, "standard_stations": 2, "accepted_stations": 1,
            "standard_rate": 1.0,
            # S1: 1 + 1 + 1 + tally 5 = 8; S3: 1 + 2 = 3
            "visits": 11,
            # W1 (at S1 and S3), W2, W3; the tally has no worker
            "unique_workers": 3,
            "visits_per_station_day": 11 / (2 * 31),
            # h1..h6; resolved h1 (2 h), h2 (24 h), h4 (312 h), h6 (2 h)
            "calls": 6, "resolved": 4, "resolution_rate": 4 / 6,
            "median_resolution_hours": (2 + 24) / 2,  # sorted 2, 2, 24, 312
            "avg_satisfaction": (5 + 3 + 4 + 1) / 4,  # h1, h2, h4, h5 have one
            # open at 01-31 24:00: h3 (in progress), h4 (resolved 02-02), h5 (referred),
            # h6 (resolved 02-01 01:00)
            "backlog": 4,
            "drives": 2, "reached": 100 + 50, "enrolled": 30 + 10,
            "enrollment_rate": 40 / 150,
            # C1 (S1 at 556 m), C2 (S1 at 556 m), C3 (S3 at 667 m): all covered
            "outdoor_workers": 1700, "covered_workers": 1700, "coverage_rate": 1.0,
            "standard_coverage_rate": 1.0, "communities": 3, "covered_communities": 3,
        },
    )  # fmt: skip


def test_kpi_city_february(warehouse):
    check(
        kpi(warehouse, FEB, CITY),
        {
            # S1 (standard, accepted 02-15) and S2 (missing toilet and water, not accepted)
            "active_stations": 2, "standard_stations": 1, "accepted_stations": 1,
            "standard_rate": 0.5,
            # S1: 1 + 1 = 2; S2: 1 + 1 + tally 10 = 12; S3 (closed, still counts): 1
            "visits": 15,
            "unique_workers": 4,  # W1, W2, W3, W4
            "visits_per_station_day": 15 / (2 * 29),
            # h7..h12; resolved h7 (6 h), h8 (48 h), h9 (2 h), h12 (12 h)
            "calls": 6, "resolved": 4, "resolution_rate": 4 / 6,
            "median_resolution_hours": (6 + 12) / 2,  # sorted 2, 6, 12, 48
            "avg_satisfaction": (5 + 2 + 4 + 5) / 4,  # h7, h8, h11, h12
            # open at 02-29 24:00: h3, h5, h10, h11 (never resolved), h12 (resolved 03-01)
            "backlog": 5,
            # d3, d4, d5 (the repeated d1 is quarantined)
            "drives": 3, "reached": 80 + 40 + 60, "enrolled": 20 + 0 + 6,
            "enrollment_rate": 26 / 180,
            # C3: S3 closed, S4 not open, S2 is 0.03° away → uncovered (200 workers)
            "outdoor_workers": 1700, "covered_workers": 1500, "coverage_rate": 1500 / 1700,
            "standard_coverage_rate": 1500 / 1700,  # C1, C2 by S1, which meets the standard
            "communities": 3, "covered_communities": 2,
        },
    )  # fmt: skip


def test_kpi_districts(warehouse):
    check(
        kpi(warehouse, JAN, DONGCHENG),
        {
            "active_stations": 1, "standard_stations": 1, "accepted_stations": 0,
            "visits": 8, "unique_workers": 2,  # W1, W2 at S1
            "visits_per_station_day": 8 / 31,
            # h1, h2 (C1), h3, h6 (C2)
            "calls": 4, "resolved": 3, "resolution_rate": 0.75,
            "median_resolution_hours": 2.0,  # 2, 2, 24
            "avg_satisfaction": 4.0,  # (5 + 3) / 2
            "backlog": 2,  # h3, h6
            "drives": 1, "reached": 100, "enrolled": 30, "enrollment_rate": 0.3,  # d1
            "outdoor_workers": 1500, "covered_workers": 1500,
        },
    )  # fmt: skip
    check(
        kpi(warehouse, JAN, XICHENG),
        {
            "active_stations": 1, "visits": 3,
            "unique_workers": 2,  # W3, W1: the districts' 2 + 2 is not the city's 3
            "calls": 1, "resolved": 1, "median_resolution_hours": 312.0, "backlog": 1,
            # d2 written "西城" / "德胜" without suffixes: placed in 德胜街道
            "drives": 1, "reached": 50, "enrolled": 10, "enrollment_rate": 0.2,
        },
    )  # fmt: skip
    check(
        kpi(warehouse, FEB, DONGCHENG),
        {
            "active_stations": 2, "standard_stations": 1, "standard_rate": 0.5,
            "visits": 14, "unique_workers": 3,  # W1, W4 at S1, W2 at S2
            "visits_per_station_day": 14 / (2 * 29),
            # h7, h10 (C1), h11 (C2); only h7 resolved (6 h)
            "calls": 3, "resolved": 1, "resolution_rate": 1 / 3,
            "median_resolution_hours": 6.0, "avg_satisfaction": 4.5,  # (5 + 4) / 2
            "backlog": 3,  # h3, h10, h11
            # d3 (placed by its code in C2, although its text says 西城区) and d4 (district)
            "drives": 2, "reached": 120, "enrolled": 20, "enrollment_rate": 20 / 120,
        },
    )  # fmt: skip
    check(
        kpi(warehouse, FEB, XICHENG),
        {
            "active_stations": 0, "standard_rate": None, "visits": 1,
            "visits_per_station_day": None,  # no active station: a ratio over nothing
            "calls": 2, "resolved": 2, "median_resolution_hours": 30.0,  # (48 + 12) / 2
            "avg_satisfaction": 3.5, "backlog": 1,  # h12
            "drives": 0, "reached": 0, "enrolled": 0, "enrollment_rate": None,
            "outdoor_workers": 200, "covered_workers": 0, "coverage_rate": 0.0,
        },
    )  # fmt: skip


def test_hotline_seven_day_figures(warehouse):
    # as_of = the latest received_at = h12, 2024-02-29 20:00; eligible_until = as_of − 7 days
    # = 2024-02-22 20:00. January's last day + 7 days = 02-07 00:00 <= as_of: settled;
    # February's 02-29 + 7 days = 03-07 00:00 > as_of: provisional.
    # January is past the cut-off, all its calls eligible: no cut-off kept for it
    assert warehouse.execute(
        "SELECT month, eligible_until, provisional FROM staging.stg_hotline_cutoff ORDER BY month"
    ).fetchall() == [
        (JAN, None, False),
        (FEB, dt.datetime(2024, 2, 22, 20), True),
    ]
    expected = {
        # January: all six calls eligible; within 168 h: h1 (2 h), h2 (24 h), h6 (2 h);
        # h4 took 312 h, h3 and h5 are not resolved
        (JAN, CITY): (6, 3, 3 / 6, False),
        (JAN, DONGCHENG): (4, 3, 3 / 4, False),  # h1, h2, h3, h6
        (JAN, XICHENG): (1, 0, 0.0, False),  # h4 only, 312 h
        (JAN, C2): (2, 1, 1 / 2, False),  # h3 open, h6 2 h
        # February: h7 (02-01), h8 (02-10), h9 (02-15), h10 (02-20) are eligible; h11
        # (02-28) and h12 (02-29) are not. Within 168 h: h7 6 h, h8 48 h, h9 2 h.
        (FEB, CITY): (4, 3, 3 / 4, True),
        (FEB, DONGCHENG): (2, 1, 1 / 2, True),  # h7 resolved, h10 open; h11 too recent
        (FEB, XICHENG): (1, 1, 1.0, True),  # h8; h12 too recent
        (FEB, C2): (0, 0, None, True),  # h11 only, too recent: no eligible call
    }
    for (month, code), (eligible, resolved, rate, provisional) in expected.items():
        row = kpi(warehouse, month, code)
        assert row["eligible_calls_7d"] == eligible, (month, code)
        assert row["resolved_7d"] == resolved, (month, code)
        assert row["resolution_rate_7d"] == (rate if rate is None else pytest.approx(rate))
        assert row["provisional"] is provisional
    # by category, February, the city: legal h10 (open) eligible, h12 not; join_union h7;
    # psychological h8; other h9; found_union h11 not eligible
    rows = warehouse.execute(
        """
        SELECT category, calls, eligible_calls_7d, resolved_7d, resolution_rate_7d, provisional
        FROM marts.hotline_monthly WHERE month = ? AND scope_code = ? ORDER BY category
        """,
        [FEB, CITY],
    ).fetchall()
    assert rows == [
        ("found_union", 1, 0, 0, None, True),
        ("join_union", 1, 1, 1, 1.0, True),
        ("legal", 2, 1, 0, 0.0, True),
        ("other", 1, 1, 1, 1.0, True),
        ("psychological", 1, 1, 1, 1.0, True),
    ]


def test_seven_day_boundaries_are_inclusive(tmp_path):
    """A call received exactly as_of − 7 days is eligible; resolved after exactly 168
    hours it counts as resolved within 7 days; a second later it is neither."""
    from pipelines.lake import Lake
    from pipelines.refresh import refresh
    from tests.fixtures.lakehouse import write_rows

    from .conftest import load_fixture, pseudonym, ts

    settings = load_fixture(tmp_path)
    extra = [
        # as_of stays h12's 02-29 20:00, so eligible_until is 02-22 20:00
        ("b1", "2024-02-22 20:00:00", "2024-02-29 20:00:00"),  # 168 h exactly
        ("b2", "2024-02-22 20:00:00", "2024-02-29 20:00:01"),  # 1 s late
        ("b3", "2024-02-22 20:00:01", "2024-02-22 21:00:00"),  # 1 s too recent
    ]
    write_rows(Lake(settings.lake_dir), "hotline", "hotline/boundaries.csv", [
        dict(call_id=i, received_at=ts(r), category="legal", community=C3, status="resolved",
             resolved_at=ts(done), channel="phone", caller_phone=pseudonym(i))
        for i, r, done in extra
    ])  # fmt: skip
    refresh(settings, publish=False)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        row = con.execute(
            "SELECT calls, eligible_calls_7d, resolved_7d FROM marts.kpi_monthly "
            "WHERE month = ? AND scope_code = ?",
            [FEB, XICHENG],
        ).fetchall()
    # 西城区 in February: h8 (eligible, 48 h), h12 (too recent), b1 and b2 eligible, b3 not
    assert row == [(5, 3, 2)]  # resolved within 168 h: h8, b1


def test_a_later_call_rebuilds_only_the_months_it_settles(tmp_path):
    """A call in March moves the cut-off to 2024-03-20 − 7 days = 03-13: February's calls
    are all eligible now and the month settled (02-29 + 7 days <= 03-20), January's row
    does not change, so only February and March are rebuilt."""
    from pipelines.lake import Lake
    from pipelines.refresh import refresh
    from tests.fixtures.lakehouse import write_rows

    from .conftest import load_fixture, pseudonym, ts

    settings = load_fixture(tmp_path)
    refresh(settings, publish=False)
    write_rows(Lake(settings.lake_dir), "hotline", "hotline/march.csv", [
        dict(call_id="m1", received_at=ts("2024-03-20 10:00"), category="legal",
             community=C1, status="in_progress", channel="phone", caller_phone=pseudonym("m1"))
    ])  # fmt: skip
    report = refresh(settings, publish=False)
    assert report.rebuilt["kpi_monthly"] == "2024-02, 2024-03"
    with duckdb.connect(str(settings.warehouse_path)) as con:
        cutoff = con.execute(
            "SELECT month, eligible_until, provisional FROM staging.stg_hotline_cutoff "
            "ORDER BY month"
        ).fetchall()
        city = con.execute(
            "SELECT eligible_calls_7d, resolved_7d, provisional FROM marts.kpi_monthly "
            "WHERE month = ? AND scope_code = ?",
            [FEB, CITY],
        ).fetchall()
    assert cutoff == [
        (JAN, None, False),
        (FEB, None, False),
        (dt.date(2024, 3, 1), dt.datetime(2024, 3, 13, 10), True),
    ]
    # February: all six calls eligible; within 168 h h7 (6 h), h8 (48 h), h9 (2 h), h12 (12 h)
    assert city == [(6, 4, False)]


def test_unassigned_calls_and_drives_count_in_the_city_only(warehouse):
    # h5 (January) and h9 (February) have no community; d5 (朝阳区) is not in the reference
    rows = warehouse.execute(
        """
        SELECT month, scope_level, sum(calls), sum(backlog), sum(drives), sum(enrolled)
        FROM marts.kpi_monthly WHERE scope_level IN ('city', 'district')
        GROUP BY ALL ORDER BY ALL
        """
    ).fetchall()
    assert rows == [
        (JAN, "city", 6, 4, 2, 40),
        (JAN, "district", 5, 3, 2, 40),  # unassigned: 1 call, 1 open (h5)
        (FEB, "city", 6, 5, 3, 26),
        (FEB, "district", 5, 4, 2, 20),  # unassigned: h9, h5 still open, d5 (6 enrolled)
    ]


def test_kpi_subdistricts_and_communities(warehouse):
    # d4 names a subdistrict that does not exist: it counts in 东城区 but not 东华门街道
    check(kpi(warehouse, FEB, DONGHUAMEN), {"drives": 1, "reached": 80, "enrolled": 20})
    check(kpi(warehouse, JAN, DESHENG), {"drives": 1, "enrolled": 10, "visits": 3})
    check(
        kpi(warehouse, JAN, C1),
        {
            "active_stations": 1, "visits": 8, "unique_workers": 2,
            "visits_per_station_day": 8 / 31,
            "calls": 2, "resolved": 2, "resolution_rate": 1.0,
            "median_resolution_hours": 13.0,  # (2 + 24) / 2
            "avg_satisfaction": 4.0, "backlog": 0,
            "drives": 1, "reached": 100, "enrolled": 30,
            "outdoor_workers": 1000, "covered_workers": 1000, "coverage_rate": 1.0,
            "communities": 1, "covered_communities": 1,
        },
    )  # fmt: skip
    check(
        kpi(warehouse, JAN, C2),
        {
            # no station of its own: counts 0, ratios NULL
            "active_stations": 0, "standard_rate": None, "visits": 0, "unique_workers": 0,
            "visits_per_station_day": None,
            "calls": 2, "resolved": 1, "resolution_rate": 0.5,  # h3, h6
            "median_resolution_hours": 2.0,
            "avg_satisfaction": None,  # neither h3 nor h6 has one
            "backlog": 2,
            "drives": 0, "enrollment_rate": None,
            # covered by S1 of C1 (556 m)
            "covered_workers": 500, "coverage_rate": 1.0,
        },
    )  # fmt: skip
    check(
        kpi(warehouse, FEB, C2),
        {
            "active_stations": 1, "standard_stations": 0, "standard_rate": 0.0,
            "accepted_stations": 0, "visits": 12, "unique_workers": 1,
            "visits_per_station_day": 12 / 29,
            "calls": 1, "resolved": 0, "resolution_rate": 0.0,
            "median_resolution_hours": None, "avg_satisfaction": 4.0,
            "backlog": 2,  # h3 (January, still in progress) and h11
            "drives": 1, "reached": 80, "enrolled": 20, "enrollment_rate": 0.25,
        },
    )  # fmt: skip
    check(
        kpi(warehouse, FEB, C3),
        {
            "active_stations": 0, "visits": 1, "unique_workers": 1,
            "visits_per_station_day": None,
            "outdoor_workers": 200, "covered_workers": 0, "coverage_rate": 0.0,
            "standard_coverage_rate": 0.0, "covered_communities": 0,
        },
    )  # fmt: skip


def haversine(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def test_community_coverage(warehouse):
    rows = warehouse.execute(
        """
        SELECT month, community_code, nearest_station_id, nearest_station_m,
            stations_within_r, covered, standard_covered, uncovered_workers,
            visits, calls, enrolled, visits_per_1000_workers, calls_per_1000_workers,
            enrolled_per_1000_workers
        FROM marts.community_coverage ORDER BY month, community_code
        """
    ).fetchall()
    degree = 6_371_008.8 * math.pi / 180  # 111,195.08 m along a meridian
    expected = [
        # January. C1: S1 0.005° (556 m) ≤ 1,000; S2 not open yet.
        (JAN, C1, "S1", 0.005 * degree, 1, True, True, 0, 8, 2, 30, 8.0, 2.0, 30.0),
        # C2: S1 0.005° away (556 m)
        (JAN, C2, "S1", 0.005 * degree, 1, True, True, 0, 0, 2, 0, 0.0, 4.0, 0.0),
        # C3: S3 0.006° (667 m); 3 visits at S3, h4, d2 is placed in the subdistrict only
        (JAN, C3, "S3", 0.006 * degree, 1, True, True, 0, 3, 1, 0, 15.0, 5.0, 0.0),
        # February. C1: S1 556 m; S2 0.02° (2,224 m) is outside
        (FEB, C1, "S1", 0.005 * degree, 1, True, True, 0, 2, 2, 0, 2.0, 2.0, 0.0),
        # C2: S1 556 m within, S2 0.01° = 1,111.95 m > 1,000 outside
        (FEB, C2, "S1", 0.005 * degree, 1, True, True, 0, 12, 1, 20, 24.0, 2.0, 40.0),
        # C3: S3 closed; the nearest active station is S2 (Δlat 0.03° vs S1's 0.045°)
        (FEB, C3, "S2", haversine(39.95, 116.35, 39.92, 116.40), 0, False, False, 200,
         1, 2, 0, 5.0, 10.0, 0.0),
    ]  # fmt: skip
    assert len(rows) == len(expected)
    for row, want in zip(rows, expected, strict=True):
        assert row[:3] == want[:3]
        assert row[3] == pytest.approx(want[3], abs=1e-6)
        assert row[4:] == want[4:]
    assert rows[5][3] > 1000


def test_station_monthly(warehouse):
    rows = warehouse.execute(
        """
        SELECT month, station_id, subdistrict_code, active, meets_standard, accepted, seats,
            visits, visits_per_seat_day, unique_workers
        FROM marts.station_monthly ORDER BY month, station_id
        """
    ).fetchall()
    assert rows == [
        (JAN, "S1", DONGHUAMEN, True, True, False, 10, 8, 8 / (10 * 31), 2),
        (JAN, "S2", DONGHUAMEN, False, False, False, None, 0, None, 0),  # seats unknown
        (JAN, "S3", DESHENG, True, True, True, 5, 3, 3 / (5 * 31), 2),
        (JAN, "S4", DESHENG, False, False, False, 8, 0, 0.0, 0),
        (FEB, "S1", DONGHUAMEN, True, True, True, 10, 2, 2 / (10 * 29), 2),
        (FEB, "S2", DONGHUAMEN, True, False, False, None, 12, None, 1),
        (FEB, "S3", DESHENG, False, True, False, 5, 1, 1 / (5 * 29), 1),
        (FEB, "S4", DESHENG, False, False, False, 8, 0, 0.0, 0),
    ]
    missing = warehouse.execute(
        "SELECT station_id, missing_amenities FROM marts.stations ORDER BY 1"
    ).fetchall()
    assert missing == [("S1", 0), ("S2", 2), ("S3", 0), ("S4", 6)]


def test_service_and_worker_mix(warehouse):
    def mix(table: str, column: str, code: str) -> list:
        return warehouse.execute(
            f"SELECT month, {column}, visits FROM marts.{table} WHERE scope_code = ? "
            f"ORDER BY month, {column} NULLS LAST",
            [code],
        ).fetchall()

    assert mix("service_mix_monthly", "service", CITY) == [
        (JAN, "charging", 1),
        (JAN, "rest", 3),  # 1 + 2
        (JAN, "water", 7),  # 1 + tally 5 + 1
        (FEB, "meal_heating", 2),
        (FEB, "rest", 10),
        (FEB, "toilet", 1),
        (FEB, "water", 2),
    ]
    assert mix("service_mix_monthly", "service", C3) == [
        (JAN, "rest", 2),
        (JAN, "water", 1),
        (FEB, "water", 1),
    ]
    assert mix("worker_mix_monthly", "worker_type", XICHENG) == [
        (JAN, "sanitation", 3),
        (FEB, "sanitation", 1),
    ]
    assert mix("worker_mix_monthly", "worker_type", CITY)[:4] == [
        (JAN, "courier", 1),
        (JAN, "food_delivery", 2),
        (JAN, "sanitation", 3),
        (JAN, None, 5),  # the tally has no worker type
    ]


def test_usage_hour_weekday_leaves_tallies_out(warehouse):
    rows = warehouse.execute(
        """
        SELECT weekday, hour, visits FROM marts.usage_hour_weekday
        WHERE month = ? AND scope_level = 'city' ORDER BY weekday, hour
        """,
        [JAN],
    ).fetchall()
    # 2024-01-15 and 01-22 are Mondays (1), 01-16 a Tuesday (2); the 01-20 tally has no hour
    assert rows == [(1, 8, 1), (1, 9, 1), (1, 14, 1), (1, 15, 2), (2, 12, 1)]
    levels = warehouse.execute(
        "SELECT DISTINCT scope_level FROM marts.usage_hour_weekday ORDER BY 1"
    ).fetchall()
    assert levels == [("city",), ("district",), ("subdistrict",)]


def test_hotline_by_category_and_routing(warehouse):
    rows = warehouse.execute(
        """
        SELECT category, calls, resolved, median_resolution_hours FROM marts.hotline_monthly
        WHERE month = ? AND scope_code = ? ORDER BY category
        """,
        [JAN, CITY],
    ).fetchall()
    assert rows == [
        ("assistance", 1, 0, None),  # h5, unmatched: city only
        ("join_union", 1, 1, 312.0),  # h4
        ("legal", 3, 3, 2.0),  # h1 2 h, h2 24 h, h6 2 h
        ("psychological", 1, 0, None),  # h3
    ]
    assert warehouse.execute(
        "SELECT count(*) FROM marts.hotline_monthly WHERE category = 'assistance' "
        "AND scope_level <> 'city'"
    ).fetchall() == [(0,)]
    routing = warehouse.execute(
        """
        SELECT routed_to, calls, resolved FROM marts.hotline_routing_monthly
        WHERE month = ? AND scope_code = ? ORDER BY routed_to NULLS LAST
        """,
        [FEB, C1],
    ).fetchall()
    assert routing == [("法律部", 1, 0), ("组织部", 1, 1)]  # h10, h7


def test_drives_by_platform(warehouse):
    rows = warehouse.execute(
        """
        SELECT scope_code, platform, drives, reached, enrolled FROM marts.drives_monthly
        WHERE month = ? ORDER BY scope_code, platform NULLS LAST
        """,
        [FEB],
    ).fetchall()
    assert rows == [
        (CITY, "jd", 1, 60, 6),  # d5: unplaced
        (CITY, "meituan", 1, 80, 20),  # d3
        (CITY, None, 1, 40, 0),  # d4
        (DONGCHENG, "meituan", 1, 80, 20),
        (DONGCHENG, None, 1, 40, 0),
        (DONGHUAMEN, "meituan", 1, 80, 20),
        (C2, "meituan", 1, 80, 20),
    ]


def test_data_quality_tables_publish_nothing_personal(warehouse):
    values = warehouse.execute(
        "SELECT raw_values FROM marts.quarantine ORDER BY path, row_number"
    ).fetchall()
    # the sixth drive repeats d1's id: quarantined with its values by column name
    repeated = dict(drive_id="d1", held_on="2024-02-23", district="东城区", subdistrict=None,
                    community_code=C1, venue=None, organizer=None, platform="meituan",
                    worker_type=None, reached="999", enrolled="99")  # fmt: skip
    assert json.loads(values[0][0]) == repeated
    assert values[1:] == [
        ('{"call_id":"h0","received_at":"soon"}',),
        ('{"驿站编号":"S9","人次":"1"}',),
        ('{"station_id":"S1","visits":"abc"}',),
    ]
    summary = warehouse.execute(
        "SELECT path, month, column_name, reason, rows FROM marts.quarantine_summary"
    ).fetchall()
    assert summary == [
        ("drives/fixture.csv", None, "drive_id", "duplicate_id", 1),  # two months: none
        ("hotline/export.csv", None, "received_at", "bad_date", 1),
        ("usage/2024-01.csv", JAN, "station_id", "unknown_station", 1),  # month from the name
        ("usage/2024-01.csv", JAN, "visits", "bad_number", 1),
    ]
    columns = {
        r[0]
        for r in warehouse.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts'"
        ).fetchall()
    }
    assert not columns & {"worker_ref", "caller_phone"}


def test_an_open_eligible_call_alone_counts_zero_resolved(warehouse):
    """January, the city, assistance: one call, eligible (January is settled) and still
    open. Its 7-day test is NULL (no resolution hours), and DuckDB's count_if of NULLs
    alone would be NULL: resolved_7d is 0 of 1 eligible, the rate 0 / 1 = 0.0."""
    rows = warehouse.execute(
        """
        SELECT calls, resolved, eligible_calls_7d, resolved_7d, resolution_rate_7d
        FROM marts.hotline_monthly
        WHERE month = DATE '2024-01-01' AND scope_code = '110000000000'
          AND category = 'assistance'
        """
    ).fetchall()
    assert rows == [(1, 0, 1, 0, 0.0)]
