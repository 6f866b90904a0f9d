"""Siting (选址规划) for the dashboard: plans on the published snapshot, for the viewer.

The planner itself is :mod:`pipelines.planning.siting`; this module feeds it the
snapshot through the dashboard's one read-only connection (:mod:`dashboards.data`),
keeps the inputs and recent plans until the snapshot changes (a plan is deterministic,
so a download recomputes exactly the plan shown), restricts the district to the
viewer's scope, and registers the ``siting_plan`` download and the page's UI strings.
"""

from __future__ import annotations

import os
import threading
from datetime import date

import polars as pl

from dashboards import data, i18n
from pipelines.planning.inputs import QUERIES, SitingInputs
from pipelines.planning.siting import SitingPlan, active_stations, community_demand, plan_sites

#: the page's UI strings, kept beside the page rather than in every engineer's i18n.py
STRINGS = {
    "page.siting": ("选址规划", "Siting"),
    "siting.controls": ("规划条件", "Plan settings"),
    "siting.k": ("新增驿站数 k", "New stations k"),
    "siting.radius": ("服务半径（米）", "Service radius (m)"),
    "siting.budget": ("预算（与预计费用同单位，可空）", "Budget (units of est. cost, optional)"),
    "siting.district": ("区", "District"),
    "siting.city": ("全市", "Whole city"),
    "siting.centroids": (
        "把未覆盖社区的中心点也作为候选点位",
        "Also consider uncovered community centroids as sites",
    ),
    "siting.run": ("计算规划", "Plan"),
    "siting.map": ("规划点位与新增覆盖的社区", "Planned sites and the communities they add"),
    "siting.table": ("规划点位（按新增覆盖排序）", "Planned sites (by marginal gain)"),
    "siting.summary": (
        "{scope}：今日覆盖 {today:,} / {total:,} 名户外劳动者（{rate_today}）；"
        "按规划新增 {sites} 个驿站后覆盖 {after:,}（{rate_after}），新增 {new:,}。"
        "总费用 {cost:,.2f}。{quality}（{seconds:.1f} 秒）",
        "{scope}: {today:,} of {total:,} outdoor workers covered today ({rate_today}); "
        "with the {sites} planned stations {after:,} ({rate_after}), {new:,} more. "
        "Total cost {cost:,.2f}. {quality} ({seconds:.1f} s)",
    ),
    "siting.proven": ("已证明为最优方案", "Proven optimal"),
    "siting.gap": (
        "时间限制内未证明最优，最优性差距 ≤ {gap}",
        "Not proven optimal within the time limit; gap ≤ {gap}",
    ),
    "siting.not_allowed": (
        "选址规划按区或全市进行，您的账号范围不足一个区。",
        "Siting plans a district or the city; your account's scope is smaller.",
    ),
    "legend.covered_today": ("今日已覆盖社区", "Covered today"),
    "legend.new_covered": ("规划后新增覆盖", "Newly covered by the plan"),
    "legend.still_uncovered": ("仍未覆盖", "Still uncovered"),
    "legend.planned": ("规划点位", "Planned site"),
    "legend.stations": ("现有驿站", "Existing stations"),
}
COLUMNS = {
    "rank": ("序号", "Rank"),
    "site_id": ("点位编号", "Site id"),
    "site_name": ("点位名称", "Site"),
    "est_cost": ("预计费用", "Estimated cost"),
    "marginal_workers": ("新增覆盖劳动者", "Workers added"),
    "cumulative_workers": ("累计新增覆盖", "Cumulative workers added"),
    "newly_covered_communities": ("新增覆盖社区数", "Communities added"),
    "radius_m": ("服务半径（米）", "Radius (m)"),
    "k": ("k", "k"),
    "proven_optimal": ("已证明最优", "Proven optimal"),
    "gap": ("最优性差距", "Optimality gap"),
}
HELP = {
    "siting": (
        "最大覆盖选址：在候选点位中选出至多 k 个（或总预计费用不超过预算），使新覆盖的户外劳动者"
        "最多。需求为各社区在所选半径下、按最新发布月份在用驿站计算的未覆盖劳动者（现有驿站固定）。"
        "方案相同时取总费用较低者，再按点位编号排序后逐个比较。求解器为 HiGHS 整数规划，"
        "在时间限制内证明最优，否则给出最优性差距。费用未知的点位（含社区中心点）按候选点位预计"
        "费用的中位数计。点位按边际新增覆盖排序。",
        "Maximal covering location: choose at most k candidate sites (or stay within the budget "
        "of estimated cost) to cover the most outdoor workers not covered today. Demand is each "
        "community's uncovered workers at the chosen radius, given the stations active in the "
        "latest published month (today's stations are fixed). Ties go to the lower total cost, "
        "then to the sorted list of site ids compared in order. HiGHS solves the integer "
        "programme and proves the plan optimal within the time limit, else states the gap. A "
        "site without a cost (community centroids too) counts at the median estimated cost of "
        "the candidate sites. Sites are listed by marginal gain.",
    ),
}
i18n.STRINGS.update(STRINGS)
i18n.COLUMNS.update({k: v for k, v in COLUMNS.items() if k not in i18n.COLUMNS})
i18n.HELP.update(HELP)

_lock = threading.Lock()
_inputs: dict[tuple, SitingInputs] = {}
_plans: dict[tuple, SitingPlan] = {}
MAX_PLANS = 32


def _snapshot_key() -> tuple:
    path = data.settings().snapshot_path
    try:
        st = os.stat(path)
    except FileNotFoundError as error:
        raise data.NoSnapshot(str(path)) from error
    return (str(path), st.st_ino, st.st_size, st.st_mtime_ns)


def inputs() -> SitingInputs:
    """The planner's tables from the current snapshot (read once per snapshot)."""
    key = _snapshot_key()
    with _lock:
        if key not in _inputs:
            snapshot = data.snapshot(data.settings())

            def frame(name: str) -> pl.DataFrame:
                return snapshot.query(QUERIES[name].format(schema="main"))

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


def allowed_district(viewer: data.Viewer, requested: str | None) -> str | None:
    """The district code the viewer may plan (None: the whole city).

    Raises PermissionError for a viewer whose scope is smaller than a district."""
    scope = viewer.allowed(requested) if requested else viewer.scope_code
    level = data.scope_level(scope)
    if level == "city":
        return None
    if level == "district":
        return scope
    raise PermissionError(scope)


def district_options(viewer: data.Viewer, lang: str | None) -> list[dict]:
    """The districts the viewer may plan, the whole city first for a city viewer."""
    options = [{"label": n, "value": c} for c, n in data.scope_options(viewer, "district").rows()]
    if viewer.is_city:
        options.insert(0, {"label": i18n.t("siting.city", lang), "value": ""})
    return options


def plan(
    viewer: data.Viewer,
    k: int | None,
    radius_m: float,
    budget: float | None = None,
    district: str | None = None,
    with_community_candidates: bool = False,
) -> SitingPlan:
    """The plan for these settings within the viewer's scope (cached per snapshot)."""
    district = allowed_district(viewer, district)
    settings = data.settings()
    world = inputs()
    key = (_snapshot_key(), k, float(radius_m), budget, district, with_community_candidates)
    with _lock:
        if key in _plans:
            return _plans[key]
    result = plan_sites(
        world, k=k, radius_m=radius_m, budget=budget, district=district,
        with_community_candidates=with_community_candidates,
        time_limit_s=settings.siting_time_limit_s,
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
    world = inputs()
    return active_stations(world.stations, world.month).drop_nulls(["lat", "lon"])


def _download(
    viewer: data.Viewer, k=None, radius_m=1000.0, budget=None, district=None,
    with_community_candidates=False, **_,
) -> pl.DataFrame:  # fmt: skip
    return plan_table(
        plan(viewer, k, float(radius_m), budget, district, bool(with_community_candidates))
    )


data.DOWNLOADS.setdefault("siting_plan", _download)
