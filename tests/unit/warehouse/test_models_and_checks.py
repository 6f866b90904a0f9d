"""The model factory (files → assets, dependencies read from the SQL) and the asset checks'
queries on the hand-built fixture: they pass on correct marts and catch broken ones."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from pipelines.assets.resources import WarehouseResource
from pipelines.assets.warehouse import INGEST_ASSETS, defs
from pipelines.warehouse.checks import CHECKS, coverage_by_radius, out_of_range_sql
from pipelines.warehouse.models import load_models

from .conftest import refreshed


def test_every_model_is_an_asset_with_a_description_and_its_dependencies():
    models = {m.name: m for m in load_models()}
    assert all(m.description for m in models.values()), "every model has a header comment"
    assert [n for n, m in models.items() if m.materialized == "view"] == ["stg_usage"]
    assert "materialized" not in models["stg_usage"].description
    resources = dg.Definitions(resources={"warehouse": WarehouseResource(path="unused")})
    graph = dg.Definitions.merge(defs, resources).resolve_asset_graph()
    deps = {
        key.to_user_string(): {p.to_user_string() for p in graph.get(key).parent_keys}
        for key in graph.get_all_asset_keys()
    }
    assert set(models) <= set(deps)
    assert deps["stg_usage"] == {"raw_usage", "stg_stations"}
    assert deps["kpi_monthly"] == {
        "stg_station_months", "stg_usage", "stg_hotline", "stg_months",
        "stg_drives", "community_coverage", "scopes", "stg_scope_ancestors",
        "stg_hotline_backlog", "stg_hotline_cutoff",
    }  # fmt: skip
    assert deps["stg_nearest_station"] == {
        "stg_communities", "stg_stations", "stg_station_months",
    }  # fmt: skip
    # meta.* is written by every ingest asset; what the warehouse settles comes from staging
    assert deps["ingest_files"] == {k.to_user_string() for k in INGEST_ASSETS} | {
        "stg_community_matches", "stg_station_rejects", "stg_usage_rejects",
    }  # fmt: skip
    spec = graph.get(dg.AssetKey("kpi_monthly"))
    assert spec.group_name == "marts"
    assert graph.get(dg.AssetKey("stg_usage")).group_name == "staging"
    # models run after what they read
    order = [m.name for m in load_models()]
    for name, model in models.items():
        for schema, table in model.reads:
            if schema in ("staging", "marts"):
                assert order.index(table) < order.index(name), (table, name)


def offending(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Offending rows of every check that is a query."""
    return {
        c.name: con.execute(f"SELECT count(*) FROM ({c.query}) AS t").fetchall()[0][0]
        for c in CHECKS
        if isinstance(c.query, str)
    }


def out_of_range(con: duckdb.DuckDBPyConnection, table: str) -> int:
    query = out_of_range_sql(con, table)
    return con.execute(f"SELECT count(*) FROM ({query}) AS t").fetchall()[0][0] if query else 0


@pytest.fixture
def fresh(tmp_path):
    con = refreshed(tmp_path)
    yield con
    con.close()


def test_checks_pass_on_the_fixture(warehouse):
    assert offending(warehouse) == dict.fromkeys(offending(warehouse), 0)


def test_checks_catch_broken_marts(fresh):
    fresh.execute(
        "UPDATE marts.kpi_monthly SET visits = visits + 1, resolution_rate = 1.5 "
        "WHERE scope_level = 'district' AND scope_code = '110101000000' AND month = '2024-01-01'"
    )
    fresh.execute("UPDATE marts.kpi_monthly SET backlog = -1 WHERE scope_level = 'city'")
    fresh.execute("UPDATE marts.stations SET lat = NULL WHERE station_id = 'S1'")
    found = offending(fresh)
    assert found == {
        "every_row_accounted_for": 0,
        "no_clear_personal_data": 0,
        "districts_sum_to_city": 2,  # January: visits differ; both months: backlog -1 < 4
        "communities_sum_to_subdistricts": 1,  # the district no longer sums its subdistrict
        "visits_equal_staging": 0,
        "counts_are_never_null": 2,
        "active_stations_have_coordinates": 2,  # S1 is active in both months
        "forecast_adds_up": 0,
    }


def test_coverage_grows_with_radius(warehouse):
    # February (latest): S1 at 39.905 and S2 at 39.92 active on the meridian 116.40
    # 500 m: none (C1 and C2 are 556 m from S1) → 0
    # 1,000 m: C1, C2 by S1 → 1,500 (the published figure)
    # 1,500 m: C1, C2 → 1,500; C3 is 4 km+ away
    # 6,000 m: C3 to S2 is about 5.1 km → 1,700
    got = coverage_by_radius(warehouse, [500, 1000, 1500, 6000])
    assert got == {500: 0, 1000: 1500, 1500: 1500, 6000: 1700}


def test_every_mart_is_checked_for_negative_counts_and_rates_out_of_range(fresh):
    marts = [m.name for m in load_models() if m.schema == "marts"]
    assert {name: out_of_range(fresh, name) for name in marts} == dict.fromkeys(marts, 0)
    fresh.execute("UPDATE marts.station_monthly SET visits = -1 WHERE station_id = 'S2'")
    fresh.execute(
        "UPDATE marts.kpi_monthly SET coverage_rate = 1.01 WHERE scope_level = 'community'"
    )
    fresh.execute(
        "UPDATE marts.usage_hour_weekday SET hour = -1 WHERE weekday = 2 AND month = '2024-01-01'"
    )
    assert out_of_range(fresh, "station_monthly") == 2  # S2 in January and February
    assert out_of_range(fresh, "kpi_monthly") == 6  # three communities × two months
    assert (
        out_of_range(fresh, "usage_hour_weekday") == 3
    )  # 01-16 (Tuesday) at S1: city, 东城区, 东华门街道
