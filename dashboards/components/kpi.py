"""A KPI card: a figure of the month with its month-on-month and year-on-year change, its
target, and where the scope stands among its peers.

Colour carries meaning, never the mere sign of a change: the card's edge says whether
the figure meets its target (green) or misses it (red), none without a target; a change
is coloured only when the attention findings call it a large move (red when it went the
bad way, green when the good way), else grey. Hotline figures of a provisional month wear
a "provisional" badge.
"""

from __future__ import annotations

from dash import html

from dashboards.data import Change, Standing
from dashboards.i18n import column, number, percent, t


def _delta(label: str, absolute: float | None, relative: float | None, rate: bool,
           tone: str) -> html.Span:  # fmt: skip
    if absolute is None:
        return html.Span(f"{label} —", className="delta none")
    if rate:
        # a change of a rate reads in percentage points, not a ratio of ratios
        text = f"{absolute * 100:+.1f} pp"
    else:
        text = f"{absolute:+,.0f}" if float(absolute).is_integer() else f"{absolute:+,.1f}"
        if relative is not None:
            text += f" ({relative * 100:+.1f}%)"
    return html.Span(f"{label} {text}", className=f"delta {tone}")


def _show(value: float | None, kind: str) -> str:
    if kind == "rate":
        return percent(value)
    if kind in ("hours", "score"):
        return number(value, 1)
    return number(value)


def _standing(standing: Standing, kind: str, lang: str) -> html.Div:
    """The rank among peers and the parent's figure: "第 3 / 16 · 北京市 85.2%"."""
    rank = "—" if standing.rank is None else f"{standing.rank}"
    place = (
        t("kpi.rank", lang, rank=rank, peers=standing.peers) if standing.peers > 1 else ""
    )  # fmt: skip
    parent = f"{standing.parent_name} {_show(standing.parent_value, kind)}"
    return html.Div(" · ".join(p for p in (place, parent) if p), className="kpi-standing")


def kpi_card(
    name: str,
    change: Change,
    lang: str,
    kind: str = "count",
    *,
    target: float | None = None,
    move: bool | None = None,
    standing: Standing | None = None,
    provisional: bool = False,
) -> html.Div:
    """``kind``: "count", "rate" (shown as %), "hours" or "score" (one decimal).
    ``target``: the figure's floor, if it has one; ``move``: None for a change that is not
    a large move, else whether the large move is adverse; ``standing``: the scope's rank
    among its peers and its parent's figure; ``provisional``: the figure will change."""
    rate = kind == "rate"
    tone = "none" if move is None else "large worse" if move else "large better"
    label = [html.Span(column(name, lang))]
    if provisional:
        label.append(html.Span(t("kpi.provisional", lang), className="badge provisional"))
    parts = [
        html.Div(label, className="kpi-label"),
        html.Div(_show(change.value, kind), className="kpi-value"),
        html.Div(
            [
                _delta(t("mom", lang), change.mom_abs, change.mom_rel, rate, tone),
                _delta(t("yoy", lang), change.yoy_abs, change.yoy_rel, rate, "none"),
            ],
            className="kpi-deltas",
        ),
    ]
    verdict = ""
    if target is not None and change.value is not None:
        verdict = " target-met" if change.value >= target else " target-missed"
        key = "kpi.target_met" if change.value >= target else "kpi.target_missed"
        parts.append(html.Div(t(key, lang, target=percent(target)), className="kpi-target"))
    if standing is not None:
        parts.append(_standing(standing, kind, lang))
    return html.Div(parts, className=f"kpi-card kpi-{name}{verdict}")
