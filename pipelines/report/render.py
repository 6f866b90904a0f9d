"""The monthly report as one self-contained HTML page in Chinese, laid out for A4 print.

Everything the page needs is inline: the CSS, the charts (SVG) and no script, so it
opens offline, can be mailed as one file, and prints the same in any browser. Fonts
are the reader's installed CJK fonts, never downloaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Literal

from pipelines.report import formatting as f
from pipelines.report.charts import bar_chart, column_chart
from pipelines.report.data import HEADLINE, TREND_MONTHS, MonthlyReport, Row, add_months
from pipelines.vocabulary import CATEGORY, PLATFORM, SERVICE

#: a station-change list longer than this is cut, with a line saying how many more
MAX_STATION_CHANGES = 15

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
footer { border-top: 1px solid #ddd; margin-top: 14px; padding-top: 4px; }
"""


def render_html(report: MonthlyReport) -> str:
    """The whole report as an HTML document."""
    title = f"{report.scope.name}暖心驿站月度报告（{f.month_label(report.month)}）"
    body = "".join(
        (
            _header(report, title),
            _headline(report),
            _coverage(report),
            _demand(report),
            _hotline(report),
            _drives(report),
            _station_changes(report),
            _data_quality(report),
            _footer(),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _area(report: MonthlyReport) -> str:
    return "全市" if report.scope.level == "city" else "全区"


def _changes(report: MonthlyReport, column: str, kind: f.Kind) -> tuple[str, str]:
    """Month-on-month and year-on-year phrases for one kpi_monthly column."""

    def versus(earlier: Row | None, period: Literal["mom", "yoy"]) -> str:
        return f.change(
            report.kpi[column],
            earlier[column] if earlier else None,
            kind,
            period=period,
            previous_exists=earlier is not None,
        )

    return versus(report.previous, "mom"), versus(report.year_ago, "yoy")


def _table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = ()
) -> str:
    def cell(tag: str, i: int, text: str) -> str:
        attr = ' class="num"' if i in numeric else ""
        return f"<{tag}{attr}>{escape(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, text) for i, text in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


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
    return "".join(parts) + "</header>"


def _headline(report: MonthlyReport) -> str:
    kpi = report.kpi
    visits_mom, visits_yoy = _changes(report, "visits", "count")
    workers_mom, _ = _changes(report, "unique_workers", "count")
    coverage_mom, _ = _changes(report, "coverage_rate", "rate")
    radius = float(report.info.get("coverage_radius_m") or 1000)
    sentences = [
        f"本月服务人次 {f.count(kpi['visits'])}，{visits_mom}，{visits_yoy}。"
        f"服务劳动者 {f.count(kpi['unique_workers'])} 人，{workers_mom}。",
        f"{_area(report)}在运营驿站 {f.count(kpi['active_stations'])} 个，其中七有达标 "
        f"{f.count(kpi['standard_stations'])} 个、已验收 {f.count(kpi['accepted_stations'])} 个；"
        f"驿站 {f.metres(radius)}范围内覆盖户外劳动者 {f.count(kpi['covered_workers'])} 人，"
        f"覆盖率 {f.percent(kpi['coverage_rate'])}，{coverage_mom}。",
    ]
    cards = []
    for column, label, kind in HEADLINE:
        mom, yoy = _changes(report, column, kind)
        cards.append(
            f'<div class="card"><div class="label">{escape(label)}</div>'
            f'<div class="value">{escape(f.figure(kpi[column], kind))}</div>'
            f'<div class="change">{escape(mom)}<br>{escape(yoy)}</div></div>'
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
        + "".join(_p(s) for s in sentences)
        + f'<div class="cards">{"".join(cards)}</div>'
        + "<h3>近 12 个月服务人次</h3>"
        + trend
        + "</section>"
    )


def _coverage(report: MonthlyReport) -> str:
    kpi = report.kpi
    uncovered_workers = kpi["outdoor_workers"] - kpi["covered_workers"]
    uncovered_communities = kpi["communities"] - kpi["covered_communities"]
    summary = (
        f"{_area(report)}共有社区 {f.count(kpi['communities'])} 个，已覆盖 "
        f"{f.count(kpi['covered_communities'])} 个；{f.count(uncovered_communities)} "
        f"个未覆盖社区中共有户外劳动者 {f.count(uncovered_workers)} 人。"
    )
    if not report.gaps:
        return (
            f"<section><h2>二、覆盖缺口</h2>{_p(summary)}{_p('本月没有未覆盖的社区。')}</section>"
        )
    largest = report.gaps[0]
    summary += (
        f"缺口最大的是{largest['district']}{largest['subdistrict']}{largest['community_name']}"
        f"（{f.count(largest['uncovered_workers'])} 人）。"
    )
    table = _table(
        ("排名", "社区", "街道（乡镇）", "区", "户外劳动者", "最近驿站距离", "未覆盖人数"),
        (
            (
                str(rank),
                row["community_name"],
                row["subdistrict"],
                row["district"],
                f.count(row["outdoor_workers"]),
                f.metres(row["nearest_station_m"]),
                f.count(row["uncovered_workers"]),
            )
            for rank, row in enumerate(report.gaps, 1)
        ),
        numeric=(0, 4, 5, 6),
    )
    return (
        f"<section><h2>二、覆盖缺口：未覆盖劳动者最多的 {len(report.gaps)} 个社区</h2>"
        f"{_p(summary)}{table}</section>"
    )


def _station_rows(rows: list[Row]) -> list[tuple[str, ...]]:
    return [
        (
            row["station_name"],
            f"{row['district'] or ''}{row['subdistrict'] or ''}",
            f.count(row["visits"]),
            f.count(row["seats"]) if row["seats"] is not None else f.MISSING,
            f.per_seat_day(row["visits_per_seat_day"]),
        )
        for row in rows
    ]


def _demand(report: MonthlyReport) -> str:
    parts = ["<section><h2>三、服务需求</h2>"]
    if not report.service_mix:
        parts.append(_p("本月没有服务记录。"))
    else:
        top = report.service_mix[0]
        parts.append(
            _p(
                f"本月需求最多的服务是{SERVICE.label(top['service'])}，"
                f"{f.count(top['visits'])} 人次，占 {f.percent(top['share'])}。"
            )
        )
        parts.append("<h3>服务项目</h3>")
        parts.append(
            bar_chart(
                [(SERVICE.label(row["service"]), row["visits"]) for row in report.service_mix],
                f.count,
                title="服务项目人次",
                label_chars=6,
            )
        )
    if report.busiest:
        busiest = report.busiest[0]
        sentence = (
            f"最繁忙的驿站是{busiest['station_name']}，本月服务 {f.count(busiest['visits'])} 人次"
        )
        if report.crowded:
            crowded = report.crowded[0]
            sentence += (
                f"；按座位计最拥挤的是{crowded['station_name']}，每座位每日 "
                f"{f.per_seat_day(crowded['visits_per_seat_day'])} 人次"
            )
        parts.append(_p(sentence + "。"))
    headers = ("驿站", "所在区、街道", "服务人次", "座位数", "每座位日均人次")
    if report.busiest:
        parts.append(f"<h3>服务人次最多的 {len(report.busiest)} 个驿站</h3>")
        parts.append(_table(headers, _station_rows(report.busiest), numeric=(2, 3, 4)))
    if report.crowded:
        parts.append(f"<h3>最拥挤的 {len(report.crowded)} 个驿站（每座位日均人次）</h3>")
        parts.append(_table(headers, _station_rows(report.crowded), numeric=(2, 3, 4)))
    return "".join(parts) + "</section>"


def _hotline(report: MonthlyReport) -> str:
    kpi = report.kpi
    rate_mom, _ = _changes(report, "resolution_rate", "rate")
    backlog_mom, _ = _changes(report, "backlog", "count")
    if kpi["calls"] == 0:
        first = "本月没有受理热线工单。"
    else:
        first = (
            f"本月受理热线工单 {f.count(kpi['calls'])} 件，办结 {f.count(kpi['resolved'])} 件，"
            f"办结率 {f.percent(kpi['resolution_rate'])}，{rate_mom}；办结用时中位数 "
            f"{f.hours(kpi['median_resolution_hours'])}，平均满意度 "
            f"{f.score(kpi['avg_satisfaction'])}。"
        )
    backlog = f"月末未办结工单 {f.count(kpi['backlog'])} 件，{backlog_mom}。"
    table = _table(
        ("诉求类别", "工单", "办结", "办结率", "办结用时中位数"),
        (
            (
                CATEGORY.label(row["category"]),
                f.count(row["calls"]),
                f.count(row["resolved"]),
                f.percent(row["resolution_rate"]),
                f.hours(row["median_resolution_hours"]),
            )
            for row in report.hotline
        ),
        numeric=(1, 2, 3, 4),
    )
    return (
        f"<section><h2>四、工会热线</h2>{_p(first)}{_p(backlog)}"
        f"{table if report.hotline else ''}</section>"
    )


def _drives(report: MonthlyReport) -> str:
    kpi = report.kpi
    if kpi["drives"] == 0:
        return f"<section><h2>五、入会活动</h2>{_p('本月没有开展入会活动。')}</section>"
    enrolled_mom, enrolled_yoy = _changes(report, "enrolled", "count")
    sentence = (
        f"本月开展入会活动 {f.count(kpi['drives'])} 场，覆盖 {f.count(kpi['reached'])} 人，"
        f"新入会 {f.count(kpi['enrolled'])} 人，{enrolled_mom}，{enrolled_yoy}；"
        f"入会率 {f.percent(kpi['enrollment_rate'])}。"
    )
    table = _table(
        ("平台", "活动场次", "覆盖人数", "入会人数", "入会率"),
        (
            (
                PLATFORM.label(row["platform"]),
                f.count(row["drives"]),
                f.count(row["reached"]),
                f.count(row["enrolled"]),
                f.percent(row["enrolled"] / row["reached"] if row["reached"] else None),
            )
            for row in report.drives
        ),
        numeric=(1, 2, 3, 4),
    )
    chart = bar_chart(
        [(PLATFORM.label(row["platform"]), row["enrolled"]) for row in report.drives],
        f.count,
        title="各平台入会人数",
        label_chars=6,
    )
    return (
        f"<section><h2>五、入会活动（按平台）</h2>{_p(sentence)}"
        f"<h3>各平台入会人数</h3>{chart}{table}</section>"
    )


def _station_changes(report: MonthlyReport) -> str:
    changes = (("新开", report.opened), ("关闭", report.closed), ("通过验收", report.accepted))
    sentence = (
        f"本月新开驿站 {f.count(len(report.opened))} 个，关闭 {f.count(len(report.closed))} 个，"
        f"通过验收 {f.count(len(report.accepted))} 个。"
    )
    parts = [f"<section><h2>六、驿站变动</h2>{_p(sentence)}"]
    rows = []
    more = []
    for label, stations in changes:
        for row in stations[:MAX_STATION_CHANGES]:
            rows.append(
                (
                    label,
                    row["station_name"],
                    f"{row['district'] or ''}{row['subdistrict'] or ''}",
                    f.day_label(row["day"]),
                )
            )
        if len(stations) > MAX_STATION_CHANGES:
            more.append(f"{label}另有 {len(stations) - MAX_STATION_CHANGES} 个未列出")
    if rows:
        parts.append(_table(("变动", "驿站", "所在区、街道", "日期"), rows))
    if more:
        parts.append(f'<p class="more">{escape("；".join(more))}（详见驿站台账）。</p>')
    return "".join(parts) + "</section>"


def _data_quality(report: MonthlyReport) -> str:
    q = report.quality
    scope_note = "（全市口径）" if report.scope.level != "city" else ""
    sentence = (
        f"数据质量{scope_note}：本期快照载入文件 {f.count(q['files_loaded'])} 个、"
        f"{f.count(q['rows_loaded'])} 行，拒收文件 {f.count(q['files_rejected'])} 个，"
        f"隔离问题行 {f.count(q['rows_quarantined'])} 行；问题明细见数据平台的“数据质量”页面。"
    )
    return f"<section><h2>七、数据质量</h2>{_p(sentence)}</section>"


def _footer() -> str:
    return (
        "<footer>本报告由暖心驿站数据平台根据发布的数据快照自动生成；"
        "各指标口径见平台“指标说明”。环比、同比为相对变化，比率指标的变化以百分点计。</footer>"
    )
