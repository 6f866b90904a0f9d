"""Charts of the dashboard: plain functions from a query's table to a plotly figure.

Labels come from :mod:`dashboards.i18n` (and through it the one vocabulary)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from dashboards.figures.base import COLORS, SEQUENCE, empty, grid, month_axis, months, style
from dashboards.i18n import WEEKDAYS, column, label, label_codes, t

# --- overview ------------------------------------------------------------------------

TREND_MEASURES = ("visits", "calls", "enrolled", "coverage_rate")


def trends(df: pl.DataFrame, lang: str) -> go.Figure:
    """Four small line charts of kpi_monthly over the months given."""
    if df.is_empty():
        return empty(lang, 420)
    x = months(df, lang)
    traces = [
        go.Scatter(x=x, y=df[measure].to_list(), mode="lines+markers",
                   name=column(measure, lang), line={"color": SEQUENCE[n]},
                   xaxis=f"x{n + 1 if n else ''}", yaxis=f"y{n + 1 if n else ''}")
        for n, measure in enumerate(TREND_MEASURES)
    ]  # fmt: skip
    fig = go.Figure(traces, grid([column(m, lang) for m in TREND_MEASURES], columns=2))
    month_axis(fig, lang)
    fig.update_yaxes(rangemode="tozero")
    fig.layout.yaxis4.tickformat = ".0%"  # the coverage rate's, bottom right
    return style(fig, 420, legend=False)


RANK_MEASURES = ("coverage_rate", "standard_rate", "visits", "resolution_rate_7d")
MUTED_BAR = "#e6b0aa"


def ranking(
    df: pl.DataFrame, measure: str, lang: str, ends: int = 10, *, highlight: str | None = None,
    reference: tuple[str, float | None] | None = None, target: float | None = None,
) -> go.Figure:  # fmt: skip
    """Bars from the highest down, each with its value written at its end; with more than
    2 × ``ends`` scopes, the ``ends`` highest and the ``ends`` lowest (the download has them
    all), and ``highlight`` (a scope code) always. The highlighted scope is drawn strong and
    the others muted; ``reference`` (name, value) is a dashed line (the city's or the
    district's figure), ``target`` a dotted one. Each bar's customdata is its scope code,
    what a click drills into."""
    if df.is_empty():
        return empty(lang, 300)
    df = df.sort(measure, descending=False, nulls_last=False)
    if df.height > 2 * ends:
        keep = pl.int_range(pl.len()).is_in(
            list(range(ends)) + list(range(df.height - ends, df.height))
        )
        if highlight is not None:
            keep = keep | (pl.col("scope_code") == highlight)
        df = df.filter(keep)
    is_rate = measure.endswith("_rate") or measure.endswith("_rate_7d")
    codes = df["scope_code"].to_list()
    highlight = highlight if highlight in codes else None
    colours = [COLORS["primary"] if highlight in (None, c) else MUTED_BAR for c in codes]
    fig = go.Figure(
        go.Bar(
            x=df[measure].to_list(), y=df["scope_name"].to_list(), orientation="h",
            marker_color=colours, customdata=codes,
            texttemplate="%{x" + (":.1%" if is_rate else ":,") + "}", textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x" + (":.1%" if is_rate else ":,") + "}<extra></extra>",
        )
    )  # fmt: skip
    # the reference's label left of its line, the target's right of its own: they are often
    # close together
    lines = [(reference, "dash", COLORS["muted"], "top left")]
    if target is not None:
        lines.append(((t("rank.target", lang), target), "dot", COLORS["good"], "top right"))
    for line, dash, colour, position in lines:
        if line is None or line[1] is None:
            continue
        name, value = line
        text = f"{name} {value:.1%}" if is_rate else f"{name} {value:,.0f}"
        fig.add_vline(x=value, line={"dash": dash, "color": colour, "width": 1.5},
                      annotation={"text": text, "font": {"size": 11, "color": colour}},
                      annotation_position=position)  # fmt: skip
    fig.update_xaxes(title=column(measure, lang), tickformat=".0%" if is_rate else ",")
    fig.update_yaxes(automargin=True)
    fig = style(fig, max(280, 26 * df.height + 110), legend=False)
    return fig.update_layout(margin={"r": 60, "t": 48})


# --- demand --------------------------------------------------------------------------


def bars(df: pl.DataFrame, x: str, y: str, lang: str, enumeration: str | None = None,
         horizontal: bool = False, height: int = 320, rate: bool = False) -> go.Figure:  # fmt: skip
    """A bar per row; ``enumeration`` labels the categories from the vocabulary."""
    if df.is_empty():
        return empty(lang, height)
    cats = df[x].to_list()
    if enumeration:
        cats = [label(enumeration, c, lang) for c in cats]
    values = df[y].to_list()
    bar = go.Bar(x=values, y=cats, orientation="h") if horizontal else go.Bar(x=cats, y=values)
    bar.update(texttemplate="%{" + ("x" if horizontal else "y") + (":.1%}" if rate else ":,}"),
               textposition="outside", cliponaxis=False)  # fmt: skip
    if horizontal:
        height = max(height, 24 * len(cats) + 90)  # a readable label for every bar
    fig = go.Figure(bar)
    fig.update_traces(marker_color=COLORS["primary"], name=column(y, lang))
    axis = fig.update_xaxes if horizontal else fig.update_yaxes
    axis(title=column(y, lang), tickformat=".0%" if rate else ",")
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return style(fig, height, legend=False)


def heatmap(df: pl.DataFrame, lang: str) -> go.Figure:
    if df.is_empty():
        return empty(lang, 300)
    grid = [[0] * 24 for _ in range(7)]
    for weekday, hour, visits in df.select("weekday", "hour", "visits").iter_rows():
        grid[weekday - 1][hour] = visits
    fig = go.Figure(go.Heatmap(
        z=grid, x=list(range(24)), y=list(WEEKDAYS["en" if lang == "en" else "zh"]),
        colorscale="OrRd", colorbar={"title": {"text": column("visits", lang)}},
        hovertemplate="%{y} %{x}:00 — %{z:,}<extra></extra>",
    ))  # fmt: skip
    fig.update_xaxes(title=column("hour", lang), dtick=2)
    fig.update_yaxes(autorange="reversed")
    return style(fig, 300, legend=False)


def seasons(df: pl.DataFrame, lang: str) -> go.Figure:
    if df.is_empty():
        return empty(lang)
    fig = go.Figure()
    for year in df["season_year"].unique().sort().to_list():
        part = df.filter(pl.col("season_year") == year)
        fig.add_trace(go.Bar(
            x=[t(f"season.{s}", lang) for s in part["season"].to_list()],
            y=part["visits"].to_list(), name=str(year),
        ))  # fmt: skip
    fig.update_yaxes(title=column("visits", lang), tickformat=",")
    fig.update_layout(barmode="group")
    return style(fig)


# --- hotline -------------------------------------------------------------------------


def stacked_over_months(df: pl.DataFrame, stack: str, value: str, lang: str,
                        enumeration: str | None = None) -> go.Figure:  # fmt: skip
    """Bars per month stacked by ``stack`` (category, platform …)."""
    if df.is_empty():
        return empty(lang)
    fig = go.Figure()
    for code in df[stack].unique().sort(nulls_last=True).to_list():
        part = df.filter(pl.col(stack).eq_missing(code))
        fig.add_trace(go.Bar(
            x=months(part, lang), y=part[value].to_list(),
            name=label(enumeration, code, lang) if enumeration else str(code),
        ))  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=column(value, lang), tickformat=",")
    return style(month_axis(fig, lang))


def two_measures(
    df: pl.DataFrame, left: str, right: str, lang: str, left_rate: bool = False,
    right_rate: bool = False, right_range: list | None = None,
) -> go.Figure:  # fmt: skip
    """Two monthly measures on two y-axes (e.g. resolution rate and median hours)."""
    if df.is_empty():
        return empty(lang)
    x = months(df, lang)
    fig = go.Figure([
        go.Scatter(x=x, y=df[left].to_list(), name=column(left, lang), mode="lines+markers"),
        go.Scatter(x=x, y=df[right].to_list(), name=column(right, lang), mode="lines+markers",
                   yaxis="y2"),
    ])  # fmt: skip
    # the right axis keeps its own round ticks and no grid of its own
    fig.update_layout(
        yaxis={"title": {"text": column(left, lang)}, "rangemode": "tozero",
               "tickformat": ".0%" if left_rate else ","},
        yaxis2={"title": {"text": column(right, lang)}, "rangemode": "tozero",
                "tickformat": ".0%" if right_rate else ",.4~g", "overlaying": "y",
                "side": "right", "showgrid": False, "tickmode": "auto"},
    )  # fmt: skip
    if right_range:
        fig.update_layout(yaxis2={"range": right_range, "rangemode": "normal"})
    return style(month_axis(fig, lang))


def unassigned(df: pl.DataFrame, lang: str) -> go.Figure:
    if df.is_empty():
        return empty(lang)
    x = months(df, lang)
    fig = go.Figure([
        go.Bar(x=x, y=df["districts"].to_list(), name=column("districts", lang),
               marker_color=COLORS["secondary"]),
        go.Bar(x=x, y=df["unassigned"].to_list(), name=column("unassigned", lang),
               marker_color=COLORS["muted"]),
    ])  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=column("calls", lang), tickformat=",")
    return style(month_axis(fig, lang))


# --- membership ----------------------------------------------------------------------


def platforms(df: pl.DataFrame, lang: str) -> go.Figure:
    """Reached and enrolled per platform (bars) with the enrolment rate (markers)."""
    if df.is_empty():
        return empty(lang)
    names = [label("platform", p, lang) for p in df["platform"].to_list()]
    fig = go.Figure([
        go.Bar(x=names, y=df["reached"].to_list(), name=column("reached", lang)),
        go.Bar(x=names, y=df["enrolled"].to_list(), name=column("enrolled", lang)),
        go.Scatter(x=names, y=df["enrollment_rate"].to_list(), mode="markers", yaxis="y2",
                   marker={"size": 12, "symbol": "diamond"},
                   name=column("enrollment_rate", lang)),
    ])  # fmt: skip
    fig.update_layout(
        barmode="group",
        yaxis={"tickformat": ",", "rangemode": "tozero"},
        yaxis2={"tickformat": ".0%", "rangemode": "tozero", "overlaying": "y", "side": "right",
                "showgrid": False, "tickmode": "auto"},
    )  # fmt: skip
    return style(fig)


def cumulative(df: pl.DataFrame, lang: str) -> go.Figure:
    if df.is_empty():
        return empty(lang)
    x = months(df, lang)
    fig = go.Figure([
        go.Bar(x=x, y=df["enrolled"].to_list(), name=column("enrolled", lang),
               marker_color=COLORS["muted"]),
        go.Scatter(x=x, y=df["cumulative"].to_list(), name=column("cumulative", lang),
                   mode="lines+markers", line={"color": COLORS["primary"]}),
    ])  # fmt: skip
    fig.update_yaxes(tickformat=",")
    return style(month_axis(fig, lang))


# --- data quality --------------------------------------------------------------------


def quarantine_reasons(df: pl.DataFrame, lang: str) -> go.Figure:
    """Quarantined rows per reason, stacked by source (both in the reader's words)."""
    if df.is_empty():
        return empty(lang)
    df = label_codes(df.select("source", "reason", "rows"), lang)
    totals = df.group_by("source", "reason").agg(pl.col("rows").sum()).sort("source", "reason")
    fig = go.Figure()
    for source in totals["source"].unique().sort().to_list():
        part = totals.filter(pl.col("source") == source)
        fig.add_trace(go.Bar(y=part["reason"].to_list(), x=part["rows"].to_list(), name=source,
                             orientation="h"))  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=column("rows", lang), tickformat=",d", rangemode="tozero")
    fig.update_yaxes(categoryorder="total ascending")
    reasons = totals["reason"].n_unique()
    return style(fig, max(260, 28 * reasons + 110))
