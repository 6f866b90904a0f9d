"""Plotly figures of the dashboard: plain functions from a query's table to a figure.

Labels come from :mod:`dashboards.i18n` (and through it the one vocabulary). Maps use
MapLibre traces on the ``white-bg`` style with GeoJSON layers only: no glyph, sprite or
tile request unless a tile basemap is configured, so they work offline.
"""

from __future__ import annotations

import copy
import json
import math
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
from plotly.subplots import make_subplots

from dashboards.i18n import WEEKDAYS, column, label, t

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
COLORS = {
    "primary": "#c0392b",
    "secondary": "#2c7fb8",
    "muted": "#95a5a6",
    "good": "#27ae60",
    "warn": "#e67e22",
}
SEQUENCE = ["#c0392b", "#2c7fb8", "#27ae60", "#e67e22", "#8e44ad", "#16a085", "#7f8c8d",
            "#d35400", "#2980b9", "#f1c40f", "#34495e"]  # fmt: skip
BEIJING_CENTER = {"lat": 40.05, "lon": 116.40}


def _style(fig: go.Figure, height: int = 320, legend: bool = True) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=height,
        colorway=SEQUENCE,
        showlegend=legend,
        legend={"orientation": "h", "y": -0.15},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def empty(lang: str, height: int = 320) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=t("empty", lang), showarrow=False, font={"size": 16, "color": "#888"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, height, legend=False)


def _months(df: pl.DataFrame, lang: str) -> list:
    return df["month"].to_list()


def _month_axis(fig: go.Figure, lang: str) -> go.Figure:
    """Months on a date axis, labelled the reader's way."""
    # a label every 6 months: 24 monthly labels do not fit a half-width chart
    fig.update_xaxes(
        tickformat="%b %Y" if lang == "en" else "%Y年%-m月", hoverformat="%Y-%m", dtick="M6"
    )
    return fig


# --- overview ------------------------------------------------------------------------

TREND_MEASURES = ("visits", "calls", "enrolled", "coverage_rate")


def trends(df: pl.DataFrame, lang: str) -> go.Figure:
    """Four small line charts of kpi_monthly over the months given."""
    if df.is_empty():
        return empty(lang, 420)
    fig = make_subplots(
        rows=2, cols=2, subplot_titles=[column(m, lang) for m in TREND_MEASURES],
        vertical_spacing=0.18, horizontal_spacing=0.08,
    )  # fmt: skip
    x = _months(df, lang)
    for n, measure in enumerate(TREND_MEASURES):
        fig.add_trace(
            go.Scatter(x=x, y=df[measure].to_list(), mode="lines+markers",
                       name=column(measure, lang), line={"color": SEQUENCE[n]}),
            row=n // 2 + 1, col=n % 2 + 1,
        )  # fmt: skip
    _month_axis(fig, lang)
    fig.update_yaxes(tickformat=".0%", row=2, col=2, rangemode="tozero")
    fig.update_yaxes(rangemode="tozero")
    fig.update_annotations(font={"family": FONT, "size": 13})
    return _style(fig, 420, legend=False)


RANK_MEASURES = ("coverage_rate", "visits", "resolution_rate")


def ranking(df: pl.DataFrame, measure: str, lang: str, ends: int = 10) -> go.Figure:
    """Bars from the highest down; with more than 2 × ``ends`` scopes, the ``ends``
    highest and the ``ends`` lowest (the download has them all)."""
    if df.is_empty():
        return empty(lang, 300)
    df = df.sort(measure, descending=False, nulls_last=False)
    if df.height > 2 * ends:
        df = pl.concat([df.head(ends), df.tail(ends)])
    is_rate = measure.endswith("_rate")
    fig = go.Figure(
        go.Bar(
            x=df[measure].to_list(), y=df["scope_name"].to_list(), orientation="h",
            marker_color=COLORS["primary"],
            hovertemplate="%{y}: %{x" + (":.1%" if is_rate else ":,") + "}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_xaxes(title=column(measure, lang), tickformat=".0%" if is_rate else ",")
    return _style(fig, max(260, 26 * df.height + 80), legend=False)


# --- maps ----------------------------------------------------------------------------


def _thin(ring: list, step: float) -> list:
    """A ring without the points closer than ``step`` degrees to the last one kept."""
    kept = [ring[0]]
    for lon, lat, *_ in ring[1:-1]:
        if abs(lon - kept[-1][0]) + abs(lat - kept[-1][1]) >= step:
            kept.append([round(lon, 5), round(lat, 5)])
    kept.append(ring[-1])
    return kept


@lru_cache(maxsize=4)
def _geojson(path: str, mtime: float, step: float) -> dict | None:
    collection = json.loads(Path(path).read_text(encoding="utf-8"))
    for feature in collection.get("features", []):
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Polygon":
            geometry["coordinates"] = [_thin(r, step) for r in geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            geometry["coordinates"] = [[_thin(r, step) for r in p] for p in geometry["coordinates"]]
        feature["properties"] = {k: v for k, v in feature.get("properties", {}).items()
                                 if k in ("code", "name")}  # fmt: skip
    return collection


def district_boundaries(path: Path, step: float = 0.001) -> dict | None:
    """The district boundaries' GeoJSON, thinned to points about 100 m apart (a line drawn
    over the city needs no more, and every map update carries it), cached until the
    file changes."""
    try:
        return _geojson(str(path), path.stat().st_mtime, step)
    except FileNotFoundError:
        return None


class MapFigure(dict):
    """A map figure as the plain dict ``dcc.Graph`` takes, built without plotly's
    validation. Its traces also read as attributes (``fig.data[-1].name``), as a
    ``graph_objects`` figure's do. The layout's template and the district GeoJSON are
    built once per process and shared by every map: read them, do not change them."""

    @property
    def data(self) -> list[_Record]:
        return self["data"]

    @property
    def layout(self) -> _Record:
        return self["layout"]


class _Record(dict):
    """A trace or layout dict whose keys also read as attributes."""

    def __getattr__(self, name: str) -> object:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@lru_cache(maxsize=4)
def _template(name: str) -> dict:
    """A plotly template as the dict that plotly.js reads, built once per process."""
    return pio.templates[name].to_plotly_json()


@lru_cache(maxsize=8)
def _map_base(template: str, styled: bool) -> dict:
    """The parts of a map's layout that do not change between updates, built once."""
    layout: dict = {"template": _template(template)}
    if styled:  # as _style() sets them on the other figures
        layout.update(font={"family": FONT, "size": 13}, colorway=SEQUENCE, showlegend=True,
                      hoverlabel={"font": {"family": FONT}})  # fmt: skip
    layout.update(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=560,
                  legend={"orientation": "h", "y": -0.02}, uirevision="map")  # fmt: skip
    if not styled:
        layout["font"] = {"family": FONT, "size": 13}
    return layout


def map_layers(boundaries: dict | None, tiles_url: str | None) -> list[dict]:
    """A raster basemap only when one is configured, and the district lines. No symbol
    layers: they would fetch glyphs from the network. The GeoJSON is the cached one of
    :func:`district_boundaries`, referenced rather than copied."""
    layers = []
    if tiles_url:
        layers.append({"sourcetype": "raster", "source": [tiles_url], "below": "traces"})
    if boundaries:
        layers.append({"sourcetype": "geojson", "source": boundaries, "type": "line",
                       "color": "#7f8c8d", "line": {"width": 1.2}})  # fmt: skip
    return layers


def map_figure(traces: list[dict], boundaries: dict | None, tiles_url: str | None,
               center: dict | None = None, zoom: float = 8.0, template: str | None = None,
               styled: bool = True) -> MapFigure:  # fmt: skip
    """A MapLibre map on the ``white-bg`` style as a plain dict: ``traces`` as given
    (plain ``scattermap`` dicts, no validation), district lines from GeoJSON and a tile
    basemap when one is configured. ``template`` is a plotly template's name (default:
    plotly's default); ``styled`` adds the fonts and colours of :func:`_style`."""
    base = _map_base(template or pio.templates.default, styled)
    # a fresh copy of the few small settings; the template (7 kB) is shared
    layout = _Record(copy.deepcopy({k: v for k, v in base.items() if k != "template"}))
    layout["template"] = base["template"]
    layout["map"] = {"style": "white-bg", "center": center or BEIJING_CENTER, "zoom": zoom,
                     "layers": map_layers(boundaries, tiles_url)}  # fmt: skip
    return MapFigure(data=[_Record(trace) for trace in traces], layout=layout)


def map_points(df: pl.DataFrame, **trace: object) -> dict:
    """A ``scattermap`` trace of markers at the rows' lat/lon."""
    return {"lat": df["lat"].to_list(), "lon": df["lon"].to_list(), "mode": "markers",
            "type": "scattermap", **trace}  # fmt: skip


def community_hover(df: pl.DataFrame) -> list:
    """Each community's name and outdoor workers, the customdata of its hover text."""
    return list(zip(df["community_name"].to_list(), df["outdoor_workers"].to_list(), strict=True))


def _center(df: pl.DataFrame, width_px: int = 1000, height_px: int = 520) -> tuple[dict, float]:
    """A centre and zoom that fit the points: at zoom z a 512-px world spans 360°."""
    if df.is_empty():
        return BEIJING_CENTER, 8.0
    lat, lon = df["lat"].drop_nulls(), df["lon"].drop_nulls()
    if lat.is_empty():
        return BEIJING_CENTER, 8.0
    mid = (lat.max() + lat.min()) / 2
    span_lon = max(lon.max() - lon.min(), 0.005)
    span_lat = max(lat.max() - lat.min(), 0.005) / math.cos(math.radians(mid))
    zoom = min(math.log2(width_px * 360 / (512 * span_lon)),
               math.log2(height_px * 360 / (512 * span_lat))) - 0.25  # fmt: skip
    return {"lat": mid, "lon": (lon.max() + lon.min()) / 2}, max(7.0, min(14.0, zoom))


def coverage_map(
    communities: pl.DataFrame, stations: pl.DataFrame, lang: str,
    boundaries: dict | None, tiles_url: str | None,
) -> MapFigure:  # fmt: skip
    """Uncovered communities coloured by their uncovered workers, covered ones grey,
    stations as points: green when they meet the standard, blue when not."""
    # drawn in this order so that the gaps, the point of the map, lie on top
    covered = communities.filter(pl.col("covered"))
    gaps = communities.filter(~pl.col("covered"))
    hover = "%{customdata[0]}<br>" + column("outdoor_workers", lang) + ": %{customdata[1]:,}"
    traces = [map_points(
        covered, marker={"size": 7, "color": "#bdc3c7", "opacity": 0.7},
        name=t("legend.covered", lang), customdata=community_hover(covered),
        hovertemplate=hover + "<extra></extra>",
    )]  # fmt: skip
    active = stations.filter(pl.col("active")) if "active" in stations.columns else stations
    # stations in green and blue, apart from the communities' orange-red scale
    for standard, key, color in ((True, "legend.standard", COLORS["good"]),
                                 (False, "legend.nonstandard", COLORS["secondary"])):  # fmt: skip
        part = active.filter(pl.col("meets_standard") == standard)
        traces.append(map_points(
            part, marker={"size": 6, "color": color, "opacity": 0.85}, name=t(key, lang),
            text=part["station_name"].to_list(), hovertemplate="%{text}<extra></extra>",
        ))  # fmt: skip
    traces.append(map_points(
        gaps,
        marker={"size": 9, "color": gaps["uncovered_workers"].to_list(),
                "colorscale": [[0, "#fdbb84"], [0.5, "#e34a33"], [1, "#7f0000"]],
                "cmin": 0, "showscale": True,
                "cmax": max(1, gaps["uncovered_workers"].max() or 1),
                "colorbar": {"title": {"text": column("uncovered_workers", lang)},
                             "thickness": 12}},
        name=t("legend.communities", lang), customdata=community_hover(gaps),
        hovertemplate=hover + "<extra></extra>",
    ))  # fmt: skip
    center, zoom = _center(communities)
    return map_figure(traces, boundaries, tiles_url, center, zoom, template="plotly_white")


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
    if horizontal:
        height = max(height, 24 * len(cats) + 90)  # a readable label for every bar
    fig = go.Figure(bar)
    fig.update_traces(marker_color=COLORS["primary"], name=column(y, lang))
    axis = fig.update_xaxes if horizontal else fig.update_yaxes
    axis(title=column(y, lang), tickformat=".0%" if rate else ",")
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return _style(fig, height, legend=False)


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
    return _style(fig, 300, legend=False)


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
    return _style(fig)


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
            x=_months(part, lang), y=part[value].to_list(),
            name=label(enumeration, code, lang) if enumeration else str(code),
        ))  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=column(value, lang), tickformat=",")
    return _style(_month_axis(fig, lang))


def two_measures(
    df: pl.DataFrame, left: str, right: str, lang: str, left_rate: bool = False,
    right_rate: bool = False, right_range: list | None = None,
) -> go.Figure:  # fmt: skip
    """Two monthly measures on two y-axes (e.g. resolution rate and median hours)."""
    if df.is_empty():
        return empty(lang)
    x = _months(df, lang)
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
    return _style(_month_axis(fig, lang))


def unassigned(df: pl.DataFrame, lang: str) -> go.Figure:
    if df.is_empty():
        return empty(lang)
    x = _months(df, lang)
    fig = go.Figure([
        go.Bar(x=x, y=df["districts"].to_list(), name=column("districts", lang),
               marker_color=COLORS["secondary"]),
        go.Bar(x=x, y=df["unassigned"].to_list(), name=column("unassigned", lang),
               marker_color=COLORS["muted"]),
    ])  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title=column("calls", lang), tickformat=",")
    return _style(_month_axis(fig, lang))


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
    return _style(fig)


def cumulative(df: pl.DataFrame, lang: str) -> go.Figure:
    if df.is_empty():
        return empty(lang)
    x = _months(df, lang)
    fig = go.Figure([
        go.Bar(x=x, y=df["enrolled"].to_list(), name=column("enrolled", lang),
               marker_color=COLORS["muted"]),
        go.Scatter(x=x, y=df["cumulative"].to_list(), name=column("cumulative", lang),
                   mode="lines+markers", line={"color": COLORS["primary"]}),
    ])  # fmt: skip
    fig.update_yaxes(tickformat=",")
    return _style(_month_axis(fig, lang))


# --- data quality --------------------------------------------------------------------


def quarantine_reasons(df: pl.DataFrame, lang: str) -> go.Figure:
    """Quarantined rows per reason, stacked by source."""
    if df.is_empty():
        return empty(lang)
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
    return _style(fig, max(260, 28 * reasons + 110))
