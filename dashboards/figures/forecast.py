"""Figures of the 需求预测 section: the history with the forecast fan, the backtest of
the level, and the weather the forecast assumed (frames of dashboards.data.forecast)."""

from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from dashboards.figures.base import COLORS, FONT, empty, grid, month_axis, style
from dashboards.i18n import column, months_ahead, number, t

#: the fan's bands, widest first (drawn under the narrower one)
_BANDS = (("p2_5", "p97_5", "forecast.band95", 0.12), ("p10", "p90", "forecast.band80", 0.28))
_RED = "192, 57, 43"  # COLORS["primary"] as rgb, for translucent bands
#: the y axis stops at this multiple of the largest visit count or 80 % bound, so a
#: very wide 95 % range does not flatten everything else
_HEADROOM = 1.3
#: up to this many months on the axis, every month is labelled (else every sixth)
_MONTHLY_TICKS = 12


def _with_origin(x: list, y: list, origin: tuple[date, float] | None) -> tuple[list, list]:
    """The series started at the last month of history, so the fan grows out of it."""
    return ([origin[0], *x], [origin[1], *y]) if origin else (x, y)


def forecast_fan(history: pl.DataFrame, forecast: pl.DataFrame, lang: str) -> go.Figure:
    """Monthly visits (history) and the forecast: its central line and the 80 % and
    95 % ranges as bands, in a shaded 'forecast' span."""
    if history.is_empty() and forecast.is_empty():
        return empty(lang, 380)
    fig = go.Figure()
    origin = (history["month"][-1], history["visits"][-1]) if history.height else None
    ranged = forecast.drop_nulls(["p10", "p90", "p2_5", "p97_5"])
    for low, high, key, alpha in _BANDS:
        if ranged.is_empty():
            continue
        x, upper = _with_origin(ranged["month"].to_list(), ranged[high].to_list(), origin)
        _, lower = _with_origin(ranged["month"].to_list(), ranged[low].to_list(), origin)
        fig.add_trace(go.Scatter(x=x, y=upper, mode="lines", line={"width": 0},
                                 hoverinfo="skip", showlegend=False))  # fmt: skip
        fig.add_trace(go.Scatter(
            x=x, y=lower, mode="lines", line={"width": 0}, fill="tonexty",
            fillcolor=f"rgba({_RED}, {alpha})", name=t(key, lang), hoverinfo="skip",
        ))  # fmt: skip
    if history.height:
        fig.add_trace(go.Scatter(
            x=history["month"].to_list(), y=history["visits"].to_list(), mode="lines+markers",
            name=t("forecast.history", lang), line={"color": COLORS["secondary"]},
            hovertemplate="%{x|%Y-%m}: %{y:,}<extra></extra>",
        ))  # fmt: skip
    if forecast.height:
        line = {"color": COLORS["primary"], "dash": "dash"}
        if origin:  # joins the last month of history to the first forecast
            fig.add_trace(go.Scatter(
                x=[origin[0], forecast["month"][0]], y=[origin[1], forecast["p50"][0]],
                mode="lines", line=line, hoverinfo="skip", showlegend=False,
            ))  # fmt: skip
        fig.add_trace(go.Scatter(
            x=forecast["month"].to_list(), y=forecast["p50"].to_list(), mode="lines+markers",
            name=t("forecast.central", lang), line=line, marker={"size": 8},
            hovertext=[_hover(r, lang) for r in forecast.iter_rows(named=True)],
            hoverinfo="text",
        ))  # fmt: skip
        _mark_forecast_span(fig, forecast["month"].to_list(), lang)
        _limit_axis(fig, history, forecast, lang)
    fig.update_yaxes(title=column("visits", lang), tickformat=",", rangemode="tozero")
    month_axis(fig, lang)
    if history.height + forecast.height <= _MONTHLY_TICKS:
        fig.update_xaxes(dtick="M1")
    return style(fig, 380)


def _hover(row: dict, lang: str) -> str:
    text = f"{row['month']:%Y-%m}: {number(row['p50'])}"
    if row["p10"] is None:
        return f"{text}<br>{t('forecast.hover_no_range', lang)}"
    span = t("forecast.hover_range", lang, low=number(row["p10"]), high=number(row["p90"]))
    return f"{text}<br>{span}"


def _mark_forecast_span(fig: go.Figure, months: list[date], lang: str) -> None:
    start = months[0] - timedelta(days=15)
    end = months[-1] + timedelta(days=15)
    fig.add_vrect(x0=start, x1=end, fillcolor="#7f8c8d", opacity=0.08, line_width=0,
                  layer="below")  # fmt: skip
    fig.add_annotation(x=start, xanchor="left", y=0, yref="paper", yanchor="bottom",
                       text=f" {t('forecast.marker', lang)} →", showarrow=False,
                       font={"family": FONT, "size": 12, "color": "#555"})  # fmt: skip


def _limit_axis(fig: go.Figure, history: pl.DataFrame, forecast: pl.DataFrame, lang: str) -> None:
    """Cap the y axis when the 95 % range reaches far above everything else, and say so."""
    tops = [*history["visits"].to_list(), *forecast["p50"].to_list(),
            *forecast["p90"].drop_nulls().to_list()]  # fmt: skip
    top = _HEADROOM * max(tops, default=0)
    widest = forecast["p97_5"].max()
    if top > 0 and widest is not None and widest > top:
        fig.update_yaxes(range=[0, top])
        fig.add_annotation(x=1, xanchor="right", y=1, yref="paper", xref="paper",
                           yanchor="top", text=t("forecast.off_chart", lang), showarrow=False,
                           font={"family": FONT, "size": 11, "color": "#555"})  # fmt: skip


def backtest_chart(level_backtest: pl.DataFrame, lang: str) -> go.Figure:
    """Per horizon: the mean MASE of the model and the two baselines (left), and the
    coverage of the published ranges against their targets (right)."""
    if level_backtest.is_empty():
        return empty(lang, 320)
    x = level_backtest["horizon"].to_list()
    ahead = [months_ahead(h, lang) for h in x]

    def bars(measure: str, key: str, colour: str, axes: str, number: str) -> go.Bar:
        return go.Bar(
            x=x, y=level_backtest[measure].to_list(), name=t(key, lang), marker_color=colour,
            xaxis=f"x{axes}", yaxis=f"y{axes}", customdata=ahead,
            marker_line={"color": COLORS["primary"], "width": 1 if axes else 0},
            hovertemplate=f"%{{customdata}}: %{{y:{number}}}<extra>{t(key, lang)}</extra>",
        )  # fmt: skip

    traces = [
        bars("mase", "forecast.the_model", COLORS["primary"], "", ".2f"),
        bars("mase_seasonal_naive", "forecast.seasonal_naive", COLORS["muted"], "", ".2f"),
        bars("mase_last_value", "forecast.last_value", COLORS["secondary"], "", ".2f"),
        bars("coverage_80", "forecast.band80", "#e8a39b", "2", ".0%"),
        bars("coverage_95", "forecast.band95", "#f5d3cf", "2", ".0%"),
    ]
    ticks = {"tickmode": "array", "tickvals": x,
             "ticktext": [t("forecast.horizon_tick", lang, h=h) for h in x]}  # fmt: skip
    layout = grid([t("forecast.mase_axis", lang), t("forecast.coverage_axis", lang)],
                  columns=2, h_gap=0.12)  # fmt: skip
    layout["xaxis"].update(ticks)
    layout["yaxis"]["rangemode"] = "tozero"
    layout["xaxis2"].update(ticks)
    layout["yaxis2"].update(range=[0, 1.05], tickformat=".0%")
    layout["barmode"] = "group"
    layout["shapes"] = [
        {"type": "line", "xref": "x2 domain", "x0": 0, "x1": 1, "yref": "y2", "y0": y, "y1": y,
         "line": {"dash": "dot", "color": "#555", "width": 1}}
        for y in (0.8, 0.95)
    ]  # fmt: skip
    fig = go.Figure(traces, layout=layout)
    fig = style(fig, 340)
    fig.update_layout(margin={"t": 60})  # the titles clear the tool bar
    return fig


_WEATHER = (("hot_days", COLORS["warn"]), ("very_hot_days", COLORS["primary"]),
            ("cold_days", COLORS["secondary"]), ("rainy_days", "#16a085"))  # fmt: skip


def weather_assumed(weather: pl.DataFrame, lang: str) -> go.Figure:
    """Days of each kind the forecast assumed, per forecast month."""
    if weather.is_empty():
        return empty(lang, 300)
    x = weather["month"].to_list()
    fig = go.Figure([
        go.Bar(x=x, y=weather[kind].to_list(), name=t(f"forecast.{kind}", lang),
               marker_color=colour, hovertemplate="%{x|%Y-%m}: %{y:.1f}<extra></extra>")
        for kind, colour in _WEATHER
    ])  # fmt: skip
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=t("forecast.days_axis", lang), rangemode="tozero")
    fig.update_xaxes(tickformat="%b %Y" if lang == "en" else "%Y年%-m月", dtick="M1")
    return style(fig, 300)
