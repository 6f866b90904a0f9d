"""A distributed run: a standalone master and two workers on localhost (tests/spark/
cluster.py), a Dagster asset materialising stg_nearest_station and the models it reads
through SparkResource on ``spark://…``; both workers' executors run tasks, the result
equals DuckDB's, and no daemon is left running afterwards."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from pipelines.settings import REPO_ROOT
from tests.spark.cluster import standalone_cluster
from tests.spark.conftest import require_java
from tests.spark.harness import differences, export_tables, read_table
from tests.spark.rewrites import rewritten_sql_dir
from tests.spark.test_parity import duckdb_warehouse

pytestmark = pytest.mark.slow


def test_models_run_distributed_on_a_standalone_cluster(tmp_path):
    require_java()
    con = duckdb_warehouse(tmp_path / "duckdb")
    lake = tmp_path / "lake"
    export_tables(con, lake)
    sql_dir = rewritten_sql_dir(tmp_path / "sql")
    out = tmp_path / "report.json"
    with standalone_cluster(tmp_path / "cluster") as cluster:
        assert len(cluster.alive_workers()) == 2
        job = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.spark.cluster_job",
                cluster.url,
                str(lake),
                str(sql_dir),
                str(out),
            ],  # fmt: skip
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
    # one executor a worker (1 core each, 1 core an executor), each ran tasks
    assert len(executors) == 2, executors
    assert len({e["hostPort"] for e in executors}) == 2
    assert all(e["totalTasks"] > 0 for e in executors), executors
    assert report["counts"]["staging.stg_nearest_station"] == 6  # 3 communities × 2 months
    assert report["session_stopped"], "SparkResource left its session running"
    spark_table = read_table(con, f"read_parquet('{lake}/staging/stg_nearest_station/*.parquet')")
    assert differences(read_table(con, "staging.stg_nearest_station"), spark_table) == []
