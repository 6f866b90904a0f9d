"""What a planner may ask: invalid settings refused with a message, pinned and excluded
sites, plans of a subdistrict, candidates placed in communities, demand weighed by the
forecast — on the tiny world of ``world.py`` (its docstring has the distances)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import duckdb
import numpy as np
import polars as pl
import pytest

from pipelines.__main__ import main
from pipelines.planning.candidates import candidate_sites
from pipelines.planning.geo import haversine_m
from pipelines.planning.inputs import SitingInputs, read_inputs
from pipelines.planning.request import PlanError, PlanRequest
from pipelines.planning.scopes import resolve_scope
from pipelines.planning.siting import plan_sites
from pipelines.planning.weights import visits_per_covered_worker
from tests.unit.planning.test_siting import random_world
from tests.unit.planning.world import write_world

RANGE = (100.0, 5000.0)


@pytest.fixture
def world() -> SitingInputs:
    con = duckdb.connect()
    write_world(con)
    return read_inputs(con, "main")


def plan(world: SitingInputs, **settings):
    return plan_sites(world, request=PlanRequest(**settings).checked(RANGE))


# -- invalid settings: a message, never a substitute --------------------------------------
@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ({"k": 0}, "k_not_positive"),
        ({"k": -3}, "k_not_positive"),
        ({"k": None}, "no_limit"),
        ({"k": 2, "radius_m": 99.9}, "radius_out_of_range"),
        ({"k": 2, "radius_m": 5000.1}, "radius_out_of_range"),
        ({"k": 2, "radius_m": float("nan")}, "radius_out_of_range"),
        ({"k": 2, "budget": -0.01}, "budget_negative"),
        ({"k": 2, "weight": "visits"}, "unknown_weight"),
        ({"k": 2, "pinned": ("CS001",), "excluded": ("CS001",)}, "pinned_and_excluded"),
        ({"k": 1, "pinned": ("CS001", "CS002")}, "too_many_pinned"),
    ],
)
def test_invalid_settings_are_refused(settings, code):
    with pytest.raises(PlanError) as refused:
        PlanRequest(**settings).checked(RANGE)
    assert refused.value.code == code


def test_the_edges_of_the_range_are_allowed(world):
    for radius in RANGE:
        PlanRequest(k=1, radius_m=radius, budget=0.0).checked(RANGE)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--k", "0"], "k must be a whole number of at least 1 (got 0)"),
        (["--k", "2", "--radius-m", "0"], "between 100 and 5,000 m (got 0.0)"),
        (["--k", "2", "--budget", "-5"], "must not be negative (got -5.0)"),
    ],
)
def test_the_cli_refuses_with_the_reason(snapshot, capsys, argv, message):
    assert main(["plan", *argv]) == 2
    assert message in capsys.readouterr().err


def test_the_request_survives_json():
    request = PlanRequest(
        k=3, radius_m=800.0, budget=12.5, scope="房山区", pinned=("A", "B"), excluded=("C",),
        weight="forecast", with_community_candidates=True,
    )  # fmt: skip
    assert PlanRequest.from_dict(request.to_dict()) == request
    assert PlanRequest.from_dict({"k": 2, "extra": 1}) == PlanRequest(k=2)


# -- pinned and excluded sites --------------------------------------------------------------
def test_a_pinned_site_is_built_first_and_the_rest_is_the_best_for_what_it_leaves(world):
    # CS003 covers only C3, covered today: it adds 0. With k = 2, one site is left: CS001
    # adds C1's 100 (CS002 would add 50). Cost 1 + 10 = 11.
    result = plan(world, k=2, pinned=("CS003",))
    assert [(s.site_id, s.pinned, s.marginal_workers) for s in result.sites] == [
        ("CS003", True, 0), ("CS001", False, 100)
    ]  # fmt: skip
    assert (result.newly_covered_workers, result.total_cost) == (100, 11.0)
    # pinning CS002 with k = 1 leaves no choice: 50 workers, cost 8
    result = plan(world, k=1, pinned=("CS002",))
    assert [s.site_id for s in result.sites] == ["CS002"]
    assert (result.newly_covered_workers, result.total_cost) == (50, 8.0)


def test_pinned_sites_spend_the_budget_first(world):
    # CS001 (10) pinned in a budget of 12: 2 left, and no other useful site costs ≤ 2
    result = plan(world, k=None, budget=12, pinned=("CS001",))
    assert [s.site_id for s in result.sites] == ["CS001"] and result.newly_covered_workers == 100
    with pytest.raises(PlanError) as refused:
        plan(world, k=None, budget=9, pinned=("CS001",))
    assert refused.value.code == "pinned_over_budget"


def test_an_excluded_site_is_never_chosen(world):
    assert [s.site_id for s in plan(world, k=1).sites] == ["CS001"]
    assert [s.site_id for s in plan(world, k=1, excluded=("CS001",)).sites] == ["CS002"]


def test_an_unknown_or_out_of_scope_site_is_named(world):
    with pytest.raises(PlanError, match="CS999"):
        plan(world, k=1, pinned=("CS999",))
    # CS004 lies in 西城区: not a candidate of a 东城区 plan
    with pytest.raises(PlanError, match="CS004"):
        plan(world, k=1, scope="东城区", excluded=("CS004",))


def brute_force_pinned(world, k, radius_m, pinned, excluded):
    """Straight from the definition: haversine distances; P pinned, then the best S of
    the other sites (not excluded) by (workers of P ∪ S, cost of S, sorted ids of S),
    each site of S adding someone given P."""
    c, s = world.communities, world.stations
    covered_today = (
        haversine_m(c["lat"].to_numpy()[:, None], c["lon"].to_numpy()[:, None],
                    s["lat"].to_numpy()[None, :], s["lon"].to_numpy()[None, :]) <= radius_m
    ).any(axis=1)  # fmt: skip
    weight = np.where(covered_today, 0, c["outdoor_workers"].to_numpy())
    sites = world.candidates.filter(~pl.col("site_id").is_in(list(excluded)))
    reach = haversine_m(
        sites["lat"].to_numpy()[:, None], sites["lon"].to_numpy()[:, None],
        c["lat"].to_numpy()[None, :], c["lon"].to_numpy()[None, :],
    ) <= radius_m  # fmt: skip
    ids, cost = sites["site_id"].to_list(), sites["est_cost"].to_numpy()
    base = [ids.index(p) for p in pinned]
    left = np.where(reach[base].any(axis=0), 0, weight) if base else weight
    useful = [i for i in range(len(ids)) if i not in base and left[reach[i]].sum() > 0]
    best = None
    for size in range(0, len(useful) + 1):
        if k is not None and len(base) + size > k:
            break
        for extra in itertools.combinations(useful, size):
            workers = int(weight[reach[base + list(extra)].any(axis=0)].sum())
            key = (-workers, round(sum(cost[list(extra)]) * 100), sorted(ids[i] for i in extra))
            best = key if best is None or key < best else best
    return best


def test_pins_and_exclusions_against_brute_force():
    rng = np.random.default_rng(5)
    for trial in range(12):
        world = random_world(rng)
        world = replace(world, candidates=world.candidates.with_columns(
            pl.col("est_cost").fill_null(2.0)))  # fmt: skip
        ids = world.candidates["site_id"].to_list()
        pinned = tuple(rng.choice(ids, size=min(1, len(ids)), replace=False).tolist())
        excluded = tuple(i for i in ids if i not in pinned)[:1]
        k = len(pinned) + int(rng.integers(0, 3))
        result = plan_sites(world, request=PlanRequest(
            k=k, radius_m=800, pinned=pinned, excluded=excluded))  # fmt: skip
        assert [s.site_id for s in result.sites if s.pinned] == list(pinned), trial
        rest = sorted(s.site_id for s in result.sites if not s.pinned)
        expected = brute_force_pinned(world, k, 800, pinned, excluded)
        assert (-result.newly_covered_workers, rest) == (expected[0], expected[2]), trial


# -- scopes and places ----------------------------------------------------------------------
def test_a_subdistrict_plans_its_own_candidates_and_demand(world):
    # 东华门街道 holds C1, C2, C3 (C3 covered) and CS001–CS003; k = 3 takes the two useful
    for scope in ("东华门街道", "东城区/东华门街道", "110101001000"):
        result = plan(world, k=3, scope=scope)
        assert [s.site_id for s in result.sites] == ["CS001", "CS002"]
        assert (result.scope.level, result.scope.code) == ("subdistrict", "110101001000")
        assert (result.outdoor_workers, result.covered_workers_today) == (180, 30)
    assert [s.site_id for s in plan(world, k=3, scope="西长安街街道").sites] == ["CS004"]
    for unknown in ("海淀区", "110108001000", "110101001001"):
        with pytest.raises(PlanError) as refused:
            plan(world, k=1, scope=unknown)
        assert refused.value.code == "unknown_scope"


def test_a_subdistrict_name_two_districts_share_must_be_qualified():
    communities = pl.DataFrame({
        "district_code": ["110101000000", "110102000000"], "district": ["东城区", "西城区"],
        "subdistrict_code": ["110101001000", "110102001000"], "subdistrict": ["同名街道"] * 2,
    })  # fmt: skip
    with pytest.raises(PlanError) as refused:
        resolve_scope(communities, "同名街道")
    assert refused.value.code == "ambiguous_scope"
    assert resolve_scope(communities, "西城区/同名街道").code == "110102001000"


def test_a_site_without_a_community_code_lies_in_the_nearest_community(world):
    candidates = world.candidates.with_columns(
        community_code=pl.when(pl.col("site_id") == "CS002").then(None)
        .otherwise(pl.col("community_code"))
    )  # fmt: skip
    sites = candidate_sites(candidates, world.communities, world.communities.head(0), False)
    cs002 = sites.filter(pl.col("site_id") == "CS002").row(0, named=True)
    # CS002 stands 55 m from C2's centroid (and 2.6 km from C1's)
    assert (cs002["community_code"], cs002["subdistrict"], cs002["placed_by_distance"]) == (
        "110101001002", "东华门街道", True)  # fmt: skip
    assert not sites.filter(pl.col("site_id") == "CS001")["placed_by_distance"].item()


# -- demand weighed by the forecast ---------------------------------------------------------
def with_forecast(world: SitingInputs, dongcheng: float | None, city: float) -> SitingInputs:
    rows = [("city", "110000000000", city)]
    if dongcheng is not None:
        rows.append(("district", "110101000000", dongcheng))
    forecast = pl.DataFrame(rows, schema=["scope_level", "scope_code", "visits"], orient="row")
    forecast = forecast.with_columns(
        months=pl.lit(3, pl.Int64), first_month=pl.date(2024, 7, 1), last_month=pl.date(2024, 9, 1)
    )
    return replace(world, forecast=forecast)


def test_visits_per_covered_worker_by_district_else_the_city(world):
    # at 1 km only C3 (30 workers, 东城区) is covered. 东城区: 30 visits / 30 = 1.0 per
    # worker. 西城区 has no covered worker: the city's 300 / 30 = 10.0
    world = with_forecast(world, dongcheng=30.0, city=300.0)
    demand = plan(world, k=1).communities
    rates = visits_per_covered_worker(demand, world.forecast)
    columns = ("district_code", "covered_workers", "visits_per_worker", "basis")
    assert rates.select(columns).rows() == [
        ("110101000000", 30, 1.0, "district"),
        ("110102000000", 0, 10.0, "city"),
    ]  # fmt: skip


def test_forecast_weights_can_change_the_plan(world):
    # weights: C1 100 × 1.0 = 100, C2 50 × 1.0 = 50, C4 20 × 10.0 = 200 visits
    world = with_forecast(world, dongcheng=30.0, city=300.0)
    by_workers = plan(world, k=1)
    by_visits = plan(world, k=1, weight="forecast")
    assert [s.site_id for s in by_workers.sites] == ["CS001"]
    assert [s.site_id for s in by_visits.sites] == ["CS004"]
    assert (by_visits.forecast_visits, by_visits.newly_covered_workers) == (200, 20)
    assert by_visits.sites[0].marginal_visits == 200 and by_workers.forecast_visits is None
    assert by_visits.communities.filter(pl.col("community_code") == "110101001002")[
        "weight"].item() == 50  # fmt: skip


def test_forecast_weights_are_whole_visits(world):
    # 东城区: 10 visits / 30 workers = 1/3: C1 100/3 = 33.3 → 33, C2 50/3 = 16.7 → 17
    world = with_forecast(world, dongcheng=10.0, city=300.0)
    weights = dict(plan(world, k=1, weight="forecast").communities.select(
        "community_code", "weight").rows())  # fmt: skip
    assert weights["110101001001"] == 33 and weights["110101001002"] == 17


def test_no_forecast_is_an_error_not_a_silent_fallback(world):
    with pytest.raises(PlanError) as refused:
        plan(world, k=1, weight="forecast")
    assert refused.value.code == "no_forecast"
