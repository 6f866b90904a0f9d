"""``python -m pipelines run``: one refresh (:func:`pipelines.refresh.refresh`) — the new
and changed landing files into the lake, the months they touch rebuilt, the checks, the
snapshot — in this process, then what happened to each landing file.

The same steps the Dagster ``everything`` job runs asset by asset, without Dagster's run
storage: the command starts in a fraction of a second and does nothing when nothing is
new. A rejected file is listed, not fatal: the exit code is non-zero only when the
refresh itself fails (a failed check, or a snapshot that could not be written, e.g. on a
full disk: either way the snapshot is left as it was and the dashboard keeps serving it).

Stewards' uploads queue refresh requests while a refresh runs; when it ends and some are
waiting, the command refreshes again, so that a request never waits for a refresh that
nobody starts (the dashboard starts this command only when no refresh holds the lock).
"""

from __future__ import annotations

import argparse
import logging
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="ingest the landing files and build everything")
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="the log level (default: WARNING; the file summary always prints)",
    )
    parser.add_argument(
        "--workers", type=int, help="processes reading landing files (default: the cores)"
    )
    parser.add_argument(
        "--report-json",
        metavar="PATH",
        help="also write what the refresh did (files read, models rebuilt, seconds per step "
        "and per model) to PATH as JSON, for the benchmarks",
    )
    parser.set_defaults(func=run)


def _print_summary(warehouse_path: str, ingested: set[str]) -> None:
    import duckdb

    try:
        con = duckdb.connect(warehouse_path, read_only=True)
    except duckdb.Error as exc:  # e.g. no warehouse yet
        print(f"(no file summary: {exc})")
        return
    try:
        rows = con.execute(
            """SELECT path, status, rows_read, rows_loaded, rows_quarantined, rows_superseded,
                      rows_skipped, message
               FROM marts.ingest_files ORDER BY source, path"""
        ).fetchall()
    except duckdb.Error:
        rows = []
    finally:
        con.close()
    print(
        f"{'file':<40} {'status':<9} {'read':>8} {'loaded':>8} {'quar.':>6} "
        f"{'super.':>6} {'skip.':>5}"
    )
    for path, status, read, loaded, quarantined, superseded, skipped, message in rows:
        mark = "*" if path in ingested else " "
        print(
            f"{mark}{path:<39} {status:<9} {read:>8} {loaded:>8} {quarantined:>6} "
            f"{superseded:>6} {skipped:>5}"
        )
        if message:
            print(f"    {message}")
    print("(* read in this run)")


def _write_report(path: str, report) -> None:
    import json
    from pathlib import Path

    body = {
        "ingested": [r.path for r in report.ingested],
        "rebuilt": report.rebuilt,
        "published": report.published,
        "seconds": report.seconds,
    }
    Path(path).write_text(json.dumps(body, ensure_ascii=False, indent=1, default=str))


def run(args: argparse.Namespace) -> int:
    from pipelines.settings import get_settings
    from pipelines.uploads import requests

    logging.basicConfig(level=args.log_level, format="%(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    status = _refresh_once(settings, args)
    # checked after the refresh let go of its lock: a request queued while it held it
    # found the lock taken and started nothing
    while requests.pending(settings):
        status = _refresh_once(settings, args)
    return status


def _refresh_once(settings, args: argparse.Namespace) -> int:
    from pipelines.refresh import CheckFailed, refresh
    from pipelines.serving import PublishFailed

    try:
        report = refresh(settings, workers=args.workers)
    except (CheckFailed, PublishFailed) as failure:
        print(f"refresh stopped: {failure}", file=sys.stderr)
        return 1
    if args.report_json:
        _write_report(args.report_json, report)
    if report.nothing_new:
        print("nothing new: the snapshot is up to date")
        return 0
    _print_summary(str(settings.warehouse_path), {r.path for r in report.ingested})
    rebuilt = ", ".join(f"{m} ({what})" for m, what in report.rebuilt.items())
    print(f"rebuilt: {rebuilt or 'nothing'}")
    if report.published is not None:
        print(f"published {settings.snapshot_path}")
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items() if ":" not in k)
    print(f"took: {timing}")
    return 0
