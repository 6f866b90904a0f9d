"""Dagster definitions for publishing: the ``serving_snapshot`` asset (the last step of
the graph), the ``everything`` job and its monthly schedule.

The publishing itself is a plain function, :func:`pipelines.serving.publish_snapshot`;
it runs when a mart's rows differ from what the snapshot holds, after the marts' blocking
checks passed. Then the lake's parts no record names any more are removed, the audit
log's new events are copied into ``meta.audit_log`` and the stewards' refresh requests
the run served are published; a failed run fails them (``refresh_requests_failed``).
"""

import dagster as dg

from pipelines.assets.resources import WarehouseResource
from pipelines.lake import Lake
from pipelines.serving import discard_leftovers, publish_snapshot, unpublished
from pipelines.settings import get_settings
from pipelines.uploads import audit, requests
from pipelines.warehouse.models import load_models

MART_KEYS = [dg.AssetKey(m.name) for m in load_models() if m.schema == "marts"]


@dg.asset(
    group_name="publish",
    kinds={"duckdb"},
    deps=MART_KEYS,
    description="The read-only snapshot the dashboard, the report and outside tools read "
    "(<data>/serving/current.duckdb): every mart, no raw rows, nothing personal, "
    "replaced atomically, taking only the months that changed; the last "
    "WSI_KEEP_SNAPSHOTS are kept (<data>/serving/history/).",
)
def serving_snapshot(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    settings = get_settings()
    with warehouse.connect() as con:
        discard_leftovers(settings)  # of a publish that was killed
        due = unpublished(con, settings)
        counts = publish_snapshot(con, settings) if due else {}
        audit.copy_to_warehouse(con, settings)
        Lake(settings.lake_dir).collect_garbage()
    requests.finish(settings)
    context.log.info("published %s changed tables to %s", len(due), settings.snapshot_path)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(settings.snapshot_path)),
            "tables": dg.MetadataValue.json(counts),
            "dagster/row_count": sum(counts.values()),
        }
    )


# Everything the snapshot is made of, and the snapshot: ingest, warehouse, planning,
# publish. The monthly report is partitioned by month and reads the snapshot, so it runs
# as its own (partitioned) job.
everything = dg.define_asset_job(
    "everything",
    selection=dg.AssetSelection.assets(serving_snapshot).upstream(),
    description="The whole graph up to the published snapshot: ingest the landing files, "
    "build the warehouse models and checks, plan, publish.",
)

monthly_refresh = dg.ScheduleDefinition(
    name="monthly_refresh",
    job=everything,
    cron_schedule="0 6 1 * *",
    execution_timezone="Asia/Shanghai",
    description="On the 1st of every month at 06:00 Beijing time, after last month closed.",
    # on from the start: the daemon of `make serve` or the systemd unit runs it unattended
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.run_failure_sensor(
    name="refresh_requests_failed",
    monitored_jobs=[everything],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="A failed `everything` run fails the stewards' refresh requests it served, "
    "with its error (the upload page and GET /api/refresh/<id> show it).",
)
def refresh_requests_failed(context: dg.RunFailureSensorContext) -> None:
    message = context.failure_event.message or "the Dagster run failed"
    requests.finish(get_settings(), failure=message[:500])


defs = dg.Definitions(
    assets=[serving_snapshot],
    jobs=[everything],
    schedules=[monthly_refresh],
    sensors=[refresh_requests_failed],
)
