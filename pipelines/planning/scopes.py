"""The part of the city a plan covers: the whole city, a district or a subdistrict, named
by its code or its name and found among the communities the planner was given."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.planning.request import PlanError
from pipelines.scope import is_code, level_of

#: the columns of the communities (and of the placed candidates) holding each level's code
CODE_COLUMN = {"district": "district_code", "subdistrict": "subdistrict_code"}


@dataclass(frozen=True)
class PlanScope:
    """``code`` None is the whole city; ``name`` is the district's, or ``区/街道``."""

    level: str = "city"
    code: str | None = None
    name: str | None = None

    def contains(self) -> pl.Expr:
        """Rows (communities, placed candidates) inside this scope."""
        if self.code is None:
            return pl.lit(True)
        return pl.col(CODE_COLUMN[self.level]) == self.code


def resolve_scope(communities: pl.DataFrame, scope: str | None) -> PlanScope:
    """The scope named by ``scope``: a district or subdistrict code, a district name, a
    subdistrict name (qualified ``区名/街道名`` where two districts share it), or None/"" for
    the whole city. :class:`PlanError` when it names none, or more than one."""
    scope = (scope or "").strip()
    if not scope:
        return PlanScope()
    places = communities.select(
        "district_code", "district", "subdistrict_code", "subdistrict"
    ).unique()
    if is_code(scope):
        level = level_of(scope)
        if level in CODE_COLUMN:
            found = places.filter(pl.col(CODE_COLUMN[level]) == scope)
            if not found.is_empty():
                return _scope(level, found.row(0, named=True))
        raise PlanError("unknown_scope", scope=scope)
    districts = places.filter(pl.col("district") == scope)
    if not districts.is_empty():
        return _scope("district", districts.row(0, named=True))
    district, _, name = scope.rpartition("/")
    matches = places.filter(pl.col("subdistrict") == name)
    if district:
        matches = matches.filter(pl.col("district") == district)
    codes = matches["subdistrict_code"].unique()
    if codes.len() > 1:
        raise PlanError("ambiguous_scope", scope=scope)
    if codes.len() == 0:
        raise PlanError("unknown_scope", scope=scope)
    return _scope("subdistrict", matches.row(0, named=True))


def _scope(level: str, place: dict) -> PlanScope:
    if level == "district":
        return PlanScope(level, place["district_code"], place["district"])
    return PlanScope(
        level, place["subdistrict_code"], f"{place['district']}/{place['subdistrict']}"
    )
