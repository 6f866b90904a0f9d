"""Idempotency: the same files again change nothing; a changed file replaces exactly its
own rows; a removed file's rows stay."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.engine import ingest_source
from pipelines.ingest.specs import EXPORTS
from pipelines.settings import get_settings
from pipelines.warehouse import create_schema

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_inputs"
CASES = (
    "hotline_last_row_wins",
    "drives_across_files",
    "usage_tallies",
    "xlsx_title_and_types",
    "numbers",
)
TABLES = [f"raw.{s}" for s in EXPORTS] + ["meta.quarantine"]


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


def run_all() -> list:
    settings = get_settings()
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        create_schema(con)
        return [r for s in EXPORTS for r in ingest_source(con, s, settings)]
    finally:
        con.close()


def snapshot() -> dict[str, list[tuple]]:
    with duckdb.connect(str(get_settings().warehouse_path), read_only=True) as con:
        tables = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
        tables["files"] = con.execute("SELECT * FROM meta.ingest_files ORDER BY path").fetchall()
        return tables


def rows_of(tables: dict, path: str) -> dict[str, list]:
    def mine(table: str, row: tuple) -> bool:
        return path in row

    return {t: [r for r in rows if mine(t, r)] for t, rows in tables.items()}


def rows_not_of(tables: dict, path: str) -> dict[str, list]:
    return {t: [r for r in rows if path not in r] for t, rows in tables.items()}


def test_same_files_again_change_nothing(landing: Path) -> None:
    first = run_all()
    assert {r.status for r in first} == {"loaded"}
    before = snapshot()
    second = run_all()
    assert {r.status for r in second} == {"unchanged"} and len(second) == len(first)
    assert snapshot() == before


def test_a_changed_file_replaces_only_its_rows(landing: Path) -> None:
    run_all()
    before = snapshot()
    (landing / "usage/tallies.csv").write_text(
        "驿站编号,服务日期,服务项目,人次\nS002,2024-06-01,充电,7\nS404,2024-06-01,充电,1\n"
    )
    results = [r for r in run_all() if r.status != "unchanged"]
    assert [(r.path, r.rows_read, r.rows_loaded, r.rows_quarantined) for r in results] == [
        ("usage/tallies.csv", 2, 1, 1)
    ]
    after = snapshot()
    assert rows_not_of(after, "usage/tallies.csv") == rows_not_of(before, "usage/tallies.csv")
    with duckdb.connect(str(get_settings().warehouse_path), read_only=True) as con:
        assert con.execute(
            "SELECT station_id, visits, is_tally FROM raw.usage WHERE _path = 'usage/tallies.csv'"
        ).fetchall() == [("S002", 7, True)]
        assert con.execute(
            "SELECT row_number, reason FROM meta.quarantine WHERE path = 'usage/tallies.csv'"
        ).fetchall() == [(3, "unknown_station")]


def test_a_corrected_keyed_file_moves_the_winner_back(landing: Path) -> None:
    run_all()
    corrected = landing / "drives/2024-05-corrected.csv"
    corrected.write_text("活动编号,活动日期,区,覆盖人数,入会人数\nD3,2024-05-09,房山区,40,4\n")
    os.utime(corrected, (1_714_200_000, 1_714_200_000))
    run_all()
    with duckdb.connect(str(get_settings().warehouse_path), read_only=True) as con:
        files = con.execute(
            "SELECT path, rows_read, rows_loaded, rows_superseded FROM meta.ingest_files "
            "WHERE source = 'drives' ORDER BY path"
        ).fetchall()
        current = con.execute(
            "SELECT drive_id, enrolled FROM raw.drives WHERE NOT _superseded ORDER BY 1"
        ).fetchall()
    # D1 is no longer in the corrected export: the older file's D1 counts again
    assert files == [("drives/2024-05-corrected.csv", 1, 1, 0), ("drives/2024-05.csv", 2, 2, 0)]
    assert current == [("D1", 10), ("D2", 10), ("D3", 4)]


def test_a_removed_file_keeps_its_rows(landing: Path) -> None:
    run_all()
    before = snapshot()
    (landing / "hotline/history.csv").unlink()
    assert {r.status for r in run_all()} == {"unchanged"}
    assert snapshot() == before


def test_no_clear_phone_in_the_database_file(landing: Path) -> None:
    shutil.copytree(CORPUS / "personal_data", landing, dirs_exist_ok=True)
    run_all()
    data = (Path(os.environ["WSI_DATA_DIR"]) / "warehouse.duckdb").read_bytes()
    assert b"13800138000" not in data and b"13700137000" not in data
    secret = Path(os.environ["WSI_DATA_DIR"]) / ".secret"
    assert secret.stat().st_mode & 0o777 == 0o600


def test_a_touched_file_with_the_same_content_changes_nothing(landing: Path) -> None:
    run_all()
    before = snapshot()
    os.utime(landing / "usage/tallies.csv", (1_800_000_000, 1_800_000_000))
    assert {r.status for r in run_all()} == {"unchanged"}
    assert snapshot() == before
