"""The raw layer as the models read it, from the lake's current records:

- ``raw.<source>``: every row of the source's current landing files that passed the
  value checks, with ``_state``:
  ``kept`` — the row the source's figures count (its references are checked in
  ``sql/staging``); ``superseded`` — a later version of its key won: a row of a later
  file (by modification time, then path), or, inside one file of a "last wins" source,
  a later row; ``duplicate_id`` — inside one file of a "first wins" source, the key
  repeats an earlier row (quarantined);
- ``raw.duplicates``: those repeated rows as quarantine rows;
- ``meta.files``: one row per current landing file (its lake record);
- ``meta.quarantine``: the rows the value checks rejected, with their reasons.

The settling SQL is generated from the specs — one mechanism for every keyed source —
and portable (window functions): each engine wraps it around its own scan of the files.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pyarrow as pa

from pipelines.ingest.specs import SPECS, SourceSpec, raw_columns
from pipelines.lake import FileRecord, Lake

#: the columns of ``meta.quarantine`` and ``raw.duplicates``, in order
QUARANTINE_COLUMNS = (
    "path", "source", "row_number", "column_name", "reason", "raw_values", "sheet",
)  # fmt: skip


def empty_sql(spec: SourceSpec) -> str:
    """A query with the source's raw columns and types and no rows."""
    columns = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in raw_columns(spec))
    return f"SELECT {columns} WHERE false"


def settled_sql(spec: SourceSpec, scan: str) -> str:
    """``raw.<source>``: the rows of ``scan`` (a relation of the source's raw rows) with
    ``_state`` settled by the spec's key and duplicate policy."""
    columns = ", ".join(name for name, _ in raw_columns(spec))
    if spec.key is None:
        return f"SELECT {columns}, 'kept' AS _state FROM {scan} AS r"
    key = ", ".join(spec.key_columns)
    # the file modified last wins (its record's time: touching a file makes it the latest)
    newest_first = "_file_mtime DESC, _path DESC, _read_order DESC"
    dated = f"""SELECT r.*, f.file_mtime AS _file_mtime FROM {scan} AS r
    JOIN meta.files AS f ON f.path = r._path"""
    if spec.duplicate_policy == "last":
        return f"""SELECT {columns},
       CASE WHEN row_number() OVER (PARTITION BY {key} ORDER BY {newest_first}) = 1
            THEN 'kept' ELSE 'superseded' END AS _state
FROM ({dated}) AS r"""
    return f"""WITH in_file AS (
    SELECT {columns}, _file_mtime,
           row_number() OVER (PARTITION BY _path, {key} ORDER BY _read_order) AS _repeat
    FROM ({dated}) AS r
)
SELECT {columns}, 'duplicate_id' AS _state FROM in_file WHERE _repeat > 1
UNION ALL
SELECT {columns},
       CASE WHEN row_number() OVER (PARTITION BY {key} ORDER BY {newest_first}) = 1
            THEN 'kept' ELSE 'superseded' END AS _state
FROM in_file WHERE _repeat = 1"""


def duplicates_sql() -> str:
    """``raw.duplicates``: the repeated ids of every "first wins" source as quarantine
    rows, with the row's values (personal ones are pseudonyms)."""
    parts = []
    for spec in SPECS.values():
        if spec.key is None or spec.duplicate_policy != "first":
            continue
        # each value as text: the JSON then reads the same on every engine (Spark's
        # to_json writes timestamps and decimals its own way), and marts.quarantine
        # reads raw_values as text anyway
        values = ", ".join(f"{c.name} := CAST({c.name} AS VARCHAR)" for c in spec.columns)
        parts.append(
            f"SELECT _path AS path, '{spec.name}' AS source, _row_number AS row_number, "
            f"'{'/'.join(spec.key_columns)}' AS column_name, 'duplicate_id' AS reason, "
            f"CAST(to_json(struct_pack({values})) AS VARCHAR) AS raw_values, _sheet AS sheet "
            f"FROM raw.{spec.name} WHERE _state = 'duplicate_id'"
        )
    return "\nUNION ALL\n".join(parts)


FILES_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("source", pa.string()),
        ("sha256", pa.string()),
        ("status", pa.string()),
        ("rows_read", pa.int64()),
        ("rows_skipped", pa.int64()),
        ("rows_invalid", pa.int64()),
        ("rows_valid", pa.int64()),
        ("message", pa.string()),
        ("notes", pa.string()),
        ("ingested_at", pa.timestamp("us")),
        ("file_mtime", pa.timestamp("us")),
        ("file_size", pa.int64()),
        # the one month a file's rows fall in (NULL: none, or several)
        ("month", pa.date32()),
        ("uploaded_by", pa.string()),
        # the record's structured parts of its message, as JSON
        ("warnings", pa.string()),
        ("fallbacks", pa.string()),
    ]
)


def files_table(records: list[FileRecord]) -> pa.Table:
    """``meta.files``: the records as a table."""

    def utc(seconds: float) -> dt.datetime:
        return dt.datetime.fromtimestamp(seconds, dt.UTC).replace(tzinfo=None)

    rows = [
        {
            "path": r.path,
            "source": r.source,
            "sha256": r.sha256,
            "status": r.status,
            "rows_read": r.rows_read,
            "rows_skipped": r.rows_skipped,
            "rows_invalid": r.rows_invalid,
            "rows_valid": int(r.facts.get("valid_rows", 0)),
            "message": r.message,
            "notes": r.notes,
            "ingested_at": dt.datetime.fromisoformat(r.ingested_at) if r.ingested_at else None,
            "file_mtime": utc(r.file_mtime),
            "file_size": r.file_size,
            "month": dt.date.fromisoformat(r.months[0]) if len(r.months) == 1 else None,
            "uploaded_by": r.uploaded_by,
            "warnings": json.dumps(list(r.warnings), ensure_ascii=False),
            "fallbacks": json.dumps(r.fallbacks, ensure_ascii=False),
        }
        for r in records
    ]
    return pa.Table.from_pylist(rows, schema=FILES_SCHEMA)


def parquet_scan(paths: list[str], empty: str) -> str:
    """All rows of the Parquet files, with every column of ``empty`` (a part written
    before a column was added reads it as NULL)."""
    if not paths:
        return f"({empty})"
    listed = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
    return (
        f"(({empty}) UNION ALL BY NAME "
        f"SELECT * FROM read_parquet([{listed}], union_by_name = true))"
    )


def register(con: duckdb.DuckDBPyConnection, lake: Lake) -> list[FileRecord]:
    """(Re)create the raw views and meta tables of a DuckDB warehouse over the lake's
    current records; returns the records."""
    records = lake.records()
    con.register("_files", files_table(records))
    try:
        con.execute("CREATE OR REPLACE TABLE meta.files AS SELECT * FROM _files")
    finally:
        con.unregister("_files")
    for spec in SPECS.values():
        paths = [str(lake.raw_path(r)) for r in records if r.source == spec.name and r.raw_file]
        scan = parquet_scan(paths, empty_sql(spec))
        con.execute(f"CREATE OR REPLACE VIEW raw.{spec.name} AS {settled_sql(spec, scan)}")
    con.execute(f"CREATE OR REPLACE VIEW raw.duplicates AS {duplicates_sql()}")
    bad = [str(lake.quarantine_path(r)) for r in records if r.quarantine_file]
    empty = (
        "SELECT CAST(NULL AS VARCHAR) AS path, CAST(NULL AS VARCHAR) AS source, "
        "CAST(NULL AS INTEGER) AS row_number, CAST(NULL AS VARCHAR) AS column_name, "
        "CAST(NULL AS VARCHAR) AS reason, CAST(NULL AS VARCHAR) AS raw_values, "
        "CAST(NULL AS VARCHAR) AS sheet WHERE false"
    )
    con.execute(
        f"CREATE OR REPLACE VIEW meta.quarantine AS SELECT * FROM {parquet_scan(bad, empty)}"
    )
    return records
