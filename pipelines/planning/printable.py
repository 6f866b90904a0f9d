"""The printable plan: one self-contained HTML page (A4, inline CSS and SVG map, no
script) that a planner takes to a meeting, printed to PDF by headless chromium as the
monthly brief is (:mod:`pipelines.report.pdf`).

It says what was asked (scope, k, radius, budget, weight, pinned and excluded sites),
on which data (the stations' month, the snapshot's time), what the plan achieves, the
map, and every site with its place, address, cost in 万元, the workers it adds and the
communities it newly covers. Words in Chinese or English (``lang``).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.planning.siting import SitingPlan
from pipelines.planning.svgmap import plan_map_svg
from pipelines.report.pdf import find_chromium, print_to_pdf
from pipelines.report.render import CSS as REPORT_CSS

#: every word of the page: key → (Chinese, English)
WORDS: dict[str, tuple[str, str]] = {
    "title": ("暖心驿站选址规划方案", "Warm station siting plan"),
    "city": ("全市", "Whole city"),
    "data_month": ("站点口径：{month} 在用驿站", "Stations active in {month}"),
    "built_at": ("数据快照：{time}", "Data snapshot: {time}"),
    "printed_at": ("打印时间：{time}", "Printed: {time}"),
    "settings": ("规划条件", "Settings"),
    "k": ("新增驿站数上限 k", "At most k new stations"),
    "radius": ("服务半径", "Service radius"),
    "budget": ("预算", "Budget"),
    "weight": ("需求权重", "Demand weighed by"),
    "weight_workers": ("未覆盖户外劳动者人数", "uncovered outdoor workers"),
    "weight_forecast": ("预测服务人次（{first}至{last}）", "forecast visits ({first} to {last})"),
    "centroids": ("未覆盖社区中心点也作为候选", "Uncovered community centroids as sites"),
    "pinned": ("必建点位", "Pinned (must build)"),
    "excluded": ("排除点位", "Excluded"),
    "none": ("无", "none"),
    "wan": ("万元", "× 10,000 CNY"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "result": ("规划效果", "What the plan achieves"),
    "summary": (
        "今日覆盖户外劳动者 {today:,} / {total:,} 人（{rate_today}）；新建 {sites} 个驿站后覆盖 "
        "{after:,} 人（{rate_after}），新增覆盖 {new:,} 人，新增覆盖社区 {communities} 个。"
        "总费用 {cost} 万元。",
        "{today:,} of {total:,} outdoor workers covered today ({rate_today}); with the {sites} "
        "new stations {after:,} ({rate_after}): {new:,} more workers in {communities} more "
        "communities. Total cost {cost} (10,000 CNY).",
    ),
    "visits": ("预测新增服务人次 {visits:,}。", "Forecast visits reached: {visits:,}."),
    "proven": ("已证明为最优方案。", "Proven optimal."),
    "gap": (
        "时间限制内未证明最优，最优性差距 ≤ {gap}。",
        "Not proven optimal within the time limit; gap ≤ {gap}.",
    ),
    "map_title": ("规划点位与新增覆盖的社区", "Planned sites and the communities they add"),
    "sites": ("规划点位（按新增覆盖排序）", "Planned sites (by marginal gain)"),
    "rank": ("序", "#"),
    "site": ("点位", "Site"),
    "place": ("区 / 街道 / 社区", "District / subdistrict / community"),
    "address": ("地址", "Address"),
    "cost": ("费用（万元）", "Cost (10,000 CNY)"),
    "added": ("新增覆盖", "Workers added"),
    "cumulative": ("累计", "Cumulative"),
    "covers": ("新增覆盖的社区", "Communities newly covered"),
    "must": ("必建", "pinned"),
    "centroid": ("社区中心点", "community centroid"),
    "nearest": ("（按距离就近）", " (nearest)"),
    "no_sites": ("没有能新增覆盖的点位。", "No site adds covered workers."),
    "notes": ("说明", "Notes"),
    "method": (
        "覆盖：社区中心点与驿站的球面距离不超过服务半径。方案在候选点位中选取，使新增覆盖的户外"
        "劳动者最多（同等时费用更低者优先）；费用未知的点位按候选点位费用中位数计。",
        "Covered: a community's centroid lies within the radius of a station (great-circle "
        "distance). The plan chooses among the candidate sites to cover the most outdoor "
        "workers not covered today (equal plans: the cheaper first); a site of unknown cost "
        "counts at the candidates' median cost.",
    ),
    "forecast_rule": (
        "按预测人次规划时，未覆盖社区的权重 = 未覆盖人数 × 所在区已覆盖户外劳动者人均预测服务人次"
        "（区内无已覆盖劳动者或无预测时用全市数），取整。同一区内该系数相同，故单区规划与按人数"
        "规划选出的点位基本一致；跨区规划时偏向驿站使用更多的区。",
        "Weighed by forecast visits, an uncovered community counts its uncovered workers × "
        "the forecast visits per covered outdoor worker of its district (the city's figure "
        "where the district has no covered worker or no forecast), rounded. The figure is "
        "the same across a district, so a plan of one district picks nearly the same sites "
        "as by workers; across districts it favours those whose workers use stations more.",
    ),
    "legend_site": ("规划点位（序号）", "Planned site (rank)"),
    "legend_new": ("规划后新增覆盖社区", "Newly covered community"),
    "legend_gap": ("仍未覆盖社区", "Still uncovered community"),
    "legend_covered": ("今日已覆盖社区", "Covered today"),
    "legend_station": ("现有驿站", "Existing station"),
}

#: all times are Beijing time, as the snapshot's are
SHANGHAI = ZoneInfo("Asia/Shanghai")

CSS = (
    REPORT_CSS
    + """
.params td:first-child { color: #555; width: 38%; }
.map { border: 1px solid #ddd; break-inside: avoid; }
table.sites { table-layout: fixed; }
table.sites th { white-space: normal; vertical-align: bottom; }
td.covers { font-size: 8.5pt; color: #444; }
.tag { font-size: 8pt; color: #fff; background: #c0392b; border-radius: 3px; padding: 0 3px;
       white-space: nowrap; }
"""
)


@dataclass(frozen=True)
class MapContext:
    """What the map draws besides the plan: the viewer's stations (lat, lon), district
    GeoJSON, derived subdistrict lines and area names (:mod:`~pipelines.planning.outlines`)."""

    stations: pl.DataFrame
    districts: dict | None
    subdistrict_lines: list
    labels: pl.DataFrame


def _words(lang: str) -> dict[str, str]:
    return {key: pair[1 if lang == "en" else 0] for key, pair in WORDS.items()}


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _month(value, lang: str) -> str:
    if value is None:
        return "—"
    return f"{value:%b %Y}" if lang == "en" else f"{value.year}年{value.month}月"


def plan_html(plan: SitingPlan, context: MapContext, lang: str = "zh",
              built_at: str | None = None, printed_at: datetime | None = None) -> str:  # fmt: skip
    """The whole printable plan as an HTML document."""
    w = _words(lang)
    request = plan.request
    scope = plan.scope.name or w["city"]
    title = f"{w['title']} · {scope}"
    weight = w["weight_workers"]
    if request.weight == "forecast" and plan.forecast_months:
        first, last = plan.forecast_months
        weight = w["weight_forecast"].format(first=_month(first, lang), last=_month(last, lang))
    params = [
        (w["k"], str(plan.k) if plan.k is not None else "—"),
        (w["radius"], f"{plan.radius_m:,.0f} m"),
        (w["budget"], f"{plan.budget:,.2f} {w['wan']}" if plan.budget is not None else "—"),
        (w["weight"], weight),
        (w["centroids"], w["yes"] if request.with_community_candidates else w["no"]),
        (w["pinned"], "、".join(request.pinned) or w["none"]),
        (w["excluded"], "、".join(request.excluded) or w["none"]),
    ]
    today, total = plan.covered_workers_today, plan.outdoor_workers
    after = today + plan.newly_covered_workers
    summary = w["summary"].format(
        today=today, total=total, after=after, sites=len(plan.sites),
        rate_today=_percent(today / total if total else None),
        rate_after=_percent(after / total if total else None), new=plan.newly_covered_workers,
        communities=sum(len(s.newly_covered) for s in plan.sites), cost=f"{plan.total_cost:,.2f}",
    )  # fmt: skip
    if plan.forecast_visits is not None:
        summary += w["visits"].format(visits=plan.forecast_visits)
    summary += w["proven"] if plan.proven_optimal else w["gap"].format(gap=f"{plan.gap:.2%}")
    svg = plan_map_svg(
        plan.communities, [(s.rank, s.lat, s.lon) for s in plan.sites], context.stations,
        context.districts, context.subdistrict_lines, context.labels, w,
    )  # fmt: skip
    stamp = printed_at or datetime.now(SHANGHAI)
    meta = [w["data_month"].format(month=_month(plan.month, lang))]
    if built_at:
        meta.append(w["built_at"].format(time=built_at[:16].replace("T", " ")))
    meta.append(w["printed_at"].format(time=f"{stamp:%Y-%m-%d %H:%M}"))
    body = (
        f"<header><h1>{escape(title)}</h1><p class='subtitle'>{escape(' · '.join(meta))}</p>"
        "</header>"
        f"<h2>{w['settings']}</h2><table class='params'>"
        + "".join(f"<tr><td>{escape(k)}</td><td>{escape(v)}</td></tr>" for k, v in params)
        + f"</table><h2>{w['result']}</h2><p>{escape(summary)}</p>"
        f"<h2>{w['map_title']}</h2>{svg}<h2>{w['sites']}</h2>{_sites_table(plan, w)}"
        f"<h2>{w['notes']}</h2><p class='more'>{escape(w['method'])}</p>"
        + (
            f"<p class='more'>{escape(w['forecast_rule'])}</p>"
            if request.weight == "forecast"
            else ""
        )
        + "".join(f"<p class='more'>{escape(n)}</p>" for n in plan.notes)
    )
    html_lang = "en" if lang == "en" else "zh-CN"
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n"
    )


def _sites_table(plan: SitingPlan, w: dict[str, str]) -> str:
    if not plan.sites:
        return f"<p>{escape(w['no_sites'])}</p>"
    addresses = any(s.address for s in plan.sites)
    columns = [("rank", "num", 4), ("site", "", 17), ("place", "", 16), ("address", "", 14),
               ("cost", "num", 9), ("added", "num", 8), ("cumulative", "num", 8),
               ("covers", "", 24)]  # fmt: skip
    if not addresses:
        columns = [c for c in columns if c[0] != "address"]
    scale = 100 / sum(width for *_, width in columns)
    widths = "".join(f"<col style='width:{width * scale:.0f}%'>" for *_, width in columns)
    head = "".join(f"<th class='{cls}'>{escape(w[key])}</th>" for key, cls, _ in columns)
    rows = []
    for s in plan.sites:
        name = escape(s.site_name)
        if s.site_kind == "community_centroid":
            name += f" <span class='more'>({escape(w['centroid'])})</span>"
        if s.pinned:
            name += f" <span class='tag'>{escape(w['must'])}</span>"
        community = (s.community_name or "") + (w["nearest"] if s.placed_by_distance else "")
        place = " / ".join(p for p in (s.district, s.subdistrict, community) if p)
        rows.append(
            f"<tr><td class='num'>{s.rank}</td><td>{name}<br><span class='more'>"
            f"{escape(s.site_id)}</span></td><td>{escape(place)}</td>"
            + (f"<td>{escape(s.address or '—')}</td>" if addresses else "")
            + f"<td class='num'>{s.est_cost:,.2f}</td>"
            f"<td class='num'>{s.marginal_workers:,}</td>"
            f"<td class='num'>{s.cumulative_workers:,}</td>"
            f"<td class='covers'>{escape('、'.join(s.newly_covered_names))}</td></tr>"
        )
    return (
        f"<table class='sites'><colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def plan_pdf(html: str, chromium: str | None = None) -> bytes:
    """The page printed to PDF (:class:`~pipelines.report.pdf.PdfError` if it fails,
    FileNotFoundError when no chromium is installed)."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise FileNotFoundError("no chromium on PATH: cannot print the plan to PDF")
    with tempfile.TemporaryDirectory(prefix="wsi-plan-") as folder:
        page = Path(folder) / "plan.html"
        page.write_text(html, encoding="utf-8")
        return print_to_pdf(page, Path(folder) / "plan.pdf", chromium).read_bytes()
