"""The forecast asset's read and write over the fixture warehouse (two months, Jan and
Feb 2024, no weather): what it publishes when history is short and weather absent."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from pipelines.assets.forecast import TABLES, read_inputs, unbalanced, write_outputs
from pipelines.forecast import forecast_demand
from pipelines.forecast.run import BACKTEST_SCHEMA, DEMAND_SCHEMA


def test_forecast_tables_without_weather(warehouse: duckdb.DuckDBPyConnection) -> None:
    station_monthly, stations, weather, last_month = read_inputs(warehouse)
    # the last usage is on 29 February: February is complete
    assert last_month == date(2024, 2, 1) and weather.is_empty()
    result = forecast_demand(station_monthly, stations, weather, last_month)
    write_outputs(warehouse, result)
    columns = {
        t: [r[0] for r in warehouse.execute(f"DESCRIBE marts.{t}").fetchall()] for t in TABLES
    }
    assert columns["demand_forecast"] == list(DEMAND_SCHEMA)
    assert columns["forecast_backtest"] == list(BACKTEST_SCHEMA)
    rows = warehouse.execute(
        """SELECT DISTINCT month::VARCHAR, horizon, model, p10 IS NULL FROM marts.demand_forecast
           ORDER BY 1"""
    ).fetchall()
    # three months ahead; no weather: "pooled"; two months of history: no backtest, so
    # no interval (NULL rather than a made-up one)
    assert rows == [
        ("2024-03-01", 1, "pooled", True),
        ("2024-04-01", 2, "pooled", True),
        ("2024-05-01", 3, "pooled", True),
    ]
    assert warehouse.execute("SELECT count(*) FROM marts.forecast_backtest").fetchone() == (0,)
    assert warehouse.execute("SELECT count(*) FROM marts.forecast_weather").fetchone() == (0,)
    # bottom-up: the city is the sum of its stations, month by month
    city, stations_sum = warehouse.execute(
        """SELECT sum(p50) FILTER (scope_level = 'city'), sum(p50) FILTER (scope_level = 'station')
           FROM marts.demand_forecast"""
    ).fetchone()
    assert city == pytest.approx(stations_sum, rel=1e-12) and city > 0
    # the asset check finds nothing wrong, and finds a district nudged by 1 %
    assert unbalanced(warehouse) == (0, None)
    warehouse.execute(
        "UPDATE marts.demand_forecast SET p50 = p50 * 1.01 "
        "WHERE scope_level = 'district' AND horizon = 1 AND scope_code = '110101000000'"
    )
    count, example = unbalanced(warehouse)
    # the district (no longer its stations' sum) and the city (no longer its districts')
    assert count == 2 and example in ("110101000000", "110000000000")
    for table in TABLES:  # the fixture is shared: leave it as it was
        warehouse.execute(f"DROP TABLE marts.{table}")
