"""The exact MCLP as a mixed-integer programme on HiGHS, with the tie-break of metrics.md
(see :mod:`pipelines.planning.mclp` for the problem and the rules).

x_i (take site i) is binary, y_j (point j covered) in [0, 1]; y_j <= the sum of the x_i
covering j; sum x <= k; sum cost·x <= budget. The model maximises the workers covered,
then (W* fixed) minimises the cost, then walks the site ids in order.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import replace

import highspy
import numpy as np

from pipelines.planning.problem import ABS_GAP, CoverProblem, id_ranks

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


class SolverFailed(RuntimeError):
    pass


class Model:
    """x_i (take site i) binary, y_j (point j covered) in [0, 1]; y_j <= sum of the x_i
    covering j; sum x <= k; sum cost·x <= budget. Maximise sum workers·y."""

    def __init__(self, problem: CoverProblem) -> None:
        self.problem = problem
        n, m = problem.cover.shape
        self.n, self.m = n, m
        h = _new_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("mip_abs_gap", ABS_GAP)
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

    def relaxation(self, deadline: float) -> tuple[np.ndarray, np.ndarray, float]:
        """The LP relaxation maximising workers: the sites' x, and the duals, clipped at
        0, of each demand point's row (y_j <= sum of the x_i) and of sum x <= k. Any
        non-negative duals bound every plan (see :mod:`pipelines.planning.decompose`);
        optimal ones bound it best. All zero when the time runs out first."""
        n, m = self.n, self.m
        self.h.changeColsIntegrality(n, self.every_site, np.zeros(n, dtype=np.uint8))
        self.h.changeColsCost(
            n + m,
            np.arange(n + m, dtype=np.int32),
            np.concatenate([np.zeros(n), self.problem.workers.astype(float)]),
        )
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        status = self._run(deadline, None)
        solution = self.h.getSolution()
        self.h.changeColsIntegrality(n, self.every_site, np.ones(n, dtype=np.uint8))
        duals = np.asarray(solution.row_dual, dtype=float)
        if status != highspy.HighsModelStatus.kOptimal or self.problem.k is None:
            return np.zeros(n), np.zeros(m), 0.0
        duals = np.clip(np.nan_to_num(duals), 0.0, None)
        return np.asarray(solution.col_value[:n]), duals[:m], float(duals[m])

    def limit_sites(self, k: int) -> None:
        """Change k (the model must have been built with one)."""
        self.h.changeRowBounds(self.m, -highspy.kHighsInf, float(k))
        self.problem = replace(self.problem, k=k)

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
            raise SolverFailed(self.h.modelStatusToString(status))
        if p.tie_key(start) < p.tie_key(chosen):
            chosen = start  # never answer worse than the warm start
        found = p.covered_workers(chosen)
        proven = status == highspy.HighsModelStatus.kOptimal
        bound = info.mip_dual_bound if self.ran else np.inf
        if proven:
            self.bound = found
        elif np.isfinite(bound):
            self.bound = max(found, int(np.floor(bound + 1e-6)))
        else:  # every coverable worker
            self.bound = max(found, p.covered_workers(self.every_site))
        return chosen, proven, (self.bound - found) / max(found, 1)

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
        order = np.argsort(id_ranks(p.site_ids))  # position -> candidate
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
