"""The DuckDB engine, the embedded default (:mod:`.engine` has the interface): models
materialised in the warehouse file (``<data>/warehouse.duckdb``), the raw layer read
straight from the lake's Parquet files.

A model is rebuilt whole (``CREATE OR REPLACE``) or month by month (``DELETE`` the months,
``INSERT`` the model's rows of those months: DuckDB pushes the month filter down through
the model's joins to the Parquet scans, whose ``_month`` statistics skip other months).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import polars as pl

from pipelines.lake import FileRecord, Lake
from pipelines.warehouse import raw
from pipelines.warehouse.models import Model, Months, where


class DuckEngine:
    """Models on a DuckDB connection (the warehouse file)."""

    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def register(self, lake: Lake) -> list[FileRecord]:
        return raw.register(self.con, lake)

    def set_parameters(self, parameters: dict[str, object]) -> None:
        for name, value in parameters.items():
            if isinstance(value, list):
                self.con.execute(f"SET VARIABLE {name} = ?::VARCHAR[]", [value])
            elif isinstance(value, dt.date):
                self.con.execute(f"SET VARIABLE {name} = DATE '{value.isoformat()}'")
            else:
                self.con.execute(f"SET VARIABLE {name} = {value!r}")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.con.begin()
        try:
            yield
        except BaseException:
            self.con.rollback()
            raise
        self.con.commit()

    def query(self, sql: str) -> pl.DataFrame:
        return pl.from_arrow(self.con.sql(sql).to_arrow_table())

    def kind(self, table: str) -> str | None:
        """'table', 'view' or None (no such relation)."""
        schema, name = table.split(".")
        found = self.con.execute(
            """SELECT 'view' FROM duckdb_views() WHERE schema_name = $s AND view_name = $n
               UNION ALL
               SELECT 'table' FROM duckdb_tables() WHERE schema_name = $s AND table_name = $n""",
            {"s": schema, "n": name},
        ).fetchall()
        return found[0][0] if found else None

    def column_types(self, table: str) -> dict[str, str]:
        schema, name = table.split(".")
        return dict(
            self.con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ? "
                "AND table_name = ? AND database_name = current_database() "
                "ORDER BY column_index",
                [schema, name],
            ).fetchall()
        )

    def build(self, model: Model, months: Months | None) -> list[str]:
        """Materialise ``model`` (whole when ``months`` is None, else those months);
        returns the tables written (a Python model may write more than its own)."""
        existing = self.kind(model.table)
        if existing and existing != model.materialized:  # the model changed its kind
            self.con.execute(f"DROP {existing.upper()} {model.table}")
            existing = None
        if existing is None:
            months = None  # nothing to update month by month yet
        if model.is_python:
            return self._build_python(model, months)
        if model.materialized == "view" or months is None:
            kind = model.materialized.upper()
            self.con.execute(f"CREATE OR REPLACE {kind} {model.table} AS\n{model.sql()}")
        else:
            self.con.execute(f"DELETE FROM {model.table} WHERE {months.where()}")
            self.con.execute(
                f"INSERT INTO {model.table} BY NAME "
                f"SELECT * FROM (\n{model.sql()}\n) WHERE {months.where()}"
            )
        return [model.table]

    def _build_python(self, model: Model, months: Months | None) -> list[str]:
        module = model.module()
        frames = {name: self.query(sql) for name, sql in module.inputs(months).items()}
        result = module.compute(frames, months)
        tables = result if isinstance(result, dict) else {model.name: result}
        written = []
        for name, frame in tables.items():
            table = f"{model.schema}.{name}"
            self.con.register("_model_rows", frame.to_arrow())
            try:
                if months is None or self.kind(table) is None:
                    self.con.execute(
                        f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _model_rows"
                    )
                else:
                    self.con.execute(f"DELETE FROM {table} WHERE {months.where()}")
                    self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _model_rows")
            finally:
                self.con.unregister("_model_rows")
            written.append(table)
        return written

    def fingerprints(self, table: str, months: Months | None) -> dict[dt.date | None, str]:
        """A fingerprint of the table's rows per month (of ``months``; all when None),
        or of all its rows (key None) when it has no month column — or no rows at all."""
        if "month" not in self.column_types(table):
            count, total = self.con.execute(
                f"SELECT count(*), sum(hash(t)) FROM {table} AS t"
            ).fetchall()[0]
            return {None: f"{count}:{total}"}
        rows = self.con.execute(
            f"SELECT month, count(*), sum(hash(t)) FROM {table} AS t "
            f"WHERE {where(months)} GROUP BY month"
        ).fetchall()
        if not rows and not self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]:
            return {None: "0:"}  # an empty table: known to hold nothing
        return {(m.date() if isinstance(m, dt.datetime) else m): f"{n}:{h}" for m, n, h in rows}
