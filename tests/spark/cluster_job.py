"""A distributed run for test_cluster.py, in its own process (a process holds one
SparkContext, and the tests' local one is taken): a Dagster asset, given the Spark
session by :class:`SparkResource` on a standalone master, materialises the models named
(their inputs already in the lake), then reports which executors ran how many tasks
(the driver's REST API) and whether the resource stopped its session.

    python -m tests.spark.cluster_job MASTER_URL LAKE SQL_DIR OUT_JSON MODEL…
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.assets.warehouse import load_models, set_parameters
from pipelines.engines.spark_models import Lake, SparkWarehouse
from pipelines.engines.spark_resource import SparkResource
from pipelines.engines.spark_sql import declare_variables
from pipelines.settings import Settings
from tests.spark.cluster import free_port


def main(master: str, lake: str, sql_dir: str, out: str, *names: str) -> None:
    started = time.perf_counter()
    ui_port = free_port()
    report: dict = {}
    resource = SparkResource(
        master=master,
        lake_uri=lake,
        spark_conf={
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.driver.memory": "512m",
            "spark.ui.port": str(ui_port),
            "spark.ui.showConsoleProgress": "false",
            "spark.pyspark.python": sys.executable,
            "spark.executor.cores": "1",
            "spark.executor.memory": "512m",
            "spark.cores.max": "2",
            # start only once both executors are there, so that both get tasks
            "spark.scheduler.minRegisteredResourcesRatio": "1.0",
            "spark.scheduler.maxRegisteredResourcesWaitingTime": "120s",
            "spark.sql.shuffle.partitions": "4",
        },
    )
    parameters = duckdb.connect()
    set_parameters(parameters, Settings(data_dir=Path(lake), coverage_radius_m=1000.0))
    models = [m for m in load_models(Path(sql_dir)) if m.name in names]

    @dg.asset
    def distributed_models(spark: SparkResource) -> dg.MaterializeResult:
        started = time.perf_counter()
        session = spark.spark_session
        session.sparkContext.setLogLevel("ERROR")
        report["session_s"] = time.perf_counter() - started
        warehouse = SparkWarehouse(
            session, Lake(spark.lake_uri), declare_variables(parameters), models
        )
        started = time.perf_counter()
        report["counts"] = warehouse.run_models()
        report["models_s"] = time.perf_counter() - started
        api = f"http://127.0.0.1:{ui_port}/api/v1/applications"
        app_id = session.sparkContext.applicationId
        with urllib.request.urlopen(f"{api}/{app_id}/allexecutors", timeout=10) as response:
            report["executors"] = [
                {k: e[k] for k in ("id", "hostPort", "totalTasks")} for e in json.load(response)
            ]
        report["master"] = session.sparkContext.master
        return dg.MaterializeResult(metadata={"models": len(models)})

    result = dg.materialize(
        [distributed_models],
        resources={"spark": resource},
        instance=dg.DagsterInstance.ephemeral(),
    )
    from pyspark import SparkContext

    report["success"] = result.success
    report["job_s"] = time.perf_counter() - started  # imports not included
    report["session_stopped"] = SparkContext._active_spark_context is None
    Path(out).write_text(json.dumps(report), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
