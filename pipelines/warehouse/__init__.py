"""The warehouse: the SQL models of ``sql/`` over the lake's raw rows, refreshed by month.

- :mod:`.raw` — the raw layer as both engines see it: each source's rows of the current
  landing files with the key settled (which row wins, which repeats an id), the files'
  records and their value-rejected rows;
- :mod:`.models` — the model catalogue: one SQL (or Python) file a model, what it reads,
  how it is refreshed;
- :mod:`.state` — what each model holds (a fingerprint per month) and what is pending;
- :mod:`.refresh` — the incremental refresh: from the lake's changes to the models'
  months to the published snapshot;
- :mod:`.checks` — the checks the marts must pass before they are published;
- :mod:`.duck` — the DuckDB engine (the embedded default); ``pipelines/engines`` holds
  Spark's.

DuckDB allows one writer process: the dashboard never opens the warehouse (it reads the
published snapshot, :mod:`pipelines.serving`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

SCHEMAS = ("raw", "meta", "staging", "marts")


@contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse file at ``path`` with its schemas (created when
    missing, unless read-only)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        if not read_only:
            for schema in SCHEMAS:
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        yield con
    finally:
        con.close()
