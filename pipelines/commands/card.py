"""``python -m pipelines card``: write the WeChat month cards from the published snapshot.

    python -m pipelines card --month 2025-06                 # the city and every district
    python -m pipelines card --month 2025-06 --district 房山区  # one district
    python -m pipelines card --latest                         # the latest complete month

Writes ``<WSI_DATA_DIR>/reports/cards/YYYY-MM[-<code>].png`` (1080 px wide, the month's
figures inside as text) and the HTML beside each; without chromium, the HTML only.
"""

from __future__ import annotations

import argparse
import sys

from pipelines.settings import get_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "card",
        help="write the WeChat month cards (PNG, 1080 px wide)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--month", help="the month, YYYY-MM")
    which.add_argument("--latest", action="store_true", help="the latest complete month")
    parser.add_argument("--district", help="a district's name (房山区) or code (110111)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # the report stack (duckdb, the renderer) loads here, not when the CLI starts
    from pipelines.report import ReportDataError
    from pipelines.report.card import write_card
    from pipelines.report.data import (
        latest_complete_month,
        load_report,
        parse_month,
        report_scopes,
        resolve_scope,
    )
    from pipelines.report.pdf import PdfError
    from pipelines.serving import NoSnapshot, open_snapshot

    settings = get_settings()
    try:
        con = open_snapshot(settings.snapshot_path)
        try:
            month = latest_complete_month(con) if args.latest else parse_month(args.month)
            scopes = [resolve_scope(con, args.district)] if args.district else report_scopes(con)
            reports = [load_report(con, month, scope) for scope in scopes]
        finally:
            con.close()
        for report in reports:
            files = write_card(report, settings.reports_dir / "cards")
            print(files.png or f"{files.html} ({files.png_skipped})")
    except (ReportDataError, NoSnapshot) as error:
        print(f"card: {error}", file=sys.stderr)
        return 2
    except PdfError as error:
        print(f"card: {error}", file=sys.stderr)
        return 1
    return 0
