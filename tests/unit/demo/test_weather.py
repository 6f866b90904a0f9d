"""The demo's weather: Beijing's climate, deterministic, written as the contract says,
ingested exactly as the manifest records, and the rule usage follows."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from pipelines.demo import generate, usage, weather
from pipelines.settings import get_settings
from tests.fixtures.lakehouse import ACCOUNTING, build


@pytest.fixture(scope="module")
def daily() -> pl.DataFrame:
    return weather.daily_weather(5)


def test_same_seed_same_weather_other_seed_other(daily: pl.DataFrame) -> None:
    assert weather.daily_weather(5).equals(daily)
    assert not weather.daily_weather(6).equals(daily)
    # 24 months (2024-11-01 … 2026-10-31: 730 days) × 16 districts, one row each
    assert daily.height == 730 * 16
    assert daily.select("date", "district").is_unique().all()


def test_climate_is_beijings(daily: pl.DataFrame) -> None:
    monthly = (
        daily.with_columns(m=pl.col("date").dt.month())
        .group_by("m")
        .agg(
            tmax=pl.col("temp_max").mean(),
            tmin=pl.col("temp_min").mean(),
            rain=pl.col("precipitation_mm").sum() / 2 / 16,  # two years, 16 districts
        )
        .sort("m")
    )
    # the city's mean anomaly is about zero: each month within 2.5 ℃ of the normal
    assert np.abs(monthly["tmax"].to_numpy() - weather.TEMP_MAX).max() < 2.5
    assert np.abs(monthly["tmin"].to_numpy() - weather.TEMP_MIN).max() < 2.5
    summer = monthly.filter(pl.col("m").is_in([6, 7, 8]))["rain"].sum()
    assert summer / monthly["rain"].sum() > 0.6  # the monsoon: most rain in June–August
    assert (daily["temp_min"] <= daily["temp_max"]).all()
    assert (daily["precipitation_mm"] >= 0).all()
    by_district = daily.group_by("district").agg(pl.col("temp_max").mean())
    mean = dict(by_district.iter_rows())
    assert mean["延庆区"] < mean["东城区"] - 3  # the mountains are cooler
    # summers have hot days and heat warnings, winters cold days
    july = daily.filter(pl.col("date").dt.month() == 7)
    assert (july["temp_max"] >= 35).sum() > 0
    assert (july["warning_type"] == "heat").sum() > 0
    assert (daily.filter(pl.col("date").dt.month() == 1)["temp_max"] < 0).sum() > 0


def test_usage_response_rule() -> None:
    days = pl.DataFrame(
        {
            "date": [date(2025, 7, 1), date(2025, 1, 5), date(2025, 4, 2), date(2025, 7, 2)],
            "district": ["房山区"] * 4,
            "temp_max": [38.0, -2.0, 20.0, 36.0],
            "precipitation_mm": [12.0, 0.0, 0.1, 0.0],
        }
    )
    factors = weather.usage_response(days)["factor"].to_list()
    assert factors == pytest.approx(
        [
            1 + 0.03 * 8 + 0.10 + 0.12,  # 38 ℃: 8 degrees over 30, over 37; 12 mm of rain
            1 + 0.03 * 5,  # −2 ℃: 5 degrees under 3
            1 + 0.04,  # a rainy day under 10 mm
            1 + 0.03 * 6,  # 36 ℃: not yet 37
        ]
    )


def test_usage_follows_its_districts_weather() -> None:
    stations = pl.DataFrame(
        {
            "opened_on": [date(2020, 1, 1)] * 2,
            "closed_on": pl.Series([None, None], dtype=pl.Date),
            "district": ["房山区", "延庆区"],
        }
    )
    response = pl.DataFrame(
        {"date": [date(2025, 7, 1), date(2025, 7, 2)], "district": ["房山区"] * 2,
         "factor": [1.5, 2.0]}
    )  # fmt: skip
    _, plain = usage.station_days(stations, date(2025, 7, 1))
    _, weathered = usage.station_days(stations, date(2025, 7, 1), response)
    # 房山区's first two days are scaled by their factors; 延庆区 has no weather: unchanged
    assert weathered[0, :2] == pytest.approx(plain[0, :2] * [1.5, 2.0])
    assert weathered[0, 2:] == pytest.approx(plain[0, 2:])
    assert weathered[1] == pytest.approx(plain[1])


def test_small_demo_weather_ingests_as_recorded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WSI_PSEUDONYM_KEY", "test-key")
    settings = get_settings()
    manifest = generate("small", 2, settings.landing_dir)
    files = {k: v for k, v in manifest["files"].items() if v["source"] == "weather"}
    # 房山区 only, August–October 2026: 31 + 30 + 31 = 92 days in two quarterly files
    assert sorted(files) == ["weather/weather_2026Q3.csv", "weather/weather_2026Q4.csv"]
    good = sum(e["rows"] - sum(e["bad_rows"].values()) for e in files.values())
    assert good == 92
    con = build(settings, ACCOUNTING | {"stg_weather"})
    for path, entry in files.items():
        bad = sum(entry["bad_rows"].values())
        assert con.execute(
            "SELECT rows_read, rows_loaded, rows_quarantined FROM marts.ingest_files "
            "WHERE path = ?",
            [path],
        ).fetchone() == (entry["rows"], entry["rows"] - bad, bad)
        reasons = Counter(
            dict(
                con.execute(
                    "SELECT reason, count(*) FROM marts.quarantine WHERE path = ? GROUP BY 1",
                    [path],
                ).fetchall()
            )
        )
        assert reasons == Counter(entry["bad_rows"])
    assert con.execute(
        "SELECT count(DISTINCT date), min(district_code), max(district_code) "
        "FROM staging.stg_weather"
    ).fetchone() == (92, "110111000000", "110111000000")
