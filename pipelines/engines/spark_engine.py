"""The Spark engine (``WSI_ENGINE=spark``): the models of ``sql/`` run by Spark over the
lake, refreshed by the same incremental refresh as on DuckDB (pipelines/warehouse).

Where things live:

- **The raw layer** is the lake's Parquet files, one per landing file, as for DuckDB:
  ``raw.<source>`` is a temporary view over the files of the current records, with
  ``_state`` settled by the SQL DuckDB runs (pipelines/warehouse/raw.py), transpiled.
- **Model tables** are Parquet folders, ``<lake>/tables/<schema>/<model>/``. A model
  refreshed whole is overwritten (Spark refuses ``CREATE OR REPLACE`` on plain Parquet:
  the folder is replaced). A model refreshed by month keeps a sub-folder a month,
  ``part_month=YYYY-MM-01/``: rebuilding months removes those sub-folders and appends
  the months' new rows (DuckDB's DELETE and INSERT), leaving the other months alone.
  Every file holds every column in the model's order (``month`` too: the sub-folder
  only groups a month's files), so a folder reads the same in Spark and in DuckDB, and
  an empty table keeps one empty file that carries its columns.
- **The bookkeeping** (``meta.model_state``, ``meta.pending`` …) stays in the DuckDB
  warehouse file, written after the rows (a crash in between repeats the model, which is
  idempotent). That file also gets a view over each table Spark wrote (the view's file
  list is renewed with every write), and ``staging.stg_usage`` as the DuckDB view it is:
  the snapshot is published from there as with DuckDB, and the dashboard, the report
  and the planner do not know which engine ran.

SQL models are transpiled by :mod:`.spark_sql`; Python models get their inputs from
Spark and write their outputs back through it (:mod:`.spark_models`).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from pipelines.ingest.engine import QUARANTINE_ARROW, raw_schema
from pipelines.ingest.specs import SPECS
from pipelines.lake import FileRecord, Lake
from pipelines.settings import Settings
from pipelines.warehouse import raw
from pipelines.warehouse.duck import DuckEngine
from pipelines.warehouse.models import Model, Months, load_models, where

from .spark_sql import declare_variables, transpile

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

#: the column naming a by-month table's sub-folders (the files keep ``month`` itself)
PARTITION = "part_month"


def parquet_files(folder: Path) -> list[Path]:
    """The Parquet files of a table folder, without Spark's hidden ones (``_temporary``,
    ``.spark-staging-…``: a write in progress, or one that failed)."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*.parquet")
        if not any(part.startswith(("_", ".")) for part in p.relative_to(folder).parts)
    )


class SparkEngine:
    """The models on a Spark session, their tables in the lake, the state in DuckDB."""

    name = "spark"

    def __init__(
        self, con: duckdb.DuckDBPyConnection, spark: SparkSession, settings: Settings
    ) -> None:
        self.con = con
        self.spark = spark
        self.lake = Lake(settings.lake_dir)
        self.tables_dir = settings.tables_dir
        self._models = {m.table: m for m in load_models()}
        #: ``schema.table`` → the temporary view Spark reads it as, in this engine
        self._views: dict[str, str] = {}

    # -- the raw layer -----------------------------------------------------------------

    def register(self, lake: Lake) -> list[FileRecord]:
        records = raw.register(self.con, lake)
        self._register_raw(records)
        return records

    def _registered_records(self) -> list[FileRecord]:
        """The records the DuckDB warehouse last registered (``meta.files``), so that both
        see the same files even if one lands in between; registered now if never."""
        try:
            known = set(self.con.execute("SELECT path, sha256 FROM meta.files").fetchall())
        except duckdb.CatalogException:
            return raw.register(self.con, self.lake)
        return [r for r in self.lake.records() if (r.path, r.sha256) in known]

    def _register_raw(self, records: list[FileRecord]) -> None:
        from pyspark.sql.pandas.types import from_arrow_schema

        def view(name: str, frame: DataFrame) -> None:
            temp = "wsi_" + name.replace(".", "_")
            frame.createOrReplaceTempView(temp)
            self._views[name] = temp

        def scan(schema, paths: list[str]) -> DataFrame:
            spark_schema = from_arrow_schema(schema, prefer_timestamp_ntz=True)
            if not paths:
                return self.spark.createDataFrame([], spark_schema)
            # a part written before a column was added reads it as NULL
            return self.spark.read.schema(spark_schema).parquet(*paths)

        view("meta.files", self.spark.createDataFrame(raw.files_table(records)))
        for spec in SPECS.values():
            paths = [
                self.lake.raw_path(r).as_uri()
                for r in records
                if r.source == spec.name and r.raw_file
            ]
            view(f"scan.{spec.name}", scan(raw_schema(spec), paths))
            settled = raw.settled_sql(spec, self._views[f"scan.{spec.name}"])
            view(f"raw.{spec.name}", self.spark.sql(transpile(settled, self.relation)))
        view("raw.duplicates", self.spark.sql(transpile(raw.duplicates_sql(), self.relation)))
        bad = [self.lake.quarantine_path(r).as_uri() for r in records if r.quarantine_file]
        view("meta.quarantine", scan(QUARANTINE_ARROW, bad).select(*raw.QUARANTINE_COLUMNS))

    # -- relations and queries -----------------------------------------------------------

    def relation(self, schema: str, table: str) -> str:
        """What Spark reads for ``schema.table``: a temporary view, or the SELECT of a
        model materialised as a view (inlined, which is what a view is)."""
        name = f"{schema}.{table}"
        model = self._models.get(name)
        if model is not None and model.materialized == "view":
            return f"({transpile(model.sql(), self.relation)})"
        if name not in self._views:
            if schema in ("raw", "meta"):
                self._register_raw(self._registered_records())
            else:
                location = self.location(name)
                if not parquet_files(location):
                    raise LookupError(f"{name} has not been built (no files in {location})")
                frame = self.spark.read.option("recursiveFileLookup", "true").parquet(
                    location.as_uri()
                )
                self._views[name] = "wsi_" + name.replace(".", "_")
                frame.createOrReplaceTempView(self._views[name])
        return self._views[name]

    def location(self, table: str) -> Path:
        return self.tables_dir.joinpath(*table.split("."))

    def frame(self, sql: str) -> DataFrame:
        """A query in DuckDB's SQL, as a Spark DataFrame."""
        return self.spark.sql(transpile(sql, self.relation))

    def query(self, sql: str) -> pl.DataFrame:
        return pl.from_arrow(self.frame(sql).toArrow())

    def kind(self, table: str) -> str | None:
        model = self._models.get(table)
        if model is not None and model.materialized == "view":
            return "view"
        return "table" if parquet_files(self.location(table)) else None

    def column_types(self, table: str) -> dict[str, str]:
        schema = self.spark.table(self.relation(*table.split("."))).schema
        return {f.name: f.dataType.simpleString() for f in schema.fields}

    def set_parameters(self, parameters: dict[str, object]) -> None:
        # declared with the types DuckDB gives them, so that a model reads the same values
        mirror = duckdb.connect()
        try:
            DuckEngine(mirror).set_parameters(parameters)
            for statement in declare_variables(mirror):
                self.spark.sql(statement)
        finally:
            mirror.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # the bookkeeping's transaction; the Parquet written inside it is not rolled back,
        # so a failure repeats the model next time (its writes are idempotent)
        with DuckEngine(self.con).transaction():
            yield

    # -- building ------------------------------------------------------------------------

    def build(self, model: Model, months: Months | None) -> list[str]:
        if model.materialized == "view":  # Spark inlines it; the snapshot build reads it
            self.con.execute(f"CREATE OR REPLACE VIEW {model.table} AS\n{model.sql()}")
            return [model.table]
        if self.kind(model.table) is None:
            months = None  # nothing to update month by month yet
        if model.is_python:
            from .spark_models import run_python_model

            outputs = run_python_model(self, model, months)
        else:
            select = model.sql()
            if months is not None:
                select = f"SELECT * FROM (\n{select}\n) AS m WHERE {months.where()}"
            outputs = {model.name: self.frame(select)}
        written = []
        for name, frame in outputs.items():
            table = f"{model.schema}.{name}"
            self._write(table, frame, model.by_month, months)
            written.append(table)
        return written

    def _write(self, table: str, frame: DataFrame, by_month: bool, months: Months | None) -> None:
        from pyspark.sql import functions as F

        location = self.location(table)
        uri = location.as_uri()
        if not by_month:
            frame.write.mode("overwrite").parquet(uri)
        else:
            if months is not None:
                # as DuckDB's DELETE of the months: their folders go, then their new rows
                # are added (a month left without rows keeps none)
                for folder in location.glob(f"{PARTITION}=*"):
                    month = _partition_month(folder)
                    if month is not None and month in months:
                        shutil.rmtree(folder)
            # one task (and so one file) per month
            rows = frame.withColumn(PARTITION, F.col("month")).repartition(PARTITION)
            mode = "overwrite" if months is None else "append"
            rows.write.mode(mode).partitionBy(PARTITION).parquet(uri)
        if not parquet_files(location):  # the columns of an empty table
            empty = self.spark.createDataFrame([], frame.schema)
            empty.write.mode("append").parquet(uri)
        self._views.pop(table, None)  # read afresh next time
        files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in parquet_files(location))
        self.con.execute(
            f"CREATE OR REPLACE VIEW {table} AS "
            f"SELECT * FROM read_parquet([{files}], hive_partitioning = false)"
        )

    def fingerprints(self, table: str, months: Months | None) -> dict[dt.date | None, str]:
        """As :meth:`DuckEngine.fingerprints`, with Spark's row hash (xxhash64 of every
        column, summed as a DECIMAL so that it cannot overflow)."""
        from pyspark.sql import functions as F

        frame = self.spark.table(self.relation(*table.split(".")))
        row_hash = F.xxhash64(*[F.col(c) for c in frame.columns]).cast("decimal(38,0)")
        count, total = F.count(F.lit(1)).alias("n"), F.sum(row_hash).alias("h")
        if "month" not in frame.columns:
            n, h = frame.agg(count, total).first()
            return {None: f"{n}:{h}"}
        rows = frame.where(where(months)).groupBy("month").agg(count, total).collect()
        if not rows and frame.isEmpty():
            return {None: "0:"}  # an empty table: known to hold nothing
        return {m: f"{n}:{h}" for m, n, h in rows}


def _partition_month(folder: Path) -> dt.date | None:
    try:
        return dt.date.fromisoformat(folder.name.split("=", 1)[1])
    except ValueError:  # Spark's folder for NULL
        return None
