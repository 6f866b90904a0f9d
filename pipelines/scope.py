"""Scopes: the city, its districts, subdistricts (街道/乡镇) and communities, by code.

A scope code is a 12-digit division code (metrics.md, "Published tables"): the city's is
``110000000000``; a district's is its communities' first 6 digits + ``000000``; a
subdistrict's their first 9 digits + ``000``; a community's is its own code. Every code
inside a scope starts with the scope's significant prefix (2, 6, 9 or 12 digits), which
is what :func:`contains` checks. This module is the one place these conventions live:
the dashboard's viewers, the data layer, the planner and the upload checks use it.

Names (``朝阳区``, ``拱辰街道``, ``海淀区/八里庄街道``) are resolved through the committed
divisions reference CSV (``data/reference``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CITY_CODE = "110000000000"
CITY_NAME = "北京市"
#: scope levels, largest first
LEVELS = ("city", "district", "subdistrict", "community")
#: how many leading digits of a 12-digit code identify a scope of each level
PREFIX_DIGITS = {"city": 2, "district": 6, "subdistrict": 9, "community": 12}
#: the reference CSV calls subdistricts "street"
_CSV_LEVEL = {"district": "district", "subdistrict": "street"}
_CODE = re.compile(r"^\d{12}$")


class ScopeError(ValueError):
    """A level/scope combination that does not name exactly one division."""


def is_code(value: object) -> bool:
    """Whether ``value`` is a 12-digit code (not whether such a division exists)."""
    return isinstance(value, str) and bool(_CODE.match(value))


def level_of(code: str) -> str:
    """The level of a 12-digit scope code."""
    if code.endswith("0000000000"):
        return "city"
    if code.endswith("000000"):
        return "district"
    if code.endswith("000"):
        return "subdistrict"
    return "community"


def prefix_of(code: str) -> str:
    """The leading digits every code inside the scope ``code`` shares."""
    return code[: PREFIX_DIGITS[level_of(code)]]


def contains(scope_code: str, code: str | None) -> bool:
    """Whether the division (or a station's or call's division) ``code`` lies inside, or
    is, the scope ``scope_code``. An unknown (NULL) code lies in the city only: a row
    that no district claims must not show up in a district's figures."""
    if code is None:
        return level_of(scope_code) == "city"
    return is_code(code) and code.startswith(prefix_of(scope_code))


def parent_of(code: str, level: str) -> str:
    """The scope of ``level`` that ``code`` lies in (``code`` must be at or below it)."""
    return code[: PREFIX_DIGITS[level]].ljust(12, "0")


def is_scope_code_of(level: str, code: object) -> bool:
    """Whether ``code`` has the shape of a scope code of ``level`` (not whether it exists)."""
    if level not in PREFIX_DIGITS or not is_code(code):
        return False
    if level == "city":
        return code == CITY_CODE
    if level == "community":
        return level_of(code) == "community"
    digits = PREFIX_DIGITS[level]
    tail_ok = code[digits:] == "0" * (12 - digits)
    # A district code ends in 000000 but is not the city; a subdistrict's 9-digit
    # prefix must itself not be a district's (i.e. digits 7-9 are not 000).
    if level == "district":
        return tail_ok and code[2:6] != "0000"
    return tail_ok and code[6:9] != "000"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    district: str


@lru_cache(maxsize=4)
def _divisions(csv_path: Path, mtime_ns: int) -> tuple[Division, ...]:
    del mtime_ns  # part of the cache key only, so an edited file is reread
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        return tuple(
            Division(row["code"], row["name"], row["level"], row.get("district") or "")
            for row in csv.DictReader(handle)
            if row["level"] in ("district", "street")
        )


def divisions(csv_path: Path) -> tuple[Division, ...]:
    """The districts and subdistricts ("street") of the reference CSV."""
    return _divisions(csv_path, csv_path.stat().st_mtime_ns)


def scope_name(code: str, csv_path: Path) -> str:
    """The Chinese name of a scope code (``北京市`` for the city, the code if unknown)."""
    if code == CITY_CODE:
        return CITY_NAME
    for division in divisions(csv_path):
        if division.code == code:
            if division.level == "street" and division.district:
                return f"{division.district}/{division.name}"
            return division.name
    return code


def resolve_scope(level: str, value: str | None, csv_path: Path) -> str:
    """The scope code of ``level`` (city, district or subdistrict) given a code or a
    name (``None`` for the city). A subdistrict name that exists in more than one
    district must be qualified as ``区名/街道名``."""
    if level not in ("city", "district", "subdistrict"):
        raise ScopeError(f"unknown role {level!r}; expected one of city, district, subdistrict")
    value = (value or "").strip()
    if level == "city":
        if value and value not in (CITY_CODE, CITY_NAME, "北京", "city"):
            raise ScopeError(f"the city role's scope is {CITY_CODE} ({CITY_NAME}), not {value!r}")
        return CITY_CODE
    if not value:
        raise ScopeError(f"role {level} needs --scope (a {level} code or name)")
    candidates = [d for d in divisions(csv_path) if d.level == _CSV_LEVEL[level]]
    if is_code(value):
        if not is_scope_code_of(level, value) or value not in {d.code for d in candidates}:
            raise ScopeError(f"{value} is not a {level} code of the divisions reference")
        return value
    district, _, name = value.rpartition("/")
    matches = [d for d in candidates if d.name == name and (not district or d.district == district)]
    if not matches:
        raise ScopeError(f"no {level} named {value!r} in the divisions reference")
    if len(matches) > 1:
        options = ", ".join(f"{d.district}/{d.name} ({d.code})" for d in matches)
        raise ScopeError(f"{value!r} is ambiguous: write one of {options}")
    return matches[0].code
