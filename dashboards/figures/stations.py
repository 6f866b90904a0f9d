"""The stations page's map: every station of the registry by its 七有 status."""

from __future__ import annotations

import polars as pl

from dashboards.basemaps import Basemap
from dashboards.figures.base import COLORS
from dashboards.figures.maps import MapFigure, Outlines, fit_view, map_figure, map_points
from dashboards.i18n import t
from pipelines.vocabulary import SEVEN_AMENITIES

#: status → legend key, colour, marker size; drawn in this order (problems on top)
STATUS = {
    "inactive": ("legend.inactive", "#bdc3c7", 6),
    "standard": ("legend.standard", COLORS["good"], 8),
    "one_missing": ("legend.one_missing", COLORS["warn"], 9),
    "missing": ("legend.several_missing", COLORS["primary"], 9),
}


def seven_status(stations: pl.DataFrame) -> pl.Series:
    """Each station's status: not active in the month, all seven amenities, one missing,
    or two or more missing."""
    return stations.select(
        pl.when(~pl.col("active").fill_null(False)).then(pl.lit("inactive"))
        .when(pl.col("meets_standard").fill_null(False)).then(pl.lit("standard"))
        .when(pl.col("missing_amenities") == 1).then(pl.lit("one_missing"))
        .otherwise(pl.lit("missing")).alias("status")
    )["status"]  # fmt: skip


def _hover(stations: pl.DataFrame, lang: str) -> list[str]:
    texts = []
    for row in stations.iter_rows(named=True):
        missing = [SEVEN_AMENITIES.label(c, lang) for c in SEVEN_AMENITIES.codes if not row[c]]
        state = (
            t("stations.meets", lang) if not missing
            else t("stations.lacks", lang, items="、".join(missing))
        )  # fmt: skip
        texts.append(f"{row['station_name']}<br>{state}")
    return texts


def station_map(
    stations: pl.DataFrame, lang: str, outlines: Outlines | None, tiles: Basemap | None
) -> MapFigure:
    """Stations (lat, lon, station_name, active, meets_standard, missing_amenities and
    the seven ``has_*`` flags) coloured by :func:`seven_status`, each hoverable with what
    it lacks."""
    located = stations.drop_nulls(["lat", "lon"])
    located = located.with_columns(status=seven_status(located))
    traces = []
    for status, (key, color, size) in STATUS.items():
        part = located.filter(pl.col("status") == status)
        traces.append(map_points(
            part, marker={"size": size, "color": color, "opacity": 0.85},
            name=t(key, lang), text=_hover(part, lang), hovertemplate="%{text}<extra></extra>",
        ))  # fmt: skip
    center, zoom = fit_view(located)
    return map_figure(traces, outlines, tiles, center, zoom, template="plotly_white")
