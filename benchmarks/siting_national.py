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

With ``--direct``, one HiGHS MIP over the whole reduced national problem is timed
against it; with ``--planner``, ``mclp.solve`` (the decomposition, then the tie-break
over the whole problem), each with the same time limit. A smaller instance
(``--compare-scale``, default 2 %) is solved four ways — the decomposition, the direct
MIP, ``mclp.solve`` and PySAL spopt (CBC, when the bench group is installed) — to show
the same objective.

    python -m benchmarks.siting_national [--scale 1] [--k 500] [--seed 7] [--stations 0]
                                         [--villages 490000] [--candidates 50000]
                                         [--time-limit 120] [--compare-scale 0.02]
                                         [--direct] [--planner] [--no-spopt]
                                         [--markdown] [--json PATH] [--doc PATH]

``python -m benchmarks.run --only siting_national`` runs it in a subprocess (its whole
peak RSS and CPU seconds measured too) and writes its section of docs/benchmarks.md
between :data:`START` and :data:`END`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from scipy import sparse

from benchmarks.measure import loadavg, log, machine
from benchmarks.national_instance import national_instance
from benchmarks.report import write_between
from pipelines.planning import decompose
from pipelines.planning.geo import pairs_within
from pipelines.planning.mclp import CoverProblem, greedy, reduce_problem, solve
from pipelines.planning.mip import Model

RADIUS_M = 1000.0
START = "<!-- benchmarks.siting_national: start (written by python -m benchmarks.run) -->"
END = "<!-- benchmarks.siting_national: end -->"


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


class Phases:
    """Wall time, peak RSS and load of named phases, in order."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    @contextmanager
    def phase(self, name: str):
        _reset_peak()
        load = loadavg()
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


def build(scale: float, k: int, shape: dict, phases: Phases) -> CoverProblem:
    """The instance (``shape``: keywords of ``national_instance``) and its coverage."""
    with phases.phase("generate"):
        instance = national_instance(scale=scale, **shape)
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
    shape: dict | None = None,
    time_limit_s: float = 120.0,
    direct: bool = False,
    planner: bool = False,
) -> dict:
    """The decomposition on the national instance, phase by phase; with ``direct``, one
    HiGHS MIP over the whole reduced problem too, and with ``planner``, ``mclp.solve``
    (the decomposition, then the tie-break over the whole), each with the same limit."""
    phases = Phases()
    started = time.perf_counter()
    problem = build(scale, k, shape or {}, phases)
    solving = time.perf_counter()
    deadline = solving + time_limit_s
    with phases.phase("reduce"):
        reduced, _ = reduce_problem(problem)
    with phases.phase("decompose"):
        parts = decompose.component_curves(reduced)
    with phases.phase("LP bound"):
        lam = decompose.bound_by_relaxation(reduced, parts, deadline)
    after_lp = [part.upper.copy() for part in parts]  # untimed: a copy
    with phases.phase("solve"):
        found = decompose.solve_components(reduced, parts, deadline, lam)
    finished = time.perf_counter()
    if reduced.covered_workers(found.chosen) != found.workers:
        raise RuntimeError("the plan does not cover the workers the decomposition claims")
    sizes = np.array([len(p.sites) for p in parts])
    points = np.array([len(p.points) for p in parts])
    greedy_workers = reduced.covered_workers(greedy(reduced))  # for reference, untimed
    result = {
        "demand_points": problem.cover.shape[1],
        "candidates": problem.cover.shape[0],
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
        **{
            f"components_of_{low}_to_{high}_sites": int(((sizes >= low) & (sizes <= high)).sum())
            for low, high in ((2, 5), (6, 20), (21, 100), (101, 1000))
        },
        "components_over_1000_sites": int((sizes > 1000).sum()),
        "lp_lambda": lam,
        "greedy_workers": greedy_workers,
        "upper_bound_after_lp": decompose.allocate(after_lp, k)[0],
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
    if direct:
        result["direct"] = _direct(reduced, time_limit_s)
    if planner:
        _reset_peak()
        started = time.perf_counter()
        selection = solve(problem, time_limit_s)
        result["planner"] = {
            "workers": selection.workers,
            "proven_optimal": selection.proven_optimal,
            "tie_break_complete": selection.tie_break_complete,
            "s": round(time.perf_counter() - started, 2),
            "peak_rss_mb": round(_peak_mb() or 0),
        }
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


def compare(scale: float, k: int, shape: dict, spopt: bool) -> dict:
    """The same objective four ways on a smaller instance."""
    from benchmarks.siting import _spopt

    problem = build(scale, k, shape, Phases())
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
    """The figures of docs/benchmarks.md's national siting section (between the markers)."""
    national_ = result["national"]
    target = result.get("target_s", 120.0)
    seconds = national_["solve_s_from_coverage"]
    process = result.get("process", {})
    command = "benchmarks.run --only siting_national" if process else "benchmarks.siting_national"
    lines = [
        "## Siting at national scale (issue 15)\n",
        f"`python -m {command}` on {result['when']}: the seeded "
        "synthetic national instance of `benchmarks/national_instance.py` ("
        + ", ".join(f"{key} {_fmt(value)}" for key, value in result["instance"].items())
        + f", scale {result['scale']}), R = 1 km, k = {national_['k']}, solved by "
        "the decomposition of `pipelines/planning/decompose.py`. Target: proven optimal or "
        f"gap <= 1 % in <= {target:.0f} s on one machine. Machine: {result['machine']}; load "
        f"average (1/5/15 min) {result['load_start']} at the start, {result['load_end']} at "
        "the end (the machine is shared: the seconds are pessimistic).\n",
        "| figure | measured | target | |",
        "|---|---:|---:|---|",
        f"| seconds, coverage relation to proven plan | {_fmt(seconds)} | <= {target:.0f} "
        f"| {_met(seconds <= target)} |",
        f"| gap (upper bound − plan) / plan | {national_['gap']:.4%} | <= 1 % "
        f"| {_met(national_['gap'] <= 0.01)} |",
        f"| proven optimal | {_fmt(national_['proven_optimal'])} | | |",
        f"| workers covered by the plan | {_fmt(national_['workers'])} | | |",
        f"| proven upper bound | {_fmt(national_['upper_bound'])} | | |",
        f"| greedy plan, for reference | {_fmt(national_['greedy_workers'])} | | |",
    ]
    if process:
        lines += [
            f"| whole process: wall s (with the instance and the comparison) "
            f"| {_fmt(process['wall_s'])} | | |",
            f"| whole process: CPU s | {_fmt(process['cpu_s'])} | | |",
            f"| whole process: peak RSS GB | {_fmt(process['peak_rss_gb'])} | | |",
        ]
    lines += [
        "",
        "Phase by phase (the peak RSS is the process's high-water mark, reset before each "
        "phase):\n",
        "| phase | s | peak RSS MB | load at start |",
        "|---|---:|---:|---|",
    ]
    for row in national_["phases"]:
        lines.append(f"| {row['phase']} | {row['s']} | {row['peak_rss_mb']:,} | {row['load']} |")
    lines += ["", "The instance, its components and the solve:\n", "| figure | value |"]
    lines.append("|---|---:|")
    shown = ("phases", "direct", "planner", "notes", "workers", "upper_bound", "gap")
    shown += ("proven_optimal", "greedy_workers")
    lines += [f"| {key} | {_fmt(value)} |" for key, value in national_.items() if key not in shown]
    for key, value in national_.get("direct", {}).items():
        lines.append(f"| one HiGHS MIP over the whole reduced problem: {key} | {_fmt(value)} |")
    for key, value in national_.get("planner", {}).items():
        lines.append(f"| `mclp.solve` (with the tie-break): {key} | {_fmt(value)} |")
    if national_["notes"]:
        lines.append(f"| notes | {'; '.join(national_['notes'])} |")
    if result.get("compare"):
        compared = result["compare"]
        lines += [
            "",
            f"The same objective four ways on the instance at scale {compared['scale']} "
            "(small enough for one MIP and for spopt's dense distance matrix): the "
            "decomposition, one HiGHS MIP over the whole reduced problem, `mclp.solve` "
            "(the planner: the decomposition, then the tie-break) and PySAL spopt's MCLP "
            "(CBC), as `benchmarks/siting.py` compares them on Beijing.\n",
            "| figure | value |",
            "|---|---:|",
        ]
        lines += [f"| {key} | {_fmt(value)} |" for key, value in compared.items()]
    return "\n".join(lines) + "\n"


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1 else f"{value:,.2f}"
    return str(value)


def write(result: dict, path: Path) -> None:
    """The figures into ``path`` between :data:`START` and :data:`END`."""
    write_between(path, START, END, markdown(result))


def run(
    scale: float = 1.0,
    k: int = 500,
    shape: dict | None = None,
    time_limit_s: float = 120.0,
    compare_scale: float | None = 0.02,
    direct: bool = False,
    planner: bool = False,
    spopt: bool = True,
    log: Callable[[str], None] = log,
) -> dict:
    """Both parts, with the machine and the load; :func:`markdown` renders it. ``shape``
    holds keywords of ``national_instance`` (seed, stations, villages …)."""
    shape = {"seed": 7} | (shape or {})
    host = machine()
    result = {
        "instance": shape,
        "scale": scale,
        "target_s": time_limit_s,
        "machine": f"{host['cpu']}, {host['cores']} cores, {host['ram_gb']} GB, {host['os']}",
        "load_start": loadavg(),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    log(f"national instance, scale {scale} (load {loadavg()})")
    result["national"] = national(scale, k, shape, time_limit_s, direct, planner)
    if compare_scale:
        small_k = max(5, round(k * compare_scale))
        log(f"comparison at scale {compare_scale}, k = {small_k} (load {loadavg()})")
        result["compare"] = {"scale": compare_scale} | compare(compare_scale, small_k, shape, spopt)
    result["load_end"] = loadavg()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--k", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stations", type=int, default=0, help="existing, covering today")
    parser.add_argument("--villages", type=int, default=490_000)
    parser.add_argument("--candidates", type=int, default=50_000)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--compare-scale", type=float, default=0.02, help="0: skip")
    parser.add_argument("--direct", action="store_true", help="also one MIP over the whole")
    parser.add_argument("--planner", action="store_true", help="also mclp.solve, tie-break")
    parser.add_argument("--no-spopt", action="store_true")
    parser.add_argument("--markdown", action="store_true", help="print the docs section")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--doc", type=Path, help="write the section into this document")
    args = parser.parse_args()
    shape = {
        "seed": args.seed,
        "stations": args.stations,
        "villages": args.villages,
        "candidates": args.candidates,
    }
    result = run(
        args.scale, args.k, shape, args.time_limit, args.compare_scale or None,
        args.direct, args.planner, not args.no_spopt,
        log=lambda message: print(message, file=sys.stderr),  # stdout: the figures
    )  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))
    if args.doc:
        write(result, args.doc)
    print(markdown(result) if args.markdown else json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
