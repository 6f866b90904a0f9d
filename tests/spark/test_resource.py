"""SparkResource: configured from the environment, cheap to import (no pyspark until a
session is asked for), and it leaves a session it did not start running."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import dagster as dg
import pytest

from pipelines.engines.spark_resource import SparkResource
from pipelines.settings import REPO_ROOT

pytestmark = pytest.mark.slow

PROBE = """
import json, sys
from pipelines.engines.spark_resource import SparkResource
resource = SparkResource.from_env()
print(json.dumps({"master": resource.master, "lake_uri": resource.lake_uri,
                  "pyspark_imported": any(m.split(".")[0] == "pyspark" for m in sys.modules)}))
"""


def probe(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WSI_")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=clean | {"PYTHONPATH": str(REPO_ROOT)} | env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_defaults_and_no_pyspark_import(tmp_path):
    assert probe(WSI_DATA_DIR=str(tmp_path)) == {
        "master": "local[*]",
        "lake_uri": str(tmp_path / "lake"),
        "pyspark_imported": False,
    }


def test_configured_from_the_environment(tmp_path):
    found = probe(WSI_SPARK_MASTER="spark://10.0.0.5:7077", WSI_LAKE_URI="s3a://lake/wsi")
    assert found == {
        "master": "spark://10.0.0.5:7077",
        "lake_uri": "s3a://lake/wsi",
        "pyspark_imported": False,
    }


def test_an_asset_gets_the_session_and_the_running_one_survives(spark, tmp_path):
    @dg.asset
    def numbers(spark: SparkResource) -> dg.MaterializeResult:
        location = f"{spark.lake_uri}/marts/numbers"
        spark.spark_session.range(5).write.mode("overwrite").parquet(location)
        return dg.MaterializeResult(
            metadata={"rows": spark.spark_session.read.parquet(location).count()}
        )

    resource = SparkResource(master="local[2]", lake_uri=str(tmp_path / "lake"))
    result = dg.materialize([numbers], resources={"spark": resource})
    assert result.success
    (event,) = result.get_asset_materialization_events()
    assert event.materialization.metadata["rows"].value == 5
    # the tests' session was already running: the resource used it and did not stop it
    assert spark.range(3).count() == 3
