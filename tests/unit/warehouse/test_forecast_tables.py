"""The forecast model (sql/marts/demand_forecast.py) on the fixture warehouse (two months,
Jan and Feb 2024, no weather): what it publishes when history is short and weather
absent, and the check that its levels add up."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.forecast.run import BACKTEST_SCHEMA, DEMAND_SCHEMA
from pipelines.settings import Settings
from pipelines.warehouse import checks

ADDS_UP = next(c for c in checks.CHECKS if c.name == "forecast_adds_up")


def test_forecast_tables_without_weather(warehouse: duckdb.DuckDBPyConnection) -> None:
    columns = {
        t: [r[0] for r in warehouse.execute(f"DESCRIBE marts.{t}").fetchall()]
        for t in ("demand_forecast", "forecast_backtest")
    }
    assert columns["demand_forecast"] == list(DEMAND_SCHEMA)
    assert columns["forecast_backtest"] == list(BACKTEST_SCHEMA)
    rows = warehouse.execute(
        """SELECT DISTINCT month::VARCHAR, horizon, model, p10 IS NULL FROM marts.demand_forecast
           ORDER BY 1"""
    ).fetchall()
    # the last usage is on 29 February: February is complete, so three months ahead from
    # March; no weather: "pooled"; two months of history: no backtest, so no interval
    # (NULL rather than a made-up one)
    assert rows == [
        ("2024-03-01", 1, "pooled", True),
        ("2024-04-01", 2, "pooled", True),
        ("2024-05-01", 3, "pooled", True),
    ]
    assert warehouse.execute("SELECT count(*) FROM marts.forecast_backtest").fetchall()[0] == (0,)
    assert warehouse.execute("SELECT count(*) FROM marts.forecast_weather").fetchall()[0] == (0,)
    # bottom-up: the city is the sum of its stations, month by month
    city, stations_sum = warehouse.execute(
        """SELECT sum(p50) FILTER (scope_level = 'city'), sum(p50) FILTER (scope_level = 'station')
           FROM marts.demand_forecast"""
    ).fetchall()[0]
    assert city == pytest.approx(stations_sum, rel=1e-12) and city > 0


def test_the_check_finds_a_level_that_does_not_add_up(
    warehouse: duckdb.DuckDBPyConnection, tmp_path
) -> None:
    settings = Settings(data_dir=tmp_path)
    assert checks.run(warehouse, ADDS_UP, settings).passed
    warehouse.begin()  # the fixture is shared: leave it as it was
    try:
        warehouse.execute(
            "UPDATE marts.demand_forecast SET p50 = p50 * 1.01 "
            "WHERE scope_level = 'district' AND horizon = 1 AND scope_code = '110101000000'"
        )
        outcome = checks.run(warehouse, ADDS_UP, settings)
    finally:
        warehouse.rollback()
    # the district (no longer its stations' sum) and the city (no longer its districts')
    assert not outcome.passed and outcome.facts["offending_rows"] == 2
    assert "110101000000" in outcome.facts["example"] or "110000000000" in outcome.facts["example"]
