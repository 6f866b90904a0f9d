"""Dagster definitions for publishing: the ``serving_snapshot`` asset (the last step of
the graph), the ``everything`` job and its monthly schedule.

The publishing itself is a plain function, :func:`pipelines.serving.publish_snapshot`.
"""

import dagster as dg

from pipelines.assets.warehouse import load_models
from pipelines.serving import publish_snapshot
from pipelines.settings import get_settings
from pipelines.warehouse import WarehouseResource

MART_KEYS = [dg.AssetKey(m.name) for m in load_models() if m.schema == "marts"]


@dg.asset(
    group_name="publish",
    kinds={"duckdb"},
    deps=[*MART_KEYS, dg.AssetKey("siting_plan"), dg.AssetKey("demand_forecast")],
    description="The read-only snapshot the dashboard, the report and outside tools read "
    "(<data>/serving/current.duckdb): every mart, no raw rows, nothing personal, "
    "replaced atomically; the one before is kept as previous.duckdb.",
)
def serving_snapshot(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    settings = get_settings()
    with warehouse.connect() as con:
        counts = publish_snapshot(con, settings)
    context.log.info("published %s tables to %s", len(counts), settings.snapshot_path)
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
)

defs = dg.Definitions(assets=[serving_snapshot], jobs=[everything], schedules=[monthly_refresh])
