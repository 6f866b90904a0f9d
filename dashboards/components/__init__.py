"""Reusable pieces of the dashboard's pages: translatable text, sections with their
"how is this computed" explainer, KPI cards, tables with Excel/CSV downloads, and the
"no data yet" notice.

Import what a page needs from here::

    from dashboards.components import T, section, kpi_card, table, download_bar
"""

from dashboards.components.charts import chart_outputs, chart_values
from dashboards.components.common import T, context, explainer, graph, no_data, page_header, section
from dashboards.components.downloads import download_bar, download_params
from dashboards.components.kpi import kpi_card
from dashboards.components.tables import (
    grid,
    grid_columns,
    grid_options,
    rows,
    table,
    table_outputs,
    table_values,
)

__all__ = [
    "T",
    "chart_outputs",
    "chart_values",
    "context",
    "download_bar",
    "download_params",
    "explainer",
    "graph",
    "grid",
    "grid_columns",
    "grid_options",
    "kpi_card",
    "no_data",
    "page_header",
    "rows",
    "section",
    "table",
    "table_outputs",
    "table_values",
]
