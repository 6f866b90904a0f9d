"""The printable plan's map, drawn as inline SVG from coordinates: no tiles, no script, no
network, so headless chromium prints it exactly as it is.

Layers, bottom to top: district areas and boundaries, derived subdistrict boundaries
(:mod:`~pipelines.planning.outlines`), communities by status (covered today, newly
covered by the plan, still uncovered), today's stations small and grey, the planned
sites numbered by rank, names of the areas, a legend and a scale bar.
"""

from __future__ import annotations

import math
from html import escape

import polars as pl

from pipelines.planning.outlines import district_rings

WIDTH, HEIGHT = 680, 520
#: the legend's strip under the map, where it hides nothing
STRIP = 26
PAD = 18
#: the points are fitted inside these margins (px): room for the legend and names
FIT_MARGIN = (40, 36)
#: community status → fill and radius (px); the plan's new coverage drawn last
STATUS_STYLE = {"covered": ("#c8ccd0", 2.2), "gap": ("#f0a58f", 2.6), "new": ("#1e8449", 3.6)}

STATION = "#7f8c8d"
SITE = "#c0392b"
FONT = "font-family:inherit"


class Projection:
    """Lon/lat → SVG pixels: equirectangular, a degree of longitude shortened by
    cos(latitude), fitted to the points with a margin."""

    def __init__(self, lats: list[float], lons: list[float], width: int, height: int) -> None:
        lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
        self.squash = math.cos(math.radians((lat0 + lat1) / 2))
        # at least about 2 km across, so that a few close points are not blown up
        span_x = max((lon1 - lon0) * self.squash, 0.02)
        span_y = max(lat1 - lat0, 0.02)
        margin_x, margin_y = FIT_MARGIN
        self.scale = min((width - 2 * margin_x) / span_x, (height - 2 * margin_y) / span_y)
        self.x0 = (lon0 + lon1) / 2 * self.squash - width / 2 / self.scale
        self.y0 = (lat0 + lat1) / 2 + height / 2 / self.scale

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon * self.squash - self.x0) * self.scale, (self.y0 - lat) * self.scale

    def metres_per_px(self) -> float:
        return 111_195.0 / self.scale


def _path(points: list[tuple[float, float]], close: bool) -> str:
    body = "L".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f"M{body}{'Z' if close else ''}"


def _labels(labels: pl.DataFrame, project: Projection, size: float) -> list[str]:
    """Names where they overlap neither one another nor the scale bar, the most populous
    first."""
    taken: list[tuple[float, float, float, float]] = [
        (0, HEIGHT - PAD - 24, PAD + WIDTH / 5, HEIGHT)
    ]
    parts = []
    for name, lat, lon in (
        labels.sort("workers", descending=True).select("name", "lat", "lon").iter_rows()
    ):
        x, y = project(lon, lat)
        half_w, half_h = len(name) * size / 2 + 2, size / 2 + 2
        box = (x - half_w, y - half_h, x + half_w, y + half_h)
        inside = box[0] > PAD / 2 and box[2] < WIDTH - PAD / 2 and box[1] > 0 and box[3] < HEIGHT
        if not inside or any(not (box[2] < b[0] or b[2] < box[0] or box[3] < b[1] or b[3] < box[1])
                             for b in taken):  # fmt: skip
            continue
        taken.append(box)
        parts.append(
            f'<text x="{x:.1f}" y="{y + size / 3:.1f}" text-anchor="middle" '
            f'style="{FONT};font-size:{size}px" fill="#555" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{escape(name)}</text>'
        )
    return parts


def _scale_bar(project: Projection) -> str:
    """A bar of a round number of kilometres, about a sixth of the width."""
    target = WIDTH / 6 * project.metres_per_px()
    km = max((v for v in (0.5, 1, 2, 5, 10, 20, 50) if v * 1000 <= target), default=0.5)
    length = km * 1000 / project.metres_per_px()
    x, y = PAD, HEIGHT - PAD
    return (
        f'<g style="{FONT};font-size:11px"><rect x="{x}" y="{y - 4}" width="{length:.1f}" '
        f'height="4" fill="#333"/><text x="{x}" y="{y - 8}" fill="#333">{km:g} km</text>'
        f'<text x="{WIDTH - PAD}" y="{PAD + 4}" text-anchor="end" fill="#333">N ↑</text></g>'
    )


def _legend(words: dict[str, str]) -> str:
    """The legend in a strip under the map: one row of marks and words."""
    items = [
        (f'<circle r="5" fill="{SITE}" stroke="#fff"/>', words["legend_site"]),
        (f'<circle r="3.6" fill="{STATUS_STYLE["new"][0]}"/>', words["legend_new"]),
        (f'<circle r="2.6" fill="{STATUS_STYLE["gap"][0]}"/>', words["legend_gap"]),
        (f'<circle r="2.2" fill="{STATUS_STYLE["covered"][0]}"/>', words["legend_covered"]),
        (f'<circle r="2" fill="{STATION}"/>', words["legend_station"]),
    ]
    slot = (WIDTH - 2 * PAD) / len(items)
    body = "".join(
        f'<g transform="translate({PAD + 8 + slot * i:.1f},{HEIGHT + STRIP / 2})">{mark}'
        f'<text x="9" y="4" style="{FONT};font-size:11px" fill="#333">{escape(text)}</text></g>'
        for i, (mark, text) in enumerate(items)
    )
    return (
        f'<rect x="0" y="{HEIGHT}" width="{WIDTH}" height="{STRIP}" fill="#fff"/>'
        f'<line x1="0" y1="{HEIGHT}" x2="{WIDTH}" y2="{HEIGHT}" stroke="#ddd"/>{body}'
    )


def plan_map_svg(
    communities: pl.DataFrame, sites: list[tuple[int, float, float]], stations: pl.DataFrame,
    districts: dict | None, subdistrict_lines: list, labels: pl.DataFrame, words: dict[str, str],
) -> str:  # fmt: skip
    """The map (module docstring). ``communities`` have lat, lon and status; ``sites``
    are (rank, lat, lon); ``stations`` lat, lon; ``labels`` name, lat, lon, workers."""
    lats = communities["lat"].to_list() + [s[1] for s in sites]
    lons = communities["lon"].to_list() + [s[2] for s in sites]
    if not lats:
        return ""
    project = Projection(lats, lons, WIDTH, HEIGHT)
    parts = ['<rect width="100%" height="100%" fill="#fff"/>']
    for rings in district_rings(districts).values():
        d = "".join(_path([project(lon, lat) for lon, lat in ring], True) for ring in rings)
        parts.append(f'<path d="{d}" fill="#f8f9f9" stroke="#7f8c8d" stroke-width="1.2" '
                     'fill-rule="evenodd"/>')  # fmt: skip
    if subdistrict_lines:
        d = "".join(_path([project(*a), project(*b)], False) for a, b in subdistrict_lines)
        parts.append(f'<path d="{d}" fill="none" stroke="#b3b6b7" stroke-width="0.7" '
                     'stroke-dasharray="3,2"/>')  # fmt: skip
    for status, (fill, radius) in STATUS_STYLE.items():
        part = communities.filter(pl.col("status") == status)
        parts.append(f'<g fill="{fill}">' + "".join(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}"/>'
            for x, y in (project(lon, lat) for lat, lon in part.select("lat", "lon").iter_rows())
        ) + "</g>")  # fmt: skip
    parts.append(f'<g fill="{STATION}" fill-opacity="0.8">' + "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2"/>'
        for x, y in (project(lon, lat) for lat, lon in stations.select("lat", "lon").iter_rows())
    ) + "</g>")  # fmt: skip
    parts.extend(_labels(labels, project, 12))
    for rank, lat, lon in sorted(sites, reverse=True):  # rank 1 drawn last, on top
        x, y = project(lon, lat)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{SITE}" stroke="#fff" '
            'stroke-width="1.5"/>'
            f'<text x="{x:.1f}" y="{y + 3.5:.1f}" text-anchor="middle" fill="#fff" '
            f'style="{FONT};font-size:10px;font-weight:bold">{rank}</text>'
        )
    parts.append(_scale_bar(project))
    parts.append(_legend(words))
    return (
        f'<svg class="map" viewBox="0 0 {WIDTH} {HEIGHT + STRIP}" width="100%" role="img" '
        f'aria-label="{escape(words["map_title"])}" style="overflow:hidden">'
        + "".join(parts) + "</svg>"
    )  # fmt: skip
