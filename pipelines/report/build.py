"""Write one month's report files: ``<reports>/YYYY-MM.html`` and ``YYYY-MM.pdf``.

The city's report is ``YYYY-MM.html``; a district's is ``YYYY-MM-<district code>.html``
(``2025-06-110111000000.html`` for 房山区), with the PDF alongside under the same
name. The PDF is skipped, and the result says why, when no chromium is installed.
:func:`write_reports` writes the city's and every district's; :func:`brief_html` renders
any city, district or subdistrict's brief without writing it (the dashboard's download).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.report.data import (
    MonthlyReport,
    Scope,
    load_report,
    report_scopes,
    resolve_scope,
    scope_of,
)
from pipelines.report.pdf import find_chromium, print_to_pdf
from pipelines.report.render import render_html
from pipelines.serving import open_snapshot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    pdf: Path | None
    #: why there is no PDF (None when there is one)
    pdf_skipped: str | None
    report: MonthlyReport


def report_stem(month: date, scope: Scope) -> str:
    """The file name without extension: ``2025-06`` or ``2025-06-110111000000``."""
    return f"{month:%Y-%m}" if scope.level == "city" else f"{month:%Y-%m}-{scope.code}"


def write_report(
    snapshot_path: Path,
    reports_dir: Path,
    month: date,
    district: str | None = None,
    *,
    pdf: bool = True,
) -> ReportFiles:
    """Render the report of ``month`` (the city, or ``district`` by name or code)."""
    con = open_snapshot(snapshot_path)
    try:
        report = load_report(con, month, resolve_scope(con, district))
    finally:
        con.close()
    return _write(report, reports_dir, pdf)


def write_reports(
    snapshot_path: Path, reports_dir: Path, month: date, *, pdf: bool = True
) -> list[ReportFiles]:
    """The reports of ``month`` for the city and every district, the city's first."""
    con = open_snapshot(snapshot_path)
    try:
        reports = [load_report(con, month, scope) for scope in report_scopes(con)]
    finally:
        con.close()
    return [_write(report, reports_dir, pdf) for report in reports]


def brief_html(snapshot_path: Path, month: date, scope_code: str) -> str:
    """The brief of a city, district or subdistrict as HTML, written nowhere."""
    con = open_snapshot(snapshot_path)
    try:
        return render_html(load_report(con, month, scope_of(con, scope_code)))
    finally:
        con.close()


def _write(report: MonthlyReport, reports_dir: Path, pdf: bool) -> ReportFiles:
    reports_dir.mkdir(parents=True, exist_ok=True)
    stem = report_stem(report.month, report.scope)
    html_path = reports_dir / f"{stem}.html"
    partial = html_path.with_name(html_path.name + ".partial")
    partial.write_text(render_html(report), encoding="utf-8")
    os.replace(partial, html_path)
    if not pdf:
        return ReportFiles(html_path, None, "PDF not requested", report)
    chromium = find_chromium()
    if chromium is None:
        reason = "no chromium on PATH: wrote the HTML report only"
        log.warning("%s (%s)", reason, html_path)
        return ReportFiles(html_path, None, reason, report)
    pdf_path = print_to_pdf(html_path, reports_dir / f"{stem}.pdf", chromium)
    return ReportFiles(html_path, pdf_path, None, report)
