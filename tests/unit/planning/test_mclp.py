"""The MCLP solver against brute force, the greedy's guarantee, tie-breaks, gaps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import sparse

from pipelines.planning import mclp
from pipelines.planning.mclp import CoverProblem, greedy, solve


def brute_force(problem: CoverProblem) -> tuple[int, int, list[str]]:
    """The best tie key over every plan (candidates covering no worker are never taken)."""
    n = problem.cover.shape[0]
    dense = problem.cover.toarray() > 0
    useful = (dense & (problem.workers > 0)).any(axis=1)
    masks = np.arange(2**n)
    member = (masks[:, None] >> np.arange(n)) & 1 == 1  # plan × candidate
    covered = (member.astype(np.int64) @ dense.astype(np.int64)) > 0
    workers = covered @ problem.workers
    cost = member @ problem.cost_cents
    ok = ~(member & ~useful).any(axis=1)
    if problem.k is not None:
        ok &= member.sum(axis=1) <= problem.k
    if problem.budget_cents is not None:
        ok &= cost <= problem.budget_cents
    return min(
        (-int(workers[p]), int(cost[p]), sorted(np.asarray(problem.site_ids)[member[p]]))
        for p in np.flatnonzero(ok)
    )


def random_problem(rng: np.random.Generator, budget: bool) -> CoverProblem:
    n = int(rng.integers(1, 13))
    m = int(rng.integers(1, 25))
    # small integer costs and weights make ties frequent
    return CoverProblem(
        cover=sparse.csr_matrix(rng.random((n, m)) < 0.25),
        workers=rng.integers(0, 40, m),
        costs=rng.integers(0, 5, n).astype(float),
        site_ids=tuple(f"S{i:02d}" for i in rng.permutation(n)),
        k=int(rng.integers(0, n + 1)) if not budget or rng.random() < 0.5 else None,
        budget=float(rng.integers(0, 12)) if budget else None,
    )


@pytest.mark.parametrize("budget", [False, True], ids=["k", "budget"])
def test_equals_brute_force_with_its_tie_break(budget):
    rng = np.random.default_rng(2026 + budget)
    for _ in range(40):
        problem = random_problem(rng, budget)
        selection = solve(problem, time_limit_s=10)
        chosen = list(selection.chosen)
        assert selection.proven_optimal and selection.gap == 0.0
        assert selection.tie_break_complete
        assert problem.fits(chosen)
        assert selection.workers == problem.covered_workers(chosen)
        assert problem.tie_key(chosen) == brute_force(problem)


def test_greedy_within_its_guarantee():
    rng = np.random.default_rng(7)
    for trial in range(60):
        budget = trial % 2 == 1
        problem = random_problem(rng, budget)
        best = -brute_force(problem)[0]
        found = problem.covered_workers(greedy(problem))
        assert problem.fits(greedy(problem))
        # (1 - 1/e) with k only; (1 - 1/e) / 2 with a budget (Khuller, Moss, Naor)
        bound = (1 - 1 / math.e) / (2 if budget else 1)
        assert found >= bound * best


def problem_of(covers: dict[str, list[int]], workers, costs, k=None, budget=None):
    ids = tuple(covers)
    m = len(workers)
    rows = [[1 if j in covers[s] else 0 for j in range(m)] for s in ids]
    return CoverProblem(
        cover=sparse.csr_matrix(np.array(rows, dtype=np.int8).reshape(len(ids), m)),
        workers=np.asarray(workers),
        costs=np.asarray([costs[s] for s in ids], dtype=float),
        site_ids=ids,
        k=k,
        budget=budget,
    )


def chosen_ids(problem: CoverProblem, selection) -> list[str]:
    return [problem.site_ids[i] for i in selection.chosen]


def test_tie_on_workers_goes_to_the_lower_cost():
    # B and A cover the same 10 workers; B is cheaper although its id is larger
    problem = problem_of({"A": [0], "B": [0]}, [10], {"A": 5, "B": 4}, k=1)
    assert chosen_ids(problem, solve(problem)) == ["B"]


def test_tie_on_workers_and_cost_goes_to_the_smaller_sorted_ids():
    # {A, D} and {B, C} both cover all 40 workers at cost 2; ["A", "D"] < ["B", "C"]
    covers = {"D": [1, 3], "C": [2, 3], "B": [0, 1], "A": [0, 2]}
    problem = problem_of(covers, [10, 10, 10, 10], dict.fromkeys(covers, 1), k=2)
    selection = solve(problem)
    assert chosen_ids(problem, selection) == ["A", "D"]
    assert selection.workers == 40


def test_identical_sites_at_equal_cost_go_to_the_smaller_id():
    covers = {"S9": [0, 1], "S10": [0, 1], "S2": [2]}
    problem = problem_of(covers, [5, 5, 3], {"S9": 2, "S10": 2, "S2": 1}, k=1)
    # "S10" < "S9" as text: ids compare as text, not as numbers
    assert chosen_ids(problem, solve(problem)) == ["S10"]


def test_a_shorter_plan_wins_over_its_extension():
    # free sites: {A} already covers everything B covers; ["A"] < ["A", "B"]
    covers = {"A": [0, 1], "B": [1], "0": []}
    problem = problem_of(covers, [4, 6], {"A": 0, "B": 0, "0": 0}, k=2)
    selection = solve(problem)
    assert chosen_ids(problem, selection) == ["A"]


def test_budget_and_k_hold_together():
    covers = {"A": [0], "B": [1], "C": [2], "D": [3]}
    costs = {"A": 6, "B": 5, "C": 5, "D": 1}
    problem = problem_of(covers, [9, 8, 7, 1], costs, k=2, budget=10)
    # {B, C} = 15 workers at cost 10; {A, D} = 10; {A, B} costs 11
    selection = solve(problem)
    assert chosen_ids(problem, selection) == ["B", "C"]
    assert selection.workers == 15


def test_time_limit_reports_the_gap_of_the_greedy_plan():
    # with no time at all the greedy plan stands: A (10 of the 15 coverable workers)
    problem = problem_of({"A": [0], "B": [1]}, [10, 5], {"A": 1, "B": 1}, k=1)
    selection = solve(problem, time_limit_s=0)
    assert chosen_ids(problem, selection) == ["A"]
    assert not selection.proven_optimal
    assert selection.gap == pytest.approx(0.5)


def test_solver_failure_falls_back_to_greedy(monkeypatch):
    def fail(self, start, deadline):
        raise mclp.SolverFailed("kSolveError")

    monkeypatch.setattr(mclp.Model, "maximise_workers", fail)
    # a budget: one MIP over the whole problem (with k alone the components are solved
    # apart, and these two need no MIP; test_decompose covers a failing component MIP)
    problem = problem_of({"A": [0], "B": [1]}, [10, 5], {"A": 1, "B": 1}, budget=1)
    selection = solve(problem)
    assert selection.method == "greedy"
    assert chosen_ids(problem, selection) == ["A"]
    assert not selection.proven_optimal
    assert selection.gap == pytest.approx(0.5)


def test_nothing_to_cover():
    problem = problem_of({"A": [0]}, [0], {"A": 1}, k=3)
    selection = solve(problem)
    assert selection.chosen == () and selection.workers == 0 and selection.proven_optimal


def test_dominated_sites_are_the_ones_an_exchange_improves():
    cover = sparse.csr_matrix(np.array([[1, 1], [1, 0], [1, 0], [0, 1]], dtype=np.int8))
    cost = np.array([5, 5, 6, 0])
    rank = np.array([3, 0, 1, 2])
    # row 1 ⊆ row 0 at equal cost but with the smaller id: kept; row 2 costs more than
    # row 1 with the same cover: dropped; row 3 is free: kept
    assert mclp._dominated(cover, cost, rank).tolist() == [False, False, True, False]
