"""The WeChat month card (微信月报卡片): one tall PNG per scope and month, 1080 px wide,
that a leader forwards to a group chat — the headline sentences, nine key figures with
their change and target, and six months of visits.

The card is an HTML page (Chinese, inline CSS and SVG, nothing external) pictured by
headless chromium at 1080 px × :func:`card_height`. Its height is worked out from the
content before the picture is taken: every character is counted one em wide (no glyph of
the fonts used is wider), so the content always fits, and what is left over falls above
the footer. Files, under ``<reports>/cards/``: ``YYYY-MM[-<code>].png`` and the HTML it
was pictured from, beside it. The PNG also carries its source text — the month's figures
as plain text — in an ``iTXt`` chunk (keyword ``Description``), so the numbers travel
with the picture and can be read back (:func:`png_text`).
"""

from __future__ import annotations

import math
import os
import struct
import zlib
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

from pipelines.report import formatting as f
from pipelines.report.attention import Sentence, headline
from pipelines.report.charts import column_chart
from pipelines.report.data import HOTLINE_FIGURES, MonthlyReport, add_months, load_report, scope_of
from pipelines.report.pdf import PdfError, find_chromium, screenshot
from pipelines.serving import open_snapshot

WIDTH = 1080
PADDING = 64
SENTENCE_PX = 34
CHART_MONTHS = 6
#: the card's figures: kpi_monthly column, label, how it is written
FIGURES: tuple[tuple[str, str, f.Kind], ...] = (
    ("visits", "服务人次", "count"),
    ("unique_workers", "服务人数", "count"),
    ("active_stations", "在运营驿站", "count"),
    ("standard_rate", "七有达标率", "rate"),
    ("coverage_rate", "覆盖率", "rate"),
    ("enrolled", "新入会人数", "count"),
    ("calls", "热线工单", "count"),
    ("resolution_rate_7d", "按期办结率", "rate"),
    ("backlog", "积压工单", "count"),
)
#: fixed heights (px) of the card's parts, matching the CSS below
HEADER, SECTION_TITLE, TILE, TILE_GAP, CHART, FOOTER = 330, 150, 236, 20, 470, 120
LIST_INDENT, SENTENCE_GAP = 48, 14
KEYWORD = "Description"

CSS = f"""
* {{ box-sizing: border-box; margin: 0; }}
html, body {{ width: {WIDTH}px; background: #fff; }}
body {{ font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
  "PingFang SC", "Microsoft YaHei", sans-serif; color: #222; }}
.card {{ display: flex; flex-direction: column; }}
header {{ height: {HEADER}px; background: #c0392b; color: #fff; padding: 56px {PADDING}px; }}
.brand {{ font-size: 30px; opacity: .85; }}
h1 {{ font-size: 72px; line-height: 1.3; margin-top: 8px; }}
.month {{ font-size: 40px; }}
h2 {{ font-size: 40px; border-left: 10px solid #c0392b; padding-left: 18px;
  line-height: 1.2; margin: 48px 0 28px; }}
section {{ padding: 0 {PADDING}px; }}
ol {{ padding-left: {LIST_INDENT}px; font-size: {SENTENCE_PX}px; line-height: 1.5; }}
li {{ margin-bottom: {SENTENCE_GAP}px; }}
li.adverse::marker {{ color: #c0392b; }} li.favourable::marker {{ color: #1e8449; }}
.tiles {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: {TILE_GAP}px; }}
.tile {{ height: {TILE}px; border: 2px solid #ecd3d0; border-radius: 12px; background: #fdf6f5;
  padding: 20px 22px; white-space: nowrap; overflow: hidden; }}
.label {{ font-size: 28px; color: #666; }}
.value {{ font-size: 54px; font-weight: bold; line-height: 1.3; }}
.change {{ font-size: 26px; color: #777; }}
.change.adverse {{ color: #c0392b; font-weight: bold; }}
.change.favourable {{ color: #1e8449; font-weight: bold; }}
.target {{ font-size: 25px; }} .target.missed {{ color: #c0392b; }}
.target.met {{ color: #1e8449; }}
.flag {{ font-size: 22px; color: #a04000; background: #fdebd0; border-radius: 6px;
  padding: 0 8px; margin-left: 8px; vertical-align: middle; }}
.spacer {{ flex: 1; }}
footer {{ height: {FOOTER}px; padding: 36px {PADDING}px; font-size: 24px; color: #888;
  border-top: 2px solid #eee; margin-top: 32px; }}
"""


@dataclass(frozen=True)
class CardFiles:
    png: Path | None
    html: Path
    #: the month's figures as plain text (also inside the PNG)
    source_text: str
    #: why there is no PNG (None when there is one)
    png_skipped: str | None


def _lines(text: str) -> int:
    """Lines a sentence takes at most, every character one em wide."""
    per_line = (WIDTH - 2 * PADDING - LIST_INDENT) // SENTENCE_PX
    return max(1, math.ceil(len(text) / per_line))


def card_height(sentences: list[Sentence]) -> int:
    """The card's height in px: the fixed parts and the sentences' lines."""
    words = sum(
        _lines(s.text) * round(SENTENCE_PX * 1.5) + SENTENCE_GAP for s in sentences
    )  # fmt: skip
    tiles = math.ceil(len(FIGURES) / 3) * (TILE + TILE_GAP)
    return HEADER + SECTION_TITLE + words + SECTION_TITLE + tiles + CHART + FOOTER


def _moves(report: MonthlyReport) -> dict[str, bool]:
    """metric → adverse, for the scope's own large moves (the change is coloured)."""
    return {
        row["metric"]: bool(row["adverse"])
        for row in report.attention
        if row["scope_code"] == report.scope.code and row["kind"] == "large_move"
    }


def _figure(report: MonthlyReport, column: str, kind: f.Kind) -> tuple[str, str, str, bool]:
    """(value, change, target line, provisional) of one figure, as written on the card."""
    value = report.kpi[column]
    previous = report.previous[column] if report.previous else None
    change = f.change(value, previous, kind, previous_exists=report.previous is not None)
    target = report.targets.get(column)
    verdict = ""
    if target is not None and value is not None:
        verdict = f"目标 ≥ {f.percent(target)}，{'已达标' if value >= target else '未达标'}"
    return f.figure(value, kind), change, verdict, report.provisional and column in HOTLINE_FIGURES


def source_text(report: MonthlyReport, sentences: list[Sentence]) -> str:
    """The card's figures as plain text, line by line."""
    lines = [f"{report.scope.name}暖心驿站月报 · {f.month_label(report.month)}", "本月需关注："]
    lines += [f"{n}. {s.text}" for n, s in enumerate(sentences, 1)]
    lines.append("核心指标：")
    for column, label, kind in FIGURES:
        value, change, target, provisional = _figure(report, column, kind)
        notes = "；".join(x for x in ("暂定" if provisional else "", change, target) if x)
        lines.append(f"{label} {value}（{notes}）")
    visits = {row["month"]: row["visits"] for row in report.trend}
    months = [add_months(report.month, i - CHART_MONTHS + 1) for i in range(CHART_MONTHS)]
    trend = "，".join(f"{f.month_label(m)} {f.count(visits.get(m))}" for m in months)
    lines.append(f"近 {CHART_MONTHS} 个月服务人次：{trend}")
    lines.append(f"数据快照生成于 {report.info.get('built_at', f.MISSING)[:16].replace('T', ' ')}")
    return "\n".join(lines)


def render_card(report: MonthlyReport) -> tuple[str, int, str]:
    """(HTML, height in px, source text) of the report's month card."""
    sentences = headline(report.attention, report.scope.code, "zh")
    moves = _moves(report)
    tiles = []
    for column, label, kind in FIGURES:
        value, change, target, provisional = _figure(report, column, kind)
        tone = "" if column not in moves else " adverse" if moves[column] else " favourable"
        missed = " missed" if "未达标" in target else " met"
        flag = '<span class="flag">暂定</span>' if provisional else ""
        tiles.append(
            f'<div class="tile"><div class="label">{escape(label)}{flag}</div>'
            f'<div class="value">{escape(value)}</div>'
            f'<div class="change{tone}">{escape(change)}</div>'
            f'<div class="target{missed if target else ""}">{escape(target) or "&nbsp;"}</div>'
            "</div>"
        )
    visits = {row["month"]: row["visits"] for row in report.trend}
    months = [add_months(report.month, i - CHART_MONTHS + 1) for i in range(CHART_MONTHS)]
    chart = column_chart(
        [(f"{m.month}月", visits.get(m)) for m in months],
        f.count,
        title=f"近 {CHART_MONTHS} 个月服务人次",
        width=WIDTH - 2 * PADDING,
        height=CHART - SECTION_TITLE,
        label_px=28,
        value_px=26,
    )
    items = "".join(
        f'<li class="{"adverse" if s.adverse else "favourable"}">{escape(s.text)}</li>'
        for s in sentences
    )
    height = card_height(sentences)
    built = report.info.get("built_at", f.MISSING)[:16].replace("T", " ")
    title = f"{report.scope.name}暖心驿站月报（{f.month_label(report.month)}）"
    body = (
        f'<div class="card" style="min-height: {height}px">'
        f'<header><div class="brand">暖心驿站 · 月度速览</div>'
        f"<h1>{escape(report.scope.name)}</h1>"
        f'<div class="month">{f.month_label(report.month)}</div></header>'
        f"<section><h2>本月需关注</h2><ol>{items}</ol></section>"
        f'<section><h2>核心指标</h2><div class="tiles">{"".join(tiles)}</div></section>'
        f"<section><h2>近 {CHART_MONTHS} 个月服务人次</h2>{chart}</section>"
        '<div class="spacer"></div>'
        f"<footer>暖心驿站数据平台 · 数据快照 {escape(built)} · 口径见平台“指标说明”</footer>"
        "</div>"
    )
    html = (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )
    return html, height, source_text(report, sentences)


# --- PNG text --------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def with_text(png: bytes, text: str, keyword: str = KEYWORD) -> bytes:
    """The PNG with an uncompressed ``iTXt`` chunk (UTF-8 text) right after its header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    itxt = keyword.encode("latin-1") + b"\x00\x00\x00" + b"zh-CN\x00\x00" + text.encode("utf-8")
    end_of_header = 8 + 12 + struct.unpack(">I", png[8:12])[0]
    return png[:end_of_header] + _chunk(b"iTXt", itxt) + png[end_of_header:]


def png_text(png: bytes) -> dict[str, str]:
    """The ``iTXt`` texts of a PNG by keyword (uncompressed ones)."""
    texts, at = {}, 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        if kind == b"iTXt":
            keyword, rest = data.split(b"\x00", 1)
            if rest[0] == 0:  # not compressed
                _, _, text = rest[2:].split(b"\x00", 2)
                texts[keyword.decode("latin-1")] = text.decode("utf-8")
        at += 12 + length
    return texts


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's header."""
    return struct.unpack(">II", png[16:24])


# --- files -----------------------------------------------------------------------------


def card_stem(month: date, code: str | None) -> str:
    return f"{month:%Y-%m}" if code is None else f"{month:%Y-%m}-{code}"


def write_card(report: MonthlyReport, cards_dir: Path) -> CardFiles:
    """Write the card's HTML and, when chromium is installed, its PNG."""
    cards_dir.mkdir(parents=True, exist_ok=True)
    html, height, text = render_card(report)
    code = None if report.scope.level == "city" else report.scope.code
    stem = card_stem(report.month, code)
    html_path = cards_dir / f"{stem}.html"
    partial = html_path.with_name(html_path.name + ".partial")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, html_path)
    chromium = find_chromium()
    if chromium is None:
        return CardFiles(None, html_path, text, "no chromium on PATH: wrote the HTML card only")
    png_path = cards_dir / f"{stem}.png"
    screenshot(html_path, png_path, WIDTH, height, chromium)
    picture = with_text(png_path.read_bytes(), text)
    partial = png_path.with_name(png_path.name + ".partial")
    partial.write_bytes(picture)
    os.replace(partial, png_path)
    return CardFiles(png_path, html_path, text, None)


def card_for(snapshot_path: Path, cards_dir: Path, month: date, scope_code: str) -> CardFiles:
    """The card of a city, district or subdistrict code, written under ``cards_dir``."""
    con = open_snapshot(snapshot_path)
    try:
        report = load_report(con, month, scope_of(con, scope_code))
    finally:
        con.close()
    return write_card(report, cards_dir)


__all__ = ["CardFiles", "PdfError", "card_for", "card_height", "png_size", "png_text",
           "render_card", "with_text", "write_card"]  # fmt: skip
