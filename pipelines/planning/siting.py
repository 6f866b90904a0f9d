"""Siting (选址): where the next stations cover the most outdoor workers not covered today.

metrics.md ("Siting") defines the question; this module turns the published tables into
a :class:`~pipelines.planning.mclp.CoverProblem` and the solver's answer into a plan:

- demand: communities with coordinates, weighted by their workers not covered at radius
  R by the stations the warehouse marks active in the latest published month (today's
  stations are fixed: a community they cover adds nothing);
- candidates: the candidate sites, and with ``with_community_candidates`` every
  uncovered community's centroid as well (site id ``community:<code>``);
- cost: a candidate's ``est_cost``; where it is unknown (every community centroid, and
  candidate sites without a figure) the median ``est_cost`` of the candidate sites that
  have one stands in (0 when none has), so that a budget and the cost tie-break treat an
  unknown site as a typical one. The plan lists that assumed cost;
- ``district`` (name or code) keeps the candidates and the demand of that district
  (a candidate's district is its ``district_code``, else its community's); stations
  anywhere still count, since coverage crosses district lines.

Sites are listed in greedy order within the plan: each next site is the one adding the
most workers given those above it (ties by site id), with its marginal and cumulative
workers and the communities it newly covers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl
from scipy import sparse

from pipelines.planning.coverage import cover
from pipelines.planning.geo import pairs_within
from pipelines.planning.inputs import SitingInputs
from pipelines.planning.mclp import CoverProblem, solve

COMMUNITY_SITE_PREFIX = "community:"


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
    #: codes of the communities this site newly covers (not those above it in the plan)
    newly_covered: tuple[str, ...] = ()


@dataclass(frozen=True)
class SitingPlan:
    k: int | None
    radius_m: float
    budget: float | None
    district: str | None
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
    notes: tuple[str, ...] = ()

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
                }
                for s in self.sites
            ],
        }

    def table(self) -> pl.DataFrame:
        """The rows of the published ``siting_plan`` table."""
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
                "radius_m": [self.radius_m] * len(self.sites),
                "k": [self.k] * len(self.sites),
                "proven_optimal": [self.proven_optimal] * len(self.sites),
                "gap": [self.gap] * len(self.sites),
            },
            schema={
                "rank": pl.Int32,
                "site_id": pl.String,
                "site_name": pl.String,
                "lat": pl.Float64,
                "lon": pl.Float64,
                "est_cost": pl.Float64,
                "marginal_workers": pl.Int64,
                "cumulative_workers": pl.Int64,
                "radius_m": pl.Float64,
                "k": pl.Int32,
                "proven_optimal": pl.Boolean,
                "gap": pl.Float64,
            },
        )


def community_demand(inputs: SitingInputs, radius_m: float) -> pl.DataFrame:
    """Communities with coordinates, whether today's stations cover them at ``radius_m``
    and their ``uncovered_workers`` (:func:`pipelines.planning.coverage.cover`)."""
    communities = inputs.communities.filter(
        pl.col("lat").is_not_null() & pl.col("lon").is_not_null()
    )
    return cover(communities, inputs.stations, radius_m).drop(
        "stations_within_r", "standard_covered", "nearest_station_m", "nearest_station"
    )


def _matches(district: str) -> pl.Expr:
    return (pl.col("district") == district) | (pl.col("district_code") == district)


def candidate_sites(
    inputs: SitingInputs, demand: pl.DataFrame, with_community_candidates: bool
) -> pl.DataFrame:
    """Candidates with a known or assumed cost (module docstring)."""
    sites = inputs.candidates.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    known = sites["est_cost"].drop_nulls()
    typical = float(known.median()) if len(known) else 0.0
    sites = sites.select(
        "site_id",
        "site_name",
        "lat",
        "lon",
        "district_code",
        pl.col("est_cost").cast(pl.Float64).fill_null(typical),
    )
    if with_community_candidates:
        centroids = demand.filter(~pl.col("covered")).select(
            site_id=pl.lit(COMMUNITY_SITE_PREFIX) + pl.col("community_code"),
            site_name=pl.col("community_name"),
            lat="lat",
            lon="lon",
            district_code="district_code",
            est_cost=pl.lit(typical, dtype=pl.Float64),
        )
        sites = pl.concat([sites, centroids], how="vertical_relaxed")
    return sites.unique("site_id", keep="first", maintain_order=True)


def plan_sites(
    inputs: SitingInputs,
    k: int | None,
    radius_m: float,
    budget: float | None = None,
    district: str | None = None,
    with_community_candidates: bool = False,
    time_limit_s: float = 10.0,
) -> SitingPlan:
    """The plan of metrics.md ("Siting") for these inputs."""
    started = time.perf_counter()
    demand = community_demand(inputs, radius_m)
    sites = candidate_sites(inputs, demand, with_community_candidates)
    if district is not None:
        district_codes = inputs.communities.filter(_matches(district))["district_code"]
        if district_codes.is_empty():
            names = sorted(inputs.communities["district"].drop_nulls().unique().to_list())
            raise ValueError(f"unknown district {district!r}; known: {', '.join(names)}")
        code = district_codes[0]
        demand = demand.filter(pl.col("district_code") == code)
        sites = sites.filter(pl.col("district_code") == code)
    site_i, community_j, _ = pairs_within(
        sites["lat"].to_numpy(),
        sites["lon"].to_numpy(),
        demand["lat"].to_numpy(),
        demand["lon"].to_numpy(),
        radius_m,
    )
    cover = sparse.csr_matrix(
        (np.ones(len(site_i), dtype=np.int8), (site_i, community_j)),
        shape=(sites.height, demand.height),
    )
    problem = CoverProblem(
        cover=cover,
        workers=demand["uncovered_workers"].to_numpy().astype(np.int64),
        costs=sites["est_cost"].to_numpy(),
        site_ids=tuple(sites["site_id"].to_list()),
        k=k,
        budget=budget,
    )
    selection = solve(problem, time_limit_s)
    planned = _in_greedy_order(problem, list(selection.chosen), sites, demand)
    notes = list(selection.notes)
    if not selection.tie_break_complete:
        notes.append("the time limit stopped the tie-break: an equally good plan may exist")
    missing = inputs.communities.height - inputs.communities.drop_nulls(["lat", "lon"]).height
    if missing:
        notes.append(f"{missing} communities without coordinates are left out")
    outdoor = int(demand["outdoor_workers"].sum())
    return SitingPlan(
        k=k,
        radius_m=float(radius_m),
        budget=budget,
        district=district,
        newly_covered_workers=selection.workers,
        total_cost=round(float(sum(s.est_cost for s in planned)), 2),
        proven_optimal=selection.proven_optimal,
        gap=float(selection.gap),
        seconds=time.perf_counter() - started,
        sites=tuple(planned),
        outdoor_workers=outdoor,
        covered_workers_today=outdoor - int(demand["uncovered_workers"].sum()),
        month=inputs.month,
        method=selection.method,
        notes=tuple(notes),
    )


def _in_greedy_order(
    problem: CoverProblem, chosen: list[int], sites: pl.DataFrame, demand: pl.DataFrame
) -> list[PlannedSite]:
    cover = problem.cover.tocsr()
    covered = np.zeros(cover.shape[1], dtype=bool)
    codes = demand["community_code"].to_list()
    remaining = sorted(chosen, key=lambda i: problem.site_ids[i])
    planned: list[PlannedSite] = []
    cumulative = 0
    while remaining:

        def new_points(i: int) -> np.ndarray:
            cols = cover.indices[cover.indptr[i] : cover.indptr[i + 1]]
            return cols[~covered[cols] & (problem.workers[cols] > 0)]

        # max() keeps the first of equals, and remaining is sorted by site id
        best = max(remaining, key=lambda i: int(problem.workers[new_points(i)].sum()))
        points = new_points(best)
        gain = int(problem.workers[points].sum())
        cumulative += gain
        covered[points] = True
        remaining.remove(best)
        row = sites.row(best, named=True)
        planned.append(
            PlannedSite(
                rank=len(planned) + 1,
                site_id=row["site_id"],
                site_name=row["site_name"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                est_cost=float(row["est_cost"]),
                marginal_workers=gain,
                cumulative_workers=cumulative,
                newly_covered=tuple(codes[j] for j in sorted(points)),
            )
        )
    return planned
