"""Fixtures shared across test folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Tests write their landing files and refresh at once; waiting for files still being
# written (WSI_LANDING_SETTLE_S, default 10 s) has tests of its own that set it.
os.environ["WSI_LANDING_SETTLE_S"] = "0"


@pytest.fixture(scope="session")
def small_demo_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the ``small`` demo (seed 1) as the real pipeline ingests,
    builds and publishes it: landing files, warehouse and serving snapshot. Built once per
    test session; tests read it and must not change it."""
    import dagster as dg

    from pipelines.definitions import build_definitions
    from pipelines.demo import generate
    from pipelines.settings import get_settings

    data_dir = tmp_path_factory.mktemp("small-demo")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WSI_DATA_DIR", str(data_dir))
        generate("small", 1, get_settings().landing_dir)
        job = build_definitions().resolve_job_def("everything")
        result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral())
    assert result.success, "the pipeline builds the small demo"
    return data_dir
