"""Dagster definitions for the warehouse: one asset per model of ``sql/`` and the checks
the marts must pass before they are published.

An asset rebuilds what its model owes (:func:`pipelines.warehouse.refresh.refresh_model`:
nothing, some months, or the whole table) — the same function ``python -m pipelines run``
calls — so a run that follows one new file rebuilds the months it touched and skips the
rest. Its dependencies are read from the model's file (``raw.X`` is the ingest asset
``raw_X``, ``meta.*`` every ingest asset, ``staging.Y`` / ``marts.Z`` the models ``Y`` /
``Z``); its description is the model's header comment. The engine (DuckDB, or Spark) is
the warehouse resource's (``WSI_ENGINE``).
"""

import dagster as dg

from pipelines.assets.resources import WarehouseResource
from pipelines.ingest.specs import SPECS
from pipelines.settings import REPO_ROOT, get_settings
from pipelines.uploads import requests
from pipelines.warehouse import checks
from pipelines.warehouse.models import Model, load_models
from pipelines.warehouse.refresh import refresh_model

INGEST_ASSETS = tuple(dg.AssetKey(f"raw_{source}") for source in SPECS)


def _deps(model: Model) -> list[dg.AssetKey]:
    keys: set[dg.AssetKey] = set()
    for schema, table in model.reads:
        if schema == "meta" or (schema, table) == ("raw", "duplicates"):
            keys.update(INGEST_ASSETS)
        elif schema == "raw":
            keys.add(dg.AssetKey(f"raw_{table}"))
        else:
            keys.add(dg.AssetKey(table))
    return sorted(keys, key=lambda k: k.to_user_string())


def model_asset(model: Model) -> dg.AssetsDefinition:
    """One asset refreshing one model."""

    @dg.asset(
        name=model.name,
        group_name=model.schema,
        kinds={get_settings().engine, "python" if model.is_python else "sql"},
        deps=_deps(model),
        description=model.description,
        metadata={
            "table": model.table,
            "file": str(model.path.relative_to(REPO_ROOT)),
            "refresh": model.refresh,
        },
    )
    def _refresh(warehouse: WarehouseResource) -> dg.MaterializeResult:
        requests.advance(get_settings(), "building")  # stewards' requests of this run
        with warehouse.engine() as engine:
            done = refresh_model(engine, engine.con, model, get_settings())
        rebuilt, changed = done or ("nothing owed", set())
        months = sorted(m.isoformat()[:7] if m else "all" for m in changed)
        return dg.MaterializeResult(
            metadata={"rebuilt": rebuilt, "months_changed": ", ".join(months) or "none"}
        )

    return _refresh


def _asset_check(check: checks.Check) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=check.table, name=check.name, description=check.description, blocking=True
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.engine() as engine:
            outcome = checks.run(engine, check, get_settings())
        return dg.AssetCheckResult(passed=outcome.passed, metadata=outcome.facts)

    return _check


defs = dg.Definitions(
    assets=[model_asset(m) for m in load_models()],
    asset_checks=[
        *(_asset_check(c) for c in checks.CHECKS),
        *(_asset_check(checks.range_check(m.name)) for m in load_models() if m.schema == "marts"),
    ],
)
