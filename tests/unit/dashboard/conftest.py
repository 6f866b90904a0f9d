"""A synthetic snapshot in a temporary data folder, and the data layer pointed at it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboards import data
from pipelines.settings import Settings
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("data")
    settings = Settings(data_dir=Path(folder))
    build_synthetic_snapshot(settings.snapshot_path, months=14)
    data.configure(settings)
    yield settings
    data.snapshot(settings).close()


@pytest.fixture
def city() -> data.Viewer:
    return data.Viewer()
