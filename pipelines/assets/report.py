"""Dagster definitions for the report step: ``monthly_report``, one partition a month.

A partition writes the month's briefs (the city's and every district's) and their WeChat
month cards from the published snapshot. A
month the snapshot has no figures for (before the data starts, or a month not yet
loaded) is skipped, not failed: the asset is then not materialised for that
partition and the log says why, so a backfill over the whole range stays green
while showing exactly which months have a report.
"""

# no `from __future__ import annotations` here: Dagster reads the `context` annotation
# at definition time and rejects it as a string
from collections.abc import Iterator
from datetime import date, timedelta

import dagster as dg

from pipelines.report import MonthWithoutData, write_reports
from pipelines.report import formatting as f
from pipelines.report.card import write_card
from pipelines.settings import get_settings

monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date="2023-01-01", end_offset=1, timezone="Asia/Shanghai"
)


@dg.asset(
    partitions_def=monthly_partitions,
    deps=[dg.AssetKey("serving_snapshot")],
    group_name="report",
    kinds={"html", "pdf", "png"},
    output_required=False,
    description="月度报告: the leadership briefs of a month, the city's and every district's "
    "(HTML, and PDF via chromium), and their WeChat month cards (PNG).",
)
def monthly_report(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
    settings = get_settings()
    month = date.fromisoformat(context.partition_key)
    try:
        briefs = write_reports(settings.snapshot_path, settings.reports_dir, month)
    except MonthWithoutData as error:
        context.log.warning(f"no report for {month:%Y-%m}: {error}; partition skipped")
        return
    cards = [write_card(b.report, settings.reports_dir / "cards") for b in briefs]
    files = briefs[0]  # the city's
    if files.pdf is None:
        context.log.warning(f"PDF skipped for {month:%Y-%m}: {files.pdf_skipped}")
    kpi = files.report.kpi
    preview = "\n".join(
        (
            f"**{files.report.scope.name} {f.month_label(month)}**",
            "",
            "| 指标 | 本月 |",
            "|---|---|",
            f"| 服务人次 | {f.count(kpi['visits'])} |",
            f"| 在运营驿站 | {f.count(kpi['active_stations'])} |",
            f"| 驿站覆盖率 | {f.percent(kpi['coverage_rate'])} |",
            f"| 热线工单 | {f.count(kpi['calls'])} |",
            f"| 新入会人数 | {f.count(kpi['enrolled'])} |",
        )
    )
    metadata: dict[str, dg.MetadataValue | int] = {
        "html": dg.MetadataValue.path(str(files.html)),
        "html_bytes": files.html.stat().st_size,
        "preview": dg.MetadataValue.md(preview),
        "briefs": len(briefs),
        "cards": sum(card.png is not None for card in cards),
    }
    if files.pdf is not None:
        metadata["pdf"] = dg.MetadataValue.path(str(files.pdf))
    else:
        metadata["pdf_skipped"] = dg.MetadataValue.text(files.pdf_skipped or "")
    yield dg.MaterializeResult(metadata=metadata)


monthly_report_job = dg.define_asset_job("monthly_report_job", selection=[monthly_report])


@dg.schedule(
    job=monthly_report_job,
    # an hour after the monthly refresh of the warehouse (pipelines/serving.py)
    cron_schedule="0 7 1 * *",
    execution_timezone="Asia/Shanghai",
    # on from the start: the daemon of `make serve` or the systemd unit runs it unattended
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def monthly_report_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """On the 1st, the brief of the month that has just ended."""
    first_of_this_month = context.scheduled_execution_time.date().replace(day=1)
    last_month = (first_of_this_month - timedelta(days=1)).replace(day=1)
    return dg.RunRequest(partition_key=last_month.isoformat())


defs = dg.Definitions(
    assets=[monthly_report], jobs=[monthly_report_job], schedules=[monthly_report_schedule]
)
