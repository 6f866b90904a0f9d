"""The ingest assets, their checks and the landing sensor, run by Dagster on a temporary
data folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipelines.assets import ingest
from pipelines.warehouse import WarehouseResource

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_inputs"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WSI_PSEUDONYM_KEY", "test-key")
    shutil.copytree(CORPUS / "_reference", tmp_path / "landing")
    for case in ("personal_data", "hotline_last_row_wins", "coordinates", "numbers"):
        shutil.copytree(CORPUS / case, tmp_path / "landing", dirs_exist_ok=True)
    return tmp_path


def materialize(data_dir: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*ingest.assets, *ingest.checks],
        resources={"warehouse": WarehouseResource(path=str(data_dir / "warehouse.duckdb"))},
    )


def test_materialize_ingest_assets(data_dir: Path) -> None:
    result = materialize(data_dir)
    assert result.success
    usage = result.asset_materializations_for_node("raw_usage")[0].metadata
    assert usage["rows_read"].value == 4 and usage["rows_loaded"].value == 3
    assert usage["rows_quarantined"].value == 1
    assert (
        "usage/phones.csv" in usage["files"].value and "13800138000" not in usage["preview"].value
    )
    checks = result.get_asset_check_evaluations()
    # every row accounted for: 7 sources (weather included) + boundaries; no clear
    # personal data: usage and hotline
    assert len(checks) == 10 and all(c.passed for c in checks)
    # nothing new: the second run processes no file
    again = materialize(data_dir)
    assert (
        again.asset_materializations_for_node("raw_usage")[0].metadata["files_processed"].value == 0
    )


def test_asset_graph_shape() -> None:
    defs = dg.Definitions(
        assets=ingest.assets, resources={"warehouse": WarehouseResource(path="unused.duckdb")}
    )
    graph = defs.resolve_asset_graph()
    deps = {
        k.to_user_string(): sorted(p.to_user_string() for p in graph.get(k).parent_keys)
        for k in graph.get_all_asset_keys()
    }
    assert deps == {
        "raw_communities": [],
        "raw_stations": ["raw_communities"],
        "raw_usage": ["raw_stations"],
        "raw_hotline": ["raw_communities"],
        "raw_drives": [],
        "raw_candidate_sites": [],
        "raw_weather": ["raw_communities"],  # districts are matched to the communities'
        "raw_boundaries": [],
    }
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name == "ingest" and node.kinds == {"duckdb"} and node.description


def test_sensor_requests_runs_for_changed_sources(data_dir: Path) -> None:
    context = dg.build_sensor_context()
    first = ingest.landing_files_sensor(context)
    requested = sorted(r.asset_selection[0].to_user_string() for r in first.run_requests)
    assert requested == [
        "raw_candidate_sites",
        "raw_communities",
        "raw_hotline",
        "raw_stations",
        "raw_usage",
    ]
    context = dg.build_sensor_context(cursor=first.cursor)
    assert ingest.landing_files_sensor(context).run_requests == []
    (data_dir / "landing/usage/new.csv").write_text(
        "驿站编号,服务时间,服务项目\nS001,2024-06-01,饮水\n"
    )
    again = ingest.landing_files_sensor(context)
    assert [r.asset_selection[0].to_user_string() for r in again.run_requests] == ["raw_usage"]
