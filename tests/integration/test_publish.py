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

from pipelines import snapshots
from pipelines.forecast.run import BACKTEST_SCHEMA, DEMAND_SCHEMA, WEATHER_SCHEMA
from pipelines.lake import FileRecord, Lake
from pipelines.refresh import refresh
from pipelines.serving import PERSONAL_COLUMNS, latest_complete_month, publish_snapshot
from pipelines.settings import REPO_ROOT, Settings
from tests.fixtures.lakehouse import write_rows

FORECAST_TABLES = ("demand_forecast", "forecast_backtest", "forecast_weather")

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


def small_world(settings: Settings) -> FileRecord:
    """One community, one station, three January visits; the usage file's record."""
    lake = Lake(settings.lake_dir)
    write_rows(
        lake,
        "communities",
        "communities/a.csv",
        [dict(community_code="110101001001", community_name="甲社区", subdistrict="东华门街道",
              district="东城区", lat=39.9, lon=116.4, residents=100, outdoor_workers=50)],
    )  # fmt: skip
    write_rows(
        lake,
        "stations",
        "stations/a.csv",
        [dict(station_id="S1", station_name="一号", station_type="warm_station",
              community_code="110101001001", lat=39.905, lon=116.4,
              opened_on=dt.date(2024, 1, 1))],
    )  # fmt: skip
    return add_visits(settings, 3, "2024-01-10 10:00", "usage/2024-01.csv")


def add_visits(settings: Settings, n: int, at: str, path: str) -> FileRecord:
    """A usage export of ``n`` visits at ``at`` (a new landing file in the lake)."""
    rows = [
        dict(station_id="S1", occurred_at=dt.datetime.fromisoformat(at), service="water",
             visits=1, worker_ref=hashlib.md5(f"{path}{i}".encode()).hexdigest(), is_tally=False)
        for i in range(n)
    ]  # fmt: skip
    return write_rows(Lake(settings.lake_dir), "usage", path, rows)


@pytest.fixture
def published(tmp_path: Path):
    settings = Settings(data_dir=tmp_path, coverage_radius_m=1000.0)
    record = small_world(settings)
    refresh(settings, publish=False)
    con = duckdb.connect(str(settings.warehouse_path))
    publish_snapshot(con, settings, built_at=BUILT_AT)
    yield con, settings, record
    con.close()


def city_visits(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT sum(visits) FROM kpi_monthly WHERE scope_level = 'city'"
        ).fetchall()[0][0]


def test_snapshot_has_exactly_the_documented_tables_and_columns(published):
    _, settings, usage = published
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
    stored = {r.path: r.sha256 for r in Lake(settings.lake_dir).records()}
    assert set(tables) == set(documented)
    # the forecast's documented columns are the code's
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
        "source_file:communities/a.csv": stored["communities/a.csv"],
        "source_file:stations/a.csv": stored["stations/a.csv"],
        "source_file:usage/2024-01.csv": usage.sha256,
    }
    assert not any(p.name.startswith(".publishing-") for p in settings.serving_dir.iterdir())


def test_latest_complete_month():
    assert latest_complete_month(dt.date(2024, 2, 29)) == dt.date(2024, 2, 1)
    assert latest_complete_month(dt.date(2024, 2, 28)) == dt.date(2024, 1, 1)
    assert latest_complete_month(dt.date(2024, 12, 31)) == dt.date(2024, 12, 1)
    assert latest_complete_month(dt.date(2024, 1, 1)) == dt.date(2023, 12, 1)
    assert latest_complete_month(None) is None


def test_replace_is_atomic_for_an_open_reader(published):
    con, settings, _ = published
    reader = duckdb.connect(str(settings.snapshot_path), read_only=True)
    assert reader.execute("SELECT sum(visits) FROM kpi_monthly WHERE scope_level = 'city'")\
        .fetchall() == [(3,)]  # fmt: skip
    con.close()  # the refresh writes the warehouse
    add_visits(settings, 2, "2024-01-11 10:00", "usage/2024-01-b.csv")
    refresh(settings)
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
    newest, before = snapshots.published(settings)
    assert newest.path == settings.snapshot_path and city_visits(before.path) == 3


def test_a_failed_publish_leaves_current_as_it_was(published, monkeypatch):
    con, settings, _ = published
    before = hashlib.sha256(settings.snapshot_path.read_bytes()).hexdigest()
    con.close()
    add_visits(settings, 2, "2024-01-11 10:00", "usage/2024-01-b.csv")
    refresh(settings, publish=False)
    con = duckdb.connect(str(settings.warehouse_path))

    def fail(*args, **kwargs):
        raise RuntimeError("killed halfway")

    # the marts are written to the new file by then; snapshot_info fails
    monkeypatch.setattr("pipelines.serving.snapshot_info", fail)
    with pytest.raises(RuntimeError, match="killed halfway"):
        publish_snapshot(con, settings)
    assert hashlib.sha256(settings.snapshot_path.read_bytes()).hexdigest() == before
    assert city_visits(settings.snapshot_path) == 3
    assert sorted(p.name for p in settings.serving_dir.iterdir()) == ["current.duckdb", "history"]
    assert len(snapshots.published(settings)) == 1  # the failed one is not in the history
    # the connection is usable and the next publish works
    monkeypatch.undo()
    publish_snapshot(con, settings)
    assert city_visits(settings.snapshot_path) == 5
    con.close()


def test_a_killed_publish_leaves_only_a_temp_file_that_the_next_run_removes(published):
    con, settings, _ = published
    stale = settings.serving_dir / ".publishing-dead.duckdb"
    stale.write_bytes(b"half a database")
    publish_snapshot(con, settings)
    assert not stale.exists()
    assert city_visits(settings.snapshot_path) == 3
