"""Maps of the dashboard: MapLibre traces on the ``white-bg`` style, built as plain dicts
(see :class:`MapFigure`).

Offline by default: no tile, glyph or sprite request. What orients the reader instead
are :class:`Outlines`: district boundaries, subdistrict boundaries derived from the
communities (:mod:`pipelines.planning.outlines`) and the areas' names. Names are a text
trace in MapLibre's default font stack: MapLibre then draws CJK characters with the
reader's own fonts instead of fetching glyphs, and names are kept to such characters.
With a basemap (:mod:`dashboards.basemaps`) its tiles are drawn below everything, the
names are the basemap's own, and on a GCJ-02 basemap every point and line is shifted to
GCJ-02 for display.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import plotly.io as pio
import polars as pl

from dashboards.basemaps import Basemap
from dashboards.figures.base import BEIJING_CENTER, COLORS, FONT, SEQUENCE
from dashboards.i18n import column, t
from pipelines.ingest.coords import wgs84_to_gcj02
from pipelines.planning.outlines import label_level, load_districts

#: the font stack MapLibre draws CJK text in with local fonts (its default); any other
#: would make it fetch glyphs
LOCAL_FONT = "Open Sans Regular, Arial Unicode MS Regular"


def district_boundaries(path: Path, step: float = 0.001) -> dict | None:
    """The district boundaries' GeoJSON, thinned (every map update carries it), cached
    until the file changes (:func:`pipelines.planning.outlines.load_districts`)."""
    return load_districts(path, step)


@dataclass(frozen=True)
class Outlines:
    """What orients a map without a basemap: districts (GeoJSON), subdistrict lines (a
    GeoJSON feature) and names to write (a frame of name, lat, lon)."""

    districts: dict | None = None
    subdistricts: dict | None = None
    labels: pl.DataFrame | None = None

    @classmethod
    def of(cls, geography: dict, communities: pl.DataFrame) -> Outlines:
        """The outlines of ``data.geography()`` for a map of these communities: the
        subdistricts' names when they lie in one district, else the districts'."""
        level = label_level(communities) if communities.height else "district"
        return cls(geography["districts"], geography["subdistricts"], geography["labels"][level])


def fullwidth(text: str) -> str:
    """ASCII digits and letters as their full-width forms, which MapLibre draws with
    local fonts (module docstring): ``12`` → ``１２``."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


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


_shifted: dict[int, tuple[object, object]] = {}


def _to_gcj02(geojson: dict) -> dict:
    """A GCJ-02 copy of a (shared, cached) GeoJSON object, made once per object."""
    if id(geojson) not in _shifted:

        def shift(coordinates):
            if coordinates and isinstance(coordinates[0], int | float):
                lat, lon = wgs84_to_gcj02(coordinates[1], coordinates[0])
                return [round(float(lon), 6), round(float(lat), 6)]
            return [shift(c) for c in coordinates]

        def walk(node):
            if isinstance(node, dict):
                return {k: shift(v) if k == "coordinates" else walk(v) for k, v in node.items()}
            if isinstance(node, list):
                return [walk(v) for v in node]
            return node

        # the original is kept with its copy so that its id is never reused
        _shifted[id(geojson)] = (geojson, walk(geojson))
    return _shifted[id(geojson)][1]


def map_layers(outlines: Outlines | None, tiles: Basemap | None) -> list[dict]:
    """The basemap's raster layers when one is configured, then district and subdistrict
    lines below the traces. No symbol layer: those fetch glyphs. The GeoJSON is the
    cached one, referenced rather than copied."""
    layers = [{"sourcetype": "raster", "source": list(urls), "below": "traces"}
              for urls in (tiles.layers if tiles else ())]  # fmt: skip
    outlines = outlines or Outlines()
    shift = _to_gcj02 if tiles is not None and tiles.crs == "gcj02" else (lambda g: g)
    if outlines.subdistricts:
        layers.append({"sourcetype": "geojson", "source": shift(outlines.subdistricts),
                       "type": "line", "color": "#b3b6b7", "below": "traces",
                       "line": {"width": 0.8, "dash": [3, 2]}})  # fmt: skip
    if outlines.districts:
        layers.append({"sourcetype": "geojson", "source": shift(outlines.districts),
                       "type": "line", "color": "#7f8c8d", "below": "traces",
                       "line": {"width": 1.4}})  # fmt: skip
    return layers


def label_trace(labels: pl.DataFrame, size: int = 12) -> dict:
    """Area names as text, in the font stack MapLibre draws locally (module docstring)."""
    return {"type": "scattermap", "mode": "text", "lat": labels["lat"].to_list(),
            "lon": labels["lon"].to_list(), "text": labels["name"].to_list(),
            "textfont": {"family": LOCAL_FONT, "size": size, "color": "#666"},
            "hoverinfo": "skip", "showlegend": False}  # fmt: skip


def _shift_trace(trace: dict) -> dict:
    if not trace.get("lat"):
        return trace
    lat, lon = wgs84_to_gcj02(np.asarray(trace["lat"], float), np.asarray(trace["lon"], float))
    return {**trace, "lat": lat.round(6).tolist(), "lon": lon.round(6).tolist()}


def map_figure(traces: list[dict], outlines: Outlines | None, tiles: Basemap | None,
               center: dict | None = None, zoom: float = 8.0, template: str | None = None,
               styled: bool = True) -> MapFigure:  # fmt: skip
    """A MapLibre map on the ``white-bg`` style as a plain dict: ``traces`` as given
    (plain ``scattermap`` dicts, no validation) over the outlines, and the names when
    there is no basemap (module docstring). ``template`` is a plotly template's name
    (default: plotly's default); ``styled`` adds the fonts and colours of :func:`_style`."""
    base = _map_base(template or pio.templates.default, styled)
    # a fresh copy of the few small settings; the template (7 kB) is shared
    layout = _Record(copy.deepcopy({k: v for k, v in base.items() if k != "template"}))
    layout["template"] = base["template"]
    if tiles is None and outlines is not None and outlines.labels is not None:
        traces = [label_trace(outlines.labels), *traces]
    if tiles is not None and tiles.crs == "gcj02":
        traces = [_shift_trace(trace) for trace in traces]
        if center:
            lat, lon = wgs84_to_gcj02(center["lat"], center["lon"])
            center = {"lat": float(lat), "lon": float(lon)}
    if tiles is not None and tiles.attribution:
        layout["annotations"] = [{
            "text": tiles.attribution, "showarrow": False, "x": 1, "y": 0, "xref": "paper",
            "yref": "paper", "xanchor": "right", "yanchor": "bottom",
            "font": {"size": 10, "color": "#555"},
        }]  # fmt: skip
    layout["map"] = {"style": "white-bg", "center": center or BEIJING_CENTER, "zoom": zoom,
                     "layers": map_layers(outlines, tiles)}  # fmt: skip
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
    outlines: Outlines | None, tiles: Basemap | None,
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
    return map_figure(traces, outlines, tiles, center, zoom, template="plotly_white")
