"""A KPI card: a figure of the month with its month-on-month and year-on-year change."""

from __future__ import annotations

from dash import html

from dashboards.data import Change
from dashboards.i18n import column, number, percent, t


def _delta(
    label: str, absolute: float | None, relative: float | None, rate: bool, higher_is_better: bool
) -> html.Span:
    if absolute is None:
        return html.Span(f"{label} —", className="delta none")
    if rate:
        # a change of a rate reads in percentage points, not a ratio of ratios
        text = f"{absolute * 100:+.1f} pp"
    else:
        text = f"{absolute:+,.0f}" if float(absolute).is_integer() else f"{absolute:+,.1f}"
        if relative is not None:
            text += f" ({relative * 100:+.1f}%)"
    better = absolute > 0 if higher_is_better else absolute < 0
    tone = "flat" if absolute == 0 else "better" if better else "worse"
    return html.Span(f"{label} {text}", className=f"delta {tone}")


def kpi_card(
    name: str, change: Change, lang: str, kind: str = "count", higher_is_better: bool = True
) -> html.Div:
    """``kind``: "count", "rate" (shown as %), "hours" or "score" (one decimal); a change
    is coloured green when it goes the good way (up, unless ``higher_is_better=False``)."""
    if kind == "rate":
        value = percent(change.value)
    elif kind in ("hours", "score"):
        value = number(change.value, 1)
    else:
        value = number(change.value)
    rate = kind == "rate"
    return html.Div(
        [
            html.Div(column(name, lang), className="kpi-label"),
            html.Div(value, className="kpi-value"),
            html.Div(
                [
                    _delta(t("mom", lang), change.mom_abs, change.mom_rel, rate, higher_is_better),
                    _delta(t("yoy", lang), change.yoy_abs, change.yoy_rel, rate, higher_is_better),
                ],
                className="kpi-deltas",
            ),
        ],
        className=f"kpi-card kpi-{name}",
    )
