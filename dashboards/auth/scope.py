"""Who may see which numbers: roles, scope codes and the viewer a request acts for.

A scope code is the 12-digit division code of the serving snapshot: the city's is
``110000000000``, a district's its first 6 digits + ``000000``, a subdistrict's its
first 9 digits + ``000``. Every code inside a scope shares the scope's significant
prefix (2, 6 or 9 digits), which is what :meth:`Viewer.covers` checks.

Scope names given on the command line (``朝阳区``, ``拱辰街道``, ``海淀区/八里庄街道``)
are resolved through the committed divisions reference CSV.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CITY_CODE = "110000000000"
CITY_NAME = "北京市"
ROLES = ("city", "district", "subdistrict")
ROLE_LABELS = {
    "city": ("市级", "City"),
    "district": ("区级", "District"),
    "subdistrict": ("街道(乡镇)级", "Subdistrict"),
}
# How many leading digits of a 12-digit code identify a scope of each level.
PREFIX_DIGITS = {"city": 2, "district": 6, "subdistrict": 9}
# The reference CSV calls subdistricts "street".
_CSV_LEVEL = {"district": "district", "subdistrict": "street"}
_CODE = re.compile(r"^\d{12}$")


class ScopeError(ValueError):
    """A role/scope combination that does not name exactly one division."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in person a request acts for, and the part of Beijing they may see."""

    username: str
    role: str
    scope_code: str
    display_name: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ScopeError(f"unknown role {self.role!r}; expected one of {ROLES}")
        if not is_scope_code_of(self.role, self.scope_code):
            raise ScopeError(f"{self.scope_code!r} is not a {self.role} scope code")

    @property
    def code_prefix(self) -> str:
        """The leading digits that every code inside this viewer's scope starts with."""
        return self.scope_code[: PREFIX_DIGITS[self.role]]

    def covers(self, code: str | None) -> bool:
        """Whether the division (or station's division) ``code`` lies inside this scope.

        Unknown (NULL) codes are covered only by the city: a call or row that no
        district claims must not show up in a district's figures.
        """
        if code is None:
            return self.role == "city"
        code = str(code)
        return bool(_CODE.match(code)) and code.startswith(self.code_prefix)


def is_scope_code_of(role: str, code: str) -> bool:
    """Whether ``code`` has the shape of a scope code of ``role`` (not whether it exists)."""
    if role not in PREFIX_DIGITS or not isinstance(code, str) or not _CODE.match(code):
        return False
    if role == "city":
        return code == CITY_CODE
    digits = PREFIX_DIGITS[role]
    tail_ok = code[digits:] == "0" * (12 - digits)
    # A district code ends in 000000 but is not the city; a subdistrict's 9-digit
    # prefix must itself not be a district's (i.e. digits 7-9 are not 000).
    if role == "district":
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


def resolve_scope(role: str, value: str | None, csv_path: Path) -> str:
    """The scope code for ``role`` given a code or a name (``None`` for the city).

    A subdistrict name that exists in more than one district must be qualified as
    ``区名/街道名``.
    """
    if role not in ROLES:
        raise ScopeError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    value = (value or "").strip()
    if role == "city":
        if value and value not in (CITY_CODE, CITY_NAME, "北京", "city"):
            raise ScopeError(f"the city role's scope is {CITY_CODE} ({CITY_NAME}), not {value!r}")
        return CITY_CODE
    if not value:
        raise ScopeError(f"role {role} needs --scope (a {role} code or name)")
    level = _CSV_LEVEL[role]
    candidates = [d for d in divisions(csv_path) if d.level == level]
    if _CODE.match(value):
        if not is_scope_code_of(role, value) or value not in {d.code for d in candidates}:
            raise ScopeError(f"{value} is not a {role} code of the divisions reference")
        return value
    district, _, name = value.rpartition("/")
    matches = [d for d in candidates if d.name == name and (not district or d.district == district)]
    if not matches:
        raise ScopeError(f"no {role} named {value!r} in the divisions reference")
    if len(matches) > 1:
        options = ", ".join(f"{d.district}/{d.name} ({d.code})" for d in matches)
        raise ScopeError(f"{value!r} is ambiguous: write one of {options}")
    return matches[0].code
