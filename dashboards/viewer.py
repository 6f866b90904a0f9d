"""Who is looking: the :class:`Viewer` a request acts for, and the part of Beijing they
may see. Sign-in makes one from the user's account, the data layer takes one first in
every query, and the upload API checks a steward's files against one.

A viewer's scope is a scope code (:mod:`pipelines.scope`); their role is its level.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.scope import (
    CITY_CODE,
    LEVELS,
    ScopeError,
    contains,
    is_code,
    is_scope_code_of,
    level_of,
    parent_of,
    prefix_of,
)

#: the roles a user account may have (a scope of each of these levels)
ROLES = ("city", "district", "subdistrict")
ROLE_LABELS = {
    "city": ("市级", "City"),
    "district": ("区级", "District"),
    "subdistrict": ("街道(乡镇)级", "Subdistrict"),
}


@dataclass(frozen=True)
class Viewer:
    """The person a request acts for (the whole city unless restricted).

    ``role`` is the level of ``scope_code``; given explicitly (as a user account states
    it), it must agree with the code."""

    scope_code: str = CITY_CODE
    username: str = ""
    display_name: str = ""
    role: str | None = None
    #: a data steward may upload and withdraw exports of their scope
    steward: bool = False

    def __post_init__(self) -> None:
        level = level_of(self.scope_code) if isinstance(self.scope_code, str) else None
        if self.role is not None and self.role not in LEVELS:
            raise ScopeError(f"unknown role {self.role!r}; expected one of {ROLES}")
        if level is None or not is_scope_code_of(self.role or level, self.scope_code):
            raise ScopeError(f"{self.scope_code!r} is not a {self.role or 'scope'} code")
        object.__setattr__(self, "role", level)

    @property
    def is_city(self) -> bool:
        return self.role == "city"

    @property
    def code_prefix(self) -> str:
        """The leading digits that every code inside this viewer's scope starts with."""
        return prefix_of(self.scope_code)

    def covers(self, code: str | None) -> bool:
        """Whether the division (or station's division) ``code`` lies inside this scope;
        unknown (NULL) codes only inside the city's."""
        return contains(self.scope_code, code)

    def may_compare(self, code: str | None) -> bool:
        """Whether the figures of scope ``code`` may stand beside the viewer's own in a
        ranking or a comparison: a scope inside theirs, a scope they lie in (their
        district, the city), or a peer — a scope of their own level under the same parent
        (another district; another subdistrict of their district). Only a scope's own
        totals are compared, never anything inside a peer."""
        if not is_code(code):
            return False
        if self.covers(code) or contains(code, self.scope_code):
            return True
        if self.is_city or level_of(code) != self.role:
            return False
        parent = LEVELS[LEVELS.index(self.role) - 1]
        return parent_of(code, parent) == parent_of(self.scope_code, parent)

    def allowed(self, requested: str | None) -> str:
        """The scope a query runs on: the requested one when the viewer may see it,
        else the viewer's own scope."""
        if requested is not None and self.covers(requested):
            return requested
        return self.scope_code

    def holds_file(self, upload_scope: str | None, uploaded: bool) -> bool:
        """Whether a landing file belongs to this viewer's scope (the upload page's file
        list and withdrawals): every file is the city's; a district's or subdistrict's
        are those that stewards of a scope inside theirs uploaded (``upload_scope``:
        theirs, None for a city steward's)."""
        if self.is_city:
            return True
        return uploaded and upload_scope is not None and self.covers(upload_scope)

    def fixed_scope(self, level: str) -> str | None:
        """The viewer's own district or subdistrict when their scope lies inside one: the
        scope pickers of that level are fixed to it."""
        if LEVELS.index(self.role) < LEVELS.index(level):
            return None
        return parent_of(self.scope_code, level)
