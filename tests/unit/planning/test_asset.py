"""The ``siting_plan`` model (sql/marts/siting_plan.py) on a tiny hand-made warehouse."""

from __future__ import annotations

import duckdb

from pipelines.warehouse.duck import DuckEngine
from pipelines.warehouse.models import load_models
from tests.unit.planning.world import write_world

SITING_PLAN = next(m for m in load_models() if m.name == "siting_plan")


def test_the_siting_plan_model_writes_the_published_table(tmp_path, monkeypatch):
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WSI_SITING_K", "2")
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    write_world(con, "marts")
    DuckEngine(con).build(SITING_PLAN, None)
    rows = con.sql("SELECT * FROM marts.siting_plan ORDER BY rank").fetchall()
    columns = [c[0] for c in con.sql("DESCRIBE marts.siting_plan").fetchall()]
    con.close()
    assert columns == [
        "rank", "site_id", "site_name", "lat", "lon", "est_cost", "marginal_workers",
        "cumulative_workers", "radius_m", "k", "proven_optimal", "gap",
    ]  # fmt: skip
    # k = 2 at 1 km: CS001 adds C1's 100 workers, CS002 C2's 50 (world.py); proven optimal
    assert rows == [
        (1, "CS001", "一号点", 39.9005, 116.4005, 10.0, 100, 100, 1000.0, 2, True, 0.0),
        (2, "CS002", "二号点", 39.9005, 116.4305, 8.0, 50, 150, 1000.0, 2, True, 0.0),
    ]


def test_the_siting_plan_reads_the_marts_of_todays_stations_and_sites():
    assert {t for s, t in SITING_PLAN.reads if s == "marts"} == {
        "communities", "stations", "station_monthly", "candidate_sites", "community_coverage",
    }  # fmt: skip
    assert SITING_PLAN.refresh == "whole"
