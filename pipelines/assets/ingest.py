"""Dagster definitions for ingestion: one asset per landing source (``raw_<source>``),
the asset checks that hold the data contract's promises, and a sensor on the landing
folder.

Each asset ingests only the new and changed files of its folder (the file registry knows
every file's content hash), so one file dropped in is processed alone; an unchanged file
costs one hash. The assets are not partitioned: a file is the unit of replacement inside
the engine, and ``python -m pipelines run`` can materialize everything in one go.
"""

import hashlib
import json
from collections.abc import Iterable

import dagster as dg

from pipelines.ingest.engine import FileResult, ingest_source, landing_files
from pipelines.ingest.specs import SPECS, SourceSpec
from pipelines.settings import get_settings
from pipelines.warehouse import WarehouseResource

PREVIEW_ROWS = 5


def _markdown(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    def cell(value: object) -> str:
        text = "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")
        return text if len(text) <= 60 else text[:59] + "…"  # e.g. a boundary's GeoJSON

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _files_table(results: list[FileResult]) -> str:
    header = ["file", "status", "read", "loaded", "quarantined", "superseded", "message"]
    rows = [
        (
            r.path,
            r.status,
            r.rows_read,
            r.rows_loaded,
            r.rows_quarantined,
            r.rows_superseded,
            r.message,
        )
        for r in results
        if r.status != "unchanged"
    ]
    return _markdown(header, rows) if rows else "No new or changed files."


def _ingest_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    source = spec.name

    @dg.asset(
        name=f"raw_{source}",
        group_name="ingest",
        kinds={"duckdb"},
        # a source's rows are checked against its references: they load first
        deps=[f"raw_{up}" for up in sorted(spec.references)],
        description=f"{spec.description} Loads new and changed files of data/landing/{source}/ "
        f"into raw.{source}; bad rows go to meta.quarantine.",
    )
    def _asset(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        settings = get_settings()
        with warehouse.connect() as con:
            results = ingest_source(con, source, settings)
            totals = con.execute(
                f"SELECT count(*) FILTER (NOT _superseded), count(*) FROM raw.{source}"
            ).fetchall()[0]
            preview = con.execute(
                f"SELECT * FROM raw.{source} WHERE NOT _superseded LIMIT {PREVIEW_ROWS}"
            )
            columns = [d[0] for d in preview.description]
            preview_rows = preview.fetchall()
        changed = [r for r in results if r.status != "unchanged"]
        for r in changed:
            context.log.info(
                f"{r.path}: {r.status}, {r.rows_read} read, {r.rows_loaded} loaded, "
                f"{r.rows_quarantined} quarantined, {r.rows_superseded} superseded"
                + (f" — {r.message}" if r.message else "")
            )
        return dg.MaterializeResult(
            metadata={
                "files_processed": len(changed),
                "files_rejected": sum(r.status == "rejected" for r in changed),
                "rows_read": sum(r.rows_read for r in changed),
                "rows_loaded": sum(r.rows_loaded for r in changed),
                "rows_quarantined": sum(r.rows_quarantined for r in changed),
                "table_rows_current": totals[0],
                "table_rows_total": totals[1],
                "files": dg.MetadataValue.md(_files_table(results)),
                "preview": dg.MetadataValue.md(_markdown(columns, preview_rows)),
            }
        )

    return _asset


def _accounting_check(source: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=f"raw_{source}",
        name="every_row_accounted_for",
        description="Per loaded file: rows_read = rows_loaded + rows_quarantined + "
        "rows_superseded + rows_skipped, and every file's counts agree with the rows in "
        "the tables.",
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            bad = con.execute(
                f"""
                SELECT f.path FROM meta.ingest_files f
                LEFT JOIN (SELECT _path, count(*) FILTER (NOT _superseded) AS loaded,
                                  count(*) FILTER (_superseded) AS superseded
                           FROM raw.{source} GROUP BY _path) r ON r._path = f.path
                LEFT JOIN (SELECT path, count(*) AS quarantined FROM meta.quarantine
                           GROUP BY path) q ON q.path = f.path
                WHERE f.source = ?
                  AND (f.status = 'loaded' AND
                       f.rows_read <> f.rows_loaded + f.rows_quarantined + f.rows_superseded
                                      + f.rows_skipped
                       OR f.rows_loaded <> coalesce(r.loaded, 0)
                       OR f.rows_superseded <> coalesce(r.superseded, 0)
                       OR f.rows_quarantined <> coalesce(q.quarantined, 0))
                """,
                [source],
            ).fetchall()
        return dg.AssetCheckResult(
            passed=not bad,
            metadata={"files_out_of_balance": len(bad), "files": ", ".join(p for (p,) in bad)},
        )

    return _check


def _personal_check(source: str) -> dg.AssetChecksDefinition | None:
    personal = [c.name for c in SPECS[source].columns if c.personal]
    if not personal:
        return None

    @dg.asset_check(
        asset=f"raw_{source}",
        name="no_clear_personal_data",
        description="Personal columns hold only 32-hex-digit pseudonyms, never a clear value.",
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        conditions = " OR ".join(
            f"({c} IS NOT NULL AND NOT regexp_full_match({c}, '[0-9a-f]{{32}}'))" for c in personal
        )
        with warehouse.connect() as con:
            (clear,) = con.execute(
                f"SELECT count(*) FROM raw.{source} WHERE {conditions}"
            ).fetchall()[0]
        return dg.AssetCheckResult(passed=clear == 0, metadata={"clear_values": clear})

    return _check


def _landing_state() -> dict[str, dict[str, list[float]]]:
    settings = get_settings()
    state: dict[str, dict[str, list[float]]] = {}
    for source in SPECS:
        for file in landing_files(settings, source):
            stat = file.stat()
            rel = file.relative_to(settings.landing_dir).as_posix()
            state.setdefault(source, {})[rel] = [stat.st_mtime, stat.st_size]
    return state


@dg.sensor(
    name="landing_files_sensor",
    description="Requests an ingest run for each source whose landing folder has new or "
    "changed files (by modification time and size).",
    target=dg.AssetSelection.groups("ingest"),
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def landing_files_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    seen = json.loads(context.cursor) if context.cursor else {}
    state = _landing_state()
    requests = []
    for source, files in sorted(state.items()):
        before = seen.get(source, {})
        # a removed file changes nothing (its rows stay), so only new or changed ones count
        changed = {p: v for p, v in files.items() if before.get(p) != v}
        if changed:
            digest = hashlib.sha1(json.dumps(changed, sort_keys=True).encode()).hexdigest()
            requests.append(
                dg.RunRequest(
                    run_key=f"{source}:{digest}",
                    asset_selection=[dg.AssetKey(f"raw_{source}")],
                    tags={"wsi/source": source},
                )
            )
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(state, sort_keys=True))


assets = [_ingest_asset(spec) for spec in SPECS.values()]
checks = [_accounting_check(s) for s in SPECS] + [c for s in SPECS if (c := _personal_check(s))]

defs = dg.Definitions(assets=assets, asset_checks=checks, sensors=[landing_files_sensor])
