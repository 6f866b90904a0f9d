"""Siting (选址规划) for the dashboard: plans on the published snapshot, for the viewer.

The planner itself is :mod:`pipelines.planning.siting`; this module feeds it the
snapshot through the dashboard's one read-only connection, keeps the inputs and recent
plans until the snapshot changes (a plan is deterministic, so a download recomputes
exactly the plan shown), and restricts the district to the viewer's scope.
"""

from __future__ import annotations

import threading
from datetime import date

import polars as pl

from dashboards.data.overview import scope_options
from dashboards.data.snapshot import settings, snapshot
from dashboards.i18n import t
from dashboards.viewer import Viewer
from pipelines.planning.inputs import QUERIES, SitingInputs
from pipelines.planning.siting import SitingPlan, community_demand, plan_sites
from pipelines.serving import NoSnapshot
from pipelines.scope import level_of

_lock = threading.Lock()
_inputs: dict[tuple, SitingInputs] = {}
_plans: dict[tuple, SitingPlan] = {}
MAX_PLANS = 32


def _snapshot_key() -> tuple:
    current = snapshot(settings())
    version = current.version()
    if version is None:
        raise NoSnapshot(current.path)
    return (str(current.path), *version)


def inputs() -> SitingInputs:
    """The planner's tables from the current snapshot (read once per snapshot)."""
    key = _snapshot_key()
    with _lock:
        if key not in _inputs:
            current = snapshot(settings())

            def frame(name: str) -> pl.DataFrame:
                return current.query(QUERIES[name].format(schema="main"))

            month = frame("month").item()
            _inputs.clear()
            _plans.clear()
            _inputs[key] = SitingInputs(
                communities=frame("communities"),
                stations=frame("stations"),
                candidates=frame("candidates"),
                month=month if isinstance(month, date) or month is None else None,
            )
        return _inputs[key]


def allowed_district(viewer: Viewer, requested: str | None) -> str | None:
    """The district code the viewer may plan (None: the whole city).

    Raises PermissionError for a viewer whose scope is smaller than a district."""
    scope = viewer.allowed(requested) if requested else viewer.scope_code
    level = level_of(scope)
    if level == "city":
        return None
    if level == "district":
        return scope
    raise PermissionError(scope)


def district_options(viewer: Viewer, lang: str | None) -> list[dict]:
    """The districts the viewer may plan, the whole city first for a city viewer."""
    options = [{"label": n, "value": c} for c, n in scope_options(viewer, "district").rows()]
    if viewer.is_city:
        options.insert(0, {"label": t("siting.city", lang), "value": ""})
    return options


def plan(
    viewer: Viewer,
    k: int | None,
    radius_m: float,
    budget: float | None = None,
    district: str | None = None,
    with_community_candidates: bool = False,
) -> SitingPlan:
    """The plan for these settings within the viewer's scope (cached per snapshot)."""
    district = allowed_district(viewer, district)
    world = inputs()
    key = (_snapshot_key(), k, float(radius_m), budget, district, with_community_candidates)
    with _lock:
        if key in _plans:
            return _plans[key]
    result = plan_sites(
        world, k=k, radius_m=radius_m, budget=budget, district=district,
        with_community_candidates=with_community_candidates,
        time_limit_s=settings().siting_time_limit_s,
    )  # fmt: skip
    with _lock:
        if len(_plans) >= MAX_PLANS:
            _plans.pop(next(iter(_plans)))
        _plans[key] = result
    return result


def plan_table(result: SitingPlan) -> pl.DataFrame:
    """The plan's sites for the table and the download."""
    table = result.table()
    return table.select(
        "rank", "site_id", "site_name", "est_cost", "marginal_workers", "cumulative_workers",
        pl.Series("newly_covered_communities", [len(s.newly_covered) for s in result.sites],
                  dtype=pl.Int64),
        "lat", "lon", "radius_m", "k", "proven_optimal", "gap",
    )  # fmt: skip


def communities_on_map(result: SitingPlan) -> pl.DataFrame:
    """The plan's communities with ``status``: covered (today), new (by the plan) or gap."""
    district = result.district
    demand = community_demand(inputs(), result.radius_m)
    if district:
        demand = demand.filter(
            (pl.col("district_code") == district) | (pl.col("district") == district)
        )
    new = {code for s in result.sites for code in s.newly_covered}
    return demand.with_columns(
        status=pl.when(pl.col("covered"))
        .then(pl.lit("covered"))
        .when(pl.col("community_code").is_in(list(new)))
        .then(pl.lit("new"))
        .otherwise(pl.lit("gap"))
    )


def todays_stations() -> pl.DataFrame:
    """Stations active in the latest published month, with coordinates."""
    return inputs().stations.drop_nulls(["lat", "lon"])


def plan_download(
    viewer: Viewer, k=None, radius_m=1000.0, budget=None, district=None,
    with_community_candidates=False, **_,
) -> pl.DataFrame:  # fmt: skip
    return plan_table(
        plan(viewer, k, float(radius_m), budget, district, bool(with_community_candidates))
    )

