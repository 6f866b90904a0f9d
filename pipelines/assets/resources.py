"""The resources the assets share: the working warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import warehouse
from pipelines.warehouse import state


class WarehouseResource(dg.ConfigurableResource):
    """The working DuckDB database of the pipeline (single writer: the dashboard reads
    the published snapshot, never this file)."""

    path: str

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse.connect(Path(self.path)) as con:
            state.create(con)
            yield con
