"""The resources the assets share: the working warehouse, held under the data folder's
refresh lock (:func:`pipelines.refresh.refresh_lock`) while a step writes it, so that a
run of the Dagster job, ``python -m pipelines run`` and a backup take turns."""

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


class WarehouseResource(dg.ConfigurableResource):
    """The working DuckDB database of the pipeline (single writer: the dashboard reads
    the published snapshot, never this file)."""

    path: str

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with refresh_lock(get_settings()), warehouse.connect(Path(self.path)) as con:
            state.create(con)
            yield con
