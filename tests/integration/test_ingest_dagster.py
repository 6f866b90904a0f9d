"""The assets, their checks and the landing sensor, run by Dagster on a temporary data
folder: the same refresh as ``python -m pipelines run``, asset by asset."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.assets import ingest
from pipelines.assets.resources import WarehouseResource
from pipelines.definitions import build_definitions

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
    defs = build_definitions()
    job = defs.resolve_job_def("everything")
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral())


def test_materialize_everything(data_dir: Path) -> None:
    result = materialize(data_dir)
    assert result.success
    usage = result.asset_materializations_for_node("raw_usage")[0].metadata
    # phones.csv: 4 rows pass the value checks; S404 is no station (settled in the warehouse)
    assert usage["rows_read"].value == 4 and usage["files_processed"].value == 1
    assert (
        "usage/phones.csv" in usage["files"].value and "13800138000" not in usage["preview"].value
    )
    checks = result.get_asset_check_evaluations()
    assert checks and all(c.passed for c in checks)
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute(
            "SELECT rows_read, rows_loaded, rows_quarantined FROM marts.ingest_files "
            "WHERE path = 'usage/phones.csv'"
        ).fetchone() == (4, 3, 1)
    assert (data_dir / "serving" / "current.duckdb").exists()
    # nothing new: the second run reads no file and rebuilds no model
    again = materialize(data_dir)
    assert (
        again.asset_materializations_for_node("raw_usage")[0].metadata["files_processed"].value == 0
    )
    kpi = again.asset_materializations_for_node("kpi_monthly")[0].metadata
    assert kpi["rebuilt"].value == "nothing owed"


def test_ingest_asset_graph_shape() -> None:
    defs = dg.Definitions(
        assets=ingest.assets, resources={"warehouse": WarehouseResource(path="unused.duckdb")}
    )
    graph = defs.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert keys == {
        "raw_communities", "raw_stations", "raw_usage", "raw_hotline", "raw_drives",
        "raw_candidate_sites", "raw_weather", "raw_boundaries",
    }  # fmt: skip
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        # ingesting a file needs no other file: no asset waits for another
        assert not node.parent_keys
        assert node.group_name == "ingest" and node.kinds == {"parquet"} and node.description


def test_sensor_requests_a_refresh_when_landing_changes(data_dir: Path) -> None:
    context = dg.build_sensor_context()
    first = ingest.landing_files_sensor(context)
    assert len(first.run_requests) == 1
    context = dg.build_sensor_context(cursor=first.cursor)
    assert ingest.landing_files_sensor(context).run_requests == []
    (data_dir / "landing/usage/new.csv").write_text(
        "驿站编号,服务时间,服务项目\nS001,2024-06-01,饮水\n"
    )
    again = ingest.landing_files_sensor(context)
    assert (
        len(again.run_requests) == 1
        and again.run_requests[0].run_key != first.run_requests[0].run_key
    )
