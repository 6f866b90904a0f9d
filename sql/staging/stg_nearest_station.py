"""Nearest active station of every community in every month, and its haversine distance.

metrics.md "Coverage": ``nearest_station_m`` is the distance to the nearest station
active in the month, which may lie far beyond the coverage radius, so the grid of
``stg_station_community_pairs`` cannot answer it. A KD-tree per month
(pipelines/planning/geo.py) answers it in milliseconds instead of a cross join of
communities × stations × months. Months without an active station have no rows.
Reads staging.stg_communities, staging.stg_stations and staging.stg_station_months;
writes staging.stg_nearest_station (month, community_code, nearest_station_id,
nearest_station_m).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.planning.geo import nearest


def build(con: duckdb.DuckDBPyConnection, table: str) -> None:
    communities = con.execute(
        "SELECT community_code, lat, lon FROM staging.stg_communities ORDER BY community_code"
    ).fetchnumpy()
    stations = con.execute(
        """
        SELECT sm.month, s.station_id, s.lat, s.lon
        FROM staging.stg_station_months AS sm
        JOIN staging.stg_stations AS s USING (station_id)
        WHERE sm.active AND s.lat IS NOT NULL AND s.lon IS NOT NULL
        ORDER BY sm.month, s.station_id
        """
    ).fetchnumpy()
    parts = []
    months = np.asarray(stations["month"])
    ids = np.asarray(stations["station_id"], dtype=object)
    lat, lon = np.asarray(stations["lat"]), np.asarray(stations["lon"])
    codes = np.asarray(communities["community_code"], dtype=object)
    for month in np.unique(months) if len(codes) else ():
        in_month = months == month
        j, dist = nearest(communities["lat"], communities["lon"], lat[in_month], lon[in_month])
        parts.append(
            pa.table(
                {
                    "month": pa.array(np.full(len(codes), month, dtype="datetime64[D]")),
                    "community_code": pa.array(codes, pa.string()),
                    "nearest_station_id": pa.array(ids[in_month][j], pa.string()),
                    "nearest_station_m": pa.array(dist, pa.float64()),
                }
            )
        )
    schema = pa.schema(
        [
            ("month", pa.date32()),
            ("community_code", pa.string()),
            ("nearest_station_id", pa.string()),
            ("nearest_station_m", pa.float64()),
        ]
    )
    result = pa.concat_tables([p.cast(schema) for p in parts]) if parts else schema.empty_table()
    con.register("_nearest_station", result)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _nearest_station")
    finally:
        con.unregister("_nearest_station")
