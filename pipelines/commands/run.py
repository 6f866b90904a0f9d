"""``python -m pipelines run``: materialize every non-partitioned asset in-process, then
print what happened to each landing file.

The assets come from ``pipelines.definitions.defs`` (whatever the modules define), the
Dagster instance from ``DAGSTER_HOME`` when set, else an ephemeral one. A rejected file
is listed, not fatal: the exit code is non-zero only when the pipeline itself fails.
"""

from __future__ import annotations

import argparse
import os
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="ingest the landing files and build everything")
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="Dagster's console log level (default: WARNING; the file summary always prints)",
    )
    parser.set_defaults(func=run)


def _print_summary(warehouse_path: str, started: object) -> None:
    import duckdb

    try:
        con = duckdb.connect(warehouse_path, read_only=True)
    except duckdb.Error as exc:  # e.g. no warehouse yet
        print(f"(no file summary: {exc})")
        return
    try:
        rows = con.execute(
            """SELECT path, status, rows_read, rows_loaded, rows_quarantined, rows_superseded,
                      message, ingested_at >= ? AS this_run
               FROM meta.ingest_files ORDER BY source, path""",
            [started],
        ).fetchall()
    except duckdb.Error:
        rows = []
    finally:
        con.close()
    print(f"{'file':<40} {'status':<9} {'read':>8} {'loaded':>8} {'quar.':>6} {'super.':>6}")
    for path, status, read, loaded, quarantined, superseded, message, this_run in rows:
        mark = "*" if this_run else " "
        print(
            f"{mark}{path:<39} {status:<9} {read:>8} {loaded:>8} {quarantined:>6} {superseded:>6}"
        )
        if message:
            print(f"    {message}")
    print("(* processed in this run)")


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.settings import get_settings

    started = datetime.now(UTC).replace(tzinfo=None)
    graph = defs.resolve_asset_graph()
    keys = [
        key
        for key in graph.materializable_asset_keys
        if graph.get(key).is_executable and graph.get(key).partitions_def is None
    ]
    job = defs.resolve_implicit_global_asset_job_def()
    instance = (
        dg.DagsterInstance.get()
        if os.environ.get("DAGSTER_HOME")
        else dg.DagsterInstance.ephemeral()
    )
    with instance:
        result = job.execute_in_process(
            instance=instance,
            asset_selection=keys,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
        )
    _print_summary(str(get_settings().warehouse_path), started)
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        print(f"pipeline failed at: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
