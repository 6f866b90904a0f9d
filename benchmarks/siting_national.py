"""Siting at national scale (issue 15): ~600,000 communities and villages × 50,000
candidate sites, R = 1 km, k = 500, the instance of :mod:`benchmarks.national_instance`.
Target: proven optimal or gap <= 1 % in <= 120 s on one machine.

Each phase is timed (wall clock) with its peak resident memory (the kernel's high-water
mark, reset before the phase through /proc/self/clear_refs) and the load average:

- generate: the seeded instance (with existing stations: the workers they cover);
- coverage relation: site–point pairs within R (KD-tree on the sphere, no dense matrix);
- reduce: points merged, useless and dominated sites dropped (``mclp.reduce_problem``);
- decompose: connected components of the coverage graph, a greedy curve and bound each;
- LP bound: the LP relaxation of the whole reduced problem, its duals cut per component;
- solve: LPs and MIPs per component where the curves differ, the dynamic programme that
  shares k out (its seconds also shown apart), until proven or out of time.

A smaller instance (``--compare-scale``, default 2 %) is also solved by the direct HiGHS
MIP over the whole problem, by ``mclp.solve`` (with its tie-break) and by PySAL spopt
(CBC, when the bench group is installed), to show the same objective.

    python -m benchmarks.siting_national [--scale 1] [--k 500] [--stations 0] [--seed 7]
                                         [--time-limit 120] [--compare-scale 0.02]
                                         [--direct] [--markdown]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from scipy import sparse

from benchmarks.national_instance import national_instance
from pipelines.planning import decompose
from pipelines.planning.geo import pairs_within
from pipelines.planning.mclp import CoverProblem, greedy, reduce_problem, solve
from pipelines.planning.mip import Model

RADIUS_M = 1000.0


def _peak_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> None:
    # 5 resets the peak RSS; where that is refused each phase shows the peak so far
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


class Phases:
    """Wall time, peak RSS and load of named phases, in order."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    @contextmanager
    def phase(self, name: str):
        _reset_peak()
        load = _load()
        started = time.perf_counter()
        yield
        self.rows.append(
            {
                "phase": name,
                "s": round(time.perf_counter() - started, 2),
                "peak_rss_mb": round(_peak_mb() or 0),
                "load": load,
            }
        )


def build(scale: float, k: int, seed: int, stations: int, phases: Phases) -> CoverProblem:
    with phases.phase("generate"):
        instance = national_instance(scale=scale, seed=seed, stations=stations)
    with phases.phase("coverage relation"):
        i, j, _ = pairs_within(
            instance.site_lat, instance.site_lon, instance.lat, instance.lon, RADIUS_M
        )
        cover = sparse.csr_matrix(
            (np.ones(len(i), dtype=np.int8), (i, j)),
            shape=(len(instance.site_lat), len(instance.lat)),
        )
    return CoverProblem(
        cover=cover,
        workers=instance.workers,
        costs=instance.site_cost,
        site_ids=instance.site_ids,
        k=k,
    )


def national(
    scale: float = 1.0,
    k: int = 500,
    seed: int = 7,
    stations: int = 0,
    time_limit_s: float = 120.0,
    direct: bool = False,
) -> dict:
    """The decomposition on the national instance, phase by phase."""
    phases = Phases()
    started = time.perf_counter()
    problem = build(scale, k, seed, stations, phases)
    solving = time.perf_counter()
    deadline = solving + time_limit_s
    with phases.phase("reduce"):
        reduced, _ = reduce_problem(problem)
    with phases.phase("decompose"):
        parts = decompose.component_curves(reduced)
    with phases.phase("LP bound"):
        lam = decompose.bound_by_relaxation(reduced, parts, deadline)
    with phases.phase("solve"):
        found = decompose.solve_components(reduced, parts, deadline, lam)
    finished = time.perf_counter()
    sizes = np.array([len(p.sites) for p in parts])
    points = np.array([len(p.points) for p in parts])
    greedy_workers = reduced.covered_workers(greedy(reduced))  # for reference, untimed
    result = {
        "demand_points": problem.cover.shape[1],
        "candidates": problem.cover.shape[0],
        "existing_stations": stations,
        "k": k,
        "radius_m": RADIUS_M,
        "pairs_within_r": int(problem.cover.nnz),
        "workers_total": int(problem.workers.sum()),
        "points_covered_by_a_candidate": int((np.diff(problem.cover.tocsc().indptr) > 0).sum()),
        "reduced_points": reduced.cover.shape[1],
        "reduced_candidates": reduced.cover.shape[0],
        "components": len(parts),
        "single_site_components": int((sizes == 1).sum()),
        "largest_component_sites": int(sizes.max()),
        "largest_component_points": int(points[sizes.argmax()]),
        "lp_lambda": lam,
        "greedy_workers": greedy_workers,
        "workers": found.workers,
        "upper_bound": found.upper_bound,
        "proven_optimal": found.proven_optimal,
        "gap": found.gap,
        "sites_chosen": len(found.chosen),
        "rounds": found.rounds,
        "mips": found.mips,
        "allocate_s": round(found.allocate_s, 2),
        "lp_mip_s": round(found.mip_s, 2),
        "solve_s_from_coverage": round(finished - solving + phases.rows[1]["s"], 2),
        "total_s_with_generation": round(finished - started, 2),
        "phases": phases.rows,
        "notes": list(found.notes),
    }
    assert reduced.covered_workers(found.chosen) == found.workers  # the plan is real
    if direct:
        result["direct"] = _direct(reduced, time_limit_s)
    return result


def _direct(reduced: CoverProblem, time_limit_s: float) -> dict:
    """One HiGHS MIP over the whole reduced problem, greedy warm start."""
    _reset_peak()
    started = time.perf_counter()
    model = Model(reduced)
    chosen, proven, gap = model.maximise_workers(greedy(reduced), started + time_limit_s)
    return {
        "workers": reduced.covered_workers(chosen),
        "proven_optimal": proven,
        "gap": gap,
        "s": round(time.perf_counter() - started, 2),
        "peak_rss_mb": round(_peak_mb() or 0),
    }


def compare(scale: float, k: int, seed: int, stations: int, spopt: bool) -> dict:
    """The same objective four ways on a smaller instance."""
    from benchmarks.siting import _spopt

    problem = build(scale, k, seed, stations, Phases())
    reduced, _ = reduce_problem(problem)
    started = time.perf_counter()
    found = decompose.maximise_workers(reduced, started + 600)
    result = {
        "demand_points": problem.cover.shape[1],
        "candidates": problem.cover.shape[0],
        "k": k,
        "components": decompose.components(reduced.cover)[0],
        "decomposition_workers": found.workers,
        "decomposition_proven_optimal": found.proven_optimal,
        "decomposition_s": round(time.perf_counter() - started, 2),
    }
    direct = _direct(reduced, 600)
    result.update({f"direct_mip_{key}": value for key, value in direct.items()})
    started = time.perf_counter()
    selection = solve(problem, 600)
    result.update(
        mclp_solve_workers=selection.workers,
        mclp_solve_proven_optimal=selection.proven_optimal,
        mclp_solve_tie_break_complete=selection.tie_break_complete,
        mclp_solve_s=round(time.perf_counter() - started, 2),
    )
    if spopt:
        result.update(_spopt(problem, RADIUS_M))
    return result


def markdown(result: dict) -> str:
    """The section of docs/benchmarks.md."""
    lines = [
        "## Siting at national scale (issue 15)\n",
        "`python -m benchmarks.siting_national`: the synthetic national instance of "
        "`benchmarks/national_instance.py` (seed "
        f"{result['seed']}), R = 1 km, k = {result['national']['k']}. Target: proven optimal "
        "or gap <= 1 % in <= 120 s on one machine. "
        f"Machine: {result['machine']}; load average at the start {result['load_start']}, "
        f"at the end {result['load_end']}; {result['when']}.\n",
        "| phase | s | peak RSS MB | load (1/5/15) at start |",
        "|---|---:|---:|---|",
    ]
    national_ = result["national"]
    for row in national_["phases"]:
        lines.append(f"| {row['phase']} | {row['s']} | {row['peak_rss_mb']:,} | {row['load']} |")
    lines += ["", "| figure | value |", "|---|---:|"]
    for key, value in national_.items():
        if key not in ("phases", "direct", "notes"):
            lines.append(f"| {key} | {_fmt(value)} |")
    for key, value in national_.get("direct", {}).items():
        lines.append(f"| direct HiGHS MIP, whole reduced problem: {key} | {_fmt(value)} |")
    if national_["notes"]:
        lines.append(f"| notes | {'; '.join(national_['notes'])} |")
    if result.get("compare"):
        lines += ["", "The same objective on a smaller instance:", ""]
        lines += ["| figure | value |", "|---|---:|"]
        lines += [f"| {key} | {_fmt(value)} |" for key, value in result["compare"].items()]
    return "\n".join(lines) + "\n"


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1 else f"{value:,.2f}"
    return str(value)


def run(
    scale: float = 1.0,
    k: int = 500,
    seed: int = 7,
    stations: int = 0,
    time_limit_s: float = 120.0,
    compare_scale: float | None = 0.02,
    direct: bool = False,
    spopt: bool = True,
    log: Callable[[str], None] = print,
) -> dict:
    """Both parts, with the machine and the load; ``markdown()`` renders it."""
    import platform

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    result = {
        "seed": seed,
        "machine": f"{cpu}, {os.cpu_count()} cores, {platform.platform()}",
        "load_start": _load(),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    log(f"national instance, scale {scale} (load {_load()})")
    result["national"] = national(scale, k, seed, stations, time_limit_s, direct)
    if compare_scale:
        small_k = max(5, round(k * compare_scale))
        log(f"comparison at scale {compare_scale}, k = {small_k} (load {_load()})")
        result["compare"] = compare(compare_scale, small_k, seed, stations, spopt)
    result["load_end"] = _load()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--k", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stations", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--compare-scale", type=float, default=0.02, help="0: skip")
    parser.add_argument("--direct", action="store_true", help="also one MIP over the whole")
    parser.add_argument("--no-spopt", action="store_true")
    parser.add_argument("--markdown", action="store_true", help="print the docs section")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = run(
        args.scale, args.k, args.seed, args.stations, args.time_limit,
        args.compare_scale or None, args.direct, not args.no_spopt,
    )  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))
    print(markdown(result) if args.markdown else json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
