"""The warehouse models (``sql/``) materialised by Spark into a lake of Parquet folders.

Every table lives at ``<lake>/<schema>/<table>/`` (raw and meta tables too: a folder may
hold one Parquet file per landing file). A SQL model is its file transpiled to Spark SQL
(:mod:`pipelines.engines.spark_sql`) with each ``schema.table`` read straight from its
folder, so no catalog or metastore has to be shared between processes; a model
materialised as a view in DuckDB is inlined as a subquery into its readers, which is
what a view is. A table is written with ``mode("overwrite")``: not atomic on a plain
folder (a failed write leaves the table missing until the next run; a table format such
as Delta or Iceberg would make it atomic). The Python model ``stg_nearest_station``
runs as ``groupBy(month).applyInPandas`` over the same nearest-station function as on
DuckDB (:func:`nearest_station`), so both engines give the same bits.

pyspark is imported by the functions that need it, never at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipelines.assets.warehouse import Model, load_models
from pipelines.engines.spark_sql import transpile

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


@dataclass(frozen=True)
class Lake:
    """Where the tables live: a local folder, or an ``s3a://`` / ``hdfs://`` URI."""

    uri: str

    def location(self, schema: str, table: str) -> str:
        return f"{self.uri.rstrip('/')}/{schema}/{table}"


class SparkWarehouse:
    """The models of ``sql/`` on one Spark session over one lake."""

    def __init__(
        self,
        spark: SparkSession,
        lake: Lake,
        variables: Sequence[str] = (),
        models: Iterable[Model] | None = None,
    ) -> None:
        """``variables``: the ``DECLARE VARIABLE`` statements of the settings the models
        read with ``getvariable`` (:func:`pipelines.engines.spark_sql.declare_variables`)."""
        self.spark = spark
        self.lake = lake
        self.variables = tuple(variables)
        self.models = tuple(models if models is not None else load_models())
        self._by_table = {m.table: m for m in self.models}

    def relation(self, schema: str, table: str) -> str:
        """Spark SQL for ``schema.table``: its Parquet folder, or a view's SELECT."""
        model = self._by_table.get(f"{schema}.{table}")
        if model is not None and model.materialized == "view":
            return f"({self.sql(model)})"
        return f"parquet.`{self.lake.location(schema, table)}`"

    def sql(self, model: Model) -> str:
        """A SQL model's SELECT in Spark SQL, reading from the lake."""
        select = model.path.read_text(encoding="utf-8").strip().rstrip(";")
        return transpile(select, self.relation)

    def query(self, duckdb_sql: str) -> DataFrame:
        """Any DuckDB query over the warehouse's tables, run on Spark."""
        return self.spark.sql(transpile(duckdb_sql, self.relation))

    def table(self, name: str) -> DataFrame:
        """The DataFrame of ``schema.table`` as the models see it."""
        return self.query(f"SELECT * FROM {name}")

    def run_model(self, model: Model) -> int | None:
        """Materialise one model; returns its row count (None for a view, which its
        readers inline)."""
        if model.materialized == "view":
            return None
        for statement in self.variables:  # as DuckDB's run_model sets them before each model
            self.spark.sql(statement)
        if model.path.suffix == ".sql":
            frame = self.query(model.path.read_text(encoding="utf-8").strip().rstrip(";"))
        else:
            frame = PYTHON_MODELS[model.name](self)
        from pyspark.sql import Observation
        from pyspark.sql import functions as F

        # counted while written: no second pass over the table
        written = Observation(f"{model.table} written")
        frame = frame.observe(written, F.count(F.lit(1)).alias("rows"))
        frame.write.mode("overwrite").parquet(self.lake.location(model.schema, model.name))
        return written.get["rows"]

    def run_models(self, models: Iterable[Model] | None = None) -> dict[str, int | None]:
        """Materialise the models (all of them by default) in dependency order."""
        return {m.table: self.run_model(m) for m in (models or self.models)}


# --- Python models --------------------------------------------------------------------

NEAREST_STATION_SCHEMA = (
    "month DATE, community_code STRING, nearest_station_id STRING, nearest_station_m DOUBLE"
)


def nearest_station(warehouse: SparkWarehouse) -> DataFrame:
    """``staging.stg_nearest_station`` on Spark: one task per month, each running the
    KD-tree of pipelines/planning/geo.py over that month's active stations and every
    community, exactly as sql/staging/stg_nearest_station.py does on DuckDB."""
    import pandas as pd
    from pyspark import cloudpickle

    from pipelines.planning import geo

    # executors then need numpy and scipy, not this project's code
    cloudpickle.register_pickle_by_value(geo)
    communities = (
        warehouse.table("staging.stg_communities")
        .select("community_code", "lat", "lon")
        .orderBy("community_code")
        .toPandas()
    )
    stations = warehouse.query(
        """
        SELECT sm.month, s.station_id, s.lat, s.lon
        FROM staging.stg_station_months AS sm
        JOIN staging.stg_stations AS s USING (station_id)
        WHERE sm.active AND s.lat IS NOT NULL AND s.lon IS NOT NULL
        """
    )
    if communities.empty:
        return warehouse.spark.createDataFrame([], NEAREST_STATION_SCHEMA)
    codes = communities["community_code"].to_numpy(dtype=object)
    lat = communities["lat"].to_numpy(dtype=float)
    lon = communities["lon"].to_numpy(dtype=float)

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


#: Python models by name, as they run on Spark
PYTHON_MODELS: Mapping[str, Callable[[SparkWarehouse], DataFrame]] = {
    "stg_nearest_station": nearest_station
}
