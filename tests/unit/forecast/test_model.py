"""The pooled model, the weather it assumes and the bottom-up hierarchy, on hand-built
stations whose visits follow a known rule, so the right forecast is known exactly."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import polars as pl
import pytest

from pipelines.forecast import forecast_demand
from pipelines.forecast.model import fit_pooled
from pipelines.forecast.panel import add_months, build_panel, days_in, weather_shares

C1, C2 = "110101001001", "110102002001"
D1, D2, CITY = "110101000000", "110102000000", "110000000000"
FIRST = date(2023, 7, 1)
MONTHS = [add_months(FIRST, i) for i in range(24)]  # 2023-07 … 2025-06
#: visits per open day by calendar month (Jan … Dec): a made-up seasonal profile
SEASON = np.array([1.2, 0.8, 0.9, 1.0, 1.0, 1.1, 1.3, 1.3, 1.0, 0.95, 1.0, 1.15])


def _stations() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "station_id": ["S1", "S2", "S3", "S4"],
            "community_code": [C1, C1, C2, C2],
            "subdistrict_code": [C1[:9] + "000", C1[:9] + "000", C2[:9] + "000", C2[:9] + "000"],
            "district_code": [D1, D1, D2, D2],
            # S2 closes on 2024-10-31, S4 opens on 2024-09-15 (16 days open that month):
            # both before the backtest's first origin (2024-12)
            "opened_on": [date(2020, 1, 1)] * 3 + [date(2024, 9, 15)],
            "closed_on": [None, date(2024, 10, 31), None, None],
        }
    )


BASE = {"S1": 40_000.0, "S2": 25_000.0, "S3": 60_000.0, "S4": 10_000.0}


def _open_days(station: dict, month: date) -> int:
    first, last = month, month.replace(day=days_in(month))
    start = max(first, station["opened_on"])
    stop = min(last, station["closed_on"] or last)
    return max(0, (stop - start).days + 1)


def _visits(effect=lambda station, month: 1.0) -> pl.DataFrame:
    rows = []
    for station in _stations().iter_rows(named=True):
        for month in MONTHS:
            days = _open_days(station, month)
            per_day = BASE[station["station_id"]] * SEASON[month.month - 1]
            rows.append((month, station["station_id"], per_day * days * effect(station, month)))
    return pl.DataFrame(rows, schema=["month", "station_id", "visits"], orient="row")


def test_a_series_the_model_describes_is_forecast_exactly() -> None:
    result = forecast_demand(_visits(), _stations(), None, MONTHS[-1])
    forecast = result.demand_forecast
    # S1 in 2025-07 (h = 1): 40,000 a day × July's 1.3 × 31 days = 1,612,000
    s1 = forecast.filter(pl.col("scope_code") == "S1").sort("horizon")
    assert s1["month"].to_list() == [date(2025, 7, 1), date(2025, 8, 1), date(2025, 9, 1)]
    expected = [40_000 * 1.3 * 31, 40_000 * 1.3 * 31, 40_000 * 1.0 * 30]
    # (exact but for the 0.5 added to every count, so that a month of 0 visits has a log)
    assert s1["p50"].to_list() == pytest.approx(expected, rel=1e-5)
    # S2 closed: no forecast; S4 (opened mid-September 2024) forecast at its level
    assert forecast.filter(pl.col("scope_code") == "S2").is_empty()
    s4 = forecast.filter((pl.col("scope_code") == "S4") & (pl.col("horizon") == 1))
    assert s4["p50"].item() == pytest.approx(10_000 * 1.3 * 31, rel=1e-5)
    # no error anywhere in the backtest: the pooled model wins at every level. A scope
    # whose visits repeat the year before exactly (S1, S3 …) has no MASE (its scale is
    # 0); the city's changed (S2 closed, S4 opened) and its MASE is 0
    assert set(forecast["model"]) == {"pooled"}
    backtest = result.forecast_backtest
    assert backtest["mase"].drop_nulls().max() < 1e-5
    assert backtest.filter(pl.col("scope_level") == "city")["mase"].null_count() == 0


def test_stations_add_up_to_every_scope_above() -> None:
    noisy = _visits().with_columns(
        pl.col("visits") * (1 + 0.05 * np.sin(np.arange(24 * 4) * 1.7))
    )  # not a pattern the model knows: forecasts differ from the truth, sums must not
    forecast = forecast_demand(noisy, _stations(), None, MONTHS[-1]).demand_forecast
    parent = {"S1": C1, "S3": C2, "S4": C2, C1: D1, C2: D2, D1: CITY, D2: CITY}
    levels = [("station", "community"), ("community", "district"), ("district", "city")]
    for child, level in levels:
        for h in (1, 2, 3):
            rows = forecast.filter(pl.col("horizon") == h)
            above = dict(rows.filter(pl.col("scope_level") == level)
                         .select("scope_code", "p50").iter_rows())  # fmt: skip
            sums: dict[str, float] = {}
            for code, p50 in (
                rows.filter(pl.col("scope_level") == child).select("scope_code", "p50").iter_rows()
            ):
                sums[parent[code]] = sums.get(parent[code], 0.0) + p50
            assert sums == pytest.approx(above, rel=1e-12), (child, level, h)


def test_baselines_mase_on_a_straight_line() -> None:
    stations = _stations().filter(pl.col("station_id") == "S1")
    line = pl.DataFrame(
        {"month": MONTHS, "station_id": "S1", "visits": [1000.0 * (t + 1) for t in range(24)]}
    )
    result = forecast_demand(line, stations, None, MONTHS[-1])
    city = result.forecast_backtest.filter(pl.col("scope_level") == "city").sort("horizon")
    # scale: the first origin is month 17; |y_t − y_{t−12}| = 12,000 for t = 12 … 17
    # seasonal naive misses by 12,000 every time: MASE 1; last value by 1,000 × h
    assert city["mase_seasonal_naive"].to_list() == pytest.approx([1.0, 1.0, 1.0])
    assert city["mase_last_value"].to_list() == pytest.approx([1 / 12, 2 / 12, 3 / 12])
    # six origins (months 17 … 22) for h = 1, five for h = 2, four for h = 3
    assert city["origins"].to_list() == [6, 5, 4]
    # a trend without a season is not what the pooled model is for: the last value beats
    # it, so the city's published forecast is the last value (24,000), and says so
    assert (city["mase"] > city["mase_last_value"]).all()
    assert set(city["model"]) == {"last_value"}
    published = result.demand_forecast.filter(pl.col("scope_level") == "city")
    assert published["p50"].to_list() == [24_000.0] * 3
    assert set(published["model"]) == {"last_value"}


def _weather_rows(hot: dict[tuple[str, date], int]) -> pl.DataFrame:
    rows = []
    for month in MONTHS:
        for district in (D1, D2):
            rows.append((month, district, days_in(month), hot.get((district, month), 0)))
    frame = pl.DataFrame(
        rows, schema=["month", "district_code", "days_observed", "hot_days"], orient="row"
    )
    return frame.with_columns(very_hot_days=0, cold_days=0, rainy_days=0)


def test_weather_normal_and_forecast_export() -> None:
    hot = {(D1, date(2023, 7, 1)): 10, (D1, date(2024, 7, 1)): 4,
           (D1, date(2023, 8, 1)): 6, (D1, date(2024, 8, 1)): 2}  # fmt: skip
    weather = _weather_rows(hot)
    # a forecast export for 2025-07: 10 days given, 3 of them hot
    outlook = pl.DataFrame(
        {"month": [date(2025, 7, 1)], "district_code": [D1], "days_observed": [10],
         "hot_days": [3], "very_hot_days": [0], "cold_days": [0], "rainy_days": [0]}
    )  # fmt: skip
    both = pl.concat([weather, outlook], how="vertical_relaxed")
    panel = build_panel(_visits(), _stations(), both, MONTHS[-1])
    d1 = int(np.searchsorted(panel.districts, D1))
    july, august = 24, 25  # the first two forecast months
    live = weather_shares(panel, 23, future_known=True)
    # July: the 3 hot days given + the normal share (10 + 4) / 62 for the 21 days not given
    assert live[d1, july, 0] == pytest.approx((3 + 14 / 62 * 21) / 31)
    # August: no export, the normal (6 + 2) / 62
    assert live[d1, august, 0] == pytest.approx(8 / 62)
    # the backtest's view: what came after the origin is not known, July is the normal
    assert weather_shares(panel, 23, future_known=False)[d1, july, 0] == pytest.approx(14 / 62)
    # history stays as observed
    assert live[d1, 0, 0] == pytest.approx(10 / 31)


def test_weather_effect_is_recovered() -> None:
    rng = np.random.default_rng(0)
    hot = {(d, m): int(rng.integers(0, 15)) for d in (D1, D2) for m in MONTHS
           if m.month in (6, 7, 8)}  # fmt: skip
    district = {"S1": D1, "S2": D1, "S3": D2, "S4": D2}

    def effect(station: dict, month: date) -> float:
        share = hot.get((district[station["station_id"]], month), 0) / days_in(month)
        return math.exp(0.5 * share)

    panel = build_panel(_visits(effect), _stations(), _weather_rows(hot), MONTHS[-1])
    shares = weather_shares(panel, 23, future_known=True)[panel.station_district]
    fit = fit_pooled(panel, 23, shares)
    # visits × exp(0.5 × share of hot days): the hot-day coefficient is 0.5
    assert fit.beta[0] == pytest.approx(0.5, abs=1e-4)
    assert np.abs(fit.beta[1:]).max() < 1e-4


def test_a_closure_the_registry_dates_ahead_is_honoured() -> None:
    # S3 will close on 2025-08-10: July in full, 10 days of August, nothing in September
    stations = _stations().with_columns(
        closed_on=pl.when(pl.col("station_id") == "S3")
        .then(pl.lit(date(2025, 8, 10)))
        .otherwise(pl.col("closed_on"))
    )
    forecast = forecast_demand(_visits(), stations, None, MONTHS[-1]).demand_forecast
    s3 = forecast.filter(pl.col("scope_code") == "S3").sort("horizon")["p50"].to_list()
    # 60,000 a day × 1.3 (July, August) × 31 and 10 days; 0 in September
    assert s3 == pytest.approx([60_000 * 1.3 * 31, 60_000 * 1.3 * 10, 0.0], rel=1e-5, abs=1e-6)


def test_a_station_the_registry_dates_ahead_is_not_forecast() -> None:
    planned = pl.DataFrame(
        {"station_id": ["S5"], "community_code": [C2], "subdistrict_code": [C2[:9] + "000"],
         "district_code": [D2], "opened_on": [date(2025, 8, 1)],
         "closed_on": pl.Series([None], dtype=pl.Date)}
    )  # fmt: skip
    stations = pl.concat([_stations(), planned])
    forecast = forecast_demand(_visits(), stations, None, MONTHS[-1]).demand_forecast
    assert forecast.filter(pl.col("scope_code") == "S5").is_empty()
    # its community is forecast from S3 and S4 alone
    c2 = forecast.filter((pl.col("scope_code") == C2) & (pl.col("horizon") == 1))["p50"].item()
    assert c2 == pytest.approx((60_000 + 10_000) * 1.3 * 31, rel=1e-5)
