"""The data layer's connection to the serving snapshot, which snapshot the current request
reads, and who its viewer is.

The snapshot is replaced atomically by the pipeline (``os.replace``). One read-only
connection per process is kept and reopened when the file's inode, size or mtime
changes; an open file on Linux never blocks the rename. DuckDB shares one database
instance per path inside a process, so the old connection must be closed before the
new file can be opened: queries therefore run one at a time under a lock, which also
makes the single connection safe across the web server's threads.

Every query reads the newest snapshot, unless the request's snapshot chooser (installed
by the app: :mod:`dashboards.components.snapshot_picker`) names one of the earlier ones
kept (``<data>/serving/history/``, never written once published) for a city user who
chose it. Either way, every snapshot is opened by :func:`pipelines.serving.open_snapshot`.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from dashboards.viewer import Viewer
from pipelines.serving import NoSnapshot, open_snapshot
from pipelines.settings import Settings, get_settings


class Snapshot:
    """A read-only view of one snapshot path that follows its replacements."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._key: tuple[int, int, int] | None = None

    def version(self) -> tuple[int, int, int] | None:
        """What identifies the file now at the path (None: no snapshot): caches of
        anything computed from the snapshot key on it."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def exists(self) -> bool:
        return self.version() is not None

    def query(self, sql: str, **params: Any) -> pl.DataFrame:
        """Run one parameterised query (``$name`` placeholders) and return all rows."""
        with self._lock:
            con = self._connection()
            return pl.from_arrow(con.sql(sql, params=params or None).to_arrow_table())

    def _connection(self) -> duckdb.DuckDBPyConnection:
        key = self.version()
        if key is None:
            self._close()
            raise NoSnapshot(self.path)
        if self._con is None or key != self._key:
            self._close()
            self._con = open_snapshot(self.path)
            self._key = key
        return self._con

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
        self._con, self._key = None, None

    def close(self) -> None:
        with self._lock:
            self._close()


_snapshots: dict[Path, Snapshot] = {}
_snapshots_lock = threading.Lock()


def _shared(path: Path) -> Snapshot:
    with _snapshots_lock:
        if path not in _snapshots:
            _snapshots[path] = Snapshot(path)
        return _snapshots[path]


def newest(settings: Settings | None = None) -> Snapshot:
    """The process-wide :class:`Snapshot` of the newest snapshot (``current.duckdb``)."""
    return _shared((settings or get_settings()).snapshot_path)


def _newest_path(settings: Settings) -> Path:
    return settings.snapshot_path


_snapshot_chooser: Callable[[Settings], Path] = _newest_path


def set_snapshot_chooser(chooser: Callable[[Settings], Path]) -> None:
    """Install the function that tells which snapshot file the current request reads."""
    global _snapshot_chooser
    _snapshot_chooser = chooser


def snapshot(settings: Settings | None = None) -> Snapshot:
    """The process-wide :class:`Snapshot` the current request reads: the newest, or the
    earlier one its chooser names."""
    return _shared(_snapshot_chooser(settings or get_settings()))


_settings: Settings | None = None


def configure(settings: Settings) -> None:
    """Point the data layer at the app's settings (``create_app`` calls this)."""
    global _settings
    _settings = settings


def settings() -> Settings:
    return _settings or get_settings()


def query(sql: str, **params: Any) -> pl.DataFrame:
    """One parameterised query on the current snapshot."""
    return snapshot(settings()).query(sql, **params)


def per_snapshot(maxsize: int = 8) -> Callable[[Callable], Callable]:
    """Memoise a data-layer function on its (hashable) arguments and the version of the
    snapshot it reads: what depends only on the snapshot is computed once per
    replacement of the file, for the last ``maxsize`` argument sets."""

    def decorate(function: Callable) -> Callable:
        results: OrderedDict[tuple, Any] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(function)
        def cached(*args: Any) -> Any:
            key = (snapshot(settings()).version(), *args)
            with lock:
                if key in results:
                    results.move_to_end(key)
                    return results[key]
            value = function(*args)
            with lock:
                results[key] = value
                while len(results) > maxsize:
                    results.popitem(last=False)
            return value

        cached.cache_clear = results.clear  # type: ignore[attr-defined]
        return cached

    return decorate


def available() -> bool:
    return snapshot(settings()).exists()


_viewer_provider: Callable[[], Viewer] = Viewer


def set_viewer_provider(provider: Callable[[], Viewer]) -> None:
    """Install the function that tells who the current request's viewer is."""
    global _viewer_provider
    _viewer_provider = provider


def current_viewer() -> Viewer:
    return _viewer_provider()


def as_month(value: date | str | None) -> date | None:
    """A month given as a date or as ISO date text (``2024-05-01``)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def shift(month: date, months: int) -> date:
    """The first day of the month ``months`` after ``month`` (before, when negative)."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
