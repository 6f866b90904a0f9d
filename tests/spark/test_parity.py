"""Parity: the hand-built test warehouse (tests/unit/warehouse/conftest.py) and the
``small`` demo as the real pipeline builds it give the same tables on Spark as on DuckDB.
Their raw and meta tables are exported to a Parquet lake, every model runs on Spark
(local mode) in dependency order, and every table a model materialises is compared with
DuckDB's: same columns, same types as DuckDB reads them back, same rows, floats to 1e-9."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines.assets.warehouse import (
    SQL_CHECKS,
    Model,
    load_models,
    run_models,
    set_parameters,
)
from pipelines.engines.spark_models import Lake, SparkWarehouse
from pipelines.engines.spark_sql import declare_variables
from pipelines.settings import Settings, get_settings
from tests.spark.harness import differences, export_tables, read_table
from tests.spark.rewrites import rewritten_sql_dir
from tests.unit.warehouse.conftest import load_fixture

pytestmark = pytest.mark.slow

MATERIALISED = [m for m in load_models() if m.materialized == "table"]
#: the hand-built fixture has no weather source (the small demo has)
EMPTY_IN_FIXTURE = {"staging.stg_weather", "marts.weather_monthly"}


def duckdb_warehouse(folder: Path, sql_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    folder.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=folder, coverage_radius_m=1000.0)
    con = duckdb.connect(str(folder / "warehouse.duckdb"))
    load_fixture(con)
    run_models(con, settings, load_models(sql_dir) if sql_dir else None)
    return con


@pytest.fixture(scope="module", params=["fixture", "small_demo"])
def engines(request, spark, tmp_path_factory) -> Iterator[tuple]:
    """Both engines on the SQL as it will be once the pending rewrites are applied."""
    folder = tmp_path_factory.mktemp(f"parity-{request.param}")
    sql_dir = rewritten_sql_dir(folder / "sql")
    if request.param == "fixture":
        con, radius_m = duckdb_warehouse(folder, sql_dir), 1000.0
    else:  # the warehouse the pipeline built (its models rebuilt), with the radius it used
        built = request.getfixturevalue("small_demo_data_dir") / "warehouse.duckdb"
        shutil.copy(built, folder / "warehouse.duckdb")
        con = duckdb.connect(str(folder / "warehouse.duckdb"))
        radius_m = get_settings().coverage_radius_m
        settings = Settings(data_dir=folder, coverage_radius_m=radius_m)
        run_models(con, settings, load_models(sql_dir))
    export_tables(con, folder / "lake")
    parameters = duckdb.connect()
    set_parameters(parameters, Settings(data_dir=folder, coverage_radius_m=radius_m))
    warehouse = SparkWarehouse(
        spark,
        Lake(str(folder / "lake")),
        declare_variables(parameters),
        load_models(sql_dir),
    )
    counts = warehouse.run_models()
    yield request.param, con, warehouse, counts
    con.close()


@pytest.mark.parametrize("model", MATERIALISED, ids=lambda m: m.table)
def test_spark_gives_duckdbs_table(engines, model: Model):
    source, con, warehouse, counts = engines
    location = warehouse.lake.location(model.schema, model.name)
    expected = read_table(con, model.table)
    if not (source == "fixture" and model.table in EMPTY_IN_FIXTURE):
        assert expected[2], f"{model.table} is empty: the comparison would prove little"
    assert differences(expected, read_table(con, f"read_parquet('{location}/*.parquet')")) == []
    assert counts[model.table] == len(expected[2])


def test_every_model_ran_on_spark(engines):
    _, _, warehouse, counts = engines
    assert set(counts) == {m.table for m in warehouse.models}
    assert {t for t, n in counts.items() if n is None} == {"staging.stg_usage"}  # the view


def test_the_rewrites_change_nothing_on_duckdb(tmp_path):
    original = duckdb_warehouse(tmp_path / "original")
    rewritten = duckdb_warehouse(tmp_path / "rewritten", rewritten_sql_dir(tmp_path / "sql"))
    for model in MATERIALISED:
        (columns, types, rows) = read_table(original, model.table)
        # the same rows; a type changes only where a HUGEINT sum is cast to BIGINT
        assert read_table(rewritten, model.table) == (
            columns,
            ["BIGINT" if t == "HUGEINT" else t for t in types],
            rows,
        ), model.table


def test_the_comparison_sees_a_float_type_or_row_difference():
    con = duckdb.connect()
    base = "SELECT * FROM (VALUES (1, 0.1::DOUBLE), (2, 0.2::DOUBLE)) AS t(k, x)"
    same = read_table(con, f"({base})")
    assert differences(same, read_table(con, f"(SELECT k, x + 1e-12 AS x FROM ({base}))")) == []
    off = read_table(con, f"(SELECT k, x + 1e-6 AS x FROM ({base}))")
    assert len(differences(same, off)) == 2  # both rows, 1e-6 > 1e-9
    retyped = read_table(con, f"(SELECT k::BIGINT AS k, x FROM ({base}))")
    assert differences(same, retyped) == ["k: type INTEGER != BIGINT"]
    fewer = read_table(con, f"({base} LIMIT 1)")
    assert differences(same, fewer) == ["2 rows != 1 rows"]


@pytest.mark.parametrize("check", SQL_CHECKS, ids=lambda c: c[1])
def test_asset_check_queries_run_on_spark(engines, check):
    _, con, warehouse, _ = engines
    query = check[3]
    on_duckdb = con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0][0]
    assert warehouse.query(f"SELECT count(*) FROM ({query})").collect()[0][0] == on_duckdb
