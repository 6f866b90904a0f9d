"""The most workers k sites can cover, proven, at national scale: the coverage relation
split into independent components, and k shared out among them.

Candidates in different connected components of the bipartite coverage graph (a site
and a demand point are linked when the site covers the point) share no demand point, so
the workers a plan covers are the sum of what it covers in each component. With f_c(t)
the most workers t sites of component c cover, the best plan takes t_c sites in each
component, maximising the sum of f_c(t_c) subject to the sum of t_c <= k: an allocation,
solved exactly by dynamic programming over the components (:func:`allocate`).

Each f_c(t) is itself an MCLP, so each component carries two curves: ``lower`` (workers
of plans found: greedy prefixes, the whole-numbered part of the LP relaxation, MIP plans,
each extended greedily) and ``upper`` (bounds on f_c). Allocating ``lower`` gives a plan
(LB), allocating ``upper`` a bound (UB) on every plan; UB = LB proves the plan optimal,
else the gap is (UB − LB) / LB. The upper curve takes the least of three bounds:

- submodularity: for any set S of sites, f(t) <= F(S) plus the t largest marginal gains
  of single sites given S (Nemhauser, Wolsey and Fisher, 1978); every plan found is an S;
- LP duality: for any π_j >= 0 (one per demand point) and λ >= 0, t sites of the
  component cover at most Σ_j max(0, w_j − π_j) + Σ_i max(0, Σ_{j ∈ i} π_j − λ) + λ·t
  workers (relax "y_j <= sum of the x_i covering j" with π and "sum x <= k" with λ). The
  duals of one LP relaxation of the whole problem make these lines add up to its bound;
- a MIP of the component with k = t: its bound holds at t and, as f only grows, below.

Where to solve MIPs: with L = Σ_c max_t (upper_c(t) − λt) + λk (>= UB), an allocation
that gives component c a t with upper_c(t) − λt below that maximum by more than L − LB
cannot beat LB. The MIPs go where the curves differ inside these windows, until UB = LB
or the time is up. Workers are whole numbers, so the curves are too and "meet" is exact.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy import sparse
from scipy.sparse import csgraph

from pipelines.planning.mip import Model, SolverFailed
from pipelines.planning.problem import CoverProblem

GREEDY = -1  # the witness of a lower bound that is a greedy prefix
DUAL_SCALE = 1024  # LP duals are rounded to multiples of 1/DUAL_SCALE
EXTEND = 2  # greedy steps added to a plan found by the LP or a MIP


@dataclass
class Component:
    """One component: its sites and demand points (indices into the problem), its sites ×
    points cover and workers, and what is known of f(t) for t = 0 .. ``len(lower) - 1``.
    """

    sites: np.ndarray
    points: np.ndarray
    cover: sparse.csr_matrix
    workers: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    #: the greedy order (local site indices); ``lower[t]`` is the value of ``order[:t]``
    #: where ``witness[t]`` is GREEDY, else of ``plans[witness[t]]``
    order: np.ndarray
    witness: np.ndarray
    plans: list[np.ndarray] = field(default_factory=list)

    def plan(self, t: int) -> np.ndarray:
        """Local indices of a plan of at most t sites covering ``lower[t]`` workers."""
        w = int(self.witness[t])
        return self.order[:t] if w == GREEDY else self.plans[w]

    def gains(self, plan: np.ndarray) -> np.ndarray:
        """The workers each site adds to ``plan``."""
        covered = np.zeros(len(self.workers), dtype=bool)
        covered[self.cover[plan].indices] = True
        return self.cover @ np.where(covered, 0, self.workers)

    def learn(self, plan: np.ndarray, extend: int = EXTEND) -> None:
        """A plan found: it raises the lower curve, bounds the upper one (submodularity)
        and, extended greedily by up to ``extend`` sites, raises the lower curve further."""
        plan = self._without_idle(np.unique(plan))
        for _ in range(extend + 1):
            if len(plan) >= len(self.lower):
                return
            gains = self.gains(plan)
            value = int(self.workers[np.unique(self.cover[plan].indices)].sum())
            self.upper = np.minimum(self.upper, value + _top_sums(gains, len(self.upper)))
            better = (np.arange(len(self.lower)) >= len(plan)) & (self.lower < value)
            if better.any():
                self.lower[better] = value
                self.witness[better] = len(self.plans)
                self.plans.append(plan)
            best = int(np.argmax(gains))
            if gains[best] <= 0:
                return
            plan = np.sort(np.append(plan, best))

    def _without_idle(self, plan: np.ndarray) -> np.ndarray:
        """The plan without sites that add nobody to the rest (a solver may take them:
        they cost it nothing), dropped one at a time."""
        times = np.bincount(self.cover[plan].indices, minlength=len(self.workers))
        kept = []
        for i in plan:
            cols = self.cover.indices[self.cover.indptr[i] : self.cover.indptr[i + 1]]
            if self.workers[cols][times[cols] == 1].sum() > 0:
                kept.append(i)
            else:
                times[cols] -= 1
        return np.asarray(kept, dtype=np.int64)


def _top_sums(gains: np.ndarray, length: int) -> np.ndarray:
    """out[t] = the sum of the t largest gains, for t = 0 .. length - 1."""
    top = np.sort(gains)[::-1][: length - 1]
    out = np.zeros(length, dtype=np.int64)
    out[1 : len(top) + 1] = np.cumsum(top)
    out[len(top) + 1 :] = out[len(top)]
    return out


def components(cover: sparse.csr_matrix) -> tuple[int, np.ndarray, np.ndarray]:
    """The connected components of the bipartite coverage graph: their number, and the
    component of each site and of each demand point."""
    n, _ = cover.shape
    graph = sparse.bmat([[None, cover], [cover.T, None]], format="csr")
    count, label = csgraph.connected_components(graph, directed=False)
    return count, label[:n], label[n:]


def component_curves(problem: CoverProblem) -> list[Component]:
    """The components that have sites, ordered by their smallest site index, each with
    its greedy curve and the submodular bound at every greedy step."""
    k = int(problem.k)
    cover = problem.cover.tocsr().astype(np.int64)
    workers = np.asarray(problem.workers, dtype=np.int64)
    count, site_label, point_label = components(cover)
    # number the components by their first site, so that nothing depends on scipy's order
    first = np.full(count, len(site_label))
    np.minimum.at(first, site_label, np.arange(len(site_label)))
    rank = np.argsort(np.argsort(first, kind="stable"))
    site_label, point_label = rank[site_label], rank[point_label]
    site_order = np.argsort(site_label, kind="stable")
    point_order = np.argsort(point_label, kind="stable")
    blocks = cover[site_order][:, point_order].tocsr()
    site_bounds = np.searchsorted(site_label[site_order], np.arange(count + 1))
    point_bounds = np.searchsorted(point_label[point_order], np.arange(count + 1))
    found = []
    for c in range(count):
        s0, s1 = site_bounds[c], site_bounds[c + 1]
        if s0 == s1:
            break  # the rest cover nobody's points: those no site covers
        p0, p1 = point_bounds[c], point_bounds[c + 1]
        points = point_order[p0:p1]
        # the block's rows only reach its own columns: slice the arrays, not the matrix
        a, b = blocks.indptr[s0], blocks.indptr[s1]
        block = sparse.csr_matrix(
            (blocks.data[a:b], blocks.indices[a:b] - p0, blocks.indptr[s0 : s1 + 1] - a),
            shape=(s1 - s0, p1 - p0),
        )
        found.append(_greedy_component(site_order[s0:s1], points, block, workers[points], k))
    return found


def _greedy_component(
    sites: np.ndarray, points: np.ndarray, cover: sparse.csr_matrix, workers: np.ndarray, k: int
) -> Component:
    """Greedy plans of 0 .. T sites (T = min(k, sites); ties to the smaller index) and
    the submodular bound at every step."""
    length = min(k, len(sites)) + 1
    lower = np.zeros(length, dtype=np.int64)
    upper = np.full(length, int(workers.sum()), dtype=np.int64)
    order: list[int] = []
    if len(sites) == 1:  # most components: the one site covers every point
        upper[:1] = 0
        lower[1:] = upper[1:]
        order = [0] if length > 1 and upper[-1] > 0 else []
    else:
        covered = np.zeros(len(workers), dtype=bool)
        for step in range(length):
            gains = cover @ np.where(covered, 0, workers)
            upper = np.minimum(upper, lower[step] + _top_sums(gains, length))
            best = int(np.argmax(gains))
            if step == length - 1 or gains[best] <= 0:
                break
            order.append(best)
            lower[step + 1 :] = lower[step] + gains[best]
            covered[cover.indices[cover.indptr[best] : cover.indptr[best + 1]]] = True
    return Component(
        sites=sites,
        points=points,
        cover=cover,
        workers=workers,
        lower=lower,
        upper=upper,
        order=np.asarray(order, dtype=np.int64),
        witness=np.full(length, GREEDY, dtype=np.int64),
    )


def bound_by_relaxation(problem: CoverProblem, parts: list[Component], deadline: float) -> float:
    """Solve the LP relaxation of the whole problem: each component learns the plan of
    its sites at x = 1, and its upper curve takes the line of the LP's duals (module
    docstring). Returns λ."""
    x, duals, k_dual = Model(problem).relaxation(deadline)
    site_slack, point_slack, lam = _slacks(problem.cover, problem.workers, duals, k_dual)
    for part in parts:
        z = int(point_slack[part.points].sum() + site_slack[part.sites].sum())
        part.upper = np.minimum(part.upper, _line(z, lam, len(part.upper)))
        whole = np.flatnonzero(x[part.sites] > 1 - 1e-6)
        if len(whole) and len(part.sites) > 1:
            part.learn(whole)
    return lam / DUAL_SCALE


def _slacks(
    cover: sparse.csr_matrix, workers: np.ndarray, duals: np.ndarray, k_dual: float
) -> tuple[np.ndarray, np.ndarray, int]:
    """max(0, Σ_{j ∈ i} π_j − λ) per site and max(0, w_j − π_j) per point, and λ, all in
    units of 1/DUAL_SCALE: the duals are rounded to that grid and the arithmetic done in
    integers, so the bound holds exactly however the LP solver rounded."""
    point_dual = np.rint(duals * DUAL_SCALE).astype(np.int64)
    lam = round(k_dual * DUAL_SCALE)
    point_slack = np.maximum(0, DUAL_SCALE * np.asarray(workers, dtype=np.int64) - point_dual)
    site_slack = np.maximum(0, cover.tocsr().astype(np.int64) @ point_dual - lam)
    return site_slack, point_slack, lam


def _line(z: int, lam: int, length: int) -> np.ndarray:
    """The bound (z + λ·t) / DUAL_SCALE in whole workers, for t = 0 .. length - 1."""
    return (z + lam * np.arange(length, dtype=np.int64)) // DUAL_SCALE


def allocate(curves: list[np.ndarray], k: int) -> tuple[int, np.ndarray]:
    """The most that t_c <= len(curves[c]) - 1 with sum t_c <= k gives of the sum of
    curves[c][t_c] (each curve non-decreasing from 0), and those t_c.

    Concave curves merge exactly by taking their increments largest first; the others
    (where a MIP or the LP raised a point) join by dynamic programming over sites used.
    """
    concave = [c for c, v in enumerate(curves) if len(v) < 3 or np.all(np.diff(v, 2) <= 0)]
    others = sorted(set(range(len(curves))) - set(concave))
    gains = [np.diff(curves[c]) for c in concave]
    owner = np.repeat(np.asarray(concave, dtype=np.int64), [len(g) for g in gains])
    gain = np.concatenate(gains) if gains else np.empty(0, dtype=np.int64)
    owner, gain = owner[gain > 0], gain[gain > 0]
    ranked = np.argsort(-gain, kind="stable")[:k]  # a curve's increments stay in order
    owner, gain = owner[ranked], gain[ranked]
    best = np.zeros(k + 1, dtype=np.int64)
    best[1 : len(gain) + 1] = np.cumsum(gain)
    best[len(gain) + 1 :] = best[len(gain)]
    choices = []
    for c in others:
        v = curves[c][: k + 1]
        # with[s, t] = best[s - t] + v[t]: t sites here, s - t in the curves before
        padded = np.concatenate([np.full(len(v) - 1, np.iinfo(np.int64).min // 2), best])
        with_ = sliding_window_view(padded, len(v))[:, ::-1] + v
        took = np.argmax(with_, axis=1)  # the first best: the fewest sites here
        best = with_[np.arange(k + 1), took]
        choices.append(took)
    used = int(np.argmax(best))  # the first best: the fewest sites in all
    total = int(best[used])
    counts = np.zeros(len(curves), dtype=np.int64)
    for c, took in zip(reversed(others), reversed(choices), strict=True):
        counts[c] = took[used]
        used -= int(took[used])
    np.add.at(counts, owner[:used], 1)
    return total, counts


@dataclass(frozen=True)
class Allocation:
    """The best plan found, and how far from the optimum it can be."""

    chosen: list[int]
    workers: int
    upper_bound: int
    rounds: int
    mips: int
    #: seconds in the dynamic programme and in the components' MIPs
    allocate_s: float
    mip_s: float
    notes: tuple[str, ...] = ()

    @property
    def proven_optimal(self) -> bool:
        return self.upper_bound <= self.workers

    @property
    def gap(self) -> float:
        return max(0, self.upper_bound - self.workers) / max(self.workers, 1)


def _floors(parts: list[Component], lam: float, k: int, lb: int, up_t: np.ndarray) -> list[float]:
    """Per component, the least upper(t) − λt through which an allocation can still beat
    ``lb`` (the Lagrangian test of the module docstring), lowered where needed so that
    the UB allocation's point is inside: UB cannot fall unless that point is settled."""
    peaks = [float(np.max(p.upper - lam * np.arange(len(p.upper)))) for p in parts]
    slack = sum(peaks) + lam * k - lb
    return [
        min(peak - slack, float(p.upper[t] - lam * t))
        for peak, p, t in zip(peaks, parts, up_t, strict=True)
    ]


def solve_components(
    problem: CoverProblem, parts: list[Component], deadline: float, lam: float = 0.0
) -> Allocation:
    """Allocate k over the components, settling points of their curves by LPs and MIPs,
    until the plan is proven optimal or ``deadline`` (a ``time.perf_counter()``) passes;
    ``lam`` (the whole LP's λ) says which points matter (module docstring)."""
    k = int(problem.k)
    rounds = mips = 0
    allocate_s = mip_s = 0.0
    notes: list[str] = []
    while True:
        rounds += 1
        started = time.perf_counter()
        workers, low_t = allocate([part.lower for part in parts], k)
        bound, up_t = allocate([part.upper for part in parts], k)
        allocate_s += time.perf_counter() - started
        if bound <= workers or time.perf_counter() >= deadline or notes:
            break
        floors = _floors(parts, lam, k, workers, up_t)
        started = time.perf_counter()
        for c in sorted(range(len(parts)), key=lambda c: floors[c]):
            if _settled(parts[c], lam, floors[c]).size == 0:
                continue
            try:
                mips += _settle(problem, parts[c], lam, floors[c], deadline)
            except SolverFailed as failure:
                notes.append(f"the MIP of a component failed ({failure})")
                break
            if time.perf_counter() >= deadline:
                break
        mip_s += time.perf_counter() - started
    chosen = [int(p.sites[i]) for p, t in zip(parts, low_t, strict=True) for i in p.plan(t)]
    return Allocation(
        chosen=sorted(chosen),
        workers=workers,
        upper_bound=max(bound, workers),
        rounds=rounds,
        mips=mips,
        allocate_s=allocate_s,
        mip_s=mip_s,
        notes=tuple(notes),
    )


def _settled(part: Component, lam: float, floor: float) -> np.ndarray:
    """The component's open points (curves differ) at or above ``floor``, best first."""
    margin = part.upper - lam * np.arange(len(part.upper)) - floor
    open_t = np.flatnonzero((margin >= 0) & (part.upper > part.lower))
    return open_t[np.argsort(-margin[open_t], kind="stable")]


def _settle(
    problem: CoverProblem, part: Component, lam: float, floor: float, deadline: float
) -> int:
    """Settle the component's open points above ``floor``, the best first: at each, the
    LP with k = t (its duals give a line that may settle many points at once), then, if
    still open, the MIP. One model serves them all. Returns the number of MIPs."""
    sub = CoverProblem(
        cover=part.cover,
        workers=part.workers,
        costs=np.zeros(len(part.sites)),
        site_ids=tuple(problem.site_ids[i] for i in part.sites),
        k=1,
    )
    model = Model(sub)
    relaxed: set[int] = set()
    solved = 0
    while time.perf_counter() < deadline:
        open_t = _settled(part, lam, floor)
        if open_t.size == 0:
            break
        t = int(open_t[0])
        model.limit_sites(t)
        if t not in relaxed:
            relaxed.add(t)
            x, duals, k_dual = model.relaxation(deadline)
            site_slack, point_slack, lam_t = _slacks(part.cover, part.workers, duals, k_dual)
            z = int(point_slack.sum() + site_slack.sum())
            part.upper = np.minimum(part.upper, _line(z, lam_t, len(part.upper)))
            part.learn(np.flatnonzero(x > 1 - 1e-6))
            continue
        chosen, _, _ = model.maximise_workers(list(part.plan(t)), deadline)
        part.learn(np.asarray(chosen, dtype=np.int64))
        # f(t) <= the MIP's bound, so f(t') <= it for every t' <= t
        part.upper[: t + 1] = np.minimum(part.upper[: t + 1], model.bound)
        solved += 1
    return solved


def maximise_workers(problem: CoverProblem, deadline: float) -> Allocation:
    """The most workers ``problem.k`` sites cover (``problem.budget`` must be None)."""
    if problem.budget is not None or problem.k is None:
        raise ValueError("the decomposition shares out a number of sites, not a budget")
    parts = component_curves(problem)
    lam = bound_by_relaxation(problem, parts, deadline)
    return solve_components(problem, parts, deadline, lam)
