"""Fixtures of the siting tests: the tiny world of ``world.py`` as a published snapshot."""

from __future__ import annotations

import duckdb
import pytest

from tests.unit.planning.world import write_world


@pytest.fixture
def snapshot(tmp_path, monkeypatch):
    """A data folder whose published snapshot is the tiny world; WSI_DATA_DIR points at it."""
    path = tmp_path / "serving" / "current.duckdb"
    path.parent.mkdir(parents=True)
    con = duckdb.connect(str(path))
    write_world(con)
    con.close()
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    return path
