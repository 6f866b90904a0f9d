"""Siting (选址): where the next stations cover the most outdoor workers not covered today.

metrics.md ("Siting") defines the question; this module turns the published tables into
a :class:`~pipelines.planning.mclp.CoverProblem` and the solver's answer into a plan:

- demand: communities with coordinates, weighted by their workers not covered at radius
  R by the stations the warehouse marks active in the latest published month (today's
  stations are fixed: a community they cover adds nothing), or by the visits those
  workers would make (:mod:`~pipelines.planning.weights`);
- candidates: :mod:`~pipelines.planning.candidates` (costs, community centroids, the
  community each site lies in);
- scope: a district or subdistrict (name or code) keeps its candidates and its demand;
  stations anywhere still count, since coverage crosses boundaries;
- pinned sites are built first; the rest of the plan is the best plan for the demand
  they leave, within what they leave of k and the budget (same tie-break among the
  rest); excluded sites are never chosen.

Sites are listed in greedy order, the pinned ones first: each next site is the one adding
the most weight given those above it (ties by site id), with its marginal and cumulative
workers and the communities it newly covers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import polars as pl
from scipy import sparse

from pipelines.ingest.communities import short_form
from pipelines.planning.candidates import candidate_sites
from pipelines.planning.coverage import cover
from pipelines.planning.geo import pairs_within
from pipelines.planning.inputs import (
    CANDIDATE_SCHEMA,
    COMMUNITY_SCHEMA,
    SitingInputs,
    conform,
)
from pipelines.planning.mclp import CoverProblem, Selection, solve
from pipelines.planning.request import PlanError, PlanRequest
from pipelines.planning.scopes import PlanScope, resolve_scope
from pipelines.planning.weights import demand_weights, visits_per_covered_worker


@dataclass(frozen=True)
class PlannedSite:
    rank: int
    site_id: str
    site_name: str
    lat: float
    lon: float
    est_cost: float
    marginal_workers: int
    cumulative_workers: int
    #: codes and short names of the communities this site newly covers (not those above it)
    newly_covered: tuple[str, ...] = ()
    newly_covered_names: tuple[str, ...] = ()
    site_kind: str = "candidate"
    district: str | None = None
    subdistrict: str | None = None
    community_code: str | None = None
    community_name: str | None = None
    address: str | None = None
    pinned: bool = False
    #: the site had no community code: it is placed in the nearest community
    placed_by_distance: bool = False
    #: forecast visits newly reached (None when the plan weighs workers)
    marginal_visits: int | None = None


@dataclass(frozen=True)
class SitingPlan:
    k: int | None
    radius_m: float
    budget: float | None
    scope: PlanScope
    newly_covered_workers: int
    total_cost: float
    proven_optimal: bool
    gap: float
    seconds: float
    sites: tuple[PlannedSite, ...]
    #: the scope's outdoor workers and those today's stations cover (at radius_m)
    outdoor_workers: int
    covered_workers_today: int
    month: date | None
    method: str
    request: PlanRequest = field(default_factory=PlanRequest)
    notes: tuple[str, ...] = ()
    #: forecast visits newly reached, and the forecast's first and last month (weight
    #: "forecast" only)
    forecast_visits: int | None = None
    forecast_months: tuple[date, date] | None = None
    #: the scope's communities with ``status`` (covered / new / gap), ``site_rank`` (the
    #: site newly covering it) and ``weight``
    communities: pl.DataFrame = field(default_factory=pl.DataFrame, compare=False, repr=False)

    @property
    def district(self) -> str | None:
        """The scope's code (None: the whole city)."""
        return self.scope.code

    def to_json(self) -> dict:
        """The JSON object of metrics.md ("Siting")."""
        return {
            "k": self.k,
            "radius_m": self.radius_m,
            "budget": self.budget,
            "newly_covered_workers": self.newly_covered_workers,
            "total_cost": self.total_cost,
            "proven_optimal": self.proven_optimal,
            "gap": self.gap,
            "seconds": round(self.seconds, 3),
            "sites": [
                {
                    "rank": s.rank,
                    "site_id": s.site_id,
                    "site_name": s.site_name,
                    "lat": s.lat,
                    "lon": s.lon,
                    "est_cost": s.est_cost,
                    "marginal_workers": s.marginal_workers,
                    "cumulative_workers": s.cumulative_workers,
                    "site_kind": s.site_kind,
                    "district": s.district,
                    "subdistrict": s.subdistrict,
                    "community_code": s.community_code,
                    "community_name": s.community_name,
                    "address": s.address,
                    "pinned": s.pinned,
                    "marginal_visits": s.marginal_visits,
                    "newly_covered_communities": list(s.newly_covered),
                }
                for s in self.sites
            ],
            "scope": self.scope.code,
            "scope_name": self.scope.name,
            "month": self.month.isoformat() if self.month else None,
            "weight": self.request.weight,
            "forecast_visits": self.forecast_visits,
            "pinned": list(self.request.pinned),
            "excluded": list(self.request.excluded),
        }

    def table(self) -> pl.DataFrame:
        """The rows of the published ``siting_plan`` table."""
        n = len(self.sites)
        return pl.DataFrame(
            {
                "rank": [s.rank for s in self.sites],
                "site_id": [s.site_id for s in self.sites],
                "site_name": [s.site_name for s in self.sites],
                "lat": [s.lat for s in self.sites],
                "lon": [s.lon for s in self.sites],
                "est_cost": [s.est_cost for s in self.sites],
                "marginal_workers": [s.marginal_workers for s in self.sites],
                "cumulative_workers": [s.cumulative_workers for s in self.sites],
                "radius_m": [self.radius_m] * n,
                "k": [self.k] * n,
                "proven_optimal": [self.proven_optimal] * n,
                "gap": [self.gap] * n,
            },
            schema={
                "rank": pl.Int32, "site_id": pl.String, "site_name": pl.String,
                "lat": pl.Float64, "lon": pl.Float64, "est_cost": pl.Float64,
                "marginal_workers": pl.Int64, "cumulative_workers": pl.Int64,
                "radius_m": pl.Float64, "k": pl.Int32, "proven_optimal": pl.Boolean,
                "gap": pl.Float64,
            },
        )  # fmt: skip


def community_demand(inputs: SitingInputs, radius_m: float) -> pl.DataFrame:
    """Communities with coordinates, whether today's stations cover them at ``radius_m``
    and their ``uncovered_workers`` (:func:`pipelines.planning.coverage.cover`)."""
    communities = inputs.communities.filter(
        pl.col("lat").is_not_null() & pl.col("lon").is_not_null()
    )
    return cover(communities, inputs.stations, radius_m).drop(
        "stations_within_r", "standard_covered", "nearest_station_m", "nearest_station"
    )


def plan_sites(
    inputs: SitingInputs,
    k: int | None = None,
    radius_m: float = 1000.0,
    budget: float | None = None,
    district: str | None = None,
    with_community_candidates: bool = False,
    time_limit_s: float = 10.0,
    *,
    request: PlanRequest | None = None,
) -> SitingPlan:
    """The plan of metrics.md ("Siting") for ``request`` (or the keyword settings) on
    these inputs. Raises :class:`PlanError` for what cannot be planned; the radius range
    is the caller's to check (:meth:`PlanRequest.checked`)."""
    started = time.perf_counter()
    if request is None:
        request = PlanRequest(k, float(radius_m), budget, district, with_community_candidates)
    if request.k is None and request.budget is None:
        raise PlanError("no_limit")
    # frames made by hand (tests, notebooks) may lack the optional columns
    inputs = replace(
        inputs,
        communities=conform(inputs.communities, COMMUNITY_SCHEMA),
        candidates=conform(inputs.candidates, CANDIDATE_SCHEMA),
    )
    scope = resolve_scope(inputs.communities, request.scope)
    everywhere = community_demand(inputs, request.radius_m)
    rates = None
    if request.weight == "forecast":
        rates = visits_per_covered_worker(everywhere, inputs.forecast)
    demand = everywhere.filter(scope.contains())
    sites = candidate_sites(
        inputs.candidates, inputs.communities, demand.filter(~pl.col("covered")),
        request.with_community_candidates,
    ).filter(scope.contains())  # fmt: skip
    ids = set(sites["site_id"].to_list())
    for site in (*request.pinned, *request.excluded):
        if site not in ids:
            raise PlanError("unknown_site", site=site)
    sites = sites.filter(~pl.col("site_id").is_in(list(request.excluded)))
    weights = demand_weights(demand, request.weight, rates)
    workers = demand["uncovered_workers"].to_numpy().astype(np.int64)
    covers = _cover_matrix(sites, demand, request.radius_m)
    pinned = [i for i, s in enumerate(sites["site_id"].to_list()) if s in set(request.pinned)]
    selection, rest = _solve_rest(request, sites, covers, weights, pinned, time_limit_s)
    with_visits = request.weight == "forecast"
    listed = _in_greedy_order(covers, weights, workers, pinned, sites, demand, pinned=True,
                              with_visits=with_visits)  # fmt: skip
    listed += _in_greedy_order(covers, weights, workers, rest, sites, demand, pinned=False,
                               with_visits=with_visits, after=listed)  # fmt: skip
    newly = {j for s in listed for j in s.points}
    visits_total = int(weights[list(newly)].sum()) if newly else 0
    pinned_visits = int(weights[list({j for s in listed[: len(pinned)] for j in s.points})].sum())
    found_rest = visits_total - pinned_visits
    notes = list(selection.notes)
    if not selection.tie_break_complete:
        notes.append("the time limit stopped the tie-break: an equally good plan may exist")
    missing = inputs.communities.height - inputs.communities.drop_nulls(["lat", "lon"]).height
    if missing:
        notes.append(f"{missing} communities without coordinates are left out")
    outdoor = int(demand["outdoor_workers"].sum())
    planned = tuple(s.site for s in listed)
    forecast = inputs.forecast
    return SitingPlan(
        k=request.k,
        radius_m=float(request.radius_m),
        budget=request.budget,
        scope=scope,
        newly_covered_workers=int(workers[list(newly)].sum()) if newly else 0,
        total_cost=round(float(sum(s.est_cost for s in planned)), 2),
        proven_optimal=selection.proven_optimal,
        # the solver's gap is relative to what the unpinned sites add
        gap=float(selection.gap) * found_rest / visits_total if visits_total else 0.0,
        seconds=time.perf_counter() - started,
        sites=planned,
        outdoor_workers=outdoor,
        covered_workers_today=outdoor - int(demand["uncovered_workers"].sum()),
        month=inputs.month,
        method=selection.method,
        request=request,
        notes=tuple(notes),
        forecast_visits=visits_total if request.weight == "forecast" else None,
        forecast_months=(
            (forecast["first_month"].min(), forecast["last_month"].max())
            if request.weight == "forecast" else None
        ),
        communities=_with_status(demand, weights, listed),
    )  # fmt: skip


def _cover_matrix(sites: pl.DataFrame, demand: pl.DataFrame, radius_m: float) -> sparse.csr_matrix:
    site_i, community_j, _ = pairs_within(
        sites["lat"].to_numpy(), sites["lon"].to_numpy(),
        demand["lat"].to_numpy(), demand["lon"].to_numpy(), radius_m,
    )  # fmt: skip
    return sparse.csr_matrix(
        (np.ones(len(site_i), dtype=np.int8), (site_i, community_j)),
        shape=(sites.height, demand.height),
    )


def _solve_rest(
    request: PlanRequest, sites: pl.DataFrame, covers: sparse.csr_matrix,
    weights: np.ndarray, pinned: list[int], time_limit_s: float,
) -> tuple[Selection, list[int]]:  # fmt: skip
    """The best plan of the unpinned sites for the weight the pinned ones leave, and
    its site indices (into ``sites``)."""
    costs = sites["est_cost"].to_numpy()
    cents = np.rint(costs * 100).astype(np.int64)
    budget_left = None
    if request.budget is not None:
        spent = int(cents[pinned].sum())
        budget_cents = int(np.floor(request.budget * 100 + 1e-6))
        if spent > budget_cents:
            raise PlanError("pinned_over_budget", cost=spent / 100, budget=request.budget)
        budget_left = (budget_cents - spent) / 100
    k_left = None if request.k is None else request.k - len(pinned)
    reached = np.asarray(covers[pinned].sum(axis=0)).ravel() > 0 if pinned else None
    left = weights if reached is None else np.where(reached, 0, weights)
    rest = np.setdiff1d(np.arange(sites.height), pinned)
    nothing = Selection((), 0, True, 0.0, 0.0, "mip")
    if k_left == 0 or not len(rest):
        return nothing, []
    problem = CoverProblem(
        cover=covers[rest], workers=left, costs=costs[rest],
        site_ids=tuple(sites["site_id"].gather(rest).to_list()), k=k_left, budget=budget_left,
    )  # fmt: skip
    selection = solve(problem, time_limit_s)
    return selection, [int(rest[i]) for i in selection.chosen]


@dataclass(frozen=True)
class _Listed:
    site: PlannedSite
    points: tuple[int, ...]


def _in_greedy_order(
    covers: sparse.csr_matrix, weights: np.ndarray, workers: np.ndarray, chosen: list[int],
    sites: pl.DataFrame, demand: pl.DataFrame, *, pinned: bool, with_visits: bool,
    after: list[_Listed] = (),
) -> list[_Listed]:  # fmt: skip
    """``chosen`` in greedy order given the sites listed ``after`` (module docstring)."""
    covered = np.zeros(covers.shape[1], dtype=bool)
    for above in after:
        covered[list(above.points)] = True
    codes = demand["community_code"].to_list()
    # the short names people write (北关社区 for 北关社区居民委员会): the plan is read aloud
    names = [short_form(n) if n else n for n in demand["community_name"].to_list()]
    ids = sites["site_id"].to_list()
    remaining = sorted(chosen, key=ids.__getitem__)
    cumulative = after[-1].site.cumulative_workers if after else 0
    listed: list[_Listed] = []
    while remaining:

        def new_points(i: int) -> np.ndarray:
            cols = covers.indices[covers.indptr[i] : covers.indptr[i + 1]]
            return cols[~covered[cols] & ((weights[cols] > 0) | (workers[cols] > 0))]

        # max() keeps the first of equals, and remaining is sorted by site id
        best = max(remaining, key=lambda i: int(weights[new_points(i)].sum()))
        points = np.sort(new_points(best))
        gain = int(workers[points].sum())
        cumulative += gain
        covered[points] = True
        remaining.remove(best)
        row = sites.row(best, named=True)
        site = PlannedSite(
            rank=len(after) + len(listed) + 1, site_id=row["site_id"], site_name=row["site_name"],
            lat=float(row["lat"]), lon=float(row["lon"]), est_cost=float(row["est_cost"]),
            marginal_workers=gain, cumulative_workers=cumulative,
            newly_covered=tuple(codes[j] for j in points),
            newly_covered_names=tuple(names[j] for j in points),
            site_kind=row["site_kind"], district=row["district"], subdistrict=row["subdistrict"],
            community_code=row["community_code"],
            community_name=short_form(row["community_name"]) if row["community_name"] else None,
            address=row["address"], pinned=pinned,
            placed_by_distance=bool(row["placed_by_distance"]),
            marginal_visits=int(weights[points].sum()) if with_visits else None,
        )  # fmt: skip
        listed.append(_Listed(site, tuple(int(j) for j in points)))
    return listed


def _with_status(demand: pl.DataFrame, weights: np.ndarray, listed: list[_Listed]) -> pl.DataFrame:
    """The demand's communities with their ``status`` after the plan, the ``site_rank``
    of the site newly covering each and its ``weight``."""
    rank = np.zeros(demand.height, dtype=np.int64)
    for item in listed:
        rank[list(item.points)] = item.site.rank
    return demand.with_columns(
        weight=pl.Series(weights, dtype=pl.Int64),
        site_rank=pl.Series(rank, dtype=pl.Int64).replace(0, None),
    ).with_columns(
        status=pl.when(pl.col("covered")).then(pl.lit("covered"))
        .when(pl.col("site_rank").is_not_null()).then(pl.lit("new"))
        .otherwise(pl.lit("gap"))
    )  # fmt: skip
