"""Idempotency: the same files again change nothing; a changed file replaces exactly its
own rows; a removed file's rows stay."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.specs import EXPORTS
from pipelines.refresh import refresh
from pipelines.settings import get_settings
from tests.fixtures.lakehouse import ACCOUNTING

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_inputs"
CASES = (
    "hotline_last_row_wins",
    "drives_across_files",
    "usage_tallies",
    "xlsx_title_and_types",
    "numbers",
)
TABLES = [f"raw.{s}" for s in EXPORTS] + ["marts.quarantine"]


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("WSI_PSEUDONYM_KEY", raising=False)  # the generated key path
    landing = tmp_path / "landing"
    shutil.copytree(CORPUS / "_reference", landing)
    for case in CASES:
        shutil.copytree(CORPUS / case, landing, dirs_exist_ok=True)
    os.utime(landing / "drives/2024-05.csv", (1_714_000_000, 1_714_000_000))
    os.utime(landing / "drives/2024-05-corrected.csv", (1_714_100_000, 1_714_100_000))
    return landing


def run_all() -> list[tuple]:
    """Ingest and settle; the registry rows (path, read, loaded, quarantined) of the files
    read in this run."""
    read = {r.path for r in refresh(get_settings(), workers=1, only=ACCOUNTING).ingested}
    with duckdb.connect(str(get_settings().warehouse_path), read_only=True) as con:
        rows = con.execute(
            "SELECT path, rows_read, rows_loaded, rows_quarantined FROM marts.ingest_files "
            "ORDER BY path"
        ).fetchall()
    return [r for r in rows if r[0] in read]


def snapshot() -> dict[str, list[tuple]]:
    with duckdb.connect(str(get_settings().warehouse_path), read_only=True) as con:
        tables = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
        tables["files"] = con.execute(
            "SELECT * EXCLUDE (ingested_at) FROM marts.ingest_files ORDER BY path"
        ).fetchall()
        return tables


def rows_of(tables: dict, path: str) -> dict[str, list]:
    def mine(table: str, row: tuple) -> bool:
        return path in row

    return {t: [r for r in rows if mine(t, r)] for t, rows in tables.items()}


def rows_not_of(tables: dict, path: str) -> dict[str, list]:
    return {t: [r for r in rows if path not in r] for t, rows in tables.items()}


def test_same_files_again_change_nothing(landing: Path) -> None:
    first = run_all()
    assert len(first) == sum(1 for p in landing.rglob("*") if p.is_file())
    before = snapshot()
    assert run_all() == []
    assert snapshot() == before


def test_a_changed_file_replaces_only_its_rows(landing: Path) -> None:
    run_all()
    before = snapshot()
    (landing / "usage/tallies.csv").write_text(
        "驿站编号,服务日期,服务项目,人次\nS002,2024-06-01,充电,7\nS404,2024-06-01,充电,1\n"
    )
    assert run_all() == [("usage/tallies.csv", 2, 1, 1)]
    after = snapshot()
    assert rows_not_of(after, "usage/tallies.csv") == rows_not_of(before, "usage/tallies.csv")
    with duckdb.connect(str(get_settings().warehouse_path), read_only=True) as con:
        assert con.execute(
            "SELECT station_id, visits, is_tally FROM raw.usage WHERE _path = 'usage/tallies.csv' "
            "AND station_id IN (SELECT station_id FROM staging.stg_stations)"
        ).fetchall() == [("S002", 7, True)]
        assert con.execute(
            "SELECT row_number, reason FROM marts.quarantine WHERE path = 'usage/tallies.csv'"
        ).fetchall() == [(3, "unknown_station")]


def test_a_corrected_keyed_file_moves_the_winner_back(landing: Path) -> None:
    run_all()
    corrected = landing / "drives/2024-05-corrected.csv"
    corrected.write_text("活动编号,活动日期,区,覆盖人数,入会人数\nD3,2024-05-09,房山区,40,4\n")
    os.utime(corrected, (1_714_200_000, 1_714_200_000))
    run_all()
    with duckdb.connect(str(get_settings().warehouse_path), read_only=True) as con:
        files = con.execute(
            "SELECT path, rows_read, rows_loaded, rows_superseded FROM marts.ingest_files "
            "WHERE source = 'drives' ORDER BY path"
        ).fetchall()
        current = con.execute(
            "SELECT drive_id, enrolled FROM raw.drives WHERE _state = 'kept' ORDER BY 1"
        ).fetchall()
    # D1 is no longer in the corrected export: the older file's D1 counts again
    assert files == [("drives/2024-05-corrected.csv", 1, 1, 0), ("drives/2024-05.csv", 2, 2, 0)]
    assert current == [("D1", 10), ("D2", 10), ("D3", 4)]


def test_a_removed_file_keeps_its_rows(landing: Path) -> None:
    run_all()
    before = snapshot()
    (landing / "hotline/history.csv").unlink()
    assert run_all() == []
    assert snapshot() == before


def test_no_clear_phone_in_the_database_file(landing: Path) -> None:
    shutil.copytree(CORPUS / "personal_data", landing, dirs_exist_ok=True)
    run_all()
    data_dir = Path(os.environ["WSI_DATA_DIR"])
    for path in [data_dir / "warehouse.duckdb", *(data_dir / "lake").rglob("*.*")]:
        data = path.read_bytes()
        assert b"13800138000" not in data and b"13700137000" not in data, path
    secret = Path(os.environ["WSI_DATA_DIR"]) / ".secret"
    assert secret.stat().st_mode & 0o777 == 0o600


def test_a_touched_file_with_the_same_content_changes_nothing(landing: Path) -> None:
    run_all()
    before = snapshot()
    os.utime(landing / "usage/tallies.csv", (1_800_000_000, 1_800_000_000))
    assert run_all() == []
    assert snapshot() == before
