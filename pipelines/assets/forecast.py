"""Dagster definitions for the demand forecast: ``demand_forecast`` writes
``marts.demand_forecast``, ``marts.forecast_backtest`` and ``marts.forecast_weather``.

Read the marts, forecast with the database closed (pipelines/forecast, pure functions),
write the three tables in one transaction. The forecast starts from the last complete
month (a month whose last day the usage reaches); with no weather files it forecasts
without weather, and with under 13 months of history (no backtest origin has a year
before it) it publishes forecasts without a backtest, and so without intervals.
"""

from datetime import date

import dagster as dg
import duckdb
import polars as pl

from pipelines.forecast import Forecast, backtest_summary, empty_forecast, forecast_demand
from pipelines.serving import latest_complete_month
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


#: each forecast row with the scope one level up (stations through the registry)
_WITH_PARENT = """
    SELECT f.month, f.horizon, 'community' AS parent_level, s.community_code AS parent_code,
           f.model, f.p50
    FROM marts.demand_forecast AS f JOIN marts.stations AS s
        ON f.scope_level = 'station' AND s.station_id = f.scope_code
    UNION ALL SELECT month, horizon, 'subdistrict', left(scope_code, 9) || '000', model, p50
    FROM marts.demand_forecast WHERE scope_level = 'community'
    UNION ALL SELECT month, horizon, 'district', left(scope_code, 6) || '000000', model, p50
    FROM marts.demand_forecast WHERE scope_level = 'subdistrict'
    UNION ALL SELECT month, horizon, 'city', left(scope_code, 2) || '0000000000', model, p50
    FROM marts.demand_forecast WHERE scope_level = 'district'
"""


def unbalanced(con: duckdb.DuckDBPyConnection) -> tuple[int, str | None]:
    """(count, an example) of forecast rows whose p50 is not the sum of the scopes below
    it, where they all publish the same model."""
    return con.execute(
        f"""
        WITH sums AS (
            SELECT month, horizon, parent_level, parent_code, min(model) AS model,
                   count(DISTINCT model) AS models, sum(p50) AS p50
            FROM ({_WITH_PARENT}) GROUP BY ALL
        )
        SELECT count(*), any_value(p.scope_code) FROM marts.demand_forecast AS p
        JOIN sums AS s ON s.month = p.month AND s.horizon = p.horizon
            AND s.parent_level = p.scope_level AND s.parent_code = p.scope_code
        WHERE s.models = 1 AND s.model = p.model
          AND abs(s.p50 - p.p50) > 1e-6 * greatest(1, p.p50)
        """
    ).fetchone()


@dg.asset_check(
    asset=demand_forecast,
    description="Bottom-up: where a scope and the scopes below it publish the same model, "
    "its p50 is the sum of theirs (to a millionth).",
    blocking=True,
)
def forecast_adds_up(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect() as con:
        count, example = unbalanced(con)
    return dg.AssetCheckResult(
        passed=count == 0, metadata={"offending_rows": count, "example": example or ""}
    )


defs = dg.Definitions(assets=[demand_forecast], asset_checks=[forecast_adds_up])
