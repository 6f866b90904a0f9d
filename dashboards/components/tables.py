"""Tables (dash-ag-grid) with headings in the viewer's language."""

from __future__ import annotations

import polars as pl
from dash import Output
from dash_ag_grid import AgGrid

from dashboards.components.downloads import download_params
from dashboards.i18n import column, label_codes

#: value formatters by column type (d3-format through AG Grid's valueFormatter)
_PERCENT = {"function": "params.value == null ? '' : d3.format('.1%')(params.value)"}
_INTEGER = {"function": "params.value == null ? '' : d3.format(',')(params.value)"}
_NUMBER = {"function": "params.value == null ? '' : d3.format(',.4~r')(params.value)"}


#: AG Grid's own words in Chinese (its menus and filters); English is its default
_ZH_LOCALE = {
    "contains": "包含", "notContains": "不包含", "equals": "等于", "notEqual": "不等于",
    "startsWith": "开头是", "endsWith": "结尾是", "blank": "为空", "notBlank": "不为空",
    "lessThan": "小于", "greaterThan": "大于", "lessThanOrEqual": "小于等于",
    "greaterThanOrEqual": "大于等于", "inRange": "介于", "inRangeStart": "从", "inRangeEnd": "到",
    "andCondition": "且", "orCondition": "或", "filterOoo": "筛选…", "noRowsToShow": "暂无数据",
    "loadingOoo": "加载中…", "before": "早于", "after": "晚于", "true": "是", "false": "否",
    "selectAll": "全选", "searchOoo": "搜索…", "applyFilter": "应用", "resetFilter": "重置",
    "clearFilter": "清除",
}  # fmt: skip


def grid(name: str) -> dict:
    """The id of table ``name`` (pattern-matched so the shell can set its language)."""
    return {"type": "grid", "name": name}


def grid_options(lang: str | None) -> dict:
    return {
        "enableCellTextSelection": True,
        "suppressFieldDotNotation": True,
        "localeText": {} if lang == "en" else _ZH_LOCALE,
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
        if name.endswith("_rate"):
            spec["valueFormatter"] = _PERCENT
        elif dtype.is_float():
            spec["valueFormatter"] = _NUMBER
        elif dtype.is_integer() and not name.endswith(("_code", "row_number")):
            spec["valueFormatter"] = _INTEGER
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
