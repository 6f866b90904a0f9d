"""What a planner waits for, on a published snapshot: reading the planner's inputs, a
plan by workers and by forecast visits, deriving the subdistrict outlines (once per
snapshot on the dashboard), the printable plan's HTML and its PDF (headless chromium).

    python -m benchmarks.siting_outputs [--data-dir DIR] [--k 10] [--district 房山区]

Prints one line per step (best of ``--repeat`` for the fast ones; the PDF once, it is
seconds and chromium's start dominates).
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from pipelines.planning.inputs import load_snapshot
from pipelines.planning.outlines import label_level, label_points, load_districts, subdistrict_lines
from pipelines.planning.printable import MapContext, plan_html, plan_pdf
from pipelines.planning.request import PlanRequest
from pipelines.planning.siting import plan_sites
from pipelines.settings import Settings, get_settings


def _best(repeat: int, step):
    best, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = step()
        best = min(best, time.perf_counter() - started)
    return best, value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--district")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    settings = Settings(data_dir=args.data_dir) if args.data_dir else get_settings()
    seconds, inputs = _best(args.repeat, lambda: load_snapshot(settings.snapshot_path))
    counts = (inputs.communities.height, inputs.stations.height, inputs.candidates.height)
    print("read inputs: {:.2f} s ({:,} communities, {:,} stations, {:,} candidates)".format(
        seconds, *counts))  # fmt: skip
    plans = {}
    for weight in ("workers", "forecast"):
        request = PlanRequest(k=args.k, scope=args.district, weight=weight)
        seconds, plans[weight] = _best(args.repeat, lambda r=request: plan_sites(inputs, request=r))
        print(f"plan by {weight}: {seconds:.2f} s ({plans[weight].newly_covered_workers:,} "
              f"workers, proven optimal: {plans[weight].proven_optimal})")  # fmt: skip
    districts = load_districts(settings.districts_geojson)
    seconds, lines = _best(args.repeat, lambda: subdistrict_lines(inputs.communities, districts))
    print(f"subdistrict outlines: {seconds:.2f} s ({sum(map(len, lines.values())):,} segments)")
    plan = plans["workers"]
    context = MapContext(
        inputs.stations, districts, [s for part in lines.values() for s in part],
        label_points(inputs.communities, label_level(plan.communities)),
    )  # fmt: skip
    seconds, html = _best(args.repeat, lambda: plan_html(plan, context, built_at=inputs.built_at))
    print(f"printable HTML: {seconds:.2f} s ({len(html) / 1024:,.0f} kB)")
    started = time.perf_counter()
    pdf = plan_pdf(html)
    print(f"printable PDF: {time.perf_counter() - started:.1f} s ({len(pdf) / 1024:,.0f} kB)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak:,.0f} MB (chromium not included)")


if __name__ == "__main__":
    main()
