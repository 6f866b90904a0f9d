"""Siting on published tables: today's stations fixed, costs, districts, the JSON, the CLI."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from datetime import date

import duckdb
import numpy as np
import polars as pl
import pytest

from pipelines.__main__ import main
from pipelines.planning.geo import haversine_m
from pipelines.planning.inputs import SitingInputs, load_snapshot, read_inputs
from pipelines.planning.siting import plan_sites
from pipelines.serving import NoSnapshot
from pipelines.settings import REPO_ROOT
from tests.unit.planning.world import write_world


@pytest.fixture
def world() -> SitingInputs:
    con = duckdb.connect()
    write_world(con)
    return read_inputs(con, "main")


def test_the_tiny_world_plan(world):
    plan = plan_sites(world, k=2, radius_m=1000)
    assert plan.to_json() == {
        "k": 2,
        "radius_m": 1000.0,
        "budget": None,
        "newly_covered_workers": 150,
        "total_cost": 18.0,
        "proven_optimal": True,
        "gap": 0.0,
        "seconds": round(plan.seconds, 3),
        "sites": [
            {
                "rank": 1,
                "site_id": "CS001",
                "site_name": "一号点",
                "lat": 39.9005,
                "lon": 116.4005,
                "est_cost": 10.0,
                "marginal_workers": 100,
                "cumulative_workers": 100,
                "site_kind": "candidate",
                "district": "东城区",
                "subdistrict": "东华门街道",
                "community_code": "110101001001",
                "community_name": "一社区",
                "address": None,
                "pinned": False,
                "marginal_visits": None,
                "newly_covered_communities": ["110101001001"],
            },
            {
                "rank": 2,
                "site_id": "CS002",
                "site_name": "二号点",
                "lat": 39.9005,
                "lon": 116.4305,
                "est_cost": 8.0,
                "marginal_workers": 50,
                "cumulative_workers": 150,
                "site_kind": "candidate",
                "district": "东城区",
                "subdistrict": "东华门街道",
                "community_code": "110101001002",
                "community_name": "二社区",
                "address": None,
                "pinned": False,
                "marginal_visits": None,
                "newly_covered_communities": ["110101001002"],
            },
        ],
        "scope": None,
        "scope_name": None,
        "month": "2024-06-01",
        "weight": "workers",
        "forecast_visits": None,
        "pinned": [],
        "excluded": [],
    }
    assert [s.newly_covered for s in plan.sites] == [("110101001001",), ("110101001002",)]
    # C1..C4 have coordinates (200 workers); only C3's 30 are covered by ST1 today
    assert (plan.outdoor_workers, plan.covered_workers_today) == (200, 30)
    assert plan.notes == ("1 communities without coordinates are left out",)


@pytest.mark.parametrize(
    ("budget", "expected", "cost"),
    [(12, ["CS001"], 10.0), (16, ["CS001"], 10.0), (18, ["CS001", "CS002"], 18.0)],
)
def test_budget_without_k(world, budget, expected, cost):
    plan = plan_sites(world, k=None, radius_m=1000, budget=budget)
    assert [s.site_id for s in plan.sites] == expected
    assert plan.total_cost == cost <= budget


def test_unknown_cost_is_the_median_and_the_district_filters(world):
    # 西城区 holds C4 and CS004 only; CS004's cost is the median of 10, 8 and 1
    for district in ("西城区", "110102000000"):
        plan = plan_sites(world, k=3, radius_m=1000, district=district)
        assert [(s.site_id, s.est_cost, s.marginal_workers) for s in plan.sites] == [
            ("CS004", 8.0, 20)
        ]
    with pytest.raises(ValueError, match="unknown district"):
        plan_sites(world, k=3, radius_m=1000, district="海淀区")


def test_community_centroids_as_candidates(world):
    plan = plan_sites(world, k=2, radius_m=1000, with_community_candidates=True)
    # community:… centroids cost the median 8: cheaper than CS001 for C1; for C2 they tie
    # with CS002 on workers and cost, and "CS002" < "community:…"
    assert [s.site_id for s in plan.sites] == ["community:110101001001", "CS002"]
    assert (plan.newly_covered_workers, plan.total_cost) == (150, 16.0)


def test_a_larger_radius_widens_todays_coverage_too(world):
    # at 3.5 km ST1 also reaches C1 (3.34 km) and C4 (2.56 km): only C2's 50 remain,
    # which CS001 (2.56 km, cost 10) and CS002 (cost 8) both cover: the cheaper wins
    plan = plan_sites(world, k=1, radius_m=3500)
    assert plan.covered_workers_today == 150
    assert [(s.site_id, s.marginal_workers) for s in plan.sites] == [("CS002", 50)]


def random_world(rng: np.random.Generator) -> SitingInputs:
    def points(n: int) -> tuple[np.ndarray, np.ndarray]:
        return 39.90 + rng.random(n) * 0.03, 116.40 + rng.random(n) * 0.04

    nc, ns, nk = 25, int(rng.integers(0, 4)), int(rng.integers(1, 13))
    clat, clon = points(nc)
    slat, slon = points(ns)
    klat, klon = points(nk)
    costs = rng.choice([1.0, 2.0, 3.0, None], nk).tolist()
    return SitingInputs(
        communities=pl.DataFrame(
            {
                "community_code": [f"1101010010{i:02d}" for i in range(nc)],
                "community_name": [f"c{i}" for i in range(nc)],
                "district_code": ["110101000000"] * nc,
                "district": ["东城区"] * nc,
                "lat": clat,
                "lon": clon,
                "outdoor_workers": rng.integers(0, 60, nc),
            }
        ),
        stations=pl.DataFrame(
            {
                "station_id": [f"st{i}" for i in range(ns)],
                "lat": slat,
                "lon": slon,
                "opened_on": [date(2024, 1, 1)] * ns,
                "closed_on": [None] * ns,
            },
            schema_overrides={"closed_on": pl.Date},
        ),
        candidates=pl.DataFrame(
            {
                "site_id": [f"K{i:02d}" for i in rng.permutation(nk)],
                "site_name": [f"k{i}" for i in range(nk)],
                "lat": klat,
                "lon": klon,
                "district_code": ["110101000000"] * nk,
                "est_cost": costs,
            },
            schema_overrides={"est_cost": pl.Float64},
        ),
        month=date(2024, 6, 1),
    )


def brute_force(world: SitingInputs, k, budget, radius_m):
    """Straight from the definitions: haversine distances, every subset of candidates."""
    c, s, k_ = world.communities, world.stations, world.candidates
    covered_today = (
        haversine_m(c["lat"].to_numpy()[:, None], c["lon"].to_numpy()[:, None],
                    s["lat"].to_numpy()[None, :], s["lon"].to_numpy()[None, :])
        <= radius_m
    ).any(axis=1)  # fmt: skip
    weight = np.where(covered_today, 0, c["outdoor_workers"].to_numpy())
    reach = (
        haversine_m(k_["lat"].to_numpy()[:, None], k_["lon"].to_numpy()[:, None],
                    c["lat"].to_numpy()[None, :], c["lon"].to_numpy()[None, :])
        <= radius_m
    )  # fmt: skip
    known = k_["est_cost"].drop_nulls()
    cost = k_["est_cost"].fill_null(known.median() if len(known) else 0.0).to_numpy()
    ids = k_["site_id"].to_list()
    useful = [i for i in range(len(ids)) if weight[reach[i]].sum() > 0]
    best = (0, 0, [])
    for size in range(1, len(useful) + 1):
        for plan in itertools.combinations(useful, size):
            total = round(sum(cost[list(plan)]) * 100)
            if (k is not None and size > k) or (budget is not None and total > budget * 100):
                continue
            workers = int(weight[reach[list(plan)].any(axis=0)].sum())
            best = min(best, (-workers, total, sorted(ids[i] for i in plan)))
    return best


def test_equals_brute_force_on_random_worlds():
    rng = np.random.default_rng(11)
    for trial in range(30):
        world = random_world(rng)
        n = world.candidates.height
        k = int(rng.integers(0, n + 1)) if trial % 3 else None
        budget = float(rng.integers(0, 8)) if trial % 3 != 1 else None
        plan = plan_sites(world, k=k, radius_m=800, budget=budget)
        ids = sorted(s.site_id for s in plan.sites)
        key = (-plan.newly_covered_workers, round(plan.total_cost * 100), ids)
        assert key == brute_force(world, k, budget, 800), trial
        assert plan.proven_optimal
        assert plan.sites[-1].cumulative_workers == plan.newly_covered_workers if ids else True
        gains = [s.marginal_workers for s in plan.sites]
        assert gains == sorted(gains, reverse=True) or len(gains) < 2


def test_cli_json(snapshot, capsys):
    assert main(["plan", "--k", "2", "--radius-m", "1000", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # the keys of metrics.md first, in its order; the later keys were added for planners
    assert list(out)[:9] == [
        "k", "radius_m", "budget", "newly_covered_workers", "total_cost",
        "proven_optimal", "gap", "seconds", "sites",
    ]  # fmt: skip
    assert list(out["sites"][0])[:8] == [
        "rank", "site_id", "site_name", "lat", "lon", "est_cost",
        "marginal_workers", "cumulative_workers",
    ]  # fmt: skip
    assert [s["site_id"] for s in out["sites"]] == ["CS001", "CS002"]
    assert (out["newly_covered_workers"], out["budget"], out["gap"]) == (150, None, 0.0)


def test_cli_budget_alone_and_table(snapshot, capsys):
    assert main(["plan", "--budget", "18", "--district", "东城区"]) == 0
    out = capsys.readouterr().out
    assert "CS001" in out and "CS002" in out and "已证明最优 proven optimal" in out
    assert "k = —" in out and "新增 newly covered 150" in out


def test_cli_without_snapshot(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    assert main(["plan", "--k", "3"]) == 1
    assert "no published snapshot" in capsys.readouterr().err
    with pytest.raises(NoSnapshot):
        load_snapshot(tmp_path / "serving" / "current.duckdb")


def test_cli_json_stdout_is_only_json(snapshot):
    # HiGHS prints a banner on stdout from C++ in a fresh process; it must not reach it
    env = {**os.environ, "WSI_DATA_DIR": str(snapshot.parent.parent)}
    done = subprocess.run(
        [sys.executable, "-m", "pipelines", "plan", "--k", "1", "--json"],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT, check=True,
    )  # fmt: skip
    assert json.loads(done.stdout)["sites"][0]["site_id"] == "CS001"
