"""What the siting planner reads: communities, stations, candidate sites, the latest month
and the demand forecast.

Two sources hold the same tables: the published snapshot (the CLI and the dashboard read
it, read-only) and the warehouse's ``marts`` schema (the Dagster asset reads it). Table
and column names live here only, so a renamed mart is a one-line change. Whoever reads
passes a function that runs one SQL statement and returns a polars frame, so the
dashboard reads through its one snapshot connection and the CLI through its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipelines.serving import open_snapshot

Query = Callable[[str], pl.DataFrame]

QUERIES = {
    "communities": """
        SELECT community_code, community_name, subdistrict_code, subdistrict,
               district_code, district, lat, lon,
               coalesce(outdoor_workers, 0) AS outdoor_workers
        FROM {schema}.communities
        ORDER BY community_code""",
    # today's stations: those the warehouse marks active in the latest published month
    "stations": """
        SELECT s.station_id, s.station_name, s.community_code, s.lat, s.lon,
               m.meets_standard
        FROM {schema}.station_monthly AS m
        JOIN {schema}.stations AS s ON s.station_id = m.station_id
        WHERE m.active AND m.month = (SELECT max(month) FROM {schema}.community_coverage)
        ORDER BY s.station_id""",
    # every column: `address` is optional in the export and newer than some snapshots
    "candidates": "SELECT * FROM {schema}.candidate_sites ORDER BY site_id",
    "month": "SELECT max(month) AS month FROM {schema}.community_coverage",
    # the forecast's visits per district and for the city, summed over its horizons
    "forecast": """
        SELECT scope_level, scope_code, sum(p50) AS visits, count(*) AS months,
               min(month) AS first_month, max(month) AS last_month
        FROM {schema}.demand_forecast
        WHERE scope_level IN ('district', 'city')
        GROUP BY scope_level, scope_code
        ORDER BY scope_level, scope_code""",
    "built_at": "SELECT value FROM {schema}.snapshot_info WHERE key = 'built_at'",
    "tables": """
        SELECT table_name FROM information_schema.tables
        WHERE table_schema = '{schema}'""",
}

#: the community columns the planner uses
COMMUNITY_SCHEMA = {
    "community_code": pl.String,
    "community_name": pl.String,
    "subdistrict_code": pl.String,
    "subdistrict": pl.String,
    "district_code": pl.String,
    "district": pl.String,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "outdoor_workers": pl.Int64,
}
#: the candidate columns the planner uses; optional ones are NULL when the table lacks them
CANDIDATE_SCHEMA = {
    "site_id": pl.String,
    "site_name": pl.String,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "community_code": pl.String,
    "address": pl.String,
    "est_cost": pl.Float64,
}
FORECAST_SCHEMA = {
    "scope_level": pl.String,
    "scope_code": pl.String,
    "visits": pl.Float64,
    "months": pl.Int64,
    "first_month": pl.Date,
    "last_month": pl.Date,
}


@dataclass(frozen=True)
class SitingInputs:
    """The tables the planner needs, as polars frames: ``stations`` are those active in
    ``month``, the latest published month (None when nothing is published);
    ``forecast`` holds the forecast visits per district and for the city (empty when
    none is published)."""

    communities: pl.DataFrame
    stations: pl.DataFrame
    candidates: pl.DataFrame
    month: date | None
    forecast: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FORECAST_SCHEMA))
    #: when the snapshot was built (None outside a snapshot)
    built_at: str | None = None


def conform(df: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """``df``'s columns of ``schema`` in its types, missing ones as NULL, others dropped."""
    if df.width == 0:
        return pl.DataFrame(schema=schema)
    return df.select(
        (pl.col(name) if name in df.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in schema.items()
    )


def read_inputs(con: duckdb.DuckDBPyConnection | Query, schema: str) -> SitingInputs:
    """The planner's tables from ``schema`` (``main`` in the snapshot, ``marts`` in the
    warehouse), read through a DuckDB connection or a query function."""
    if isinstance(con, duckdb.DuckDBPyConnection):
        connection = con

        def run(sql: str) -> pl.DataFrame:
            return pl.from_arrow(connection.sql(sql).to_arrow_table())
    else:
        run = con

    def frame(name: str) -> pl.DataFrame:
        return run(QUERIES[name].format(schema=schema))

    tables = set(frame("tables")["table_name"].to_list())
    forecast = frame("forecast") if "demand_forecast" in tables else pl.DataFrame()
    month = frame("month")["month"].item()
    built = frame("built_at")["value"] if "snapshot_info" in tables else pl.Series([])
    return SitingInputs(
        communities=conform(frame("communities"), COMMUNITY_SCHEMA),
        stations=frame("stations"),
        candidates=conform(frame("candidates"), CANDIDATE_SCHEMA),
        month=month if isinstance(month, date) else None,
        forecast=conform(forecast, FORECAST_SCHEMA),
        built_at=built[0] if len(built) else None,
    )


def load_snapshot(path: Path) -> SitingInputs:
    """The planner's tables from the published snapshot (:class:`NoSnapshot` if none)."""
    con = open_snapshot(path)
    try:
        return read_inputs(con, "main")
    finally:
        con.close()
