"""Dagster definitions for the planning step: the published siting plan.

``siting_plan`` solves the siting problem of metrics.md for the default k
(``WSI_SITING_K``) and radius (``WSI_COVERAGE_RADIUS_M``) on the warehouse's marts and
writes ``marts.siting_plan``; other k, radii and budgets are planned on demand (CLI,
dashboard) from the published snapshot.
"""

import dagster as dg

from pipelines.planning.inputs import read_inputs
from pipelines.planning.siting import SitingPlan, plan_sites
from pipelines.settings import get_settings
from pipelines.warehouse import WarehouseResource

INPUT_ASSETS = ("communities", "stations", "candidate_sites", "community_coverage")


def _preview(plan: SitingPlan) -> str:
    lines = [
        "| rank | site_id | site_name | est_cost | marginal_workers | cumulative_workers |",
        "|---:|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {s.rank} | {s.site_id} | {s.site_name} | {s.est_cost:,.2f} "
        f"| {s.marginal_workers:,} | {s.cumulative_workers:,} |"
        for s in plan.sites
    ]
    return "\n".join(lines)


@dg.asset(
    group_name="planning",
    deps=[dg.AssetKey(name) for name in INPUT_ASSETS],
    kinds={"duckdb", "python"},
    description="The next k stations covering the most uncovered outdoor workers "
    "(metrics.md 'Siting'), at the default k and radius; proven optimal or with its gap.",
)
def siting_plan(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    settings = get_settings()
    # read, then solve with the database closed: the solve may take the whole time limit
    with warehouse.connect() as con:
        inputs = read_inputs(con, "marts")
    plan = plan_sites(
        inputs,
        k=settings.siting_k,
        radius_m=settings.coverage_radius_m,
        time_limit_s=settings.siting_time_limit_s,
    )
    rows = plan.table()
    with warehouse.connect() as con:
        con.register("siting_plan_rows", rows.to_arrow())
        con.execute("CREATE OR REPLACE TABLE marts.siting_plan AS SELECT * FROM siting_plan_rows")
        con.unregister("siting_plan_rows")
    for note in plan.notes:
        context.log.info(note)
    return dg.MaterializeResult(
        metadata={
            "objective": dg.MetadataValue.int(plan.newly_covered_workers),
            "proven_optimal": dg.MetadataValue.bool(plan.proven_optimal),
            "gap": dg.MetadataValue.float(plan.gap),
            "seconds": dg.MetadataValue.float(round(plan.seconds, 3)),
            "total_cost": dg.MetadataValue.float(plan.total_cost),
            "k": dg.MetadataValue.int(settings.siting_k),
            "radius_m": dg.MetadataValue.float(plan.radius_m),
            "method": dg.MetadataValue.text(plan.method),
            "dagster/row_count": dg.MetadataValue.int(rows.height),
            "preview": dg.MetadataValue.md(_preview(plan)),
        }
    )


defs = dg.Definitions(assets=[siting_plan])
