"""Publishing the serving snapshot: exactly the documented tables and columns, nothing
personal, an atomic replace that an open reader survives, and a failed publish that
leaves ``current.duckdb`` as it was."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.assets.forecast import TABLES as FORECAST_TABLES
from pipelines.assets.warehouse import run_models
from pipelines.forecast.run import BACKTEST_SCHEMA, DEMAND_SCHEMA, WEATHER_SCHEMA
from pipelines.serving import PERSONAL_COLUMNS, latest_complete_month, publish_snapshot
from pipelines.settings import REPO_ROOT, Settings
from pipelines.warehouse import create_schema

BUILT_AT = dt.datetime(2024, 3, 1, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def documented_columns() -> dict[str, list[str]]:
    """table → columns, from the tables of docs/serving-snapshot.md."""
    text = (REPO_ROOT / "docs" / "serving-snapshot.md").read_text(encoding="utf-8")
    tables = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and re.fullmatch(r"`\w+`", cells[0]):
            columns = re.sub(r"\([^)]*\)", "", cells[2])  # drop "(count of …)" notes
            tables[cells[0].strip("`")] = [c.strip() for c in columns.split(",")]
    return tables


def small_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    create_schema(con)
    con.execute(
        """
        INSERT INTO raw.communities (community_code, community_name, subdistrict, district,
            lat, lon, residents, outdoor_workers, _path, _row_number, _file_mtime)
        VALUES ('110101001001', '甲社区', '东华门街道', '东城区', 39.9, 116.4, 100, 50,
            'communities/a.csv', 2, '2024-01-01')
        """
    )
    con.execute(
        """
        INSERT INTO raw.stations (station_id, station_name, station_type, community_code,
            lat, lon, opened_on, _path, _row_number, _file_mtime)
        VALUES ('S1', '一号', 'warm_station', '110101001001', 39.905, 116.4, '2024-01-01',
            'stations/a.csv', 2, '2024-01-01')
        """
    )
    add_visits(con, 3, "2024-01-10 10:00")
    con.execute(
        """
        INSERT INTO meta.ingest_files VALUES
        ('usage/2024-01.csv', 'usage', 'feedbeef', 'loaded', 3, 3, 0, 0, NULL,
         '2024-03-01 06:00', NULL, NULL, NULL, 0)
        """
    )
    return con


def add_visits(con: duckdb.DuckDBPyConnection, n: int, at: str) -> None:
    for i in range(n):
        con.execute(
            """
            INSERT INTO raw.usage (station_id, occurred_at, service, visits, worker_ref,
                is_tally, _path, _row_number, _file_mtime)
            VALUES ('S1', ?, 'water', 1, ?, false, 'usage/2024-01.csv', ?, '2024-01-01')
            """,
            [at, f"pseudonym-{i}", i + 2],
        )


@pytest.fixture
def published(tmp_path: Path):
    settings = Settings(data_dir=tmp_path, coverage_radius_m=1000.0)
    con = small_warehouse(tmp_path / "warehouse.duckdb")
    run_models(con, settings)
    publish_snapshot(con, settings, built_at=BUILT_AT)
    yield con, settings
    con.close()


def city_visits(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT sum(visits) FROM kpi_monthly WHERE scope_level = 'city'"
        ).fetchall()[0][0]


def test_snapshot_has_exactly_the_documented_tables_and_columns(published):
    _, settings = published
    documented = documented_columns()
    with duckdb.connect(str(settings.snapshot_path), read_only=True) as snap:
        tables = {
            name: [r[0] for r in snap.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [name]).fetchall()]
            for (name,) in snap.execute("SELECT table_name FROM information_schema.tables")
            .fetchall()
        }  # fmt: skip
        info = dict(snap.execute("SELECT key, value FROM snapshot_info").fetchall())
    # siting_plan and the forecast's tables are published when their assets have built
    # them (the SQL models alone do not); their documented columns are the code's
    built_by_assets = {"siting_plan", *FORECAST_TABLES}
    assert set(tables) == set(documented) - built_by_assets
    assert [documented[t] for t in FORECAST_TABLES] == [
        list(DEMAND_SCHEMA),
        list(BACKTEST_SCHEMA),
        list(WEATHER_SCHEMA),
    ]
    for name, columns in tables.items():
        assert columns == documented[name], name
        assert not set(columns) & PERSONAL_COLUMNS
    assert info == {
        "built_at": "2024-03-01T06:00:00+08:00",
        "coverage_radius_m": "1000",
        "first_month": "2024-01-01",
        "last_month": "2024-01-01",
        # the latest record is on 2024-01-10: January is not complete
        "latest_complete_month": "2023-12-01",
        "source_file:usage/2024-01.csv": "feedbeef",
    }
    assert not any(p.name.startswith(".publishing-") for p in settings.serving_dir.iterdir())


def test_latest_complete_month():
    assert latest_complete_month(dt.date(2024, 2, 29)) == dt.date(2024, 2, 1)
    assert latest_complete_month(dt.date(2024, 2, 28)) == dt.date(2024, 1, 1)
    assert latest_complete_month(dt.date(2024, 12, 31)) == dt.date(2024, 12, 1)
    assert latest_complete_month(dt.date(2024, 1, 1)) == dt.date(2023, 12, 1)
    assert latest_complete_month(None) is None


def test_replace_is_atomic_for_an_open_reader(published):
    con, settings = published
    reader = duckdb.connect(str(settings.snapshot_path), read_only=True)
    assert reader.execute("SELECT sum(visits) FROM kpi_monthly WHERE scope_level = 'city'")\
        .fetchall() == [(3,)]  # fmt: skip
    add_visits(con, 2, "2024-01-11 10:00")
    run_models(con, settings)
    publish_snapshot(con, settings)
    # the open reader keeps the file it opened
    assert reader.execute("SELECT sum(visits) FROM kpi_monthly WHERE scope_level = 'city'")\
        .fetchall() == [(3,)]  # fmt: skip
    # a new process (as the dashboard is) sees the new snapshot; the old one is kept
    code = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
        'print(c.execute("SELECT sum(visits) FROM kpi_monthly '
        "WHERE scope_level = 'city'\").fetchall()[0][0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(settings.snapshot_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert out.stdout.strip() == "5"
    reader.close()
    assert city_visits(settings.previous_snapshot_path) == 3


def test_a_failed_publish_leaves_current_as_it_was(published, monkeypatch):
    con, settings = published
    before = hashlib.sha256(settings.snapshot_path.read_bytes()).hexdigest()
    add_visits(con, 2, "2024-01-11 10:00")
    run_models(con, settings)

    def fail(*args, **kwargs):
        raise RuntimeError("killed halfway")

    # the marts are written to the new file by then; snapshot_info fails
    monkeypatch.setattr("pipelines.serving.snapshot_info", fail)
    with pytest.raises(RuntimeError, match="killed halfway"):
        publish_snapshot(con, settings)
    assert hashlib.sha256(settings.snapshot_path.read_bytes()).hexdigest() == before
    assert city_visits(settings.snapshot_path) == 3
    assert sorted(p.name for p in settings.serving_dir.iterdir()) == ["current.duckdb"]
    # the connection is usable and the next publish works
    monkeypatch.undo()
    publish_snapshot(con, settings)
    assert city_visits(settings.snapshot_path) == 5


def test_a_killed_publish_leaves_only_a_temp_file_that_the_next_run_removes(published):
    con, settings = published
    stale = settings.serving_dir / ".publishing-dead.duckdb"
    stale.write_bytes(b"half a database")
    publish_snapshot(con, settings)
    assert not stale.exists()
    assert city_visits(settings.snapshot_path) == 3
