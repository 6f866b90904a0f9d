"""The monthly report's sections after the headline, as HTML fragments in Chinese:
coverage gaps, demand, the hotline, membership drives, station changes, data quality,
and the helpers every section writes with (tables, paragraphs, changes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from typing import Literal

from pipelines.report import formatting as f
from pipelines.report.charts import bar_chart
from pipelines.report.data import MonthlyReport, Row
from pipelines.vocabulary import CATEGORY, PLATFORM, SERVICE

#: a station-change list longer than this is cut, with a line saying how many more
MAX_STATION_CHANGES = 15


def area(report: MonthlyReport) -> str:
    return {"city": "全市", "district": "全区"}.get(report.scope.level, "辖区内")


def changes(report: MonthlyReport, column: str, kind: f.Kind) -> tuple[str, str]:
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


def html_table(
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


def paragraph(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def coverage(report: MonthlyReport) -> str:
    kpi = report.kpi
    uncovered_workers = kpi["outdoor_workers"] - kpi["covered_workers"]
    uncovered_communities = kpi["communities"] - kpi["covered_communities"]
    summary = (
        f"{area(report)}共有社区 {f.count(kpi['communities'])} 个，已覆盖 "
        f"{f.count(kpi['covered_communities'])} 个；{f.count(uncovered_communities)} "
        f"个未覆盖社区中共有户外劳动者 {f.count(uncovered_workers)} 人。"
    )
    if not report.gaps:
        none = paragraph("本月没有未覆盖的社区。")
        return f"<section><h2>二、覆盖缺口</h2>{paragraph(summary)}{none}</section>"
    largest = report.gaps[0]
    summary += (
        f"缺口最大的是{largest['district']}{largest['subdistrict']}{largest['community_name']}"
        f"（{f.count(largest['uncovered_workers'])} 人）。"
    )
    table = html_table(
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
        f"{paragraph(summary)}{table}</section>"
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


def demand(report: MonthlyReport) -> str:
    parts = ["<section><h2>三、服务需求</h2>"]
    if not report.service_mix:
        parts.append(paragraph("本月没有服务记录。"))
    else:
        top = report.service_mix[0]
        parts.append(
            paragraph(
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
        parts.append(paragraph(sentence + "。"))
    headers = ("驿站", "所在区、街道", "服务人次", "座位数", "每座位日均人次")
    if report.busiest:
        parts.append(f"<h3>服务人次最多的 {len(report.busiest)} 个驿站</h3>")
        parts.append(html_table(headers, _station_rows(report.busiest), numeric=(2, 3, 4)))
    if report.crowded:
        parts.append(f"<h3>最拥挤的 {len(report.crowded)} 个驿站（每座位日均人次）</h3>")
        parts.append(html_table(headers, _station_rows(report.crowded), numeric=(2, 3, 4)))
    return "".join(parts) + "</section>"


def hotline(report: MonthlyReport) -> str:
    """Calls, resolved and the like-for-like 按期办结率 (metrics.md "Hotline"): a
    provisional month's resolved count is marked so and not compared with last month's."""
    kpi = report.kpi
    on_time_mom, _ = changes(report, "resolution_rate_7d", "rate")
    backlog_mom, _ = changes(report, "backlog", "count")
    if kpi["calls"] == 0:
        first = "本月没有受理热线工单。"
    else:
        resolved = f"办结 {f.count(kpi['resolved'])} 件（办结率 {f.percent(kpi['resolution_rate'])}"
        resolved = (
            f"目前已{resolved}，暂定：仍有工单在办理期内）"
            if report.provisional
            else f"{resolved}）"
        )
        eligible = (
            f"，只计受理已满 7 日的 {f.count(kpi['eligible_calls_7d'])} 件"
            if report.provisional
            else ""
        )
        first = (
            f"本月受理热线工单 {f.count(kpi['calls'])} 件，{resolved}；按期办结率（7 日内办结"
            f"{eligible}）{f.percent(kpi['resolution_rate_7d'])}，{on_time_mom}；办结用时中位数 "
            f"{f.hours(kpi['median_resolution_hours'])}，平均满意度 "
            f"{f.score(kpi['avg_satisfaction'])}。"
        )
    backlog = f"月末未办结工单 {f.count(kpi['backlog'])} 件，{backlog_mom}。"
    table = html_table(
        ("诉求类别", "工单", "办结", "办结率", "按期办结率", "办结用时中位数"),
        (
            (
                CATEGORY.label(row["category"]),
                f.count(row["calls"]),
                f.count(row["resolved"]),
                f.percent(row["resolution_rate"]),
                f.percent(row["resolution_rate_7d"]),
                f.hours(row["median_resolution_hours"]),
            )
            for row in report.hotline
        ),
        numeric=(1, 2, 3, 4, 5),
    )
    title = "四、工会热线（暂定）" if report.provisional else "四、工会热线"
    return (
        f"<section><h2>{title}</h2>{paragraph(first)}{paragraph(backlog)}"
        f"{table if report.hotline else ''}</section>"
    )


def drives(report: MonthlyReport) -> str:
    kpi = report.kpi
    if kpi["drives"] == 0:
        return f"<section><h2>五、入会活动</h2>{paragraph('本月没有开展入会活动。')}</section>"
    enrolled_mom, enrolled_yoy = changes(report, "enrolled", "count")
    sentence = (
        f"本月开展入会活动 {f.count(kpi['drives'])} 场，覆盖 {f.count(kpi['reached'])} 人，"
        f"新入会 {f.count(kpi['enrolled'])} 人，{enrolled_mom}，{enrolled_yoy}；"
        f"入会率 {f.percent(kpi['enrollment_rate'])}。"
    )
    table = html_table(
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
        f"<section><h2>五、入会活动（按平台）</h2>{paragraph(sentence)}"
        f"<h3>各平台入会人数</h3>{chart}{table}</section>"
    )


def station_changes(report: MonthlyReport) -> str:
    changes = (("新开", report.opened), ("关闭", report.closed), ("通过验收", report.accepted))
    sentence = (
        f"本月新开驿站 {f.count(len(report.opened))} 个，关闭 {f.count(len(report.closed))} 个，"
        f"通过验收 {f.count(len(report.accepted))} 个。"
    )
    parts = [f"<section><h2>六、驿站变动</h2>{paragraph(sentence)}"]
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
        parts.append(html_table(("变动", "驿站", "所在区、街道", "日期"), rows))
    if more:
        parts.append(f'<p class="more">{escape("；".join(more))}（详见驿站台账）。</p>')
    return "".join(parts) + "</section>"


def data_quality(report: MonthlyReport) -> str:
    q = report.quality
    scope_note = "（全市口径）" if report.scope.level != "city" else ""
    sentence = (
        f"数据质量{scope_note}：本期快照载入文件 {f.count(q['files_loaded'])} 个、"
        f"{f.count(q['rows_loaded'])} 行，拒收文件 {f.count(q['files_rejected'])} 个，"
        f"隔离问题行 {f.count(q['rows_quarantined'])} 行；问题明细见数据平台的“数据质量”页面。"
    )
    return f"<section><h2>七、数据质量</h2>{paragraph(sentence)}</section>"


def footer() -> str:
    return (
        "<footer>本报告由暖心驿站数据平台根据发布的数据快照自动生成；"
        "各指标口径见平台“指标说明”。环比、同比为相对变化，比率指标的变化以百分点计。</footer>"
    )
