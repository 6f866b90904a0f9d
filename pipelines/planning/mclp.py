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
import os
import sys
import threading
import time
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy import sparse

#: HiGHS proves optimality once the bound and the plan differ by less than one worker
_ABS_GAP = 1 - 1e-6


@dataclass(frozen=True)
class CoverProblem:
    """Candidates × demand points. ``cover[i, j]`` is true when candidate i covers point j.

    ``site_ids`` order the tie-break; ``costs`` are in currency units (>= 0).
    """

    cover: sparse.csr_matrix
    workers: np.ndarray
    costs: np.ndarray
    site_ids: tuple[str, ...]
    k: int | None = None
    budget: float | None = None

    def __post_init__(self) -> None:
        n, m = self.cover.shape
        if len(self.workers) != m or len(self.costs) != n or len(self.site_ids) != n:
            raise ValueError("cover, workers, costs and site_ids disagree in size")
        if self.k is None and self.budget is None:
            raise ValueError("give k, a budget, or both")
        if np.any(np.asarray(self.costs) < 0):
            raise ValueError("costs must be >= 0")

    @property
    def cost_cents(self) -> np.ndarray:
        return np.rint(np.asarray(self.costs, dtype=float) * 100).astype(np.int64)

    @property
    def budget_cents(self) -> int | None:
        return None if self.budget is None else int(np.floor(self.budget * 100 + 1e-6))

    def covered_workers(self, chosen: list[int] | np.ndarray) -> int:
        """Workers at the demand points that at least one chosen candidate covers."""
        if len(chosen) == 0:
            return 0
        hit = np.asarray(self.cover[np.asarray(chosen)].sum(axis=0)).ravel() > 0
        return int(self.workers[hit].sum())

    def total_cost_cents(self, chosen: list[int] | np.ndarray) -> int:
        return int(self.cost_cents[np.asarray(chosen, dtype=np.int64)].sum())

    def fits(self, chosen: list[int] | np.ndarray) -> bool:
        """Within k and within the budget."""
        if self.k is not None and len(chosen) > self.k:
            return False
        budget = self.budget_cents
        return budget is None or self.total_cost_cents(chosen) <= budget

    def tie_key(self, chosen: list[int] | np.ndarray) -> tuple[int, int, list[str]]:
        """The order of metrics.md: smaller is better."""
        return (
            -self.covered_workers(chosen),
            self.total_cost_cents(chosen),
            sorted(self.site_ids[i] for i in chosen),
        )


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
    rank = _id_ranks(problem.site_ids)
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
    limit with its gap; the lazy greedy warm-starts the solver and is the fallback."""
    started = time.perf_counter()
    reduced, kept = _reduce(problem)
    start = greedy(reduced)
    if not start and reduced.cover.shape[0] == 0:
        return _selection(problem, kept, [], True, 0.0, started, "mip")
    try:
        model = _Model(reduced)
        deadline = started + time_limit_s
        best = model.maximise_workers(start, deadline)
    except _SolverFailed as failure:
        return _selection(
            problem, kept, start, False, _greedy_gap(reduced, start), started, "greedy",
            notes=(f"solver failed ({failure}); greedy plan",),
        )  # fmt: skip
    chosen, proven, gap = best
    tie_complete = proven
    if proven:
        chosen, tie_complete = model.break_ties(chosen, deadline)
    return _selection(problem, kept, chosen, proven, gap, started, "mip", tie_complete)


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


def _greedy_gap(problem: CoverProblem, chosen: list[int]) -> float:
    """A gap for the greedy fallback, from the LP-free bound "every coverable worker"."""
    bound = problem.covered_workers(np.arange(problem.cover.shape[0]))
    found = problem.covered_workers(chosen)
    return (bound - found) / max(found, 1) if bound > found else 0.0


def _id_ranks(site_ids: tuple[str, ...]) -> np.ndarray:
    order = sorted(range(len(site_ids)), key=site_ids.__getitem__)
    rank = np.empty(len(site_ids), dtype=np.int64)
    rank[order] = np.arange(len(site_ids))
    return rank


def _reduce(problem: CoverProblem) -> tuple[CoverProblem, np.ndarray]:
    """An equivalent, smaller problem: demand points without workers dropped, points
    covered by the same candidates merged, candidates covering nobody dropped."""
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
        ~_dominated(merged[kept], problem.cost_cents[kept], _id_ranks(problem.site_ids)[kept])
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


_banner_lock = threading.Lock()
_banner_done = False


def _new_highs() -> highspy.Highs:
    """A HiGHS instance. HiGHS prints a banner on stdout when the first instance of a
    process is created, which would spoil ``plan --json``: stdout's file descriptor is
    silenced for that one moment (once, under a lock, as the dashboard has threads)."""
    global _banner_done
    with _banner_lock:
        if _banner_done:
            return highspy.Highs()
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_done = True
        return highs


class _SolverFailed(RuntimeError):
    pass


class _Model:
    """x_i (take site i) binary, y_j (point j covered) in [0, 1]; y_j <= sum of the x_i
    covering j; sum x <= k; sum cost·x <= budget. Maximise sum workers·y."""

    def __init__(self, problem: CoverProblem) -> None:
        self.problem = problem
        n, m = problem.cover.shape
        self.n, self.m = n, m
        h = _new_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", _ABS_GAP)
        inf = highspy.kHighsInf
        h.addVars(n + m, np.zeros(n + m), np.ones(n + m))
        h.changeColsIntegrality(
            n,
            np.arange(n, dtype=np.int32),
            np.full(n, 1, dtype=np.uint8),  # 1 = integer
        )
        # y_j - sum_{i covers j} x_i <= 0, one row per demand point
        cover_t = problem.cover.T.tocsr()
        starts, indices, values = [], [], []
        for j in range(m):
            starts.append(len(indices))
            sites = cover_t.indices[cover_t.indptr[j] : cover_t.indptr[j + 1]]
            indices.extend([n + j, *sites.tolist()])
            values.extend([1.0] + [-1.0] * len(sites))
        if m:
            h.addRows(
                m, np.full(m, -inf), np.zeros(m), len(indices),
                np.asarray(starts, dtype=np.int32), np.asarray(indices, dtype=np.int32),
                np.asarray(values, dtype=float),
            )  # fmt: skip
        every_site = np.arange(n, dtype=np.int32)
        if problem.k is not None:
            h.addRow(-inf, float(problem.k), n, every_site, np.ones(n))
        if problem.budget_cents is not None:
            h.addRow(-inf, float(problem.budget_cents), n, every_site, problem.cost_cents * 1.0)
        self.h = h
        self.every_site = every_site

    def _run(self, deadline: float, start: list[int] | None) -> highspy.HighsModelStatus:
        remaining = deadline - time.perf_counter()
        self.ran = remaining > 0
        if not self.ran:
            return highspy.HighsModelStatus.kTimeLimit
        self.h.setOptionValue("time_limit", remaining)
        if start is not None:
            self._warm_start(start)
        self.h.run()
        return self.h.getModelStatus()

    def _warm_start(self, chosen: list[int]) -> None:
        y = np.asarray(self.problem.cover[chosen].sum(axis=0)).ravel() > 0 if chosen else None
        idx = list(chosen) + ([self.n + j for j in np.flatnonzero(y)] if y is not None else [])
        self.h.setSolution(
            len(idx), np.asarray(idx, dtype=np.int32), np.ones(len(idx), dtype=float)
        )

    def _chosen(self) -> list[int]:
        x = np.asarray(self.h.getSolution().col_value[: self.n])
        return [int(i) for i in np.flatnonzero(x > 0.5)]

    def maximise_workers(self, start: list[int], deadline: float) -> tuple[list[int], bool, float]:
        """The best plan found, whether it is proven optimal, and the gap."""
        p = self.problem
        self.h.changeColsCost(
            self.n + self.m,
            np.arange(self.n + self.m, dtype=np.int32),
            np.concatenate([np.zeros(self.n), p.workers.astype(float)]),
        )
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        status = self._run(deadline, start)
        info = self.h.getInfo()
        has_solution = self.ran and info.primal_solution_status == 2  # kSolutionStatusFeasible
        if status == highspy.HighsModelStatus.kOptimal or has_solution:
            chosen = self._chosen()
        elif status == highspy.HighsModelStatus.kTimeLimit:
            chosen = start
        else:
            raise _SolverFailed(self.h.modelStatusToString(status))
        if p.tie_key(start) < p.tie_key(chosen):
            chosen = start  # never answer worse than the warm start
        found = p.covered_workers(chosen)
        proven = status == highspy.HighsModelStatus.kOptimal
        bound = info.mip_dual_bound if self.ran else np.inf
        if proven or not np.isfinite(bound):
            gap = 0.0 if proven else _greedy_gap(p, chosen)
        else:
            gap = max(0.0, (np.floor(bound + 1e-6) - found) / max(found, 1))
        return chosen, proven, gap

    def break_ties(self, chosen: list[int], deadline: float) -> tuple[list[int], bool]:
        """Among plans with the proven best workers: the lowest cost, then the smallest
        sorted list of site ids. Returns the plan and whether the walk finished."""
        p, n, m = self.problem, self.n, self.m
        inf = highspy.kHighsInf
        best_workers = p.covered_workers(chosen)
        y_cols = np.arange(n, n + m, dtype=np.int32)
        self.h.addRow(best_workers - 0.5, inf, m, y_cols, p.workers.astype(float))
        cost = p.cost_cents.astype(float)
        self.h.changeObjectiveSense(highspy.ObjSense.kMinimize)
        self.h.changeColsCost(
            n + m, np.arange(n + m, dtype=np.int32), np.concatenate([cost, np.zeros(m)])
        )
        if cost.any():
            status = self._run(deadline, chosen)
            if status == highspy.HighsModelStatus.kOptimal:
                better = self._chosen()
                if p.tie_key(better) < p.tie_key(chosen):
                    chosen = better
            else:
                return chosen, False
        self.h.addRow(-inf, p.total_cost_cents(chosen) + 0.5, n, self.every_site, cost)
        # from here on only feasibility is asked
        self.h.changeColsCost(n + m, np.arange(n + m, dtype=np.int32), np.zeros(n + m))
        return self._smallest_ids(chosen, deadline)

    def _smallest_ids(self, incumbent: list[int], deadline: float) -> tuple[list[int], bool]:
        """The optimal plan with the smallest sorted list of site ids.

        Sorted lists compare at the first site id in which the plans differ: T < S when
        T takes a site id p that S does not, agreeing with S on every smaller id, and S
        has a site beyond p; or when T is a prefix of S. One MIP asks for such a T with
        the smallest p; repeating from T until there is none (p only increases), then
        taking the shortest optimal prefix, gives the smallest list.
        """
        p, h = self.problem, self.h
        order = np.argsort(_id_ranks(p.site_ids))  # position -> candidate
        best_workers = p.covered_workers(incumbent)
        other = self._another_plan(incumbent, deadline)
        if other is False:
            return sorted(incumbent, key=p.site_ids.__getitem__), False
        if other is not None and p.tie_key(other) < p.tie_key(incumbent):
            incumbent = other
        while other is not None:
            rows_before, cols_before = h.getNumRow(), h.getNumCol()
            found = self._smaller_plan(incumbent, order, deadline)
            h.deleteRows(
                h.getNumRow() - rows_before,
                np.arange(rows_before, h.getNumRow(), dtype=np.int32),
            )
            h.deleteCols(
                h.getNumCol() - cols_before,
                np.arange(cols_before, h.getNumCol(), dtype=np.int32),
            )
            if found is None:
                break
            if found is False:
                return sorted(incumbent, key=p.site_ids.__getitem__), False
            incumbent = found
        ordered = sorted(incumbent, key=p.site_ids.__getitem__)
        for length in range(len(ordered) + 1):
            if p.covered_workers(ordered[:length]) >= best_workers:
                return ordered[:length], True
        return ordered, True

    def _another_plan(self, incumbent: list[int], deadline: float) -> list[int] | bool | None:
        """Another plan as good as the incumbent; None when it is the only one (the
        usual case, which this MIP settles faster than the search for a smaller one),
        False when the time ran out."""
        h, n = self.h, self.n
        flip = np.ones(n)
        flip[incumbent] = -1.0
        # sum of x over other sites - sum of x over the incumbent's >= 1 - |incumbent|
        h.addRow(1.0 - len(incumbent), highspy.kHighsInf, n, self.every_site, flip)
        status = self._run(deadline, None)
        h.deleteRows(1, np.asarray([h.getNumRow() - 1], dtype=np.int32))
        if status == highspy.HighsModelStatus.kOptimal:
            return self._chosen()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        return False

    def _smaller_plan(
        self, incumbent: list[int], order: np.ndarray, deadline: float
    ) -> list[int] | bool | None:
        """An optimal plan smaller than ``incumbent`` at the earliest possible first
        differing site id; None when there is none, False when the time ran out.

        z_p = 1 marks the position p (in site id order) of the first difference, where
        the new plan takes a site the incumbent does not; u_q = sum of z_p over p > q
        forces x to agree with the incumbent at every position q before p.
        """
        h, n = self.h, self.n
        inf = highspy.kHighsInf
        taken = np.zeros(n, dtype=bool)
        taken[incumbent] = True
        in_plan = taken[order]  # by position
        last = int(np.flatnonzero(in_plan).max()) if in_plan.any() else -1
        z_pos = [q for q in range(last) if not in_plan[q]]
        if not z_pos:
            return None
        nz, base = len(z_pos), h.getNumCol()
        z_col = {q: base + i for i, q in enumerate(z_pos)}
        u_col = {q: base + nz + q for q in range(last)}
        h.addVars(nz + last, np.zeros(nz + last), np.ones(nz + last))
        h.changeColsIntegrality(
            nz, np.arange(base, base + nz, dtype=np.int32), np.ones(nz, dtype=np.uint8)
        )
        h.changeColsCost(
            nz, np.arange(base, base + nz, dtype=np.int32), np.asarray(z_pos, dtype=float)
        )
        rows: list[tuple[float, float, list[int], list[float]]] = [
            (1.0, 1.0, list(z_col.values()), [1.0] * nz)
        ]
        for q, col in z_col.items():
            rows.append((-inf, 0.0, [col, int(order[q])], [1.0, -1.0]))
        for q in range(last):
            # u_q = u_{q+1} + z_{q+1}, with u_{last-1} = z_last = 0 past the incumbent
            cols, vals = [u_col[q]], [1.0]
            if q + 1 < last:
                cols.append(u_col[q + 1])
                vals.append(-1.0)
            if q + 1 in z_col:
                cols.append(z_col[q + 1])
                vals.append(-1.0)
            rows.append((0.0, 0.0, cols, vals))
            x = int(order[q])
            if in_plan[q]:
                rows.append((0.0, inf, [x, u_col[q]], [1.0, -1.0]))
            else:
                rows.append((-inf, 1.0, [x, u_col[q]], [1.0, 1.0]))
        starts = np.cumsum([0] + [len(r[2]) for r in rows[:-1]]).astype(np.int32)
        h.addRows(
            len(rows),
            np.asarray([r[0] for r in rows]),
            np.asarray([r[1] for r in rows]),
            int(sum(len(r[2]) for r in rows)),
            starts,
            np.asarray([c for r in rows for c in r[2]], dtype=np.int32),
            np.asarray([v for r in rows for v in r[3]], dtype=float),
        )
        # HiGHS's presolve can spend a minute on the chain rows without looking at the
        # clock; the model is small enough to branch on directly
        h.setOptionValue("presolve", "off")
        status = self._run(deadline, None)
        h.setOptionValue("presolve", "choose")
        if status == highspy.HighsModelStatus.kOptimal:
            return self._chosen()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        return False
