"""The monthly leadership report (月度报告): one brief per month for the city and for
every district (any subdistrict's on request), and the WeChat month card.

``data`` reads the serving snapshot, ``attention`` writes the headline sentences,
``render`` (with ``sections``, ``charts`` and ``formatting``) the HTML, ``pdf`` drives
headless chromium, ``build`` ties them together and ``card`` draws the month card.
Files, under ``Settings.reports_dir``:

- ``YYYY-MM.html`` / ``YYYY-MM.pdf``: the city;
- ``YYYY-MM-<code>.html`` / ``.pdf``: a district (or subdistrict), by its 12-digit code;
- ``cards/YYYY-MM[-<code>].png`` and ``.html``: the month cards.

Run it with ``python -m pipelines report --month 2025-06 [--district 房山区]``,
``python -m pipelines card --month 2025-06`` or the Dagster asset ``monthly_report``.
"""

from pipelines.report.build import (
    ReportFiles,
    brief_html,
    report_stem,
    write_report,
    write_reports,
)
from pipelines.report.data import MonthWithoutData, ReportDataError

__all__ = ["MonthWithoutData", "ReportDataError", "ReportFiles", "brief_html", "report_stem",
           "write_report", "write_reports"]  # fmt: skip
