"""Whether the rows of a steward's upload lie inside the steward's scope (``out_of_scope``).

A district or subdistrict steward may upload only rows of their own scope. A row is
placed by the places it writes (the spec's ``place_columns``), judged against the
divisions reference — the same reference that defines the scopes (:mod:`pipelines.scope`):

- a community written as a 12-digit code lies where its code says (its leading digits);
- a community written as a name lies inside when it matches, by the data contract's
  three steps, one of the reference's communities inside the scope;
- a drive without a community code lies inside a district when its district matches
  it, and inside a subdistrict when its district matches the subdistrict's district and
  its subdistrict name is the subdistrict's (suffixes such as 街道 or 镇 aside);
- a row that names no place cannot be shown to lie inside: it is outside.

This is checked on ingestion, not when the warehouse is built, because a row outside the
scope must never take part in settling its key: a district's export that lists another
district's station must not replace that station's row. Usage names no place but its
station, which only the registry knows: its rows carry the scope (``_scope``) and are
checked in ``sql/staging/stg_usage_rejects.sql``.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import polars as pl

from pipelines.ingest.communities import MATCHED, CommunityMatcher, DistrictMatcher
from pipelines.scope import level_of, parent_of, prefix_of

_CODE = re.compile(r"^\d{12}$")
#: what a subdistrict's name may end with, as stg_drives strips it (拱辰街道 = 拱辰)
_SUBDISTRICT_SUFFIX = re.compile(r"(街道办事处|地区办事处|办事处|街道|地区|镇|乡)$")
_COMMUNITY_COLUMNS = ("community_code", "community_name", "community")


def subdistrict_key(name: str) -> str:
    """A subdistrict's name without its suffix, as ``sql/staging/stg_drives.sql`` keys it."""
    return _SUBDISTRICT_SUFFIX.sub("", name.strip())


class ScopeCheck:
    """The places inside one scope (a district or subdistrict code)."""

    def __init__(self, scope_code: str, divisions_csv: Path) -> None:
        self.scope_code = scope_code
        self.prefix = prefix_of(scope_code)
        self.level = level_of(scope_code)
        with divisions_csv.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        self.communities = CommunityMatcher(
            [
                (r["code"], r["name"])
                for r in rows
                if r["level"] == "community" and r["code"].startswith(self.prefix)
            ]
        )
        self.districts = DistrictMatcher.from_reference(divisions_csv)
        self.district_code = parent_of(scope_code, "district")
        self.subdistrict_keys = {
            subdistrict_key(r["name"])
            for r in rows
            if r["level"] == "street" and r["code"] == scope_code
        }

    def community_inside(self, written: str) -> bool:
        written = re.sub(r"^(\d{12})\.0*$", r"\1", written.strip())
        if _CODE.match(written):
            return written.startswith(self.prefix)
        return self.communities.match(written)[1] == MATCHED

    def district_inside(self, district: str | None, subdistrict: str | None) -> bool:
        if not district or self.districts.match(district) != self.district_code:
            return False
        if self.level == "district":
            return True
        return bool(subdistrict) and subdistrict_key(subdistrict) in self.subdistrict_keys

    def inside(self, places: dict[str, str | None]) -> bool:
        """Whether a row writing these places (column → value) lies inside the scope."""
        community = next((places[c] for c in _COMMUNITY_COLUMNS if places.get(c)), None)
        if community:
            return self.community_inside(community)
        if "district" in places:
            return self.district_inside(places["district"], places.get("subdistrict"))
        return False

    def outside(self, typed: pl.DataFrame, columns: tuple[str, ...]) -> pl.Series:
        """Per row of ``typed``, whether it lies outside the scope (each distinct
        combination of places is judged once: an export repeats the same few)."""
        places = typed.select(columns)
        distinct = places.unique()
        verdicts = distinct.with_columns(
            pl.Series(
                "_outside",
                [not self.inside(row) for row in distinct.iter_rows(named=True)],
                dtype=pl.Boolean,
            )
        )
        joined = places.join(
            verdicts, on=list(columns), how="left", nulls_equal=True, maintain_order="left"
        )
        return joined["_outside"]


@cache
def scope_check(scope_code: str, divisions_csv: Path) -> ScopeCheck:
    """The check for one scope (built once per process: the reference is 7,900 rows)."""
    return ScopeCheck(scope_code, divisions_csv)
