"""Dagster definitions for the demand forecast: ``demand_forecast`` writes
``marts.demand_forecast``, ``marts.forecast_backtest`` and ``marts.forecast_weather``.

Read the marts, forecast with the database closed (pipelines/forecast, pure functions),
write the three tables in one transaction. The forecast starts from the last complete
month (a month whose last day the usage reaches); with no weather files it forecasts
without weather, and with under a year and a half of history it publishes forecasts
without a backtest (and so without intervals).
"""

from datetime import date

import dagster as dg
import duckdb
import polars as pl

from pipelines.forecast import Forecast, backtest_summary, empty_forecast, forecast_demand
from pipelines.publish import latest_complete_month
from pipelines.warehouse import WarehouseResource

INPUT_ASSETS = ("station_monthly", "stations", "weather_monthly", "stg_usage")
TABLES = ("demand_forecast", "forecast_backtest", "forecast_weather")


def read_inputs(
    con: duckdb.DuckDBPyConnection,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, date | None]:
    """(station_monthly, stations, weather_monthly, last complete month) from the marts."""
    station_monthly = con.sql("SELECT month, station_id, visits FROM marts.station_monthly").pl()
    stations = con.sql(
        """SELECT station_id, community_code, subdistrict_code, district_code, opened_on,
                  closed_on
           FROM marts.stations WHERE community_code IS NOT NULL"""
    ).pl()
    weather = con.sql("SELECT * FROM marts.weather_monthly").pl()
    (latest,) = con.execute("SELECT max(occurred_at)::DATE FROM staging.stg_usage").fetchone()
    return station_monthly, stations, weather, latest_complete_month(latest)


def write_outputs(con: duckdb.DuckDBPyConnection, result: Forecast) -> None:
    frames = dict(zip(TABLES, (result.demand_forecast, result.forecast_backtest,
                               result.forecast_weather), strict=True))  # fmt: skip
    con.begin()
    try:
        for table, frame in frames.items():
            con.register(f"{table}_rows", frame.to_arrow())
            con.execute(f"CREATE OR REPLACE TABLE marts.{table} AS SELECT * FROM {table}_rows")
            con.unregister(f"{table}_rows")
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _summary_markdown(summary: pl.DataFrame) -> str:
    lines = [
        "| level | h | scopes | MASE | seasonal naive | last value | cover 80 | cover 95 | model |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in summary.iter_rows(named=True):
        cells = [r["mase"], r["mase_seasonal_naive"], r["mase_last_value"],
                 r["coverage_80"], r["coverage_95"]]  # fmt: skip
        text = " | ".join("–" if v is None else f"{v:.3f}" for v in cells)
        lines.append(
            f"| {r['scope_level']} | {r['horizon']} | {r['scopes']} | {text} | {r['model']} |"
        )
    return "\n".join(lines)


@dg.asset(
    group_name="forecast",
    deps=[dg.AssetKey(name) for name in INPUT_ASSETS],
    kinds={"duckdb", "python"},
    description="Visits for the next 1–3 months per station, community, subdistrict, "
    "district and city, with 80 % and 95 % intervals, and the rolling-origin backtest "
    "that chose each level's model (docs/forecast.md).",
)
def demand_forecast(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        station_monthly, stations, weather, last_month = read_inputs(con)
    if last_month is None or station_monthly.filter(pl.col("month") <= last_month).is_empty():
        result = empty_forecast("no complete month of usage yet: nothing to forecast")
    else:
        result = forecast_demand(station_monthly, stations, weather, last_month)
    with warehouse.connect() as con:
        write_outputs(con, result)
    for note in result.notes:
        context.log.info(note)
    summary = (
        backtest_summary(result.forecast_backtest)
        if not result.forecast_backtest.is_empty()
        else None
    )
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": dg.MetadataValue.int(result.demand_forecast.height),
            "backtest_rows": dg.MetadataValue.int(result.forecast_backtest.height),
            "notes": dg.MetadataValue.text("; ".join(result.notes)),
            "backtest": dg.MetadataValue.md(
                _summary_markdown(summary) if summary is not None else "no backtest"
            ),
        }
    )


defs = dg.Definitions(assets=[demand_forecast])
