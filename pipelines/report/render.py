"""The monthly report as one self-contained HTML page in Chinese, laid out for A4 print.

Everything the page needs is inline: the CSS, the charts (SVG) and no script, so it
opens offline, can be mailed as one file, and prints the same in any browser. Fonts
are the reader's installed CJK fonts, never downloaded.
"""

from __future__ import annotations

from html import escape

from pipelines.report import formatting as f
from pipelines.report import sections as sec
from pipelines.report.attention import headline
from pipelines.report.charts import column_chart
from pipelines.report.data import HEADLINE, HOTLINE_FIGURES, TREND_MONTHS, MonthlyReport, add_months

CSS = """
@page { size: A4; margin: 14mm 14mm 16mm;
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";
                   font-size: 9pt; color: #888; } }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
       "PingFang SC", "Microsoft YaHei", sans-serif;
       color: #222; font-size: 10.5pt; line-height: 1.55; margin: 0 auto; max-width: 720px;
       padding: 16px; }
header { border-bottom: 3px solid #c0392b; margin-bottom: 10px; }
h1 { font-size: 19pt; margin: 0; color: #c0392b; }
.subtitle { color: #555; margin: 2px 0 8px; }
.notice { background: #fdf2e9; border-left: 4px solid #e67e22; padding: 4px 10px; }
h2 { font-size: 13pt; margin: 16px 0 6px; padding-left: 8px; border-left: 4px solid #c0392b;
     break-after: avoid; }
h3 { font-size: 11pt; margin: 10px 0 4px; break-after: avoid; }
.chart, .cards { break-inside: avoid; }
p { margin: 4px 0; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px; margin: 8px 0; }
.card { border: 1px solid #e5c4c0; border-radius: 4px; padding: 5px 8px; background: #fdf6f5;
        break-inside: avoid; }
.card .label { color: #666; font-size: 9pt; }
.card .value { font-size: 15pt; font-weight: bold; color: #222; }
.card .change { font-size: 8.5pt; color: #555; }
table { width: 100%; border-collapse: collapse; margin: 4px 0 8px; font-size: 9.5pt; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; }
th { background: #f4e4e2; font-weight: bold; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
.chart { display: block; margin: 4px 0 8px; }
.more, footer { color: #777; font-size: 9pt; }
.attention ul { margin: 4px 0 8px; padding-left: 20px; }
.attention li { margin: 2px 0; }
.attention li.adverse::marker { color: #c0392b; }
.attention li.favourable::marker { color: #1e8449; }
.card .target { font-size: 8.5pt; } .card .target.missed { color: #c0392b; }
.card .target.met { color: #1e8449; }
.card .flag { display: inline-block; font-size: 8pt; color: #a04000; background: #fdebd0;
              border-radius: 3px; padding: 0 4px; margin-top: 2px; }
footer { border-top: 1px solid #ddd; margin-top: 14px; padding-top: 4px; }
"""


def render_html(report: MonthlyReport) -> str:
    """The whole report as an HTML document."""
    title = f"{report.scope.name}暖心驿站月度报告（{f.month_label(report.month)}）"
    body = "".join(
        (
            _header(report, title),
            _attention(report),
            _headline(report),
            sec.coverage(report),
            sec.demand(report),
            sec.hotline(report),
            sec.drives(report),
            sec.station_changes(report),
            sec.data_quality(report),
            sec.footer(),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _header(report: MonthlyReport, title: str) -> str:
    built = report.info.get("built_at", f.MISSING)
    parts = [
        f"<header><h1>{escape(title)}</h1>",
        f'<p class="subtitle">{escape(report.scope.name)} · {f.month_label(report.month)}'
        f" · 数据快照生成于 {escape(built[:16].replace('T', ' '))}</p>",
    ]
    latest = report.latest_complete_month
    if latest is not None and report.month > latest:
        parts.append(
            f'<p class="notice">注意：本月数据尚不完整（最近的完整月份为 '
            f"{f.month_label(latest)}），以下数字会随后续数据更新。</p>"
        )
    if report.provisional:
        parts.append(
            '<p class="notice">热线数字为暂定：本月仍有工单受理未满 7 日，办结数还会增加；'
            "办结情况按“按期办结率”（只计受理已满 7 日的工单）与上月比较。</p>"
        )
    return "".join(parts) + "</header>"


def _attention(report: MonthlyReport) -> str:
    """本月需关注: the headline sentences (pipelines/report/attention.py)."""
    items = "".join(
        f'<li class="{"adverse" if n.adverse else "favourable"}">{escape(n.text)}</li>'
        for n in headline(report.attention, report.scope.code, "zh")
    )
    return f'<section class="attention"><h2>本月需关注</h2><ul>{items}</ul></section>'


def _target(report: MonthlyReport, column: str) -> str:
    """A card's target line: "目标 ≥ 80.0%，未达标" (nothing for a figure without one)."""
    target, value = report.targets.get(column), report.kpi[column]
    if target is None or value is None:
        return ""
    met = value >= target
    verdict = "已达标" if met else "未达标"
    return (
        f'<div class="target {"met" if met else "missed"}">'
        f"目标 ≥ {f.percent(target)}，{verdict}</div>"
    )


def _headline(report: MonthlyReport) -> str:
    kpi = report.kpi
    visits_mom, visits_yoy = sec.changes(report, "visits", "count")
    workers_mom, _ = sec.changes(report, "unique_workers", "count")
    coverage_mom, _ = sec.changes(report, "coverage_rate", "rate")
    radius = float(report.info.get("coverage_radius_m") or 1000)
    sentences = [
        f"本月服务人次 {f.count(kpi['visits'])}，{visits_mom}，{visits_yoy}。"
        f"服务劳动者 {f.count(kpi['unique_workers'])} 人，{workers_mom}。",
        f"{sec.area(report)}在运营驿站 {f.count(kpi['active_stations'])} 个，其中七有达标 "
        f"{f.count(kpi['standard_stations'])} 个、已验收 {f.count(kpi['accepted_stations'])} 个；"
        f"驿站 {f.metres(radius)}范围内覆盖户外劳动者 {f.count(kpi['covered_workers'])} 人，"
        f"覆盖率 {f.percent(kpi['coverage_rate'])}，{coverage_mom}。",
    ]
    cards = []
    for column, label, kind in HEADLINE:
        mom, yoy = sec.changes(report, column, kind)
        flag = (
            '<div class="flag">暂定</div>'
            if report.provisional and column in HOTLINE_FIGURES
            else ""
        )
        cards.append(
            f'<div class="card"><div class="label">{escape(label)}</div>'
            f'<div class="value">{escape(f.figure(kpi[column], kind))}</div>'
            f'<div class="change">{escape(mom)}<br>{escape(yoy)}</div>'
            f"{_target(report, column)}{flag}</div>"
        )
    # always twelve slots, so that a young snapshot's few months are not drawn as
    # giant bars; months before the data starts stay empty
    visits = {row["month"]: row["visits"] for row in report.trend}
    months = [add_months(report.month, i - TREND_MONTHS + 1) for i in range(TREND_MONTHS)]
    trend = column_chart(
        [(f.short_month_label(m, first=i == 0), visits.get(m)) for i, m in enumerate(months)],
        f.count,
        title="近 12 个月服务人次",
    )
    return (
        "<section><h2>一、核心指标</h2>"
        + "".join(sec.paragraph(text) for text in sentences)
        + f'<div class="cards">{"".join(cards)}</div>'
        + "<h3>近 12 个月服务人次</h3>"
        + trend
        + "</section>"
    )
