"""``python -m pipelines report``: write monthly reports from the published snapshot.

    python -m pipelines report --month 2025-06     # the city (reports/2025-06.html|pdf) and
                                                   # every district (2025-06-<code>.html|pdf)
    python -m pipelines report --month 2025-06 --district 房山区   # reports/2025-06-110111000000.*
    python -m pipelines report --month 2025-06 --city-only        # the city's only
    python -m pipelines report --latest                      # the latest complete month
    python -m pipelines report --all                         # every month in the snapshot

Writes under ``<WSI_DATA_DIR>/reports``, without a Dagster run.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import date

from pipelines.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the monthly report (HTML, and PDF when chromium is installed)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", help="the month, YYYY-MM")
    which.add_argument("--latest", action="store_true", help="the latest complete month")
    which.add_argument("--all", action="store_true", help="every month in the snapshot")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument("--district", help="a district's name (房山区) or code (110111)")
    scope.add_argument("--city-only", action="store_true", help="the city's report only")
    parser.add_argument("--no-pdf", action="store_true", help="write the HTML only")
    parser.set_defaults(func=run)


def _months(args: argparse.Namespace) -> list[date]:
    from pipelines.report.data import latest_complete_month, parse_month, report_months
    from pipelines.serving import open_snapshot

    if args.month:
        return [parse_month(args.month)]
    con = open_snapshot(get_settings().snapshot_path)
    try:
        return [latest_complete_month(con)] if args.latest else report_months(con)
    finally:
        con.close()


def run(args: argparse.Namespace) -> int:
    # the report stack (duckdb, the renderer) loads here, not when the CLI starts
    from pipelines.report import ReportDataError, write_report, write_reports
    from pipelines.report.pdf import PdfError
    from pipelines.serving import NoSnapshot

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = get_settings()
    try:
        months = _months(args)
        for month in months:
            where = (settings.snapshot_path, settings.reports_dir, month)
            if args.district or args.city_only:
                written = [write_report(*where, args.district, pdf=not args.no_pdf)]
            else:
                written = write_reports(*where, pdf=not args.no_pdf)
            for files in written:
                print(files.html)
                if files.pdf:
                    print(files.pdf)
    except (ReportDataError, NoSnapshot) as error:
        print(f"report: {error}", file=sys.stderr)
        return 2
    except PdfError as error:
        print(f"report: {error}", file=sys.stderr)
        return 1
    return 0
