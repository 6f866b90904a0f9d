"""The figures' common look: fonts, colours, the empty figure, month axes; and how every
graph is configured: no way to Plotly's cloud, and an image download that carries the
chart's title, scope and month in the picture (:func:`stamp`) and in its file name
(:func:`graph_config`)."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from dashboards.i18n import t

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


#: the traces and the parts of a layout the dashboard's figures use
_DRAWN = ("bar", "scatter", "heatmap")
_NOT_DRAWN = ("geo", "polar", "scene", "ternary")


def _house_template() -> go.layout.Template:
    """plotly_white for what the figures draw. plotly copies and validates the default
    template into every figure it makes, and plotly_white's styles for some forty trace
    types and 3-D scenes made that most of a small chart's cost (a ranking 19 → 8 ms)."""
    white = pio.templates["plotly_white"]
    layout = {k: v for k, v in white.layout.to_plotly_json().items() if k not in _NOT_DRAWN}
    return go.layout.Template(layout=layout, data={name: white.data[name] for name in _DRAWN})


pio.templates["wsi"] = _house_template()
pio.templates.default = "wsi"  # every go.Figure of the process, the briefs' charts too


def style(fig: go.Figure, height: int = 320, legend: bool = True) -> go.Figure:
    fig.update_layout(
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        height=height,
        colorway=SEQUENCE,
        showlegend=legend,
        legend={"orientation": "h", "y": -0.15},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def grid(titles: list[str], columns: int, h_gap: float = 0.08, v_gap: float = 0.18) -> dict:
    """The layout of charts in a grid, row by row (axes x, x2 …, y, y2 …), with a title
    over each: what ``make_subplots`` builds, at a tenth of its cost."""
    rows = -(-len(titles) // columns)
    width, height = (1 - h_gap * (columns - 1)) / columns, (1 - v_gap * (rows - 1)) / rows
    layout: dict = {"annotations": []}
    for n, title in enumerate(titles):
        row, col = divmod(n, columns)
        x0, y1 = col * (width + h_gap), 1 - row * (height + v_gap)
        suffix = str(n + 1) if n else ""
        layout[f"xaxis{suffix}"] = {"domain": [x0, x0 + width], "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {"domain": [max(0, y1 - height), y1], "anchor": f"x{suffix}"}
        layout["annotations"].append(
            {"text": title, "x": x0 + width / 2, "y": y1, "xref": "paper", "yref": "paper",
             "xanchor": "center", "yanchor": "bottom", "showarrow": False,
             "font": {"family": FONT, "size": 13}}
        )  # fmt: skip
    return layout


def empty(lang: str, height: int = 320) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=t("empty", lang), showarrow=False, font={"size": 16, "color": "#888"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, height, legend=False)


def months(df: pl.DataFrame, lang: str) -> list:
    return df["month"].to_list()


def month_axis(fig: go.Figure, lang: str) -> go.Figure:
    """Months on a date axis, labelled the reader's way."""
    # a label every 6 months: 24 monthly labels do not fit a half-width chart
    fig.update_xaxes(
        tickformat="%b %Y" if lang == "en" else "%Y年%-m月", hoverformat="%Y-%m", dtick="M6"
    )
    return fig


# --- config: what a graph's toolbar offers ------------------------------------------------

#: every graph's config: internal figures never leave the server, so no button or link
#: to Plotly's cloud or Chart Studio, no logo; the image download is a PNG at twice size
CONFIG: dict = {
    "displaylogo": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showLink": False,
    "sendData": False,
    "plotlyServerURL": "",
    "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio", "lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "暖心驿站"},
}
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


def graph_config(title: str, scope_name: str, month: str) -> dict:
    """:data:`CONFIG` with the image download named ``<title>_<scope>_<YYYY-MM>``."""
    name = _NOT_IN_FILE_NAMES.sub("_", f"{title}_{scope_name}_{month}")
    return {**CONFIG, "toImageButtonOptions": {**CONFIG["toImageButtonOptions"], "filename": name}}


def stamp(fig: go.Figure | dict, title: str, scope_name: str, month_label: str) -> go.Figure | dict:
    """The figure with "title · scope · month" written at its top left, so that its picture
    says what it shows wherever it is forwarded."""
    text = f"{title} · {scope_name} · {month_label}"
    title_layout = {"text": text, "x": 0, "xanchor": "left", "y": 0.995, "yanchor": "top",
                    "font": {"family": FONT, "size": 12, "color": "#7f8c8d"}}  # fmt: skip
    if isinstance(fig, dict):  # a map built as a plain dict (figures/maps.py)
        margin = {**fig["layout"].get("margin", {})}
        margin["t"] = max(margin.get("t", 0), 36)
        fig["layout"]["title"] = title_layout
        fig["layout"]["margin"] = margin
        return fig
    top = max(fig.layout.margin.t or 0, 36)
    return fig.update_layout(title=title_layout, margin={"t": top})
