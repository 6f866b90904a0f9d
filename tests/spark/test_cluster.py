"""A distributed run: a standalone master and two workers on localhost (tests/spark/
cluster.py); a Dagster asset materialises two models of the parity set through
SparkResource on ``spark://…`` — stg_station_months (SQL) and stg_nearest_station
(applyInPandas) — from DuckDB's staging tables; both workers' executors run tasks, the
tables equal DuckDB's, and no daemon is left running afterwards."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipelines.settings import REPO_ROOT
from tests.spark.cluster import standalone_cluster
from tests.spark.conftest import require_java
from tests.spark.harness import differences, export_tables, read_table
from tests.spark.rewrites import rewritten_sql_dir
from tests.spark.test_parity import duckdb_warehouse

pytestmark = pytest.mark.slow

MODELS = ("stg_station_months", "stg_nearest_station")
INPUTS = ("staging.stg_months", "staging.stg_stations", "staging.stg_communities")


def test_models_run_distributed_on_a_standalone_cluster(tmp_path):
    require_java()
    con = duckdb_warehouse(tmp_path / "duckdb")
    lake = tmp_path / "lake"
    export_tables(con, lake, INPUTS)
    out = tmp_path / "report.json"
    command = [sys.executable, "-m", "tests.spark.cluster_job"]
    with standalone_cluster(tmp_path / "cluster") as cluster:
        assert len(cluster.alive_workers()) == 2
        arguments = [cluster.url, str(lake), str(rewritten_sql_dir(tmp_path / "sql")), str(out)]
        job = subprocess.run(
            [*command, *arguments, *MODELS],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert job.returncode == 0, job.stderr[-3000:] + cluster.log_tail()
        daemons = cluster.processes
    assert all(p.poll() is not None for p in daemons), "a Spark daemon outlived the cluster"

    report = json.loads(out.read_text())
    assert report["success"] and report["master"] == cluster.url
    executors = [e for e in report["executors"] if e["id"] != "driver"]
    # one executor a worker (1 core each, 1 core an executor), and each ran tasks
    assert len(executors) == 2, executors
    assert len({e["hostPort"] for e in executors}) == 2
    assert all(e["totalTasks"] > 0 for e in executors), executors
    # 4 stations × 2 months; 3 communities × 2 months (a station is active in both)
    assert report["counts"] == {
        "staging.stg_station_months": 8,
        "staging.stg_nearest_station": 6,
    }
    assert report["session_stopped"], "SparkResource left its session running"
    for name in MODELS:
        spark_table = read_table(con, f"read_parquet('{lake}/staging/{name}/*.parquet')")
        assert differences(read_table(con, f"staging.{name}"), spark_table) == [], name
