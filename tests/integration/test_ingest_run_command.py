"""``python -m pipelines run``: one refresh in this process, a summary per file, nothing
done when nothing is new, and a non-zero exit only when the refresh itself fails (a
rejected file is listed; a failed check leaves the snapshot as it was)."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest

from pipelines.commands.run import run
from pipelines.warehouse import checks

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_inputs"
ARGS = argparse.Namespace(log_level="WARNING", workers=1, report_json=None)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WSI_PSEUDONYM_KEY", "test-key")
    shutil.copytree(CORPUS / "_reference", tmp_path / "landing")
    for case in ("usage_tallies", "binary_junk"):
        shutil.copytree(CORPUS / case, tmp_path / "landing", dirs_exist_ok=True)
    return tmp_path


def test_run_lists_every_file_and_succeeds_despite_a_rejected_one(
    data_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    assert run(ARGS) == 0
    out = capsys.readouterr().out
    assert "*usage/tallies.csv" in out and "loaded" in out
    assert "*usage/junk.csv" in out and "not a text file" in out
    assert (data_dir / "serving" / "current.duckdb").exists()
    assert run(ARGS) == 0
    assert "nothing new" in capsys.readouterr().out  # nothing new the second time


def test_run_fails_when_a_check_fails_and_keeps_the_snapshot(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    broken = checks.Check("kpi_monthly", "always_fails", "a broken mart", "SELECT 1 AS x")
    monkeypatch.setattr(checks, "CHECKS", (*checks.CHECKS, broken))
    assert run(ARGS) == 1
    assert "always_fails" in capsys.readouterr().err
    assert not (data_dir / "serving" / "current.duckdb").exists()
