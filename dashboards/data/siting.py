"""Siting (选址规划) for the dashboard: plans on the published snapshot, for the viewer.

The planner itself is :mod:`pipelines.planning.siting`; this module feeds it the
snapshot through the dashboard's one read-only connection, keeps the inputs, the map's
outlines and recent plans until the snapshot changes (a plan is deterministic, so a
download or a printout recomputes exactly the plan shown), and keeps every plan inside
the viewer's scope: its scope is replaced by the viewer's own when outside, and its map
shows only stations the viewer may see.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import polars as pl

from dashboards.data.overview import scope_options, snapshot_info
from dashboards.data.snapshot import settings, snapshot
from dashboards.viewer import Viewer
from pipelines.planning.geo import pairs_within
from pipelines.planning.inputs import SitingInputs, read_inputs
from pipelines.planning.outlines import (
    label_level,
    label_points,
    load_districts,
    subdistrict_lines,
)
from pipelines.planning.printable import MapContext, plan_html, plan_pdf
from pipelines.planning.request import PlanRequest
from pipelines.planning.scopes import resolve_scope
from pipelines.planning.siting import SitingPlan, plan_sites
from pipelines.scope import is_code, level_of, parent_of, prefix_of
from pipelines.serving import NoSnapshot

_lock = threading.Lock()
_cache: dict[str, Any] = {}
MAX_PLANS = 32


def _snapshot_key() -> tuple:
    current = snapshot(settings())
    version = current.version()
    if version is None:
        raise NoSnapshot(current.path)
    return (str(current.path), *version)


def _cached(name: str, build):
    """``build()`` once per snapshot (every cached thing is dropped when it changes)."""
    key = _snapshot_key()
    with _lock:
        if _cache.get("key") != key:
            _cache.clear()
            _cache["key"] = key
            _cache["plans"] = {}
        if name in _cache:
            return _cache[name]
    value = build()
    with _lock:
        if _cache.get("key") == key:
            _cache[name] = value
    return value


def inputs() -> SitingInputs:
    """The planner's tables from the current snapshot (read once per snapshot)."""
    return _cached("inputs", lambda: read_inputs(snapshot(settings()).query, "main"))


def geography(viewer: Viewer) -> dict[str, Any]:
    """The map's outlines the viewer may see: the districts' GeoJSON, subdistrict lines
    derived from the communities (as segments and as a GeoJSON feature) and where to
    write district and subdistrict names. A scoped viewer gets the lines of their own
    district and the names of their own areas only, since the lines are drawn from
    community positions. Derived once per snapshot."""

    def build() -> dict[str, Any]:
        communities = inputs().communities
        districts = load_districts(settings().districts_geojson)
        return {
            "districts": districts,
            "lines": subdistrict_lines(communities, districts),
            "labels": {level: label_points(communities, level)
                       for level in ("district", "subdistrict")},
        }  # fmt: skip

    whole = _cached("geography", build)
    own_district = parent_of(viewer.scope_code, "district") if not viewer.is_city else None
    lines = [segment for code, segments in whole["lines"].items()
             if own_district in (None, code) for segment in segments]  # fmt: skip

    def mine(labels: pl.DataFrame) -> pl.DataFrame:
        if viewer.is_city:
            return labels
        return labels.filter(
            pl.col("code").map_elements(viewer.covers, return_dtype=pl.Boolean)
            | (pl.col("code") == own_district)
        )

    return {
        "districts": whole["districts"],
        "lines": lines,
        "subdistricts": {"type": "Feature", "properties": {},
                         "geometry": {"type": "MultiLineString", "coordinates": lines}},
        "labels": {level: mine(frame) for level, frame in whole["labels"].items()},
    }  # fmt: skip


def allowed_request(viewer: Viewer, request: PlanRequest) -> PlanRequest:
    """``request`` with its scope (a code or a name) inside the viewer's: the whole city
    only for a city viewer; a scope outside theirs becomes their own."""
    scope = request.scope or None
    if scope and not is_code(scope):
        scope = resolve_scope(inputs().communities, scope).code
    code = viewer.allowed(scope) if scope else viewer.scope_code
    level = level_of(code)
    if level == "community":
        code = parent_of(code, "subdistrict")
    return replace(request, scope=None if level == "city" else code)


def plan(viewer: Viewer, request: PlanRequest) -> SitingPlan:
    """The plan for ``request`` within the viewer's scope (:class:`PlanError` for settings
    that cannot be planned), cached per snapshot."""
    request = allowed_request(viewer, request.checked(settings().radius_range_m))
    world = inputs()
    plans = _cached("plans", dict)
    if request in plans:
        return plans[request]
    result = plan_sites(world, request=request, time_limit_s=settings().siting_time_limit_s)
    with _lock:
        if len(plans) >= MAX_PLANS:
            plans.pop(next(iter(plans)))
        plans[request] = result
    return result


def plan_scope_options(viewer: Viewer, city_label: str) -> list[dict]:
    """The scopes the viewer may plan: the whole city (city viewers), each district and
    each subdistrict (``区 / 街道``) inside their scope."""
    options = [] if not viewer.is_city else [{"label": city_label, "value": ""}]
    districts = dict(scope_options(viewer, "district").rows())
    if viewer.role != "subdistrict":
        options += [{"label": name, "value": code} for code, name in districts.items()]
    for code, name in scope_options(viewer, "subdistrict").rows():
        district = districts.get(parent_of(code, "district"), "")
        options.append({"label": f"{district} / {name}" if district else name, "value": code})
    return options


def site_options(viewer: Viewer, scope: str | None) -> list[dict]:
    """The candidate sites (to pin or exclude) inside the plan's scope for this viewer."""
    request = allowed_request(viewer, PlanRequest(k=1, scope=scope or None))
    communities = inputs().communities
    candidates = inputs().candidates.join(
        communities.select("community_code", "district_code", "subdistrict_code"),
        on="community_code", how="left",
    )  # fmt: skip
    if request.scope:
        column = "district_code" if level_of(request.scope) == "district" else "subdistrict_code"
        candidates = candidates.filter(pl.col(column) == request.scope)
    return [{"label": f"{name}（{site}）", "value": site}
            for site, name in candidates.select("site_id", "site_name").rows()]  # fmt: skip


def plan_table(result: SitingPlan) -> pl.DataFrame:
    """The plan's sites as the page shows and downloads them."""
    sites = result.sites
    table = pl.DataFrame(
        {
            "rank": [s.rank for s in sites],
            "site_name": [s.site_name for s in sites],
            "site_kind": [s.site_kind for s in sites],
            "pinned": [s.pinned for s in sites],
            "district": [s.district for s in sites],
            "subdistrict": [s.subdistrict for s in sites],
            "community_name": [s.community_name for s in sites],
            "address": [s.address for s in sites],
            "est_cost": [s.est_cost for s in sites],
            "marginal_workers": [s.marginal_workers for s in sites],
            "cumulative_workers": [s.cumulative_workers for s in sites],
            "marginal_visits": [s.marginal_visits for s in sites],
            "newly_covered_communities": [len(s.newly_covered) for s in sites],
            "newly_covered_names": ["、".join(s.newly_covered_names) for s in sites],
            "site_id": [s.site_id for s in sites],
            "lat": [s.lat for s in sites],
            "lon": [s.lon for s in sites],
        },
        schema_overrides={"rank": pl.Int64, "marginal_visits": pl.Int64, "address": pl.String,
                          "district": pl.String, "subdistrict": pl.String,
                          "community_name": pl.String, "est_cost": pl.Float64},
    )  # fmt: skip
    return table if result.request.weight == "forecast" else table.drop("marginal_visits")


def stations_on_map(viewer: Viewer, result: SitingPlan) -> pl.DataFrame:
    """Today's stations the viewer may see that lie in the plan's scope or within its
    radius of one of the plan's communities (those that decide what is covered)."""
    stations = inputs().stations.drop_nulls(["lat", "lon"])
    stations = stations.filter(
        pl.col("community_code").map_elements(
            viewer.covers, return_dtype=pl.Boolean, skip_nulls=False
        )
    )
    if result.scope.code is None or stations.is_empty():
        return stations
    communities = result.communities
    near, _, _ = pairs_within(
        stations["lat"].to_numpy(), stations["lon"].to_numpy(),
        communities["lat"].to_numpy(), communities["lon"].to_numpy(), result.radius_m,
    )  # fmt: skip
    inside = stations["community_code"].str.starts_with(prefix_of(result.scope.code))
    near_plan = pl.Series(range(stations.height)).is_in(near.tolist())
    return stations.filter(inside.fill_null(False) | near_plan)


def plan_download(viewer: Viewer, **params: Any) -> pl.DataFrame:
    """The plan table of the settings a page rendered (its download parameters)."""
    return plan_table(plan(viewer, PlanRequest.from_dict(params)))


def printable_pdf(viewer: Viewer, request: PlanRequest, lang: str) -> tuple[bytes, SitingPlan]:
    """The printable plan (PDF) of these settings for the viewer, and the plan."""
    result = plan(viewer, request)
    places = geography(viewer)
    context = MapContext(
        stations=stations_on_map(viewer, result),
        districts=places["districts"],
        subdistrict_lines=places["lines"],
        labels=places["labels"][label_level(result.communities)],
    )
    built = snapshot_info(viewer).get("built_at")
    return plan_pdf(plan_html(result, context, lang, built_at=built)), result


def compare(viewer: Viewer, first: PlanRequest, second: PlanRequest) -> dict[str, Any]:
    """Two plans side by side: each plan, and their sites in common and apart (site ids
    in the order of the first plan, then the second)."""
    a, b = plan(viewer, first), plan(viewer, second)
    ids_a, ids_b = [s.site_id for s in a.sites], [s.site_id for s in b.sites]
    names = {s.site_id: s.site_name for s in (*a.sites, *b.sites)}
    order = ids_a + [i for i in ids_b if i not in ids_a]
    sites = pl.DataFrame(
        {"site_id": order, "site_name": [names[i] for i in order],
         "in_first": [i in ids_a for i in order], "in_second": [i in ids_b for i in order]},
        schema_overrides={"site_id": pl.String, "site_name": pl.String,
                          "in_first": pl.Boolean, "in_second": pl.Boolean},
    )  # fmt: skip
    return {"first": a, "second": b, "sites": sites, "common": len(set(ids_a) & set(ids_b))}
