"""``python -m pipelines plan``: where the next stations cover the most uncovered workers.

    python -m pipelines plan --k 10 --radius-m 1000
    python -m pipelines plan --k 10 --budget 500 --district 房山区
    python -m pipelines plan --k 5 --subdistrict 拱辰街道 --pin HX-FS-0003 --exclude HX-FS-0007
    python -m pipelines plan --budget 300 --with-community-candidates --json
    python -m pipelines plan --k 10 --weight forecast --pdf plan.pdf

Reads the published snapshot (read-only), so it runs beside the pipeline and the
dashboard. Demand: communities' outdoor workers not covered at the radius by the
stations active in the latest published month (``--weight forecast``: the visits they
would make, metrics.md "Siting"). ``--json`` prints the object of metrics.md; ``--pdf``
writes the printable plan (headless chromium). Without ``--k``, the plan has
``WSI_SITING_K`` sites, or as many as the budget allows when a budget is given. k ≤ 0, a
radius outside ``WSI_RADIUS_MIN_M``–``WSI_RADIUS_MAX_M`` or a negative budget is an error.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
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
    parser.add_argument("--k", type=int, help="at most this many new stations (≥ 1)")
    parser.add_argument("--radius-m", type=float, help="coverage radius in metres")
    parser.add_argument("--budget", type=float, help="the sum of est_cost (万元) stays within this")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--district", help="a district's name (房山区) or code (110111000000)")
    where.add_argument(
        "--subdistrict", help="a subdistrict's name (拱辰街道, or 房山区/拱辰街道) or code"
    )
    parser.add_argument(
        "--with-community-candidates",
        action="store_true",
        help="also consider every uncovered community's centroid as a site",
    )
    parser.add_argument("--pin", action="append", default=[], metavar="SITE",
                        help="a site that must be built (repeat for more)")  # fmt: skip
    parser.add_argument("--exclude", action="append", default=[], metavar="SITE",
                        help="a site never to choose (repeat for more)")  # fmt: skip
    parser.add_argument(
        "--weight",
        choices=("workers", "forecast"),
        default="workers",
        help="weigh communities by uncovered workers or by forecast visits",
    )
    parser.add_argument("--time-limit-s", type=float, help="the solver's time limit")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.add_argument("--pdf", type=Path, help="also write the printable plan to this PDF")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="the PDF's language")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # the solver stack (scipy, highspy) loads here, not when `python -m pipelines` starts
    from pipelines.planning.inputs import load_snapshot
    from pipelines.planning.request import PlanError, PlanRequest
    from pipelines.planning.siting import plan_sites
    from pipelines.serving import NoSnapshot

    settings = get_settings()
    k = args.k if args.k is not None else (None if args.budget is not None else settings.siting_k)
    request = PlanRequest(
        k=k,
        radius_m=args.radius_m if args.radius_m is not None else settings.coverage_radius_m,
        budget=args.budget,
        scope=args.district or args.subdistrict,
        with_community_candidates=args.with_community_candidates,
        pinned=tuple(args.pin),
        excluded=tuple(args.exclude),
        weight=args.weight,
    )
    try:
        request.checked(settings.radius_range_m)
    except PlanError as error:
        print(error, file=sys.stderr)
        return 2
    try:
        inputs = load_snapshot(settings.snapshot_path)
        plan = plan_sites(
            inputs, request=request,
            time_limit_s=args.time_limit_s or settings.siting_time_limit_s,
        )  # fmt: skip
    except (NoSnapshot, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(plan.to_json(), ensure_ascii=False, indent=2))
    else:
        print(render(plan))
    if args.pdf:
        return _write_pdf(plan, inputs, args.pdf, args.lang)
    return 0


def _write_pdf(plan: SitingPlan, inputs, path: Path, lang: str) -> int:
    from pipelines.planning.outlines import (
        label_level,
        label_points,
        load_districts,
        subdistrict_lines,
    )
    from pipelines.planning.printable import MapContext, plan_html, plan_pdf
    from pipelines.report.pdf import PdfError

    settings = get_settings()
    districts = load_districts(settings.districts_geojson)
    context = MapContext(
        stations=inputs.stations.drop_nulls(["lat", "lon"]),
        districts=districts,
        subdistrict_lines=[
            segment
            for lines in subdistrict_lines(inputs.communities, districts).values()
            for segment in lines
        ],
        labels=label_points(inputs.communities, label_level(plan.communities)),
    )
    try:
        pdf = plan_pdf(plan_html(plan, context, lang, built_at=inputs.built_at))
    except (FileNotFoundError, PdfError) as error:
        print(error, file=sys.stderr)
        return 1
    path.write_bytes(pdf)
    print(f"wrote {path}", file=sys.stderr)
    return 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(text: str, width: int, right: bool) -> str:
    pad = " " * max(0, width - _width(text))
    return pad + text if right else text + pad


def render(plan: SitingPlan) -> str:
    """The plan as a readable bilingual table."""
    budget = f"{plan.budget:,.2f} 万元" if plan.budget is not None else "—"
    scope = plan.scope.name or "全市 city"
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
        f"总费用 total cost {plan.total_cost:,.2f} 万元 · {quality} · 用时 {plan.seconds:.1f} s",
    ]
    if plan.forecast_visits is not None:
        lines.append(f"预测新增服务人次 forecast visits reached {plan.forecast_visits:,}")
    lines.append("")
    header = ("序 rank", "点位编号 site", "点位名称 name", "区/街道 place", "费用 cost 万元",
              "新增 +workers", "累计 total")  # fmt: skip
    rows = [
        (
            str(s.rank) + ("*" if s.pinned else ""),
            s.site_id,
            s.site_name,
            "/".join(p for p in (s.district, s.subdistrict) if p),
            f"{s.est_cost:,.2f}",
            f"{s.marginal_workers:,}",
            f"{s.cumulative_workers:,}",
        )
        for s in plan.sites
    ]
    right = (True, False, False, False, True, True, True)
    widths = [max(_width(r[c]) for r in [header, *rows]) for c in range(len(header))]
    for row in [header, *rows]:
        lines.append("  ".join(_cell(v, w, r) for v, w, r in zip(row, widths, right, strict=True)))
    if not rows:
        lines.append("（无可新增覆盖的点位 no site adds covered workers）")
    if any(s.pinned for s in plan.sites):
        lines.append("* 必建 pinned")
    lines.extend(f"注 note: {note}" for note in plan.notes)
    return "\n".join(lines)
