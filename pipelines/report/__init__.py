"""The monthly leadership report (月度报告): one brief per month, for the city or a district.

``data`` reads the serving snapshot, ``render`` writes the HTML (with ``charts`` and
``formatting``), ``pdf`` prints it with headless chromium, and ``build.write_report``
ties them together. Files, under ``Settings.reports_dir``:

- ``YYYY-MM.html`` / ``YYYY-MM.pdf``: the city;
- ``YYYY-MM-<district code>.html`` / ``.pdf``: a district (12-digit code).

Run it with ``python -m pipelines report --month 2025-06 [--district 房山区]`` or the
Dagster asset ``monthly_report``.
"""

from pipelines.report.build import ReportFiles, report_stem, write_report
from pipelines.report.data import MonthWithoutData, ReportDataError

__all__ = ["MonthWithoutData", "ReportDataError", "ReportFiles", "report_stem", "write_report"]
