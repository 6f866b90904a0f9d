"""The whole graph on the ``small`` demo: every asset materialises, every asset check
passes, the snapshot is published, and a second run rebuilds and publishes nothing."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines import snapshots
from pipelines.definitions import build_definitions
from pipelines.demo import generate
from pipelines.settings import get_settings

pytestmark = pytest.mark.slow


def published_values(path: Path) -> dict[str, list[tuple]]:
    """Every published table's rows, sorted; the build time left out."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
                  .fetchall()]  # fmt: skip
        values = {}
        for table in tables:
            where = " WHERE key <> 'built_at'" if table == "snapshot_info" else ""
            rows = con.execute(f"SELECT * FROM {table}{where}").fetchall()
            values[table] = sorted(rows, key=repr)
    return values


def run_everything() -> dg.ExecuteInProcessResult:
    job = build_definitions().resolve_job_def("everything")
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral())
    checks = [
        e.event_specific_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    assert checks, "the warehouse checks ran"
    failed = [(c.asset_key.to_user_string(), c.check_name) for c in checks if not c.passed]
    assert failed == []
    return result


def test_whole_graph_on_the_small_demo_is_repeatable(tmp_path, monkeypatch):
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    settings = get_settings()
    generate("small", 1, settings.landing_dir)

    assert run_everything().success
    first = published_values(settings.snapshot_path)
    assert len(first["kpi_monthly"]) > 0
    assert len(first["siting_plan"]) > 0  # the planning step's mart is published too
    # the forecast too: three months of history and the demo's weather, no backtest yet
    assert {row[-1] for row in first["demand_forecast"]} == {"pooled_weather"}
    assert len(first["forecast_weather"]) == 3  # 房山区 × three months ahead
    with duckdb.connect(str(settings.snapshot_path), read_only=True) as con:
        # one row per month and scope: every community of the reference in every month
        months, scopes, rows = con.execute(
            "SELECT count(DISTINCT month), count(DISTINCT scope_code), count(*) FROM kpi_monthly"
        ).fetchall()[0]
        assert rows == months * scopes
        assert scopes == con.execute("SELECT count(*) FROM scopes").fetchall()[0][0]

    # nothing new: no model owes anything, and the snapshot is not even rewritten
    again = run_everything()
    assert again.success
    assert published_values(settings.snapshot_path) == first
    assert len(snapshots.published(settings)) == 1  # not even a second snapshot
    rebuilt = {
        e.asset_key.to_user_string(): e.step_materialization_data.materialization.metadata
        for e in again.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION"
    }
    assert rebuilt["kpi_monthly"]["rebuilt"].value == "nothing owed"
