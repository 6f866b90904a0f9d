"""The Dagster side of the Spark engine: the code location loads under either engine
(without pyspark under DuckDB), SparkResource is configured from the environment, and a
session it did not start (the tests', a notebook's) is used and left running."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import dagster as dg
import pytest

from pipelines.engines.spark_resource import MODEL_CONF, SparkResource, session_config
from pipelines.settings import REPO_ROOT

pytestmark = pytest.mark.slow

PROBE = """
import json, sys
from pipelines.definitions import build_definitions
defs = build_definitions()
warehouse = defs.resources["warehouse"]
spark = warehouse.spark
print(json.dumps({
    "assets": len(list(defs.resolve_all_asset_keys())),
    "model_kinds": sorted({k for spec in defs.resolve_all_asset_specs()
                           if spec.group_name in ("staging", "marts") for k in spec.kinds}),
    "spark_config": spark.spark_config if spark is not None else None,
    "pyspark_imported": any(m.split(".")[0] == "pyspark" for m in sys.modules),
    "jvm_started": "pyspark" in sys.modules
        and sys.modules["pyspark"].SparkContext._active_spark_context is not None,
}))
"""


def probe(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WSI_")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean | {"PYTHONPATH": str(REPO_ROOT)} | env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_code_location_loads_under_duckdb_without_pyspark(tmp_path):
    found = probe(WSI_DATA_DIR=str(tmp_path))
    assert found["spark_config"] is None
    assert not found["pyspark_imported"]
    assert "duckdb" in found["model_kinds"] and "spark" not in found["model_kinds"]


def test_the_code_location_loads_under_spark_without_starting_it(tmp_path):
    found = probe(
        WSI_DATA_DIR=str(tmp_path), WSI_ENGINE="spark", WSI_SPARK_MASTER="spark://10.0.0.5:7077"
    )
    on_duckdb = probe(WSI_DATA_DIR=str(tmp_path))
    assert found["assets"] == on_duckdb["assets"]  # the same graph
    # the models run on Spark (ingestion and the snapshot build stay DuckDB's)
    assert "spark" in found["model_kinds"] and "duckdb" not in found["model_kinds"]
    assert found["spark_config"]["spark.master"] == "spark://10.0.0.5:7077"
    assert found["spark_config"]["spark.sql.session.timeZone"] == "UTC"
    assert not found["jvm_started"]  # the session starts when a model first needs it


def test_an_unknown_engine_is_refused(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", "from pipelines.settings import get_settings; get_settings()"],
        env=os.environ | {"PYTHONPATH": str(REPO_ROOT), "WSI_ENGINE": "flink"},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    assert "WSI_ENGINE='flink'" in done.stderr


def test_session_config_puts_the_callers_settings_last():
    config = session_config("local[3]", {"spark.sql.session.timeZone": "Asia/Shanghai"})
    assert config["spark.master"] == "local[3]"
    assert config["spark.sql.session.timeZone"] == "Asia/Shanghai"
    assert config["spark.sql.ansi.enabled"] == MODEL_CONF["spark.sql.ansi.enabled"]
    assert config["spark.pyspark.python"] == sys.executable  # local workers: this venv
    assert "spark.pyspark.python" not in session_config("spark://h:7077")


def test_an_asset_gets_the_session_and_the_running_one_survives(spark, tmp_path):
    @dg.asset
    def numbers(spark: SparkResource) -> dg.MaterializeResult:
        location = str(tmp_path / "numbers")
        spark.spark_session.range(5).write.mode("overwrite").parquet(location)
        return dg.MaterializeResult(
            metadata={"rows": spark.spark_session.read.parquet(location).count()}
        )

    resource = SparkResource(spark_config=session_config("local[2]"))
    result = dg.materialize([numbers], resources={"spark": resource})
    assert result.success
    (event,) = result.get_asset_materialization_events()
    assert event.materialization.metadata["rows"].value == 5
    # the tests' session was already running: the resource used it and did not stop it
    assert spark.range(3).count() == 3
