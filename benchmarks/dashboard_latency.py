"""Callback latency of the dashboard, page by page, against a given snapshot.

    python -m benchmarks.dashboard_latency --snapshot data/serving/current.duckdb [--runs 20]

Each page's callbacks are called as the browser would trigger them (city, a district
and a subdistrict scope; the latest complete month; the radius slider at three
positions), and their return values are serialised to JSON as Dash does (``dash._utils.to_json``:
plotly's JSON engine, orjson when installed). Printed:
p50 and p95 wall time per callback, in milliseconds. Network and browser rendering are
not included. A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dash._utils import to_json


def _settings_for(snapshot: Path):
    from pipelines.settings import Settings

    snapshot = snapshot.resolve()
    if snapshot.name == "current.duckdb" and snapshot.parent.name == "serving":
        return Settings(data_dir=snapshot.parent.parent)
    # any other file: a data folder whose serving/current.duckdb links to it
    folder = Path(tempfile.mkdtemp(prefix="wsi-bench-"))
    (folder / "serving").mkdir()
    (folder / "serving" / "current.duckdb").symlink_to(snapshot)
    return Settings(data_dir=folder)


def _cases(pages: dict, month: str, scopes: list[str]) -> dict[str, list[Callable[[], object]]]:
    cases: dict[str, list[Callable[[], object]]] = {}

    def add(name: str, fn: Callable, *argsets: tuple) -> None:
        cases[name] = [lambda fn=fn, a=a: fn(*a) for a in argsets]

    per_scope = [("zh", month, s) for s in scopes]
    add("overview.update", pages["overview"].update, *per_scope)
    add(
        "overview.rankings",
        pages["overview"].rankings,
        *[(*a, m) for a in per_scope for m in ("coverage_rate", "visits")],
    )
    add(
        "coverage.update (radius)",
        pages["coverage"].update,
        *[(*a, r) for a in per_scope for r in (500, 1000, 3000)],
    )
    add("demand.communities", pages["demand"].communities, *[(*a, "per_1000") for a in per_scope])
    add("demand.mix", pages["demand"].mix, *per_scope)
    add("hotline.update", pages["hotline"].update, *per_scope)
    add("membership.update", pages["membership"].update, *per_scope)
    add(
        "stations.update",
        pages["stations"].update,
        *[(*a, m) for a in per_scope for m in (None, "has_toilet")],
    )
    add("quality.update", pages["quality"].update, ("zh",), ("en",))
    return cases  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshot", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=20, help="rounds over every case")
    args = parser.parse_args(argv)
    if not args.snapshot.is_file():
        print(f"no snapshot at {args.snapshot}", file=sys.stderr)
        return 1

    from dashboards import data
    from dashboards.app import create_app
    from dashboards.auth import AuthConfig

    settings = _settings_for(args.snapshot)
    # imports the pages and points the data layer at the snapshot; callbacks are called
    # directly, outside a request, so as the city without sign-in
    create_app(settings, auth=AuthConfig(enabled=False))
    pages = {name.rsplit(".", 1)[-1]: module for name, module in sys.modules.items()
             if name.startswith("pages.") or name.startswith("dashboards.pages.")}  # fmt: skip
    viewer = data.Viewer()
    month = data.default_month(viewer).isoformat()
    district = data.scope_options(viewer, "district")["scope_code"][0]
    subdistrict = data.scope_options(viewer, "subdistrict", district)["scope_code"][0]
    scopes = [viewer.scope_code, district, subdistrict]
    info = data.snapshot_info(viewer)
    communities = data.coverage_at_radius(viewer, None, month, 1000).height

    print(f"snapshot {args.snapshot} (built {info.get('built_at')}), month {month}, "
          f"{communities:,} communities; {args.runs} rounds")  # fmt: skip
    print(f"{'callback':<28} {'calls':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, calls in _cases(pages, month, scopes).items():
        calls[0]()  # warm: first connection, imports, caches
        times = []
        for _ in range(args.runs):
            for call in calls:
                start = time.perf_counter()
                to_json(call())
                times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(f"{name:<28} {len(times):>6} {statistics.median(times):>8.1f} {p95:>8.1f} "
              f"{times[-1]:>8.1f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
