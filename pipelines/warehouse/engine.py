"""What runs the models: the engine interface the refresh calls, and the engine a setting
names (``WSI_ENGINE``: ``duckdb``, the embedded default, or ``spark``).

Either engine builds a model for the months it owes, fingerprints its rows per month and
answers queries written in DuckDB's SQL; the refresh (:mod:`.refresh`) and its
bookkeeping (:mod:`.state`, in the DuckDB warehouse file) are the same for both, and so is
the publishing, which reads the marts from the warehouse file (where Spark's tables
appear as views over their Parquet files).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol

import duckdb
import polars as pl

from pipelines.lake import FileRecord, Lake
from pipelines.settings import Settings
from pipelines.warehouse.models import Model, Months

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class Engine(Protocol):
    """What the refresh, the checks and the Dagster assets ask of an engine."""

    name: str
    #: the DuckDB warehouse: the refresh's state, and what the snapshot is published from
    con: duckdb.DuckDBPyConnection

    def register(self, lake: Lake) -> list[FileRecord]:
        """(Re)declare the raw layer over the lake's current records; returns them."""

    def set_parameters(self, parameters: dict[str, object]) -> None:
        """The settings the models read with ``getvariable``."""

    def transaction(self) -> AbstractContextManager[None]:
        """What commits a model's bookkeeping together (its rows too, where the engine can)."""

    def query(self, sql: str) -> pl.DataFrame:
        """A query in DuckDB's SQL over the warehouse's relations."""

    def kind(self, table: str) -> str | None:
        """'table', 'view' or None (not built)."""

    def column_types(self, table: str) -> dict[str, str]:
        """Column → the engine's type name, in order."""

    def build(self, model: Model, months: Months | None) -> list[str]:
        """Materialise ``model`` (whole when ``months`` is None); returns the tables written."""

    def fingerprints(self, table: str, months: Months | None) -> dict[dt.date | None, str]:
        """A fingerprint of the table's rows per month (None: the whole table)."""


def as_engine(target: Engine | duckdb.DuckDBPyConnection) -> Engine:
    """An engine, or a DuckDB connection taken as the DuckDB engine over it."""
    if isinstance(target, duckdb.DuckDBPyConnection):
        from pipelines.warehouse.duck import DuckEngine

        return DuckEngine(target)
    return target


@contextmanager
def open_engine(
    con: duckdb.DuckDBPyConnection, settings: Settings, spark: SparkSession | Any = None
) -> Iterator[Engine]:
    """The engine ``settings.engine`` names over the warehouse connection ``con``. With
    Spark, ``spark`` is the session to use; without one, a session is started here (as
    ``WSI_SPARK_MASTER`` says) and stopped when the block ends."""
    if settings.engine == "duckdb":
        from pipelines.warehouse.duck import DuckEngine

        yield DuckEngine(con)
        return
    from pipelines.engines.spark_engine import SparkEngine

    if spark is not None:
        yield SparkEngine(con, spark, settings)
        return
    from pipelines.engines.spark_resource import SparkResource

    resource = SparkResource.from_env(settings)
    try:
        yield SparkEngine(con, resource.spark_session, settings)
    finally:
        resource.stop()
