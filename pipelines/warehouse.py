"""The one door to the working DuckDB database.

Every read and write of the warehouse goes through :class:`WarehouseResource`, so that
moving the warehouse to another engine is a change here and in configuration only.
DuckDB allows one writer process: the dashboard never opens this file (it reads the
published snapshot, see ``pipelines/serving.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.ingest.specs import BOUNDARIES, SPECS, raw_table_ddl

SCHEMAS = ("raw", "meta", "staging", "marts")

META_DDL = (
    """
    CREATE TABLE IF NOT EXISTS meta.ingest_files (
        path VARCHAR PRIMARY KEY,      -- relative to <data>/landing, e.g. usage/2024-05.csv
        source VARCHAR NOT NULL,
        sha256 VARCHAR,
        status VARCHAR NOT NULL,       -- loaded | rejected
        rows_read BIGINT NOT NULL,
        rows_loaded BIGINT NOT NULL,
        rows_quarantined BIGINT NOT NULL,
        rows_superseded BIGINT NOT NULL,
        message VARCHAR,
        ingested_at TIMESTAMP NOT NULL,
        file_mtime TIMESTAMP,
        file_size BIGINT,
        notes VARCHAR,                 -- e.g. unknown extra columns, encoding, sheet
        rows_skipped BIGINT DEFAULT 0  -- totals and footer rows: read, never loaded
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS meta.quarantine (
        path VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        row_number INTEGER NOT NULL,
        column_name VARCHAR,
        reason VARCHAR NOT NULL,
        raw_values VARCHAR, -- JSON of the row's cells, personal ones pseudonymised
        sheet VARCHAR       -- the workbook's sheet the row is on; NULL for a text file
    )
    """,
)
#: columns added since the first warehouse was made, appended (where the DDL above has
#: them too) so that an older warehouse file gets them when it is opened
ADDED_COLUMNS = (
    ("meta.ingest_files", "rows_skipped", "BIGINT DEFAULT 0"),
    ("meta.quarantine", "sheet", "VARCHAR"),
    *((f"raw.{name}", "_sheet", "VARCHAR") for name in (*SPECS, BOUNDARIES.name)),
    *((f"raw.{name}", "_read_order", "BIGINT") for name in (*SPECS, BOUNDARIES.name)),
)


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schemas, raw tables and bookkeeping tables when missing (idempotent)."""
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for spec in SPECS.values():
        con.execute(raw_table_ddl(spec))
    for ddl in META_DDL:
        con.execute(ddl)
    add_missing_columns(con)


def add_missing_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Bring an older warehouse's tables up to :data:`ADDED_COLUMNS`; the rows already
    there read in row-number order (their files were CSV or one sheet)."""
    present = set(
        con.execute(
            "SELECT table_schema || '.' || table_name, column_name FROM information_schema.columns"
        ).fetchall()
    )
    tables = {table for table, _ in present}
    for table, column, sql_type in ADDED_COLUMNS:
        # raw.boundaries is made when the first boundaries file is ingested
        if table in tables and (table, column) not in present:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
            if column == "_read_order":
                con.execute(f"UPDATE {table} SET _read_order = _row_number")


class WarehouseResource(dg.ConfigurableResource):
    """The working DuckDB database of the pipeline."""

    path: str

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path, read_only=read_only)
        try:
            if not read_only:
                create_schema(con)
            yield con
        finally:
            con.close()
