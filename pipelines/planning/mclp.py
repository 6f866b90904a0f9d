"""The maximal covering location problem (MCLP) on plain arrays: lazy greedy and exact MIP.

A :class:`CoverProblem` says which candidate covers which demand point (a sparse 0/1
matrix, candidates × demand points), how many workers each demand point holds, what each
candidate costs, and the limits: at most ``k`` sites and/or a total cost within
``budget``. :func:`solve` answers with a :class:`Selection`: the chosen candidates, the
workers they cover, and whether that is proven optimal (else the MIP gap).

Ties between plans (metrics.md, "Siting"): more workers, then lower total cost, then the
sorted list of site ids compared in order. :func:`solve` makes the tie-break part of the
solve: after the best number of workers W* is proven, a second MIP minimises the cost
with W* fixed, and a third step walks the site ids in order, asking a MIP each time
"is there a plan with W* workers and cost C* that also takes this earlier site?" (one
MIP first checks whether the plan is the only optimum, which is the usual case).

Two rules make "plan" precise where the metric leaves it open:
- a plan has *at most* ``k`` sites: when fewer sites already cover every worker that
  can be covered, the cheaper plan wins;
- a candidate that covers no uncovered worker is never chosen (a zero-cost one would
  otherwise win the site-id tie-break while adding nobody).

Workers are whole numbers and costs are compared in whole cents, so "equal" is exact.
When the time limit stops the solver, the gap is (best bound − plan) / plan, the bound
being HiGHS's dual bound rounded down to whole workers (or, when the solver found
nothing better than the greedy start and has no bound, every coverable worker).
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from pipelines.planning import decompose
from pipelines.planning.mip import Model, SolverFailed
from pipelines.planning.problem import CoverProblem, greedy_gap, id_ranks


@dataclass(frozen=True)
class Selection:
    """Chosen candidate indices (sorted by site id) and how good they are proven to be."""

    chosen: tuple[int, ...]
    workers: int
    proven_optimal: bool
    gap: float
    seconds: float
    method: str  # "mip" or "greedy" (the fallback when the solver fails)
    #: False when the time limit stopped the tie-break after W* was proven
    tie_break_complete: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)


def greedy(problem: CoverProblem) -> list[int]:
    """Lazy greedy: repeatedly take the site adding the most workers (per unit of cost
    when there is a budget), ties to the lower cost, then the smaller site id.

    With only ``k`` this is within (1 − 1/e) of the optimum. With a budget, the better of
    this and the best single site is within (1 − 1/e)/2 (Khuller, Moss and Naor, 1999),
    and that better one is returned.
    """
    cover = problem.cover.tocsr()
    workers = problem.workers
    cost = problem.cost_cents
    budget = problem.budget_cents
    rank = id_ranks(problem.site_ids)
    covered = np.zeros(cover.shape[1], dtype=bool)

    def gain(i: int) -> int:
        cols = cover.indices[cover.indptr[i] : cover.indptr[i + 1]]
        return int(workers[cols[~covered[cols]]].sum())

    def key(i: int, g: int) -> tuple[float, int, int]:
        per = g / cost[i] if (budget is not None and cost[i] > 0) else float(g)
        if budget is not None and cost[i] == 0 and g > 0:
            per = float("inf")
        return (-per, int(cost[i]), int(rank[i]))

    candidates = [i for i in range(cover.shape[0]) if budget is None or cost[i] <= budget]
    heap = [(*key(i, gain(i)), i) for i in candidates]
    heapq.heapify(heap)
    chosen: list[int] = []
    spent = 0
    while heap and (problem.k is None or len(chosen) < problem.k):
        _, _, _, i = heapq.heappop(heap)
        if budget is not None and spent + cost[i] > budget:
            continue  # the budget only shrinks: this site never fits again
        g = gain(i)
        fresh = (*key(i, g), i)
        if heap and fresh > heap[0]:
            heapq.heappush(heap, fresh)  # stale bound: look again later
            continue
        if g <= 0:
            break
        chosen.append(i)
        spent += int(cost[i])
        cols = cover.indices[cover.indptr[i] : cover.indptr[i + 1]]
        covered[cols] = True
    if budget is not None and candidates:
        alone = cover @ workers.astype(np.int64)
        best_single = [min(candidates, key=lambda i: (-alone[i], cost[i], rank[i]))]
        single_is_better = problem.tie_key(best_single) < problem.tie_key(chosen)
        if alone[best_single[0]] > 0 and problem.fits(best_single) and single_is_better:
            chosen = best_single
    return sorted(chosen, key=lambda i: problem.site_ids[i])


def solve(problem: CoverProblem, time_limit_s: float = 10.0) -> Selection:
    """The optimal plan with the metric's tie-break, or the best found within the time
    limit with its gap; the lazy greedy warm-starts the solver and is the fallback.

    With a number of sites and no budget, the best number of workers comes from the
    independent components of the coverage relation (:mod:`pipelines.planning.decompose`),
    which scales to a country; with a budget, from one MIP over the whole problem."""
    started = time.perf_counter()
    deadline = started + time_limit_s
    reduced, kept = reduce_problem(problem)
    start = greedy(reduced)
    if not start and reduced.cover.shape[0] == 0:
        return _selection(problem, kept, [], True, 0.0, started, "mip")
    notes: tuple[str, ...] = ()
    try:
        model = Model(reduced)
        if reduced.budget is None and time.perf_counter() < deadline:
            chosen, proven, gap, notes = _by_components(reduced, start, deadline)
        else:
            chosen, proven, gap = model.maximise_workers(start, deadline)
    except SolverFailed as failure:
        return _selection(
            problem, kept, start, False, greedy_gap(reduced, start), started, "greedy",
            notes=(f"solver failed ({failure}); greedy plan",),
        )  # fmt: skip
    tie_complete = proven
    if proven:
        chosen, tie_complete = model.break_ties(chosen, deadline)
    return _selection(problem, kept, chosen, proven, gap, started, "mip", tie_complete, notes)


def _by_components(
    problem: CoverProblem, start: list[int], deadline: float
) -> tuple[list[int], bool, float, tuple[str, ...]]:
    """The most workers by the decomposition: plan, proven, gap and notes."""
    found = decompose.maximise_workers(problem, deadline)
    chosen = found.chosen
    if problem.tie_key(start) < problem.tie_key(chosen):
        chosen = start  # never answer worse than the greedy plan
    workers = problem.covered_workers(chosen)
    bound = max(found.upper_bound, workers)
    return chosen, bound <= workers, (bound - workers) / max(workers, 1), found.notes


def _selection(
    problem: CoverProblem,
    kept: np.ndarray,
    chosen: list[int],
    proven: bool,
    gap: float,
    started: float,
    method: str,
    tie_complete: bool = True,
    notes: tuple[str, ...] = (),
) -> Selection:
    original = sorted((int(kept[i]) for i in chosen), key=lambda i: problem.site_ids[i])
    return Selection(
        chosen=tuple(original),
        workers=problem.covered_workers(original),
        proven_optimal=proven,
        gap=0.0 if proven else gap,
        seconds=time.perf_counter() - started,
        method=method,
        tie_break_complete=tie_complete,
        notes=notes,
    )


def reduce_problem(problem: CoverProblem) -> tuple[CoverProblem, np.ndarray]:
    """An equivalent, smaller problem: demand points without workers dropped, points
    covered by the same candidates merged, candidates covering nobody dropped, and
    dominated candidates (:func:`_dominated`) dropped. Returns it and, for each of its
    candidates, the index of that candidate in ``problem``."""
    cover = problem.cover.tocsc()
    workers = np.asarray(problem.workers, dtype=np.int64)
    useful = np.flatnonzero((workers > 0) & (np.diff(cover.indptr) > 0))
    groups: dict[tuple[int, ...], int] = {}
    merged_workers: list[int] = []
    rows: list[np.ndarray] = []
    for j in useful:
        sites = tuple(cover.indices[cover.indptr[j] : cover.indptr[j + 1]].tolist())
        g = groups.get(sites)
        if g is None:
            groups[sites] = g = len(merged_workers)
            merged_workers.append(0)
            rows.append(np.asarray(sites, dtype=np.int64))
        merged_workers[g] += int(workers[j])
    n = cover.shape[0]
    if rows:
        site_idx = np.concatenate(rows)
        point_idx = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    else:
        site_idx = point_idx = np.empty(0, dtype=np.int64)
    merged = sparse.csr_matrix(
        (np.ones(len(site_idx), dtype=np.int8), (site_idx, point_idx)), shape=(n, len(rows))
    )
    kept = np.flatnonzero(np.diff(merged.indptr) > 0)
    if problem.budget_cents is not None:
        kept = kept[problem.cost_cents[kept] <= problem.budget_cents]
    kept = kept[
        ~_dominated(merged[kept], problem.cost_cents[kept], id_ranks(problem.site_ids)[kept])
    ]
    reduced = CoverProblem(
        cover=merged[kept],
        workers=np.asarray(merged_workers, dtype=np.int64),
        costs=np.asarray(problem.costs, dtype=float)[kept],
        site_ids=tuple(problem.site_ids[i] for i in kept),
        k=problem.k,
        budget=problem.budget,
    )
    return reduced, kept


def _dominated(cover: sparse.csr_matrix, cost: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Candidates that never belong to the best plan: a costing site b is dominated by a
    site a covering every point b covers, cheaper, or as cheap with a smaller site id.

    Exchanging b for a in any plan covers at least as many workers at no more cost
    (dropping b when a is already in it saves b's cost), and wins the tie-break.
    """
    cover = cover.astype(np.int32).tocsr()
    size = np.diff(cover.indptr)
    overlap = (cover @ cover.T).tocoo()
    b, a = overlap.row, overlap.col
    subset = (a != b) & (overlap.data == size[b]) & (cost[b] > 0)
    better = (cost[a] < cost[b]) | ((cost[a] == cost[b]) & (rank[a] < rank[b]))
    dominated = np.zeros(cover.shape[0], dtype=bool)
    dominated[b[subset & better]] = True
    return dominated
