"""``python -m pipelines plan``: where the next stations cover the most uncovered workers.

    python -m pipelines plan --k 10 --radius-m 1000
    python -m pipelines plan --k 10 --budget 500 --district 房山区
    python -m pipelines plan --budget 300 --with-community-candidates --json

Reads the published snapshot (read-only), so it runs beside the pipeline and the
dashboard. Demand: communities' outdoor workers not covered at the radius by the
stations active in the latest published month. ``--json`` prints the object of
metrics.md ("Siting"). Without ``--k``, the plan has ``WSI_SITING_K`` sites, or as many as
the budget allows when a budget is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from typing import TYPE_CHECKING

from pipelines.settings import get_settings

if TYPE_CHECKING:
    from pipelines.planning.siting import SitingPlan


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="siting: the next k stations that cover the most uncovered workers",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--k", type=int, help="at most this many new stations")
    parser.add_argument("--radius-m", type=float, help="coverage radius in metres")
    parser.add_argument("--budget", type=float, help="the sum of est_cost stays within this")
    parser.add_argument("--district", help="a district's name (房山区) or code (110111000000)")
    parser.add_argument(
        "--with-community-candidates",
        action="store_true",
        help="also consider every uncovered community's centroid as a site",
    )
    parser.add_argument("--time-limit-s", type=float, help="the solver's time limit")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # the solver stack (scipy, highspy) loads here, not when `python -m pipelines` starts
    from pipelines.planning.inputs import load_snapshot
    from pipelines.planning.siting import plan_sites
    from pipelines.serving import NoSnapshot

    settings = get_settings()
    k = args.k if args.k is not None else (None if args.budget is not None else settings.siting_k)
    if (k is not None and k < 0) or (args.budget is not None and args.budget < 0):
        print("k and the budget must not be negative", file=sys.stderr)
        return 2
    try:
        inputs = load_snapshot(settings.snapshot_path)
        plan = plan_sites(
            inputs,
            k=k,
            radius_m=args.radius_m or settings.coverage_radius_m,
            budget=args.budget,
            district=args.district,
            with_community_candidates=args.with_community_candidates,
            time_limit_s=args.time_limit_s or settings.siting_time_limit_s,
        )
    except (NoSnapshot, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(plan.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render(plan))
    return 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(text: str, width: int, right: bool) -> str:
    pad = " " * max(0, width - _width(text))
    return pad + text if right else text + pad


def render(plan: SitingPlan) -> str:
    """The plan as a readable bilingual table."""
    budget = f"{plan.budget:,.2f}" if plan.budget is not None else "—"
    scope = plan.district or "全市 city"
    month = plan.month.strftime("%Y-%m") if plan.month else "—"
    if plan.proven_optimal:
        quality = "已证明最优 proven optimal"
    else:
        quality = f"未证明最优 not proven optimal, 间隙 gap ≤ {plan.gap:.2%}"
    today = plan.covered_workers_today
    after = today + plan.newly_covered_workers
    total = plan.outdoor_workers

    def rate(covered: int) -> str:
        return f"{covered / total:.1%}" if total else "—"

    lines = [
        f"选址规划 Siting plan · {scope} · k = {plan.k if plan.k is not None else '—'}"
        f" · R = {plan.radius_m:,.0f} m · 预算 budget {budget} · 站点口径 stations of {month}",
        f"今日覆盖 covered today {today:,} / {total:,} ({rate(today)})"
        f" → 规划后 with the plan {after:,} ({rate(after)}),"
        f" 新增 newly covered {plan.newly_covered_workers:,}",
        f"总费用 total cost {plan.total_cost:,.2f} · {quality} · 用时 {plan.seconds:.1f} s",
        "",
    ]
    header = (
        "序 rank",
        "点位编号 site",
        "点位名称 name",
        "费用 cost",
        "新增 +workers",
        "累计 total",
    )
    rows = [
        (
            str(s.rank),
            s.site_id,
            s.site_name,
            f"{s.est_cost:,.2f}",
            f"{s.marginal_workers:,}",
            f"{s.cumulative_workers:,}",
        )
        for s in plan.sites
    ]
    right = (True, False, False, True, True, True)
    widths = [max(_width(r[c]) for r in [header, *rows]) for c in range(len(header))]
    for row in [header, *rows]:
        lines.append("  ".join(_cell(v, w, r) for v, w, r in zip(row, widths, right, strict=True)))
    if not rows:
        lines.append("（无可新增覆盖的点位 no site adds covered workers）")
    lines.extend(f"注 note: {note}" for note in plan.notes)
    return "\n".join(lines)
