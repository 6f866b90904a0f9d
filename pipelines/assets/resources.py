"""The resources the assets share: the working warehouse, held under the data folder's
refresh lock (:func:`pipelines.refresh.refresh_lock`) while a step writes it, so that a
run of the Dagster job, ``python -m pipelines run`` and a backup take turns; and under the
Spark engine the Spark session it runs the models on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import warehouse
from pipelines.refresh import refresh_lock
from pipelines.settings import get_settings
from pipelines.warehouse import state
from pipelines.warehouse.engine import Engine, open_engine


class WarehouseResource(dg.ConfigurableResource):
    """The working DuckDB database of the pipeline (single writer: the dashboard reads
    the published snapshot, never this file), and the engine that runs the models."""

    path: str
    #: the Spark session (pipelines.engines.spark_resource.SparkResource) when
    #: WSI_ENGINE=spark; its module imports pyspark, so it is not named here
    spark: dg.ConfigurableResource | None = None

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with refresh_lock(get_settings()), warehouse.connect(Path(self.path)) as con:
            state.create(con)
            yield con

    @contextmanager
    def engine(self) -> Iterator[Engine]:
        """The engine ``WSI_ENGINE`` names, over this warehouse."""
        session = self.spark.spark_session if self.spark is not None else None
        with self.connect() as con, open_engine(con, get_settings(), session) as engine:
            yield engine
