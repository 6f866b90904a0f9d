"""How the monthly report writes numbers and changes, in one place.

Every figure in the report goes through these functions, so a reader sees the same
style everywhere (``12,345``, ``8.2%``, ``环比增长 8.2%``) and the tests can format an
expected value exactly as the report does. A missing value (SQL NULL) is written
:data:`MISSING`, never ``0``: metrics.md keeps "no data" and "zero" apart.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

MISSING = "—"

#: how a figure changes: ``count`` and ``hours`` by a relative change (ratio),
#: ``rate`` by percentage points, because "+5%" of a 60% rate reads ambiguously
Kind = Literal["count", "rate", "hours", "score"]


def count(value: int | float | None) -> str:
    """A whole number with thousands separators: ``12,345``."""
    return MISSING if value is None else f"{round(value):,}"


def percent(ratio: float | None, digits: int = 1) -> str:
    """A ratio as a percentage: ``0.0825`` → ``8.3%``."""
    return MISSING if ratio is None else f"{ratio * 100:.{digits}f}%"


def hours(value: float | None) -> str:
    return MISSING if value is None else f"{value:.1f} 小时"


def score(value: float | None) -> str:
    """A satisfaction score on the 1–5 scale."""
    return MISSING if value is None else f"{value:.2f} 分"


def metres(value: float | None) -> str:
    return MISSING if value is None else f"{value:,.0f} 米"


def per_seat_day(value: float | None) -> str:
    return MISSING if value is None else f"{value:.2f}"


def figure(value: float | None, kind: Kind) -> str:
    """A KPI's value written for its kind."""
    if kind == "rate":
        return percent(value)
    if kind == "hours":
        return hours(value)
    if kind == "score":
        return score(value)
    return count(value)


def month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"


def short_month_label(month: date, *, first: bool = False) -> str:
    """A chart axis label: ``6月``, with the year (``24年1月``) on January and the first."""
    return f"{month:%y}年{month.month}月" if first or month.month == 1 else f"{month.month}月"


def day_label(day: date | None) -> str:
    return MISSING if day is None else f"{day.month}月{day.day}日"


def change(
    current: float | None,
    previous: float | None,
    kind: Kind,
    *,
    period: Literal["mom", "yoy"] = "mom",
    previous_exists: bool = True,
) -> str:
    """The change from ``previous`` to ``current`` as a short Chinese phrase.

    ``previous_exists`` is False when the snapshot has no row for the earlier month at
    all (before the data starts), which reads differently from a NULL value in a row.
    """
    prefix, earlier = ("环比", "上月") if period == "mom" else ("同比", "去年同期")
    if not previous_exists:
        return f"{earlier}无数据"
    if current is None:
        return "本月无数据"
    if previous is None:
        return f"{earlier}无数据"
    if kind == "rate":
        points = f"{abs(current - previous) * 100:.1f}"
        if float(points) == 0:
            return f"{prefix}持平"
        verb = "提高" if current > previous else "降低"
        return f"{prefix}{verb} {points} 个百分点"
    if previous == 0:
        return f"{prefix}持平" if current == 0 else f"{earlier}为 0"
    ratio = (current - previous) / abs(previous)
    text = percent(abs(ratio))
    if float(text.rstrip("%")) == 0:
        return f"{prefix}持平"
    return f"{prefix}{'增长' if ratio > 0 else '下降'} {text}"
