"""What a planner asks for, checked before anything is solved.

A :class:`PlanRequest` holds the settings of one plan (k, radius, budget, scope, sites
pinned and excluded, the weight of the demand). The CLI, the dashboard and the saved
scenarios all build one, so a plan is described and checked the same way everywhere.
Invalid settings raise :class:`PlanError`, never a silent substitute (metrics.md,
"Siting"): the error carries a code and its values, so that the dashboard can say it in
the reader's language and the CLI in English.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

#: what a demand point weighs: its uncovered outdoor workers, or the visits they would
#: make by the forecast (metrics.md, "Siting")
WEIGHTS = ("workers", "forecast")

#: the English text of each error; the dashboard has its own words for each code
MESSAGES = {
    "no_limit": "give k, a budget, or both",
    "k_not_positive": "k must be a whole number of at least 1 (got {k})",
    "radius_out_of_range": (
        "the radius must lie between {low:,.0f} and {high:,.0f} m (got {radius})"
    ),
    "budget_negative": "the budget must not be negative (got {budget})",
    "unknown_weight": "weight must be 'workers' or 'forecast' (got {weight!r})",
    "unknown_scope": "unknown district or subdistrict {scope!r}",
    "ambiguous_scope": "{scope!r} names more than one subdistrict; write 区名/街道名 or its code",
    "unknown_site": "unknown site {site!r}: not among the candidates of this plan",
    "pinned_and_excluded": "site {site!r} is both pinned and excluded",
    "too_many_pinned": "{pinned} sites are pinned but k is {k}",
    "pinned_over_budget": "the pinned sites cost {cost:,.2f}, more than the budget {budget:,.2f}",
    "no_forecast": "the snapshot has no demand forecast: weigh by workers instead",
}


class PlanError(ValueError):
    """Settings that cannot be planned; ``code`` is a key of :data:`MESSAGES`."""

    def __init__(self, code: str, **values: Any) -> None:
        self.code = code
        self.values = values
        super().__init__(MESSAGES[code].format(**values))


@dataclass(frozen=True)
class PlanRequest:
    """The settings of one plan. ``scope`` is a district or subdistrict, by code or name
    (None: the whole city); ``pinned`` sites must be built, ``excluded`` ones never."""

    k: int | None = None
    radius_m: float = 1000.0
    budget: float | None = None
    scope: str | None = None
    with_community_candidates: bool = False
    pinned: tuple[str, ...] = field(default_factory=tuple)
    excluded: tuple[str, ...] = field(default_factory=tuple)
    weight: str = "workers"

    def checked(self, radius_range_m: tuple[float, float]) -> PlanRequest:
        """This request if it can be planned, else :class:`PlanError` (the first problem)."""
        low, high = radius_range_m
        if self.k is None and self.budget is None:
            raise PlanError("no_limit")
        if self.k is not None and (not isinstance(self.k, int) or self.k < 1):
            raise PlanError("k_not_positive", k=self.k)
        radius = self.radius_m
        if (
            not isinstance(radius, int | float)
            or not math.isfinite(radius)
            or not (low <= radius <= high)
        ):
            raise PlanError("radius_out_of_range", low=low, high=high, radius=radius)
        if self.budget is not None and (not math.isfinite(self.budget) or self.budget < 0):
            raise PlanError("budget_negative", budget=self.budget)
        if self.weight not in WEIGHTS:
            raise PlanError("unknown_weight", weight=self.weight)
        both = sorted(set(self.pinned) & set(self.excluded))
        if both:
            raise PlanError("pinned_and_excluded", site=both[0])
        if self.k is not None and len(set(self.pinned)) > self.k:
            raise PlanError("too_many_pinned", pinned=len(set(self.pinned)), k=self.k)
        return self

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (lists for the site tuples)."""
        values = asdict(self)
        values["pinned"], values["excluded"] = list(self.pinned), list(self.excluded)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> PlanRequest:
        """The request of :meth:`to_dict` (unknown keys ignored, missing ones default)."""
        known = {k: values[k] for k in cls.__dataclass_fields__ if k in values}
        for name in ("pinned", "excluded"):
            known[name] = tuple(str(s) for s in known.get(name) or ())
        return replace(cls(), **known)
