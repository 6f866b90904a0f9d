"""A tiny hand-made world for the siting planner, written into DuckDB as the snapshot or the
warehouse holds it.

Five communities near Tiananmen (1 km ≈ 0.009° of latitude), one of them without
coordinates; three stations of which only ST1 is active in June 2024 (ST2 closed in
March, ST3 opens in July); four candidate sites. At R = 1 km:

- C1 (100 workers, uncovered) is covered by site CS001 (cost 10) only;
- C2 (50, uncovered) by CS002 (cost 8) only;
- C3 (30) is covered today by ST1, so CS003 (cost 1) covers nobody uncovered;
- C4 (20, uncovered, in 西城区) by CS004, whose cost is unknown: the median 8 stands in;
- C5 (999) has no coordinates and is left out.

C1, C2, C3 and C5 lie in 东华门街道 (110101001000), C4 in 西长安街街道 (110102001000).
"""

from __future__ import annotations

from datetime import date

import duckdb

COMMUNITIES = [
    # code, name, district_code, district, lat, lon, outdoor_workers
    ("110101001001", "一社区", "110101000000", "东城区", 39.900, 116.400, 100),
    ("110101001002", "二社区", "110101000000", "东城区", 39.900, 116.430, 50),
    ("110101001003", "三社区", "110101000000", "东城区", 39.930, 116.400, 30),
    ("110102001001", "四社区", "110102000000", "西城区", 39.930, 116.430, 20),
    ("110101001005", "五社区", "110101000000", "东城区", None, None, 999),
]
STATIONS = [
    # station_id, community_code, lat, lon, opened_on, closed_on
    ("ST1", "110101001003", 39.9301, 116.4001, date(2024, 1, 1), None),
    ("ST2", "110101001001", 39.9001, 116.4001, date(2023, 1, 1), date(2024, 3, 31)),
    ("ST3", "110101001002", 39.9001, 116.4301, date(2024, 7, 1), None),
]
CANDIDATES = [
    # site_id, site_name, lat, lon, community_code, district_code, est_cost
    ("CS001", "一号点", 39.9005, 116.4005, "110101001001", "110101000000", 10.0),
    ("CS002", "二号点", 39.9005, 116.4305, "110101001002", "110101000000", 8.0),
    ("CS003", "三号点", 39.9305, 116.4005, "110101001003", "110101000000", 1.0),
    ("CS004", "四号点", 39.9305, 116.4305, "110102001001", None, None),
]
MONTH = date(2024, 6, 1)
#: station × month as the warehouse publishes it (station_monthly): active when opened by
#: the month's last day and not closed before its first. May: ST1 (opened Jan) yes, ST2
#: (closed 31 Mar) no, ST3 (opens 1 Jul) no; June the same.
STATION_MONTHS = [
    (date(2024, 5, 1), "ST1", True),
    (date(2024, 5, 1), "ST2", False),
    (date(2024, 5, 1), "ST3", False),
    (MONTH, "ST1", True),
    (MONTH, "ST2", False),
    (MONTH, "ST3", False),
]


def write_world(con: duckdb.DuckDBPyConnection, schema: str = "main") -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(
        f"""CREATE TABLE {schema}.communities (community_code VARCHAR, community_name VARCHAR,
            subdistrict_code VARCHAR, subdistrict VARCHAR, district_code VARCHAR,
            district VARCHAR, lat DOUBLE, lon DOUBLE, residents BIGINT,
            outdoor_workers BIGINT)"""
    )
    subdistricts = {"110101001000": "东华门街道", "110102001000": "西长安街街道"}
    con.executemany(
        f"INSERT INTO {schema}.communities VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
        [
            (code, name, code[:9] + "000", subdistricts[code[:9] + "000"], *rest)
            for code, name, *rest in COMMUNITIES
        ],
    )
    con.execute(
        f"""CREATE TABLE {schema}.stations (station_id VARCHAR, station_name VARCHAR,
            community_code VARCHAR, lat DOUBLE, lon DOUBLE, opened_on DATE, closed_on DATE)"""
    )
    con.executemany(
        f"INSERT INTO {schema}.stations VALUES (?, 'x', ?, ?, ?, ?, ?)",
        STATIONS,
    )
    con.execute(
        f"""CREATE TABLE {schema}.station_monthly (month DATE, station_id VARCHAR,
            active BOOLEAN, meets_standard BOOLEAN)"""
    )
    con.executemany(f"INSERT INTO {schema}.station_monthly VALUES (?, ?, ?, false)", STATION_MONTHS)
    con.execute(
        f"""CREATE TABLE {schema}.candidate_sites (site_id VARCHAR, site_name VARCHAR,
            site_type VARCHAR, lat DOUBLE, lon DOUBLE, community_code VARCHAR,
            subdistrict_code VARCHAR, district_code VARCHAR, est_cost DOUBLE, seats INTEGER)"""
    )
    con.executemany(
        f"INSERT INTO {schema}.candidate_sites VALUES (?, ?, NULL, ?, ?, ?, NULL, ?, ?, NULL)",
        CANDIDATES,
    )
    con.execute(f"CREATE TABLE {schema}.community_coverage (month DATE, community_code VARCHAR)")
    con.execute(
        f"INSERT INTO {schema}.community_coverage VALUES (?, '110101001001'), (?, '110101001001')",
        [date(2024, 5, 1), MONTH],
    )
