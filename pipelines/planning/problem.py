"""The covering problem the siting planner solves, on plain arrays (see
:mod:`pipelines.planning.mclp` for how it is solved and the tie-break rules)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

#: HiGHS proves optimality once the bound and the plan differ by less than one worker
ABS_GAP = 1 - 1e-6


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


def greedy_gap(problem: CoverProblem, chosen: list[int]) -> float:
    """A gap for the greedy fallback, from the LP-free bound "every coverable worker"."""
    bound = problem.covered_workers(np.arange(problem.cover.shape[0]))
    found = problem.covered_workers(chosen)
    return (bound - found) / max(found, 1) if bound > found else 0.0


def id_ranks(site_ids: tuple[str, ...]) -> np.ndarray:
    order = sorted(range(len(site_ids)), key=site_ids.__getitem__)
    rank = np.empty(len(site_ids), dtype=np.int64)
    rank[order] = np.arange(len(site_ids))
    return rank
