"""Siting benchmark: the real 7,535 Beijing communities × 1,000 candidate sites, R = 1 km,
k = 50, with existing stations fixed. Prints figures; ``run()`` returns them as a dict
for ``benchmarks/run.py``.

Communities sit at their real centroids (WGS-84 columns of the divisions file); those
without one are scattered within about 1.5 km of their subdistrict's centroid (else
their district's). Workers, stations and candidates are drawn with a fixed seed.
When PySAL spopt is importable (``uv sync --frozen --group bench``), its MCLP solves
the same instance (same demand, same coverage) for comparison.

    python -m benchmarks.siting [--k 50] [--candidates 1000] [--stations 300] [--seed 7]
                                [--budget 600] [--no-spopt]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np
import polars as pl
from scipy import sparse

from pipelines.planning.geo import pairs_within
from pipelines.planning.mclp import CoverProblem, greedy, solve
from pipelines.settings import get_settings

SCATTER_M = 1500.0
METRES_PER_DEGREE = 111_195.0


def beijing_communities(seed: int = 7) -> pl.DataFrame:
    """community_code, lat, lon, outdoor_workers for the 7,535 real communities."""
    rng = np.random.default_rng(seed)
    divisions = pl.read_csv(get_settings().divisions_csv, infer_schema_length=0).with_columns(
        lat=pl.col("wgs_lat").cast(pl.Float64), lon=pl.col("wgs_lng").cast(pl.Float64)
    )
    centre = {r["code"]: (r["lat"], r["lon"]) for r in divisions.iter_rows(named=True)}
    rows = divisions.filter(pl.col("level") == "community")
    lat, lon = [], []
    for code, clat, clon in rows.select("code", "lat", "lon").iter_rows():
        if clat is None:
            street = centre.get(code[:9] + "000", (None, None))
            clat, clon = street if street[0] is not None else centre[code[:6] + "000000"]
            dlat, dlon = rng.normal(0, SCATTER_M / 2, 2) / METRES_PER_DEGREE
            clat, clon = clat + dlat, clon + dlon / np.cos(np.radians(clat))
        lat.append(clat)
        lon.append(clon)
    return pl.DataFrame(
        {
            "community_code": rows["code"],
            "lat": lat,
            "lon": lon,
            "outdoor_workers": rng.lognormal(3.5, 0.8, rows.height).round().astype(np.int64),
        }
    )


def _near(
    communities: pl.DataFrame, n: int, spread_m: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    pick = rng.choice(communities.height, n, replace=True)
    lat = communities["lat"].to_numpy()[pick] + rng.normal(0, spread_m, n) / METRES_PER_DEGREE
    lon = communities["lon"].to_numpy()[pick] + rng.normal(0, spread_m, n) / (
        METRES_PER_DEGREE * np.cos(np.radians(lat))
    )
    return lat, lon


def build_instance(
    k: int = 50,
    candidates: int = 1000,
    stations: int = 300,
    seed: int = 7,
    radius_m: float = 1000.0,
) -> tuple[CoverProblem, dict]:
    rng = np.random.default_rng(seed)
    communities = beijing_communities(seed)
    clat, clon = communities["lat"].to_numpy(), communities["lon"].to_numpy()
    slat, slon = _near(communities, stations, 300.0, rng)
    covered_today = np.zeros(communities.height, dtype=bool)
    covered_today[pairs_within(clat, clon, slat, slon, radius_m)[0]] = True
    workers = np.where(covered_today, 0, communities["outdoor_workers"].to_numpy())
    started = time.perf_counter()
    glat, glon = _near(communities, candidates, 400.0, rng)
    i, j, _ = pairs_within(glat, glon, clat, clon, radius_m)
    cover = sparse.csr_matrix(
        (np.ones(len(i), dtype=np.int8), (i, j)), shape=(candidates, communities.height)
    )
    relation_s = time.perf_counter() - started
    problem = CoverProblem(
        cover=cover,
        workers=workers,
        costs=rng.integers(5, 31, candidates).astype(float),  # 万元
        site_ids=tuple(f"S{n:04d}" for n in range(candidates)),
        k=k,
    )
    facts = {
        "communities": communities.height,
        "candidates": candidates,
        "stations": stations,
        "k": k,
        "radius_m": radius_m,
        "pairs_within_r": int(cover.nnz),
        "coverage_relation_s": round(relation_s, 3),
        "uncovered_workers": int(workers.sum()),
        "covered_today_workers": int(communities["outdoor_workers"].sum() - workers.sum()),
    }
    return problem, facts


def _spopt(problem: CoverProblem, radius_m: float) -> dict:
    try:
        from spopt.locate import MCLP
    except ImportError as exc:  # the optional bench group is not installed
        return {"spopt": f"not importable ({exc}); uv sync --frozen --group bench"}
    import pulp

    # spopt takes a dense distance matrix (demand × facility): 0 where covered, far
    # otherwise, so that its coverage is exactly ours
    distances = np.where(problem.cover.T.toarray() > 0, 0.0, 10 * radius_m)
    started = time.perf_counter()
    model = MCLP.from_cost_matrix(
        distances, problem.workers.astype(float), radius_m, p_facilities=problem.k
    )
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    seconds = time.perf_counter() - started
    chosen = [i for i, var in enumerate(model.fac_vars) if var.value() and var.value() > 0.5]
    return {
        "spopt_seconds": round(seconds, 3),
        "spopt_workers": problem.covered_workers(chosen),
        "spopt_status": pulp.LpStatus[model.problem.status],
    }


def run(
    k: int = 50,
    candidates: int = 1000,
    stations: int = 300,
    seed: int = 7,
    spopt: bool = True,
    budget: float = 600.0,
) -> dict:
    """Build the instance, time the greedy, the MIP and (if importable) spopt."""
    settings = get_settings()
    problem, result = build_instance(k, candidates, stations, seed)
    started = time.perf_counter()
    start = greedy(problem)
    result["greedy_s"] = round(time.perf_counter() - started, 3)
    result["greedy_workers"] = problem.covered_workers(start)
    selection = solve(problem, settings.siting_time_limit_s)
    result.update(
        mip_s=round(selection.seconds, 3),
        mip_workers=selection.workers,
        mip_proven_optimal=selection.proven_optimal,
        mip_gap=selection.gap,
        mip_method=selection.method,
        mip_tie_break_complete=selection.tie_break_complete,
        mip_total_cost=problem.total_cost_cents(list(selection.chosen)) / 100,
        greedy_ratio=round(result["greedy_workers"] / max(selection.workers, 1), 4),
    )
    # the budget variant (no k): sites cost 5–30, so about 40 sites
    budgeted = replace(problem, k=None, budget=budget)
    started = time.perf_counter()
    start = greedy(budgeted)
    result["budget"] = budget
    result["budget_greedy_s"] = round(time.perf_counter() - started, 3)
    result["budget_greedy_workers"] = budgeted.covered_workers(start)
    selection = solve(budgeted, settings.siting_time_limit_s)
    result.update(
        budget_mip_s=round(selection.seconds, 3),
        budget_mip_workers=selection.workers,
        budget_mip_proven_optimal=selection.proven_optimal,
        budget_mip_gap=selection.gap,
        budget_mip_sites=len(selection.chosen),
    )
    if spopt:
        result.update(_spopt(problem, 1000.0))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--stations", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget", type=float, default=600.0)
    parser.add_argument("--no-spopt", action="store_true")
    args = parser.parse_args()
    result = run(args.k, args.candidates, args.stations, args.seed, not args.no_spopt, args.budget)
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
