"""Both engines over the same rows: the DuckDB test warehouse exported to a Parquet lake,
the models run on Spark, and tables compared row by row (floats to 1e-9)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import duckdb


def export_tables(
    con: duckdb.DuckDBPyConnection, lake: Path, tables: Iterable[str] | None = None
) -> None:
    """Each of ``tables`` (``schema.table``; by default every raw and meta table) as
    ``<lake>/<schema>/<table>/part-0.parquet``."""
    if tables is None:
        tables = [
            f"{schema}.{table}"
            for schema, table in con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() "
                "WHERE schema_name IN ('raw', 'meta') AND database_name = current_database()"
            ).fetchall()
        ]
    for name in tables:
        schema, table = name.split(".")
        folder = lake / schema / table
        folder.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY {schema}.{table} TO '{folder / 'part-0.parquet'}' (FORMAT parquet)")


def read_table(con: duckdb.DuckDBPyConnection, source: str) -> tuple[list, list, list]:
    """Column names, DuckDB types and rows (sorted) of a table or ``read_parquet(…)``."""
    relation = con.sql(f"SELECT * FROM {source}")
    rows = relation.fetchall()
    return relation.columns, [str(t) for t in relation.types], sorted(rows, key=_sort_key)


def _sort_key(row: tuple) -> tuple:
    # floats rounded, so that the last bits never order two engines' rows differently
    return tuple(
        (value is None, f"{value:.9g}" if isinstance(value, float) else str(value)) for value in row
    )


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return a == b and type(a) is type(b)


def differences(expected: tuple[list, list, list], actual: tuple[list, list, list]) -> list[str]:
    """What differs between two :func:`read_table` results (empty when they agree)."""
    (e_cols, e_types, e_rows), (a_cols, a_types, a_rows) = expected, actual
    if e_cols != a_cols:
        return [f"columns {e_cols} != {a_cols}"]
    found = [
        f"{c}: type {et} != {at}"
        for c, et, at in zip(e_cols, e_types, a_types, strict=True)
        if et != at
    ]
    if len(e_rows) != len(a_rows):
        return [*found, f"{len(e_rows)} rows != {len(a_rows)} rows"]
    for e_row, a_row in zip(e_rows, a_rows, strict=True):
        bad = [
            f"{c}={ev!r} != {av!r}"
            for c, ev, av in zip(e_cols, e_row, a_row, strict=True)
            if not _same(ev, av)
        ]
        if bad:
            found.append(f"row {e_row}: {', '.join(bad)}")
    return found
