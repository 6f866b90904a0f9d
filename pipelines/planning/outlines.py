"""Outlines that orient a map without a basemap: district boundaries (the reference
GeoJSON), subdistrict boundaries derived from community points, and where to write
each name.

No subdistrict boundary file is published, so subdistrict lines are derived: the
Voronoi diagram of the community centroids gives each community the area closer to it
than to any other; a Voronoi edge between two communities of the same district but of
different subdistricts is a piece of boundary between those subdistricts. Each such edge
is clipped to its district's polygon, and the district's own boundary comes from the
GeoJSON. The lines are an approximation (a real boundary follows streets and rivers);
they show which subdistrict a place is in, not where its legal line runs.

Coordinates are WGS-84 (lon, lat). The diagram is built on a plane where a degree of
longitude is shortened by cos(latitude), so that cells are not stretched east–west.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl
from scipy.spatial import Voronoi

#: a label MapLibre draws with the reader's own fonts (CJK ideographs only): any other
#: character would make it fetch glyphs from the network
LOCAL_GLYPHS = re.compile(r"^[\u4e00-\u9fff]+$")


def _thin(ring: list, step: float) -> list:
    """A ring without the points closer than ``step`` degrees to the last one kept."""
    kept = [ring[0]]
    for lon, lat, *_ in ring[1:-1]:
        if abs(lon - kept[-1][0]) + abs(lat - kept[-1][1]) >= step:
            kept.append([round(lon, 5), round(lat, 5)])
    kept.append(ring[-1])
    return kept


@lru_cache(maxsize=4)
def _geojson(path: str, mtime: float, step: float) -> dict:
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


def load_districts(path: Path, step: float = 0.001) -> dict | None:
    """The district boundaries' GeoJSON, thinned to points about 100 m apart (a line drawn
    over the city needs no more), cached until the file changes; None without a file.
    Shared: read it, do not change it."""
    try:
        return _geojson(str(path), path.stat().st_mtime, step)
    except FileNotFoundError:
        return None


def district_rings(geojson: dict | None) -> dict[str, list[np.ndarray]]:
    """Each district's rings (outer and holes) as (n, 2) arrays of lon, lat, by code."""
    rings: dict[str, list[np.ndarray]] = {}
    for feature in (geojson or {}).get("features", []):
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        elif geometry.get("type") != "MultiPolygon":
            continue
        code = (feature.get("properties") or {}).get("code")
        for polygon in polygons:
            rings.setdefault(code, []).extend(
                np.asarray(ring, dtype=float)[:, :2] for ring in polygon
            )
    return rings


def _inside(points: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Even-odd rule: points (k, 2) inside the rings whose edges (m, 4) are given as
    x1, y1, x2, y2."""
    x, y = points[:, :1], points[:, 1:]
    x1, y1, x2, y2 = (edges[:, i][None, :] for i in range(4))
    straddles = (y1 > y) != (y2 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        cross_x = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
    return ((straddles & (x < cross_x)).sum(axis=1) % 2) == 1


def _clip(segments: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The parts (n', 4) of segments (n, 4) that lie inside the rings of ``edges``."""
    if not len(segments) or not len(edges):
        return np.empty((0, 4))
    p, r = segments[:, None, :2], segments[:, None, 2:] - segments[:, None, :2]
    q, s = edges[None, :, :2], edges[None, :, 2:] - edges[None, :, :2]
    denominator = r[..., 0] * s[..., 1] - r[..., 1] * s[..., 0]
    qp = q - p
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (qp[..., 0] * s[..., 1] - qp[..., 1] * s[..., 0]) / denominator
        u = (qp[..., 0] * r[..., 1] - qp[..., 1] * r[..., 0]) / denominator
    hits = (denominator != 0) & (t > 0) & (t < 1) & (u >= 0) & (u <= 1)
    pieces = []
    for i in range(len(segments)):
        cuts = np.concatenate(([0.0], np.sort(t[i][hits[i]]), [1.0]))
        start, end = cuts[:-1], cuts[1:]
        a = segments[i, :2] + start[:, None] * (segments[i, 2:] - segments[i, :2])
        b = segments[i, :2] + end[:, None] * (segments[i, 2:] - segments[i, :2])
        pieces.append(np.hstack([a, b]))
    pieces = np.vstack(pieces)
    keep = _inside((pieces[:, :2] + pieces[:, 2:]) / 2, edges)
    return pieces[keep & (np.abs(pieces[:, :2] - pieces[:, 2:]).sum(axis=1) > 0)]


def subdistrict_lines(
    communities: pl.DataFrame, districts: dict | None
) -> dict[str, list[list[list[float]]]]:
    """Boundary lines between subdistricts (module docstring) as [[lon, lat], [lon, lat]]
    segments, by district code; ``communities`` need lat, lon, subdistrict_code and
    district_code."""
    points = communities.drop_nulls(["lat", "lon", "subdistrict_code"]).unique(
        ["lat", "lon"], keep="first", maintain_order=True
    )
    if points.height < 3:
        return {}
    squash = math.cos(math.radians(float(points["lat"].mean())))
    xy = np.column_stack((points["lon"].to_numpy() * squash, points["lat"].to_numpy()))
    subdistrict = np.asarray(points["subdistrict_code"].to_list())
    district = np.asarray(points["district_code"].to_list())
    diagram = Voronoi(xy)
    ridges = np.asarray(diagram.ridge_points)
    wanted = (subdistrict[ridges[:, 0]] != subdistrict[ridges[:, 1]]) & (
        district[ridges[:, 0]] == district[ridges[:, 1]]
    )
    centre, reach = xy.mean(axis=0), np.ptp(xy, axis=0).max() * 2
    segments, owners = [], []
    for (p, q), vertices in zip(
        ridges[wanted], np.asarray(diagram.ridge_vertices, dtype=object)[wanted], strict=True
    ):
        vertices = list(vertices)
        if -1 in vertices:  # an edge running off to infinity: cut it far outside
            start = diagram.vertices[next(v for v in vertices if v >= 0)]
            tangent = xy[q] - xy[p]
            normal = np.array([-tangent[1], tangent[0]]) / np.linalg.norm(tangent)
            midpoint = (xy[p] + xy[q]) / 2
            direction = np.sign(np.dot(midpoint - centre, normal)) * normal
            end = start + direction * reach
        else:
            start, end = diagram.vertices[vertices[0]], diagram.vertices[vertices[1]]
        segments.append(np.concatenate([start, end]))
        owners.append(district[p])
    segments, owners = np.asarray(segments).reshape(-1, 4), np.asarray(owners)
    rings = district_rings(districts)
    lines: dict[str, list[list[list[float]]]] = {}
    for code in np.unique(owners).tolist():
        edges = [
            np.hstack([ring[:-1] * [squash, 1], ring[1:] * [squash, 1]])
            for ring in rings.get(code, [])
        ]
        if not edges:
            continue  # no polygon to clip by: an unclipped edge may run anywhere
        for x1, y1, x2, y2 in _clip(segments[owners == code], np.vstack(edges)):
            lines.setdefault(code, []).append(
                [[round(x1 / squash, 5), round(y1, 5)], [round(x2 / squash, 5), round(y2, 5)]]
            )
    return lines


def label_level(communities: pl.DataFrame) -> str:
    """Which names orient a map of these communities: subdistricts when they lie in one
    district, else districts (hundreds of subdistrict names would bury a city map)."""
    column = "district_code" if "district_code" in communities.columns else "district"
    return "subdistrict" if communities[column].n_unique() <= 1 else "district"


def label_points(communities: pl.DataFrame, level: str) -> pl.DataFrame:
    """Where to write each district's or subdistrict's name (``level``): the community
    centroid nearest the mean of its communities' centroids (a point inside the area,
    even where the area is not convex). Columns: code, name, lat, lon, workers; names
    that the map would need downloaded glyphs for are left out."""
    code, name = (
        ("district_code", "district")
        if level == "district"
        else ("subdistrict_code", "subdistrict")
    )
    located = communities.drop_nulls(["lat", "lon", code])
    if located.is_empty():
        return pl.DataFrame(schema={"code": pl.String, "name": pl.String, "lat": pl.Float64,
                                    "lon": pl.Float64, "workers": pl.Int64})  # fmt: skip
    return (
        located.with_columns(
            mid_lat=pl.col("lat").mean().over(code), mid_lon=pl.col("lon").mean().over(code)
        )
        .with_columns(
            off=(pl.col("lat") - pl.col("mid_lat")) ** 2 + (pl.col("lon") - pl.col("mid_lon")) ** 2
        )
        .sort(code, "off", "community_code")
        .group_by(code, maintain_order=True)
        .agg(
            pl.col(name).first().alias("name"),
            pl.col("lat").first(),
            pl.col("lon").first(),
            pl.col("outdoor_workers").sum().alias("workers"),
        )
        .rename({code: "code"})
        .filter(pl.col("name").str.contains(LOCAL_GLYPHS.pattern))
    )
