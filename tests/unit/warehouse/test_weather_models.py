"""The weather models on a hand-built week: stg_weather keeps one row per district-day
with its code, weather_monthly counts the days over each threshold. The shared fixture
warehouse has no weather at all, which is the other half of "optional"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from pipelines.lake import Lake
from pipelines.refresh import refresh
from pipelines.settings import Settings
from tests.fixtures.lakehouse import write_rows
from tests.unit.warehouse.conftest import COMMUNITIES, DONGCHENG, XICHENG

WEATHER_MODELS = ("stg_communities", "stg_weather", "weather_monthly")


def _weather(day: str, district_code: str, tmax, tmin, rain, warning=None, kind=None) -> dict:
    return dict(
        date=dt.date.fromisoformat(day),
        district="东城区" if district_code == DONGCHENG else "西城区",
        district_code=district_code,
        temp_max=tmax,
        temp_min=tmin,
        precipitation_mm=rain,
        warning=warning,
        warning_type=kind,
    )


@pytest.fixture()
def lake(tmp_path: Path) -> Lake:
    lake = Lake(Settings(data_dir=tmp_path).lake_dir)
    keys = ("community_code", "community_name", "subdistrict", "district", "lat", "lon",
            "residents", "outdoor_workers")  # fmt: skip
    write_rows(lake, "communities", "communities/c.csv",
               [dict(zip(keys, c, strict=True)) for c in COMMUNITIES])  # fmt: skip
    return lake


def _run(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    settings = Settings(data_dir=tmp_path)
    refresh(settings, only=set(WEATHER_MODELS))
    return duckdb.connect(str(settings.warehouse_path))


def test_no_weather_gives_empty_tables(lake: Lake, tmp_path: Path) -> None:
    con = _run(tmp_path)
    assert con.execute("SELECT count(*) FROM marts.weather_monthly").fetchall()[0] == (0,)


def test_monthly_counts(lake: Lake, tmp_path: Path) -> None:
    write_rows(
        lake,
        "weather",
        "weather/2024.csv",
        [
            _weather("2024-07-01", DONGCHENG, 34.9, 24.0, 0.0),
            _weather("2024-07-02", DONGCHENG, 35.0, 25.0, 9.9, "yellow", "heat"),
            _weather("2024-07-03", DONGCHENG, 37.0, 26.0, 10.0, "orange", "heat"),
            _weather("2024-07-04", DONGCHENG, 30.0, 22.0, None, "none"),
            _weather("2024-01-15", XICHENG, -0.5, -9.0, 0.0, "blue", "cold"),
            _weather("2024-01-16", XICHENG, 0.0, -8.0, 0.0),
        ],
    )
    # a row of an earlier export the later one superseded counts nowhere
    write_rows(
        lake,
        "weather",
        "weather/old.csv",
        [_weather("2024-07-01", DONGCHENG, 40.0, None, None)],
        mtime=dt.datetime(2024, 1, 1),
    )
    con = _run(tmp_path)
    assert con.execute(
        "SELECT count(*), count(DISTINCT (date, district_code)) FROM staging.stg_weather"
    ).fetchall()[0] == (6, 6)
    rows = con.execute(
        """SELECT month::VARCHAR, district_code, district_name, days_in_month, days_observed,
                  round(temp_max_mean, 4), precipitation_mm, hot_days, very_hot_days,
                  cold_days, rainy_days, warning_days
           FROM marts.weather_monthly ORDER BY month"""
    ).fetchall()
    assert rows == [
        # 2 days; mean max (−0.5 + 0) / 2 = −0.25; −0.5 < 0 is a cold day, 0.0 is not;
        # one blue cold-wave warning
        ("2024-01-01", XICHENG, "西城区", 31, 2, -0.25, 0.0, 0, 0, 1, 0, 1),
        # 4 days; mean max (34.9 + 35 + 37 + 30) / 4 = 34.225; rain 0 + 9.9 + 10 (NULL
        # skipped) = 19.9; hot: 35.0 and 37.0; very hot: 37.0; rainy (≥ 10 mm): 10.0 only;
        # warnings: yellow and orange ('none' is not a warning)
        ("2024-07-01", DONGCHENG, "东城区", 31, 4, 34.225, 19.9, 2, 1, 0, 1, 2),
    ]
