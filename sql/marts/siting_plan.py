"""The next k stations covering the most uncovered outdoor workers (metrics.md "Siting"),
at the default k (WSI_SITING_K) and radius (WSI_COVERAGE_RADIUS_M): proven optimal or with
its gap (pipelines/planning). Other k, radii and budgets are planned on demand (the
``plan`` command, the 选址规划 page) from the published snapshot. Reads marts.communities,
marts.stations, marts.station_monthly, marts.candidate_sites and
marts.community_coverage; writes marts.siting_plan.
"""

from __future__ import annotations

import polars as pl

from pipelines.planning.inputs import QUERIES, SitingInputs
from pipelines.planning.siting import plan_sites
from pipelines.settings import get_settings
from pipelines.warehouse.models import Months

REFRESH = "whole"


#: the published plan weighs workers: the forecast and the snapshot's time are not read
READS = ("communities", "stations", "candidates", "month")


def inputs(months: Months | None) -> dict[str, str]:
    return {name: QUERIES[name].format(schema="marts") for name in READS}


def compute(frames: dict[str, pl.DataFrame], months: Months | None) -> pl.DataFrame:
    settings = get_settings()
    month = frames["month"].item() if frames["month"].height else None
    world = SitingInputs(frames["communities"], frames["stations"], frames["candidates"], month)
    plan = plan_sites(
        world,
        k=settings.siting_k,
        radius_m=settings.coverage_radius_m,
        time_limit_s=settings.siting_time_limit_s,
    )
    return plan.table()
