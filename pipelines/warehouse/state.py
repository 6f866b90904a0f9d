"""What the warehouse holds and what it still owes, kept in its ``meta`` schema:

- ``meta.model_state``: per model and month (NULL: the whole table) a fingerprint of the
  rows, the model's source text and the settings it read — what a refresh compares
  against to find the months that really changed;
- ``meta.pending``: the models' months still to rebuild (NULL: all of them), written in
  the same transaction as what caused them, so a refresh killed half-way resumes exactly;
- ``meta.built_files``: the lake records the pending work was derived from, to find what
  the next files change.

The state lives in the DuckDB warehouse for either engine: with DuckDB it commits in one
transaction with the model's rows; with Spark it is written after the rows, so a crash
in between repeats the model (idempotent), never skips it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable

import duckdb

from pipelines.lake import FileRecord
from pipelines.warehouse.models import Months, where

#: a month of ``meta.pending`` meaning "every month"
ALL = None

DDL = (
    """CREATE TABLE IF NOT EXISTS meta.model_state (
        model VARCHAR NOT NULL, month DATE, fingerprint VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS meta.model_versions (
        model VARCHAR PRIMARY KEY, version VARCHAR NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS meta.pending (model VARCHAR NOT NULL, month DATE)",
    """CREATE TABLE IF NOT EXISTS meta.built_files (
        source VARCHAR NOT NULL, path VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
        months VARCHAR NOT NULL, raw_file VARCHAR, file_mtime DOUBLE)""",
)


def create(con: duckdb.DuckDBPyConnection) -> None:
    for ddl in DDL:
        con.execute(ddl)


def version(text: str, parameters: dict[str, object]) -> str:
    """What a model's output depends on besides its inputs: its source and settings."""
    material = text + json.dumps(parameters, sort_keys=True, default=str)
    return hashlib.sha256(material.encode()).hexdigest()[:32]


# -- pending ---------------------------------------------------------------------------


def add_pending(
    con: duckdb.DuckDBPyConnection, models: Iterable[str], months: set[dt.date | None]
) -> None:
    """Owe ``months`` (``ALL`` among them: every month) of each of ``models``."""
    rows = [(m, month) for m in models for month in months]
    if rows:
        con.executemany("INSERT INTO meta.pending VALUES (?, ?)", rows)


def pending(con: duckdb.DuckDBPyConnection) -> dict[str, set[dt.date | None]]:
    """Model → the months owed (``ALL`` for every month)."""
    owed: dict[str, set[dt.date | None]] = {}
    for model, month in con.execute("SELECT DISTINCT model, month FROM meta.pending").fetchall():
        owed.setdefault(model, set()).add(month)
    return owed


def clear_pending(con: duckdb.DuckDBPyConnection, model: str) -> None:
    con.execute("DELETE FROM meta.pending WHERE model = ?", [model])


# -- fingerprints and versions -----------------------------------------------------------


def fingerprints(con: duckdb.DuckDBPyConnection, model: str) -> dict[dt.date | None, str]:
    return dict(
        con.execute(
            "SELECT month, fingerprint FROM meta.model_state WHERE model = ?", [model]
        ).fetchall()
    )


def record_fingerprints(
    con: duckdb.DuckDBPyConnection,
    model: str,
    prints: dict[dt.date | None, str],
    months: Months | None,
) -> None:
    """Replace the table's fingerprints of ``months`` (None: all) with ``prints``. A
    whole-table fingerprint (month NULL: a table without months, or an empty one) and
    month fingerprints never stand side by side."""
    keep = "true" if None in prints else where(months)
    con.execute(
        f"DELETE FROM meta.model_state WHERE model = ? AND (month IS NULL OR {keep})", [model]
    )
    rows = [(model, month, fp) for month, fp in prints.items()]
    if rows:
        con.executemany("INSERT INTO meta.model_state VALUES (?, ?, ?)", rows)


def versions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT model, version FROM meta.model_versions").fetchall())


def record_version(con: duckdb.DuckDBPyConnection, model: str, value: str) -> None:
    con.execute("DELETE FROM meta.model_versions WHERE model = ?", [model])
    con.execute("INSERT INTO meta.model_versions VALUES (?, ?)", [model, value])


def forget_model(con: duckdb.DuckDBPyConnection, model: str) -> None:
    """A model that no longer exists (a removed file)."""
    for table in ("model_state", "model_versions", "pending"):
        con.execute(f"DELETE FROM meta.{table} WHERE model = ?", [model])


# -- the lake files the state reflects ---------------------------------------------------


def built_files(con: duckdb.DuckDBPyConnection) -> dict[str, FileRecord]:
    """Path → the record (path, source, sha256, months, raw file, time) last queued."""
    return {
        path: FileRecord(
            path,
            source,
            sha256,
            "loaded",
            months=tuple(json.loads(months)),
            raw_file=raw_file,
            file_mtime=mtime,
        )
        for source, path, sha256, months, raw_file, mtime in con.execute(
            "SELECT source, path, sha256, months, raw_file, file_mtime FROM meta.built_files"
        ).fetchall()
    }


def record_built_files(con: duckdb.DuckDBPyConnection, records: list[FileRecord]) -> None:
    con.execute("DELETE FROM meta.built_files")
    rows = [
        (r.source, r.path, r.sha256, json.dumps(list(r.months)), r.raw_file, r.file_mtime)
        for r in records
    ]
    if rows:
        con.executemany("INSERT INTO meta.built_files VALUES (?, ?, ?, ?, ?, ?)", rows)
