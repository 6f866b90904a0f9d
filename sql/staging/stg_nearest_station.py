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

import numpy as np
import polars as pl

from pipelines.planning.geo import nearest
from pipelines.warehouse.models import Months, where

REFRESH = "by month"
SCHEMA = {
    "month": pl.Date,
    "community_code": pl.String,
    "nearest_station_id": pl.String,
    "nearest_station_m": pl.Float64,
}


def inputs(months: Months | None) -> dict[str, str]:
    return {
        "communities": """
            SELECT community_code, lat, lon FROM staging.stg_communities
            ORDER BY community_code""",
        "stations": f"""
            SELECT sm.month, s.station_id, s.lat, s.lon
            FROM staging.stg_station_months AS sm
            JOIN staging.stg_stations AS s ON s.station_id = sm.station_id
            WHERE sm.active AND s.lat IS NOT NULL AND s.lon IS NOT NULL
              AND {where(months, "sm.month")}
            ORDER BY sm.month, s.station_id""",
    }


def compute(frames: dict[str, pl.DataFrame], months: Months | None) -> pl.DataFrame:
    communities, stations = frames["communities"], frames["stations"]
    codes = communities["community_code"]
    parts = []
    for month, active in stations.partition_by("month", as_dict=True, maintain_order=True).items():
        j, dist = nearest(
            communities["lat"].to_numpy(), communities["lon"].to_numpy(),
            active["lat"].to_numpy(), active["lon"].to_numpy(),
        )  # fmt: skip
        parts.append(
            pl.DataFrame(
                {
                    "month": [month[0]] * len(codes),
                    "community_code": codes,
                    "nearest_station_id": active["station_id"].gather(j),
                    "nearest_station_m": np.asarray(dist, dtype=float),
                },
                schema=SCHEMA,
            )
        )
    return pl.concat(parts) if parts and len(codes) else pl.DataFrame(schema=SCHEMA)
