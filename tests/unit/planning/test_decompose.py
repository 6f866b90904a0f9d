"""The decomposition: components independent, bounds that hold, the allocation exact,
and the same objective as one MIP over the whole problem."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from scipy import sparse

from pipelines.planning import decompose, mclp
from pipelines.planning.decompose import allocate, component_curves, maximise_workers
from pipelines.planning.mip import Model
from pipelines.planning.problem import CoverProblem

LATER = 60.0  # seconds: every test instance is settled long before


def problem_of(covers: dict[str, list[int]], workers: list[int], k: int) -> CoverProblem:
    ids = tuple(covers)
    rows = [[1 if j in covers[s] else 0 for j in range(len(workers))] for s in ids]
    return CoverProblem(
        cover=sparse.csr_matrix(np.array(rows, dtype=np.int8)),
        workers=np.asarray(workers),
        costs=np.ones(len(ids)),
        site_ids=ids,
        k=k,
    )


def not_concave(k: int) -> CoverProblem:
    """Two components. The first (points 0-9, one worker each) has W = {0, 3, 6, 9} and
    three disjoint triples X, Y, Z: its best is f(1) = 4 (W), f(2) = 6 (any two sets
    overlap in at most one point: 4 + 3 - 1 or 3 + 3), f(3) = 9 (X, Y, Z), f(4) = 10 —
    steps of 4, 2, 3, 1, not concave. The second is one site V over point 10 (2 workers).
    """
    covers = {
        "W": [0, 3, 6, 9],
        "X": [0, 1, 2],
        "Y": [3, 4, 5],
        "Z": [6, 7, 8],
        "V": [10],
    }
    return problem_of(covers, [1] * 10 + [2], k)


def ids(problem: CoverProblem, chosen) -> list[str]:
    return sorted(problem.site_ids[i] for i in chosen)


def test_the_allocation_is_exact_where_marginal_gains_are_not():
    # k = 3: X, Y, Z (9) beat any plan with V: two sets of the first (6) + V (2) = 8;
    # the greedy takes W (4), then two more at 2 each (a set, or V) = 8
    problem = not_concave(3)
    assert problem.covered_workers(mclp.greedy(problem)) == 8
    found = maximise_workers(problem, time.perf_counter() + LATER)
    assert found.proven_optimal and found.workers == 9 and found.upper_bound == 9
    assert ids(problem, found.chosen) == ["X", "Y", "Z"]
    assert problem.covered_workers(found.chosen) == 9
    # k = 2: W and V (4 + 2) or two sets (3 + 3, or 4 + 3 - 1): 6, not 4 + 3
    found = maximise_workers(not_concave(2), time.perf_counter() + LATER)
    assert found.workers == 6 and not_concave(2).covered_workers(found.chosen) == 6
    # k = 4: X, Y, Z and V = 9 + 2 = 11 beats all four sets of the first (10)
    problem = not_concave(4)
    found = maximise_workers(problem, time.perf_counter() + LATER)
    assert found.workers == 11 and ids(problem, found.chosen) == ["V", "X", "Y", "Z"]


def test_allocate_on_hand_curves():
    first, second = np.array([0, 4, 6, 9, 10]), np.array([0, 2])
    assert allocate([first, second], 3)[0] == 9  # 3 here, none there
    assert allocate([first, second], 3)[1].tolist() == [3, 0]
    assert allocate([first, second], 4)[1].tolist() == [3, 1]  # 9 + 2 = 11 > 10
    assert allocate([first, second], 1)[0] == 4
    # k = 2: 6 either way (two here, or one here and one there), never 4 + 3
    assert allocate([first, second], 2)[0] == 6
    # concave curves: the increments largest first, 6 then 5 then 3 (not the 1)
    total, counts = allocate([np.array([0, 5, 8]), np.array([0, 6, 7])], 3)
    assert total == 6 + 5 + 3 and counts.tolist() == [2, 1]
    assert allocate([np.array([0, 5, 8])], 0)[0] == 0
    # sites that add nobody are never taken: k = 5 but 2 sites reach the top
    assert allocate([np.array([0, 5, 8, 8]), np.array([0, 0])], 5)[1].tolist() == [2, 0]


def random_blocks(rng: np.random.Generator) -> CoverProblem:
    """A few random blocks, rows and columns shuffled so the components are hidden."""
    blocks = [
        sparse.csr_matrix(
            rng.random((int(rng.integers(1, 8)), int(rng.integers(1, 12)))) < rng.uniform(0.1, 0.6)
        )
        for _ in range(int(rng.integers(1, 6)))
    ]
    cover = sparse.block_diag(blocks, format="csr").astype(np.int8)
    n, m = cover.shape
    cover = cover[rng.permutation(n)][:, rng.permutation(m)].tocsr()
    return CoverProblem(
        cover=cover,
        workers=rng.integers(0, 30, m),
        costs=np.ones(n),
        site_ids=tuple(f"S{i:03d}" for i in range(n)),
        k=int(rng.integers(0, n + 2)),
    )


def best_by_brute_force(cover: np.ndarray, workers: np.ndarray, t: int) -> int:
    return max(
        (
            int(workers[cover[list(plan)].any(axis=0)].sum())
            for size in range(min(t, len(cover)) + 1)
            for plan in itertools.combinations(range(len(cover)), size)
        ),
        default=0,
    )


def test_components_are_independent():
    rng = np.random.default_rng(15)
    for _ in range(30):
        problem = random_blocks(rng)
        count, site_label, point_label = decompose.components(problem.cover)
        rows, cols = problem.cover.nonzero()
        assert (site_label[rows] == point_label[cols]).all()  # no pair crosses
        assert set(site_label) | set(point_label) == set(range(count))
        parts = component_curves(problem)
        sites = np.concatenate([p.sites for p in parts])
        assert sorted(sites.tolist()) == list(range(problem.cover.shape[0]))
        points = np.concatenate([p.points for p in parts])
        assert len(set(points.tolist())) == len(points)  # each point in one component
        for part in parts:
            block = problem.cover[part.sites][:, part.points]
            assert (block != part.cover).nnz == 0
            # the component's sites cover nothing outside it
            assert problem.cover[part.sites].nnz == part.cover.nnz
        # so the workers of any plan add up over the components
        plan = np.flatnonzero(rng.random(problem.cover.shape[0]) < 0.4)
        by_part = sum(
            int(p.workers[np.unique(p.cover[np.isin(p.sites, plan)].indices)].sum()) for p in parts
        )
        assert by_part == problem.covered_workers(plan)


def test_bounds_hold_on_every_component():
    rng = np.random.default_rng(16)
    for _ in range(30):
        problem = random_blocks(rng)
        parts = component_curves(problem)
        decompose.bound_by_relaxation(problem, parts, time.perf_counter() + LATER)
        for part in parts:
            dense = part.cover.toarray() > 0
            for t in range(len(part.lower)):
                best = best_by_brute_force(dense, part.workers, t)
                assert part.lower[t] <= best <= part.upper[t]
                assert part.workers[dense[part.plan(t)].any(axis=0)].sum() == part.lower[t]


@pytest.mark.parametrize("with_lp", [True, False], ids=["lp", "no-lp"])
def test_same_objective_as_one_mip_over_the_whole(with_lp):
    rng = np.random.default_rng(17 + with_lp)
    for _ in range(60):
        problem = random_blocks(rng)
        deadline = time.perf_counter() + LATER
        if with_lp:
            found = maximise_workers(problem, deadline)
        else:  # the curves settled by MIPs alone
            found = decompose.solve_components(problem, component_curves(problem), deadline)
        chosen, proven, _ = Model(problem).maximise_workers([], deadline)
        assert proven and found.proven_optimal and found.gap == 0
        assert found.workers == problem.covered_workers(chosen)
        assert problem.covered_workers(found.chosen) == found.workers
        assert len(found.chosen) <= problem.k


def test_out_of_time_the_plan_stands_with_its_gap():
    problem = not_concave(3)
    found = decompose.solve_components(problem, component_curves(problem), 0.0)
    assert found.workers == 8 and not found.proven_optimal  # the greedy plan
    assert found.upper_bound >= 9 and found.gap == (found.upper_bound - 8) / 8


def test_a_failing_component_mip_leaves_the_best_plan_and_its_gap(monkeypatch):
    def fail(self, start, deadline):
        raise mclp.SolverFailed("kSolveError")

    def no_duals(self, deadline):  # zero duals are a valid, if weak, bound
        return np.zeros(self.n), np.zeros(self.m), 0.0

    monkeypatch.setattr(mclp.Model, "maximise_workers", fail)
    monkeypatch.setattr(mclp.Model, "relaxation", no_duals)
    problem = not_concave(3)
    selection = mclp.solve(problem)
    assert selection.workers == 8 and not selection.proven_optimal and selection.gap > 0
    assert any("failed" in note for note in selection.notes)


def test_a_budget_is_not_shared_out():
    with pytest.raises(ValueError, match="budget"):
        maximise_workers(
            CoverProblem(
                cover=sparse.csr_matrix(np.ones((1, 1), dtype=np.int8)),
                workers=np.array([1]),
                costs=np.array([1.0]),
                site_ids=("A",),
                budget=1.0,
            ),
            time.perf_counter() + LATER,
        )


def k4_and_a_lone_site(k: int) -> CoverProblem:
    """The edges of K4 as demand points (one worker each), its four vertices as sites
    (a site covers the three edges it touches), and a lone site E over point 6 (three
    workers)."""
    covers = {
        "A": [0, 1, 2],  # edges AB, AC, AD
        "B": [0, 3, 4],  # AB, BC, BD
        "C": [1, 3, 5],  # AC, BC, CD
        "D": [2, 4, 5],  # AD, BD, CD
        "E": [6],
    }
    return problem_of(covers, [1] * 6 + [3], k)


def test_a_gap_the_lp_leaves_is_closed_by_a_component_mip():
    problem = k4_and_a_lone_site(3)
    parts = component_curves(problem)
    assert [ids(problem, p.sites) for p in parts] == [["A", "B", "C", "D"], ["E"]]
    # the greedy takes A (3), then E (3 beats the 2 of B), then B (2): 8
    assert allocate([p.lower for p in parts], 3)[0] == 8
    # the LP: x = 1/2 on every vertex covers every edge (6), x_E = 1 the lone point (3),
    # 2 + 1 = 3 sites: 9; and no more, as each vertex site covers 3 workers and E 3, so
    # 3 per unit of x at most, times k = 3
    decompose.bound_by_relaxation(problem, parts, time.perf_counter() + LATER)
    assert allocate([p.upper for p in parts], 3)[0] == 9
    # but two vertices cover 3 + 3 - 1 = 5 edges (they share one), three cover all 6:
    # E and two vertices (5 + 3 = 8) beat three vertices (6); only a MIP shows f(2) = 5
    found = decompose.solve_components(problem, parts, time.perf_counter() + LATER)
    assert found.proven_optimal and found.workers == 8 and found.upper_bound == 8
    assert found.mips >= 1
    chosen = ids(problem, found.chosen)
    assert len(chosen) == 3 and "E" in chosen
    assert parts[0].lower[2] == parts[0].upper[2] == 5


def tiny_problem(rng: np.random.Generator) -> CoverProblem:
    """Up to 8 sites over up to 10 points, in blocks, with costs that tie often."""
    problem = random_blocks(rng)
    n = problem.cover.shape[0]
    keep = np.sort(rng.permutation(n)[: min(n, 8)])
    return CoverProblem(
        cover=problem.cover[keep].tocsr(),
        workers=problem.workers,
        costs=rng.integers(1, 4, len(keep)).astype(float),
        site_ids=tuple(f"S{i}" for i in rng.permutation(len(keep))),
        k=int(rng.integers(0, len(keep) + 1)),
    )


def test_the_planner_answers_the_metric_best_plan():
    # mclp.solve shares k out over the components, then breaks ties on the whole: its
    # plan must be the first, in the metric's order (more workers, then lower cost,
    # then the sorted site ids), of every plan of at most k sites. Costs are positive,
    # so no plan with an idle site can be first.
    rng = np.random.default_rng(19)
    for _ in range(40):
        problem = tiny_problem(rng)
        n = problem.cover.shape[0]
        best = min(
            (
                list(plan)
                for size in range(problem.k + 1)
                for plan in itertools.combinations(range(n), size)
            ),
            key=problem.tie_key,
        )
        selection = mclp.solve(problem, time_limit_s=LATER)
        assert selection.proven_optimal and selection.tie_break_complete
        assert ids(problem, selection.chosen) == ids(problem, best)
        assert selection.workers == problem.covered_workers(best)
