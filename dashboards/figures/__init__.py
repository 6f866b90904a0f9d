"""Plotly figures of the dashboard: plain functions from a query's table to a figure.

- :mod:`.base` — fonts, colours, the empty figure, month axes;
- :mod:`.charts` — trends, rankings, bars, heatmaps and the other charts;
- :mod:`.forecast` — the demand forecast's fan, backtest and weather;
- :mod:`.maps` — offline MapLibre maps (coverage), built as plain dicts;
- :mod:`.siting` — the siting page's map.
"""

from dashboards.figures.base import BEIJING_CENTER, COLORS, FONT, SEQUENCE, empty
from dashboards.figures.charts import (
    RANK_MEASURES,
    TREND_MEASURES,
    bars,
    cumulative,
    heatmap,
    platforms,
    quarantine_reasons,
    ranking,
    seasons,
    stacked_over_months,
    trends,
    two_measures,
    unassigned,
)
from dashboards.figures.forecast import backtest_chart, forecast_fan, weather_assumed
from dashboards.figures.maps import (
    MapFigure,
    community_hover,
    coverage_map,
    district_boundaries,
    map_figure,
    map_layers,
    map_points,
)
from dashboards.figures.siting import siting_map

__all__ = [
    "BEIJING_CENTER", "COLORS", "FONT", "RANK_MEASURES", "SEQUENCE", "TREND_MEASURES",
    "MapFigure", "backtest_chart", "bars", "community_hover", "coverage_map", "cumulative",
    "district_boundaries", "empty", "forecast_fan", "heatmap", "map_figure", "map_layers",
    "map_points", "platforms", "quarantine_reasons", "ranking", "seasons", "siting_map",
    "stacked_over_months", "trends", "two_measures", "unassigned", "weather_assumed",
]  # fmt: skip
