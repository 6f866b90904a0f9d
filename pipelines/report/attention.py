"""The headline: 3–5 sentences saying what needs attention in a scope's month, written
from the rows of ``attention_monthly`` (docs/metrics.md "Targets and attention").

One phrasing for every reader: the overview (Chinese, or English when toggled), the
monthly brief and the WeChat month card (Chinese) all call :func:`headline`. Its input is
the month's findings of the scope and of the scopes one level down; its order:

1. up to :data:`OWN_FIRST` of the scope's own findings, by priority then magnitude;
2. one sentence per kind and figure for the scopes one level down (how many, and the
   worst one), by priority then the worst one's magnitude — except stations gone quiet,
   which the scope's own finding already counts;
3. the scope's remaining findings; at most ``limit`` sentences in all.

A month without findings gets one sentence saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pipelines.report import formatting as f

OWN_FIRST = 3
LIMIT = 5

#: the figures findings are about: (Chinese, English), and whether each is a rate
METRICS: dict[str, tuple[str, str, bool]] = {
    "standard_rate": ("七有达标率", "standard rate", True),
    "coverage_rate": ("覆盖率", "coverage rate", True),
    "resolution_rate_7d": ("按期办结率", "on-time resolution rate", True),
    "visits": ("服务人次", "visits", False),
    "unique_workers": ("服务人数", "workers served", False),
    "enrolled": ("入会人数", "enrolments", False),
    "backlog": ("积压工单", "backlog", False),
    "active_stations": ("驿站", "stations", False),
}
#: the figures of the hotline: marked provisional in a provisional month
HOTLINE = {"resolution_rate_7d", "backlog"}
#: scope levels as a sentence names several of them
LEVELS = {"district": ("区", "districts"), "subdistrict": ("街道（乡镇）", "subdistricts")}


@dataclass(frozen=True)
class Sentence:
    text: str
    #: the dashboard page that shows it (``/coverage`` …)
    page: str
    adverse: bool
    kind: str
    metric: str


def _label(metric: str, lang: str) -> str:
    zh, en, _ = METRICS.get(metric, (metric, metric, False))
    return en if lang == "en" else zh


def _value(metric: str, value: float | None) -> str:
    return f.percent(value) if METRICS.get(metric, ("", "", False))[2] else f.count(value)


def _change(finding: Mapping[str, Any], lang: str) -> str:
    """The move, in points for a rate and as a share for a count: "下降 7.0 个百分点"."""
    value, previous, metric = finding["value"], finding["previous"], finding["metric"]
    down = value < previous
    if METRICS[metric][2]:
        size = f"{abs(value - previous) * 100:.1f}"
        if lang == "en":
            return f"{'down' if down else 'up'} {size} points"
        return f"{'下降' if down else '提高'} {size} 个百分点"
    size = f.percent(abs(value - previous) / previous) if previous else f.MISSING
    if lang == "en":
        return f"{'down' if down else 'up'} {size}"
    return f"{'下降' if down else '增长'} {size}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _peers(finding: Mapping[str, Any], lang: str) -> str:
    """A lagging peer's standing: "在 16 个区中排第 11，比中位数（78.1%）低 12.9 个百分点"."""
    level_zh, level_en = LEVELS[finding["scope_level"]]
    median = _value(finding["metric"], finding["reference"])
    gap = f"{(finding['reference'] - finding['value']) * 100:.1f}"
    rank, peers = finding["peer_rank"], finding["peers"]
    if lang == "en":
        return f"{rank} of {peers} {level_en}, {gap} points below their median ({median})"
    return f"在 {peers} 个{level_zh}中排第 {rank}，比中位数（{median}）低 {gap} 个百分点"


def _own(finding: Mapping[str, Any], lang: str, lagging: Mapping[str, Any] | None = None) -> str:
    """The sentence of one of the scope's own findings; a missed target carries the
    scope's standing among its peers when it also lags them on that figure."""
    kind, metric = finding["kind"], finding["metric"]
    name, value = _label(metric, lang), _value(metric, finding["value"])
    en = lang == "en"
    if kind == "missed_target":
        target = _value(metric, finding["reference"])
        text = (
            f"{_capital(name)} {value}, below the {target} target"
            if en
            else f"{name} {value}，低于目标 {target}"
        )
        if lagging is not None:
            text += f"; {_peers(lagging, lang)}" if en else f"；{_peers(lagging, lang)}"
        return text + ("." if en else "。")
    if kind == "large_move":
        before = _value(metric, finding["previous"])
        change = _change(finding, lang)
        return (
            f"{_capital(name)} {change} on last month ({before} → {value})."
            if en
            else f"{name}环比{change}（{before} → {value}）。"
        )
    if kind == "lagging_peer":
        clause = _peers(finding, lang)
        return f"{_capital(name)} {value}: {clause}." if en else f"{name} {value}，{clause}。"
    if kind == "station_gone_quiet":
        n, before = f.count(finding["value"]), f.count(finding["previous"])
        return (
            f"{n} stations recorded no visit this month after {before} last month, "
            f"e.g. {finding['subject']}."
            if en
            else f"{n} 个驿站本月没有服务记录（上月共 {before} 人次），如{finding['subject']}。"
        )
    if kind == "backlog_growing":
        before = f.count(finding["previous"])
        return (
            f"The backlog rose two months running, to {value} open calls ({before} two months ago)."
            if en
            else f"积压工单连续两个月上升，月末 {value} 件（两个月前 {before} 件）。"
        )
    raise ValueError(f"unknown finding kind {kind!r}")


def _group(findings: list[Mapping[str, Any]], lang: str) -> str:
    """One sentence for the scopes one level down with the same kind of finding."""
    worst = findings[0]
    kind, metric, n = worst["kind"], worst["metric"], len(findings)
    level_zh, level_en = LEVELS[worst["scope_level"]]
    level_en = level_en if n > 1 else level_en[:-1]  # "1 district", "2 districts"
    name, where = _label(metric, lang), worst["scope_name"]
    value = _value(metric, worst["value"])
    en = lang == "en"
    if kind == "missed_target":
        target = _value(metric, worst["reference"])
        return (
            f"{n} {level_en} below the {target} {name} target; lowest: {where} ({value})."
            if en
            else f"{n} 个{level_zh}的{name}低于目标 {target}，最低的是{where}（{value}）。"
        )
    if kind == "large_move":
        change = _change(worst, lang)
        verb = ("fell" if worst["adverse"] else "rose") if en else (
            "大幅下降" if worst["adverse"] else "大幅上升"
        )  # fmt: skip
        return (
            f"{_capital(name)} {verb} sharply in {n} {level_en}; most in {where} ({change})."
            if en
            else f"{n} 个{level_zh}的{name}环比{verb}，幅度最大的是{where}（{change}）。"
        )
    if kind == "lagging_peer":
        median = _value(metric, worst["reference"])
        return (
            f"{n} {level_en} lag their peers on {name}; furthest behind: {where} ({value}, "
            f"median {median})."
            if en
            else f"{n} 个{level_zh}的{name}明显落后于同级，差距最大的是{where}"
            f"（{value}，中位数 {median}）。"
        )
    if kind == "backlog_growing":
        return (
            f"The backlog rose two months running in {n} {level_en}; largest: {where} "
            f"({value} open calls)."
            if en
            else f"{n} 个{level_zh}的积压工单连续两个月上升，最多的是{where}（{value} 件）。"
        )
    raise ValueError(f"no group sentence for {kind!r}")


def _mark(text: str, finding: Mapping[str, Any], lang: str) -> str:
    """A hotline figure of a provisional month is marked so, inside a closing bracket."""
    if finding["metric"] not in HOTLINE or not finding.get("provisional"):
        return text
    if lang == "en":
        return (
            text[:-2] + ", provisional)." if text.endswith(").") else text[:-1] + " (provisional)."
        )
    return text[:-2] + "，暂定）。" if text.endswith("）。") else text[:-1] + "（暂定）。"


def _order(finding: Mapping[str, Any]) -> tuple:
    return (finding["priority"], -(finding["magnitude"] or 0), finding["metric"])


def headline(
    findings: Iterable[Mapping[str, Any]], scope_code: str, lang: str = "zh", limit: int = LIMIT
) -> list[Sentence]:
    """The sentences for ``scope_code`` from its month's findings and its children's."""
    rows = list(findings)
    own = sorted((r for r in rows if r["scope_code"] == scope_code), key=_order)
    missed = {r["metric"] for r in own if r["kind"] == "missed_target"}
    lagging = {r["metric"]: r for r in own if r["kind"] == "lagging_peer"}
    own = [r for r in own if not (r["kind"] == "lagging_peer" and r["metric"] in missed)]
    groups: dict[tuple[str, str, int], list[Mapping[str, Any]]] = {}
    for row in sorted((r for r in rows if r["scope_code"] != scope_code), key=_order):
        if row["kind"] != "station_gone_quiet":
            groups.setdefault((row["kind"], row["metric"], row["priority"]), []).append(row)
    children = sorted(groups.values(), key=lambda group: _order(group[0]))

    def sentence(finding: Mapping[str, Any], text: str) -> Sentence:
        return Sentence(
            _mark(text, finding, lang),
            finding["page"],
            bool(finding["adverse"]),
            finding["kind"],
            finding["metric"],
        )

    def mine(finding: Mapping[str, Any]) -> Sentence:
        peers = lagging.get(finding["metric"]) if finding["kind"] == "missed_target" else None
        return sentence(finding, _own(finding, lang, peers))

    chosen = [mine(r) for r in own[:OWN_FIRST]]
    chosen += [sentence(g[0], _group(g, lang)) for g in children]
    chosen += [mine(r) for r in own[OWN_FIRST:]]
    if not chosen:
        text = (
            "All targets met and no large moves this month."
            if lang == "en"
            else "本月各项指标均达到目标，没有需要特别关注的变化。"
        )
        return [Sentence(text, "/", False, "none", "")]
    return chosen[:limit]
