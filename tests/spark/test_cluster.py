"""A distributed run: a standalone master and two workers on localhost (tests/spark/
cluster.py), and the pipeline's Dagster job run against ``spark://…`` on the test
fixture's lake. The Spark event log shows that both workers' executors ran tasks, the
published snapshot equals the one DuckDB publishes from the same lake, and no daemon is
left running afterwards."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from pipelines.refresh import refresh
from pipelines.settings import REPO_ROOT
from tests.spark.cluster import standalone_cluster
from tests.spark.conftest import require_java
from tests.spark.harness import differences, read_table
from tests.spark.test_parity import ENGINE_SPECIFIC
from tests.unit.warehouse.conftest import load_fixture

pytestmark = pytest.mark.slow

#: as a deployment's spark-defaults.conf would say it, sized for two 1-core workers
SPARK_DEFAULTS = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "512m",
    "spark.ui.enabled": "false",
    "spark.pyspark.python": sys.executable,  # the workers share this machine's venv
    "spark.executor.cores": "1",
    "spark.executor.memory": "512m",
    "spark.cores.max": "2",
    # start only once both executors are there, so that both get tasks
    "spark.scheduler.minRegisteredResourcesRatio": "1.0",
    "spark.scheduler.maxRegisteredResourcesWaitingTime": "120s",
    "spark.sql.shuffle.partitions": "4",
    # one plain JSON-lines file (Spark 4 may otherwise roll or compress it)
    "spark.eventLog.enabled": "true",
    "spark.eventLog.compress": "false",
    "spark.eventLog.rolling.enabled": "false",
}


def tasks_by_executor(event_log_dir) -> dict[str, int]:
    """Executor id → tasks it finished, from the application's event log."""
    (log,) = [p for p in event_log_dir.rglob("*") if p.is_file()]
    counts: dict[str, int] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event["Event"] == "SparkListenerTaskEnd":
            executor = event["Task Info"]["Executor ID"]
            counts[executor] = counts.get(executor, 0) + 1
    return counts


def test_the_pipeline_runs_distributed_on_a_standalone_cluster(tmp_path):
    require_java()
    duck = load_fixture(tmp_path / "duckdb")
    refresh(duck, workers=1)
    data_dir = tmp_path / "spark"
    shutil.copytree(duck.lake_dir, data_dir / "lake")  # the same files, ingested alike
    conf_dir, events = tmp_path / "conf", tmp_path / "events"
    conf_dir.mkdir()
    events.mkdir()
    defaults = SPARK_DEFAULTS | {"spark.eventLog.dir": events.as_uri()}
    (conf_dir / "spark-defaults.conf").write_text(
        "".join(f"{k} {v}\n" for k, v in defaults.items()), encoding="utf-8"
    )
    out = tmp_path / "report.json"
    with standalone_cluster(tmp_path / "cluster") as cluster:
        assert len(cluster.alive_workers()) == 2
        env = {k: v for k, v in os.environ.items() if not k.startswith("WSI_")} | {
            "WSI_DATA_DIR": str(data_dir),
            "WSI_ENGINE": "spark",
            "WSI_SPARK_MASTER": cluster.url,
            "WSI_COVERAGE_RADIUS_M": "1000",
            "SPARK_CONF_DIR": str(conf_dir),
            "PYTHONPATH": str(REPO_ROOT),
        }
        job = subprocess.run(
            [sys.executable, "-m", "tests.spark.cluster_job", str(out)],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert job.returncode == 0, job.stderr[-3000:] + cluster.log_tail()
        daemons = cluster.processes
    assert all(p.poll() is not None for p in daemons), "a Spark daemon outlived the cluster"

    report = json.loads(out.read_text())
    assert report["success"], job.stderr[-3000:]
    assert report["session_stopped"], "SparkResource left its session running"
    tasks = tasks_by_executor(events)
    executors = {e for e in tasks if e != "driver"}
    # one executor a worker (1 core each, 1 core an executor), and each ran tasks
    assert len(executors) == 2 and all(tasks[e] > 0 for e in executors), tasks

    con = duckdb.connect()
    con.execute(f"ATTACH '{duck.serving_dir / 'current.duckdb'}' AS d (READ_ONLY)")
    con.execute(f"ATTACH '{data_dir / 'serving' / 'current.duckdb'}' AS s (READ_ONLY)")
    published = {
        t
        for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'd'"
        ).fetchall()
    } - ENGINE_SPECIFIC
    assert len(published) > 15
    for table in sorted(published):
        assert differences(read_table(con, f"d.{table}"), read_table(con, f"s.{table}")) == [], (
            table
        )
