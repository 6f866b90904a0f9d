"""Python models on Spark.

A Python model (``sql/<schema>/<name>.py``) declares its inputs as SQL and computes its
output from polars frames, so it runs on Spark as it does on DuckDB: each input query
runs on Spark and comes to the driver (Arrow), ``compute`` runs there, and its frames go
back to Spark to be written like any table. That is right for what the Python models
read today — a registry, a file list, a month × station table — which a driver holds.

A model whose work grows with the data, and splits by month, may have a distributed form
here (:data:`DISTRIBUTED`): ``stg_nearest_station`` runs as
``groupBy(month).applyInPandas`` over the same nearest-station function
(pipelines/planning/geo.py) as on DuckDB, one task a month, with the same bits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from pipelines.warehouse.models import Model, Months, where

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from .spark_engine import SparkEngine


def run_python_model(
    engine: SparkEngine, model: Model, months: Months | None
) -> dict[str, DataFrame]:
    """The model's output tables (name → DataFrame) for ``months`` (None: all)."""
    distributed = DISTRIBUTED.get(model.name)
    if distributed is not None:
        return {model.name: distributed(engine, months)}
    module = model.module()
    frames = {name: engine.query(sql) for name, sql in module.inputs(months).items()}
    result = module.compute(frames, months)
    tables = result if isinstance(result, dict) else {model.name: result}
    return {name: engine.spark.createDataFrame(_arrow(frame)) for name, frame in tables.items()}


def _arrow(frame: pl.DataFrame) -> pa.Table:
    """The frame as Arrow types Spark reads (plain strings, not polars' string views)."""
    table = frame.to_arrow(compat_level=pl.CompatLevel.oldest())
    schema = pa.schema(
        pa.field(f.name, pa.string()) if pa.types.is_large_string(f.type) else f
        for f in table.schema
    )
    return table.cast(schema)


NEAREST_STATION_SCHEMA = (
    "month DATE, community_code STRING, nearest_station_id STRING, nearest_station_m DOUBLE"
)


def nearest_station(engine: SparkEngine, months: Months | None) -> DataFrame:
    """``staging.stg_nearest_station``, one Spark task a month: each runs the KD-tree of
    pipelines/planning/geo.py over that month's active stations and every community,
    exactly as sql/staging/stg_nearest_station.py does on one machine."""
    import pandas as pd
    from pyspark import cloudpickle

    from pipelines.planning import geo

    # executors then need numpy and scipy, not this project's code
    cloudpickle.register_pickle_by_value(geo)
    communities = engine.query(
        "SELECT community_code, lat, lon FROM staging.stg_communities ORDER BY community_code"
    )
    stations = engine.frame(
        f"""
        SELECT sm.month, s.station_id, s.lat, s.lon
        FROM staging.stg_station_months AS sm
        JOIN staging.stg_stations AS s ON s.station_id = sm.station_id
        WHERE sm.active AND s.lat IS NOT NULL AND s.lon IS NOT NULL
          AND {where(months, "sm.month")}
        """
    )
    if communities.is_empty():
        return engine.spark.createDataFrame([], NEAREST_STATION_SCHEMA)
    codes = communities["community_code"].to_numpy()
    lat = communities["lat"].to_numpy()
    lon = communities["lon"].to_numpy()

    def in_month(month_stations: pd.DataFrame) -> pd.DataFrame:
        # the same order as on DuckDB, so that ties between equidistant stations break alike
        month_stations = month_stations.sort_values("station_id", kind="stable")
        j, dist = geo.nearest(
            lat, lon, month_stations["lat"].to_numpy(float), month_stations["lon"].to_numpy(float)
        )
        return pd.DataFrame(
            {
                "month": [month_stations["month"].iloc[0]] * len(codes),
                "community_code": codes,
                "nearest_station_id": month_stations["station_id"].to_numpy(dtype=object)[j],
                "nearest_station_m": dist,
            }
        )

    return stations.groupBy("month").applyInPandas(in_month, NEAREST_STATION_SCHEMA)


#: Python models with a distributed form on Spark, by name
DISTRIBUTED: Mapping[str, Callable[[SparkEngine, Months | None], DataFrame]] = {
    "stg_nearest_station": nearest_station
}
