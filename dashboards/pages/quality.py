"""数据质量 Data quality: the files loaded and rejected with their messages, rows
quarantined by reason per source and month, the row-accounting check per file, and the
audit log (uploads, previews, accepts, withdrawals, sign-ins, downloads)."""

from __future__ import annotations

import json

import dash
import polars as pl
from dash import Input, Output, callback, html

from dashboards import data, figures
from dashboards.components import (
    T,
    context,
    download_bar,
    graph,
    grid_columns,
    no_data,
    page_header,
    rows,
    section,
    table,
    table_outputs,
    table_values,
)  # fmt: skip
from dashboards.i18n import t
from dashboards.i18n.values import FILE_STATUSES, pick
from pipelines.uploads.audit import EVENTS

dash.register_page(
    __name__,
    path="/quality",
    order=7,
    name="数据质量",
    i18n_key="page.quality",
    filters=False,
    # landing files and rejected rows belong to no district: only the city sees them
    city_only=True,
)


def layout(**_):
    if not data.available():
        return no_data()
    return html.Div(
        [
            page_header("page.quality"),
            html.P(T("quality.equation"), className="lead"),
            section("quality.files", table("quality-files", 360), download_bar("ingest_files"),
                    help_key="quality", wide=True),
            section("quality.by_reason", graph("quality-reasons"), table("quality-summary", 300),
                    download_bar("quarantine_summary"), help_key="quality", wide=True),
            # the first rows only, with a note when there are more: the download has all
            section("quality.rows", html.P(id="quality-rows-note", className="lead"),
                    table("quality-rows", 360), download_bar("quarantine_rows"),
                    help_key="quality", wide=True),
            section("audit.title", html.P(T("audit.note"), className="lead"),
                    table("quality-audit", 360), wide=True),
        ],
        className="grid",
    )  # fmt: skip


@callback(
    *table_outputs("quality-files"),
    Output("quality-reasons", "figure"),
    *table_outputs("quality-summary"),
    *table_outputs("quality-rows"),
    Output("quality-rows-note", "children"),
    Input("lang", "data"),
)
def update(lang):
    viewer, _, _ = context(None, None)
    files = data.ingest_files(viewer)
    summary = data.quarantine_summary(viewer)
    rejected, rejected_total = data.quarantine_rows_shown(viewer)
    file_columns = grid_columns(files, lang, ("path",))
    for spec in file_columns:
        if spec["field"] == "balanced":
            spec["cellRenderer"] = "agCheckboxCellRenderer"
        if spec["field"] == "status":  # the cell shows the status in words
            word = json.dumps(pick(FILE_STATUSES["rejected"], "rejected", lang))
            spec["cellClassRules"] = {"rejected": f"params.value === {word}"}
        if spec["field"] == "message":
            spec["flex"] = 1
            spec["minWidth"] = 280
    shown_note = ""
    if rejected_total > rejected.height:
        shown_note = t("quality.rows_shown", lang, shown=rejected.height, total=rejected_total)
    if not viewer.is_city:
        note = figures.empty(lang)
        note.layout.annotations[0].text = t("quality.city_only", lang)
        return [], [], note, [], [], [], [], ""
    return (
        rows(files, lang), file_columns, figures.quarantine_reasons(summary, lang),
        *table_values(summary, lang), *table_values(rejected, lang, ("path",)), shown_note,
    )  # fmt: skip


@callback(*table_outputs("quality-audit"), Input("lang", "data"))
def audit_log(lang):
    """Read from the uploads store when the page is drawn: current to the second, not to
    the last refresh (the warehouse's ``meta.audit_log`` is its copy)."""
    viewer = data.current_viewer()
    said = {event: t(f"audit.event.{event}", lang) for event in EVENTS}
    events = data.audit_events(viewer).with_columns(pl.col("event").replace(said))
    return table_values(events, lang)
