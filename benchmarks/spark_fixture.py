"""``python -m benchmarks.spark_fixture``: what the Spark engine costs on the hand-built test
warehouse (tests/unit/warehouse/conftest.py): the local session's start, then every
model's time on Spark local (two passes on the same session: the first is what the
parity test pays, the second is warm) beside DuckDB's, printed as Markdown.

    python -m benchmarks.spark_fixture [--master local[2]] [--conf key=value …]

The figures are dominated by Spark's fixed costs (JVM start, query planning, one job a
model), not by the twelve usage rows; the load average says how busy the shared machine
was.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines.assets.warehouse import load_models, run_model, set_parameters
from pipelines.engines.spark_models import Lake, SparkWarehouse
from pipelines.engines.spark_resource import build_session
from pipelines.engines.spark_sql import declare_variables
from pipelines.settings import Settings
from tests.spark.conftest import TEST_CONF
from tests.spark.harness import export_tables
from tests.spark.rewrites import rewritten_sql_dir
from tests.unit.warehouse.conftest import load_fixture


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--conf", action="append", default=[], help="key=value, repeatable")
    args = parser.parse_args()
    conf = TEST_CONF | dict(item.split("=", 1) for item in args.conf)
    folder = Path(tempfile.mkdtemp(prefix="wsi-spark-bench-"))
    settings = Settings(data_dir=folder, coverage_radius_m=1000.0)
    con = duckdb.connect(str(folder / "warehouse.duckdb"))
    load_fixture(con)
    models = load_models(rewritten_sql_dir(folder / "sql"))
    duck = {}
    for model in models:
        start = time.perf_counter()
        run_model(con, model, settings)
        duck[model.table] = time.perf_counter() - start
    export_tables(con, folder / "lake")

    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    spark = build_session(args.master, conf, app_name="wsi-bench")
    session_s = time.perf_counter() - start
    spark.sparkContext.setLogLevel("ERROR")
    set_parameters(con, settings)
    warehouse = SparkWarehouse(spark, Lake(str(folder / "lake")), declare_variables(con), models)
    passes = []
    for _ in range(2):
        times = {}
        for model in models:
            start = time.perf_counter()
            warehouse.run_model(model)
            times[model.table] = time.perf_counter() - start
        passes.append(times)
    spark.stop()

    extra = "".join(f", `{item}`" for item in args.conf)
    print(f"Spark {spark.version} `{args.master}`{extra}, load average {load_before:.1f} → "
          f"{os.getloadavg()[0]:.1f} (2 cores)\n")  # fmt: skip
    print(f"Session start: {session_s:.1f} s\n")
    print("| model | DuckDB (s) | Spark, first pass (s) | Spark, warm (s) |")
    print("|---|---:|---:|---:|")
    for model in models:
        t = model.table
        print(f"| {t} | {duck[t]:.3f} | {passes[0][t]:.2f} | {passes[1][t]:.2f} |")
    totals = [sum(p.values()) for p in passes]
    print(
        f"| **all {len(models)}** | {sum(duck.values()):.2f} | {totals[0]:.1f} | {totals[1]:.1f} |"
    )


if __name__ == "__main__":
    main()
