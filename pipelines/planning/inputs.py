"""What the siting planner reads: communities, stations, candidate sites, the latest month.

Two sources hold the same tables: the published snapshot (the CLI and the dashboard read
it, read-only) and the warehouse's ``marts`` schema (the Dagster asset reads it). Table
and column names live here only, so a renamed mart is a one-line change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipelines.serving import open_snapshot

QUERIES = {
    "communities": """
        SELECT community_code, community_name, district_code, district,
               lat, lon, coalesce(outdoor_workers, 0) AS outdoor_workers
        FROM {schema}.communities
        ORDER BY community_code""",
    # today's stations: those the warehouse marks active in the latest published month
    "stations": """
        SELECT s.station_id, s.lat, s.lon, m.meets_standard
        FROM {schema}.station_monthly AS m
        JOIN {schema}.stations AS s ON s.station_id = m.station_id
        WHERE m.active AND m.month = (SELECT max(month) FROM {schema}.community_coverage)
        ORDER BY s.station_id""",
    "candidates": """
        SELECT site_id, site_name, lat, lon,
               coalesce(district_code, substr(community_code, 1, 6) || '000000')
                   AS district_code,
               est_cost
        FROM {schema}.candidate_sites
        ORDER BY site_id""",
    "month": "SELECT max(month) FROM {schema}.community_coverage",
}


@dataclass(frozen=True)
class SitingInputs:
    """The tables the planner needs, as polars frames: ``stations`` are those active in
    ``month``, the latest published month (None when nothing is published)."""

    communities: pl.DataFrame
    stations: pl.DataFrame
    candidates: pl.DataFrame
    month: date | None


def read_inputs(con: duckdb.DuckDBPyConnection, schema: str) -> SitingInputs:
    """The planner's tables from ``schema`` (``main`` in the snapshot, ``marts`` in the
    warehouse)."""

    def frame(name: str) -> pl.DataFrame:
        return pl.from_arrow(con.sql(QUERIES[name].format(schema=schema)).to_arrow_table())

    (month,) = con.sql(QUERIES["month"].format(schema=schema)).fetchall()[0]
    return SitingInputs(
        communities=frame("communities"),
        stations=frame("stations"),
        candidates=frame("candidates"),
        month=month,
    )


def load_snapshot(path: Path) -> SitingInputs:
    """The planner's tables from the published snapshot (:class:`NoSnapshot` if none)."""
    con = open_snapshot(path)
    try:
        return read_inputs(con, "main")
    finally:
        con.close()
