"""Tables (dash-ag-grid) with headings, values and AG Grid's own words in the viewer's
language, numbers shown as :mod:`dashboards.formats` says (as the downloads round them)."""

from __future__ import annotations

import json

import polars as pl
from dash import Output
from dash_ag_grid import AgGrid

from dashboards.components.downloads import download_params
from dashboards.formats import number_format
from dashboards.i18n import column, label_codes
from dashboards.i18n.grid import GRID_ZH


def _formatter(spec: str) -> dict:
    """A d3-format valueFormatter for AG Grid (blank for a missing value)."""
    return {"function": f"params.value == null ? '' : d3.format('{spec}')(params.value)"}


def grid(name: str) -> dict:
    """The id of table ``name`` (pattern-matched so the shell can set its language)."""
    return {"type": "grid", "name": name}


#: AG Grid's words: its localeText is read once, when a grid is made, so the grid asks
#: for each word as it shows it instead, and the browser's language decides
#: (``wsiLocaleText`` in assets/plotly-locale-zh-cn.js, the Chinese from GRID_ZH)
_LOCALE_TEXT = {"function": f"wsiLocaleText(params, {json.dumps(GRID_ZH, ensure_ascii=False)})"}


def grid_options(lang: str | None) -> dict:
    return {
        "enableCellTextSelection": True,
        "suppressFieldDotNotation": True,
        "getLocaleText": _LOCALE_TEXT,
    }


def table(name: str, height: int = 420) -> AgGrid:
    return AgGrid(
        id=grid(name),
        rowData=[],
        columnDefs=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True},
        dashGridOptions=grid_options("zh"),
        style={"height": f"{height}px"},
        className="ag-theme-quartz",
    )


def grid_columns(df: pl.DataFrame, lang: str, pinned: tuple[str, ...] = ()) -> list[dict]:
    """Column definitions with translated headings and number formats."""
    defs = []
    for name, dtype in df.schema.items():
        spec: dict = {"field": name, "headerName": column(name, lang)}
        if name in pinned:
            spec["pinned"] = "left"
        shown = number_format(name, dtype)
        if shown is not None:
            spec["valueFormatter"] = _formatter(shown.d3())
        if dtype.is_numeric():
            spec["type"] = "numericColumn"
        defs.append(spec)
    return defs


def rows(df: pl.DataFrame, lang: str | None = "zh") -> list[dict]:
    """Rows for the grid: codes as labels, dates as ISO text."""
    df = label_codes(df, lang)
    temporal = [c for c, d in df.schema.items() if d.is_temporal()]
    if temporal:
        df = df.with_columns(pl.col(c).cast(pl.String) for c in temporal)
    return df.to_dicts()


def table_outputs(name: str, download: str | None = None) -> list[Output]:
    """What a callback fills for table ``name``: its rows and column definitions and,
    with ``download``, the parameters its download button queries the table again with
    (the callback returns :func:`table_values` for them)."""
    outputs = [Output(grid(name), "rowData"), Output(grid(name), "columnDefs")]
    if download:
        outputs.append(Output(download_params(download), "data"))
    return outputs


def table_values(
    df: pl.DataFrame, lang: str | None, pinned: tuple[str, ...] = (), params: dict | None = None
) -> tuple:
    """The values of :func:`table_outputs`: rows, column definitions (``pinned`` columns
    kept on the left) and, when the table has a download, its ``params``."""
    values = (rows(df, lang), grid_columns(df, lang or "zh", pinned))
    return values if params is None else (*values, params)
