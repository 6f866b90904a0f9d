"""Dagster definitions for ingestion: one asset per landing source (``raw_<source>``) and
a sensor on the landing folder.

An asset reads its source's new and changed landing files into the lake (one Parquet
file each, several processes at once: ``WSI_INGEST_WORKERS``), then owes the models
that read the source the months the changes touch (:mod:`pipelines.warehouse.refresh`).
Ingesting a file needs no other file, so the assets do not wait for each other. Each
first claims the stewards' waiting refresh requests and carries out their withdrawals
(:mod:`pipelines.uploads.requests`); the sensor also starts a run for requests alone.
"""

import hashlib
import json
from collections.abc import Iterable

import dagster as dg

from pipelines.assets.resources import WarehouseResource
from pipelines.ingest.engine import ingest, landing_files
from pipelines.ingest.specs import SPECS, SourceSpec
from pipelines.lake import FileRecord, Lake
from pipelines.refresh import default_workers, refresh_lock
from pipelines.settings import get_settings
from pipelines.uploads import requests as refresh_requests
from pipelines.warehouse.duck import DuckEngine
from pipelines.warehouse.refresh import queue_lake_changes

PREVIEW_ROWS = 5


def _markdown(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    def cell(value: object) -> str:
        text = "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")
        return text if len(text) <= 60 else text[:59] + "…"  # e.g. a boundary's GeoJSON

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _files_table(records: list[FileRecord]) -> str:
    header = ["file", "status", "read", "valid", "invalid", "skipped", "message"]
    rows = [
        (r.path, r.status, r.rows_read, r.facts.get("valid_rows", 0), r.rows_invalid,
         r.rows_skipped, r.message)
        for r in records
    ]  # fmt: skip
    return _markdown(header, rows) if rows else "No new or changed files."


def _ingest_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    source = spec.name

    @dg.asset(
        name=f"raw_{source}",
        group_name="ingest",
        kinds={"parquet"},
        description=f"{spec.description} Reads new and changed files of data/landing/{source}/ "
        "into the lake (one Parquet file each; rows failing a value check are kept apart "
        "with their reasons) and owes the models that read them the months they touch.",
    )
    def _asset(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        settings = get_settings()
        lake = Lake(settings.lake_dir)
        with refresh_lock(settings):  # the lake and the warehouse change together
            refresh_requests.start(settings)  # stewards' requests: claimed, withdrawals done
            records = ingest(settings, sources=[source], workers=default_workers())
            with warehouse.connect() as con:
                changes = queue_lake_changes(con, lake, DuckEngine(con).register(lake))
                preview = con.execute(f"SELECT * FROM raw.{source} LIMIT {PREVIEW_ROWS}")
                columns = [d[0] for d in preview.description]
                preview_rows = preview.fetchall()
        for r in records:
            context.log.info(
                f"{r.path}: {r.status}, {r.rows_read} read, {r.rows_invalid} invalid"
                + (f" — {r.message}" if r.message else "")
            )
        months = sorted(m.isoformat()[:7] if m else "all" for m in changes.get(source, ()))
        return dg.MaterializeResult(
            metadata={
                "files_processed": len(records),
                "files_rejected": sum(r.status == "rejected" for r in records),
                "rows_read": sum(r.rows_read for r in records),
                "months_changed": ", ".join(months) or "none",
                "files": dg.MetadataValue.md(_files_table(records)),
                "preview": dg.MetadataValue.md(_markdown(columns, preview_rows)),
            }
        )

    return _asset


def _landing_state() -> dict[str, list[float]]:
    """The landing files no longer being written (the same rule as ingestion's), with
    their modification times and sizes."""
    settings = get_settings()
    return {
        file.relative_to(settings.landing_dir).as_posix(): [
            file.stat().st_mtime,
            file.stat().st_size,
        ]
        for source in SPECS
        for file in landing_files(settings, source)
    }


@dg.sensor(
    name="landing_files_sensor",
    description="Requests a refresh (the `everything` job: ingest, the months the new files "
    "touch, checks, publish) when landing files are new or changed (by modification time "
    "and size), once they are no longer being written (WSI_LANDING_SETTLE_S), or a "
    "steward's upload or withdrawal waits for one.",
    job_name="everything",
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def landing_files_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    seen = json.loads(context.cursor) if context.cursor else {}
    state = _landing_state()
    # a removed file changes nothing (its rows stay), so only new or changed ones count
    changed = {p: v for p, v in state.items() if seen.get(p) != v}
    requests = []
    if changed:
        digest = hashlib.sha1(json.dumps(changed, sort_keys=True).encode()).hexdigest()
        requests.append(dg.RunRequest(run_key=f"landing:{digest}"))
    elif refresh_requests.pending(get_settings()):
        # a withdrawal changes no landing file the sensor would see; the key is the
        # newest request, so one run is asked for however often the sensor looks
        newest = refresh_requests.recent(get_settings(), 1)[0].refresh_id
        requests.append(dg.RunRequest(run_key=f"requests:{newest}"))
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(state, sort_keys=True))


assets = [_ingest_asset(spec) for spec in SPECS.values()]

defs = dg.Definitions(assets=assets, sensors=[landing_files_sensor])
