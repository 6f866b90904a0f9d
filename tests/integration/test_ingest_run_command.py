"""``python -m pipelines run``: every non-partitioned asset in-process, a summary per file,
and a non-zero exit only when the pipeline itself fails (a rejected file is listed)."""

from __future__ import annotations

import argparse
import shutil
import sys
import types
from pathlib import Path

import dagster as dg
import pytest

from pipelines.assets import ingest
from pipelines.commands.run import run
from pipelines.warehouse import WarehouseResource

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_inputs"


def use_definitions(monkeypatch: pytest.MonkeyPatch, data_dir: Path, *extra: object) -> None:
    """Stand in for pipelines.definitions (whose other modules are not this test's business)."""
    defs = dg.Definitions(
        assets=[*ingest.assets, *extra],
        asset_checks=ingest.checks,
        resources={"warehouse": WarehouseResource(path=str(data_dir / "warehouse.duckdb"))},
        executor=dg.in_process_executor,
    )
    monkeypatch.setitem(sys.modules, "pipelines.definitions", types.SimpleNamespace(defs=defs))


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WSI_PSEUDONYM_KEY", "test-key")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    shutil.copytree(CORPUS / "_reference", tmp_path / "landing")
    for case in ("usage_tallies", "binary_junk"):
        shutil.copytree(CORPUS / case, tmp_path / "landing", dirs_exist_ok=True)
    return tmp_path


def test_run_lists_every_file_and_succeeds_despite_a_rejected_one(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    use_definitions(monkeypatch, data_dir)
    assert run(argparse.Namespace(log_level="WARNING")) == 0
    out = capsys.readouterr().out
    assert "*usage/tallies.csv" in out and "loaded" in out
    assert "*usage/junk.csv" in out and "not a text file" in out
    assert run(argparse.Namespace(log_level="WARNING")) == 0
    assert "*usage" not in capsys.readouterr().out  # nothing new the second time


def test_run_fails_when_the_pipeline_fails(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    @dg.asset(deps=["raw_usage"])
    def broken() -> None:
        raise RuntimeError("a bug")

    use_definitions(monkeypatch, data_dir, broken)
    assert run(argparse.Namespace(log_level="WARNING")) == 1
    assert "broken" in capsys.readouterr().err
