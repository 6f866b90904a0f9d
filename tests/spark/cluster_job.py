"""A distributed run for test_cluster.py, in its own process (a process holds one
SparkContext, and the tests' local one is taken): the pipeline's Dagster job
``everything`` under ``WSI_ENGINE=spark`` with ``WSI_SPARK_MASTER`` on a standalone
master, configured as a deployment would be (``$SPARK_CONF_DIR/spark-defaults.conf``).
It writes whether the run succeeded and whether the resource stopped its session.

    WSI_DATA_DIR=… WSI_ENGINE=spark WSI_SPARK_MASTER=spark://… SPARK_CONF_DIR=… \\
        python -m tests.spark.cluster_job OUT_JSON
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import dagster as dg

from pipelines.definitions import build_definitions


def main(out: str) -> None:
    started = time.perf_counter()
    job = build_definitions().resolve_job_def("everything")
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral())
    from pyspark import SparkContext

    report = {
        "success": result.success,
        "job_s": round(time.perf_counter() - started, 1),  # imports not included
        "session_stopped": SparkContext._active_spark_context is None,
    }
    Path(out).write_text(json.dumps(report), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
