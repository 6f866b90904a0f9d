"""The Dagster code location: ``dagster dev -w workspace.yaml`` and ``dg dev`` load ``defs``,
under either engine (``WSI_ENGINE``)."""

from __future__ import annotations

import dagster as dg

from pipelines.assets import ingest, publish, report, warehouse
from pipelines.assets.resources import WarehouseResource
from pipelines.settings import get_settings


def build_definitions() -> dg.Definitions:
    settings = get_settings()
    spark = None
    if settings.engine == "spark":  # the session, started when a model first needs it
        from pipelines.engines.spark_resource import SparkResource

        spark = SparkResource.from_env(settings)
    resources = dg.Definitions(
        resources={"warehouse": WarehouseResource(path=str(settings.warehouse_path), spark=spark)},
        executor=dg.in_process_executor,
    )
    return dg.Definitions.merge(
        ingest.defs,
        warehouse.defs,
        publish.defs,
        report.defs,
        resources,
    )


defs = build_definitions()
