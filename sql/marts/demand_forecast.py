"""Visits for the next 1–3 months per station, community, subdistrict, district and city,
with 80 % and 95 % intervals, the rolling-origin backtest that chose each level's model,
and the weather each forecast month assumed (docs/forecast.md; pipelines/forecast holds
the model). The forecast starts from the last complete month (a month whose last day the
usage reaches); with no weather files it forecasts without weather, and with under 13
months of history it publishes forecasts without a backtest, and so without intervals.
Reads marts.station_monthly, marts.stations, marts.weather_monthly and staging.stg_usage;
writes the marts demand_forecast, forecast_backtest and forecast_weather.
"""

from __future__ import annotations

import polars as pl

from pipelines.forecast import empty_forecast, forecast_demand
from pipelines.serving import latest_complete_month
from pipelines.warehouse.models import Months

REFRESH = "whole"
TABLES = ("demand_forecast", "forecast_backtest", "forecast_weather")


def inputs(months: Months | None) -> dict[str, str]:
    return {
        "station_monthly": "SELECT month, station_id, visits FROM marts.station_monthly",
        "stations": """
            SELECT station_id, community_code, subdistrict_code, district_code, opened_on,
                   closed_on
            FROM marts.stations WHERE community_code IS NOT NULL""",
        "weather": "SELECT * FROM marts.weather_monthly",
        # the newest record lies in the newest month with usage: read that month, not all
        "latest": """
            SELECT CAST(max(occurred_at) AS DATE) AS latest FROM staging.stg_usage
            WHERE month >= coalesce(
                (SELECT max(month) FROM marts.station_monthly WHERE visits > 0),
                DATE '0001-01-01')""",
    }


def compute(frames: dict[str, pl.DataFrame], months: Months | None) -> dict[str, pl.DataFrame]:
    station_monthly = frames["station_monthly"]
    last_month = latest_complete_month(frames["latest"]["latest"][0])
    if last_month is None or station_monthly.filter(pl.col("month") <= last_month).is_empty():
        result = empty_forecast("no complete month of usage yet: nothing to forecast")
    else:
        result = forecast_demand(station_monthly, frames["stations"], frames["weather"], last_month)
    return dict(
        zip(
            TABLES,
            (result.demand_forecast, result.forecast_backtest, result.forecast_weather),
            strict=True,
        )
    )
