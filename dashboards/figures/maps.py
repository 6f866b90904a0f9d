"""Maps of the dashboard: MapLibre traces on the ``white-bg`` style with GeoJSON layers
only — no glyph, sprite or tile request unless a tile basemap is configured, so they work
offline. Maps are built as plain dicts (see :class:`MapFigure`)."""

from __future__ import annotations

import copy
import json
import math
from functools import lru_cache
from pathlib import Path

import plotly.io as pio
import polars as pl

from dashboards.figures.base import BEIJING_CENTER, COLORS, FONT, SEQUENCE
from dashboards.i18n import column, t


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
    if styled:  # as style() sets them on the other figures
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


def fit_view(df: pl.DataFrame, width_px: int = 1000, height_px: int = 520) -> tuple[dict, float]:
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
    center, zoom = fit_view(communities)
    return map_figure(traces, boundaries, tiles_url, center, zoom, template="plotly_white")
