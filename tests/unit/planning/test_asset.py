"""The ``siting_plan`` asset on a tiny hand-made warehouse."""

from __future__ import annotations

import dagster as dg
import duckdb

from pipelines.assets.planning import siting_plan
from pipelines.warehouse import WarehouseResource
from tests.unit.planning.world import write_world


def test_siting_plan_asset_writes_the_published_table(tmp_path, monkeypatch):
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WSI_SITING_K", "2")
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    write_world(con, "marts")
    con.close()

    result = dg.materialize(
        [siting_plan], resources={"warehouse": WarehouseResource(path=str(path))}
    )

    assert result.success
    metadata = result.asset_materializations_for_node("siting_plan")[0].metadata
    assert metadata["objective"].value == 150
    assert metadata["proven_optimal"].value is True
    assert metadata["gap"].value == 0.0
    assert metadata["dagster/row_count"].value == 2
    con = duckdb.connect(str(path), read_only=True)
    rows = con.sql("SELECT * FROM marts.siting_plan ORDER BY rank").fetchall()
    columns = [c[0] for c in con.sql("DESCRIBE marts.siting_plan").fetchall()]
    con.close()
    assert columns == [
        "rank", "site_id", "site_name", "lat", "lon", "est_cost", "marginal_workers",
        "cumulative_workers", "radius_m", "k", "proven_optimal", "gap",
    ]  # fmt: skip
    assert rows == [
        (1, "CS001", "一号点", 39.9005, 116.4005, 10.0, 100, 100, 1000.0, 2, True, 0.0),
        (2, "CS002", "二号点", 39.9005, 116.4305, 8.0, 50, 150, 1000.0, 2, True, 0.0),
    ]


def test_siting_plan_depends_on_the_marts_it_reads():
    spec = next(iter(siting_plan.specs))
    assert {d.asset_key for d in spec.deps} == {
        dg.AssetKey(n) for n in ("communities", "stations", "candidate_sites", "community_coverage")
    }
    assert spec.group_name == "planning"
