"""Demand forecast: monthly visits per station and scope for the next 1–3 months, with
80 % and 95 % intervals, weather as an explanatory variable, and an honest backtest.

Pure functions over polars frames and numpy arrays (no Dagster, no database): the
Dagster asset (pipelines/assets/forecast.py) reads the marts, calls
:func:`forecast_demand` with the database closed, and writes the frames back. The method
and its choices are explained in docs/forecast.md.
"""

from pipelines.forecast.run import Forecast, backtest_summary, empty_forecast, forecast_demand

__all__ = ["Forecast", "backtest_summary", "empty_forecast", "forecast_demand"]
