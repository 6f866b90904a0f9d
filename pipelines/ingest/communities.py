"""Matching a community written in an export (a code, an official name or a short form)
to the loaded communities, by the data contract's three steps; and a district (a name
with or without 区/县, or a code) to its district code."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

MATCHED, UNMATCHED, AMBIGUOUS = "matched", "unmatched", "ambiguous"
_CODE = re.compile(r"^\d{12}$")


def short_form(name: str) -> str:
    """Step 2's form: a trailing 居民委员会/居委会 removed, 村民委员会/村委会 → 村."""
    for suffix in ("居民委员会", "居委会"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    for suffix in ("村民委员会", "村委会"):
        if name.endswith(suffix):
            return name.removesuffix(suffix) + "村"
    return name


def bare_form(name: str) -> str:
    """Step 3's form: the short form without a trailing 社区 or 村."""
    short = short_form(name)
    for suffix in ("社区", "村"):
        if short.endswith(suffix):
            return short.removesuffix(suffix)
    return short


class CommunityMatcher:
    """The loaded communities, indexed for the three matching steps."""

    def __init__(self, communities: list[tuple[str, str]]) -> None:
        self.codes = {code for code, _ in communities}
        self._steps: list[dict[str, set[str]]] = [defaultdict(set) for _ in range(3)]
        #: written form → its outcome: an export repeats the same names batch after batch
        self._matched: dict[str, tuple[str | None, str]] = {}
        for code, name in communities:
            name = (name or "").strip()
            for step, form in zip(
                self._steps, (name, short_form(name), bare_form(name)), strict=True
            ):
                if form:
                    step[form].add(code)

    def match(self, written: str) -> tuple[str | None, str]:
        """(code, matched) or (None, unmatched | ambiguous)."""
        found = self._matched.get(written)
        if found is None:
            found = self._matched[written] = self._match(written)
        return found

    def _match(self, written: str) -> tuple[str | None, str]:
        written = re.sub(
            r"^(\d{12})\.0*$", r"\1", written.strip()
        )  # a code Excel stored as a number
        if _CODE.match(written):
            return (written, MATCHED) if written in self.codes else (None, UNMATCHED)
        for step, form in zip(
            self._steps, (written, short_form(written), bare_form(written)), strict=True
        ):
            found = step.get(form, set()) if form else set()
            if len(found) == 1:
                return next(iter(found)), MATCHED
            if len(found) > 1:
                return None, AMBIGUOUS
        return None, UNMATCHED


def district_key(name: str) -> str:
    """A district name without a trailing 区 or 县 (房山区 = 房山), as drives match it."""
    return re.sub(r"(区|县)$", "", name.strip())


class DistrictMatcher:
    """Districts by name and code: a written district matches the one district whose
    name (without 区/县) is the same, or whose code it is — the 12-digit code of
    metrics.md or the 6-digit administrative code (GB/T 2260) weather services use. A
    name that two districts share matches neither. Built from (district name, any code
    inside the district) pairs, e.g. the divisions reference's (:meth:`from_reference`)."""

    def __init__(self, communities: list[tuple[str, str]]) -> None:
        found: dict[str, set[str]] = defaultdict(set)
        for district, community_code in communities:
            code = community_code[:6] + "000000"
            found[code].add(code)
            found[code[:6]].add(code)
            if district and district.strip():
                found[district_key(district)].add(code)
        self._codes = {written: next(iter(c)) for written, c in found.items() if len(c) == 1}

    def match(self, written: str) -> str | None:
        """The district's 12-digit code, or None."""
        written = re.sub(r"^(\d+)\.0*$", r"\1", written.strip())  # a code stored as a number
        return self._codes.get(written if written.isdigit() else district_key(written))

    @classmethod
    def from_reference(cls, csv_path: Path) -> DistrictMatcher:
        """The districts of the committed divisions reference (``data/reference``)."""
        with csv_path.open(encoding="utf-8-sig", newline="") as handle:
            return cls(
                [(r["name"], r["code"]) for r in csv.DictReader(handle) if r["level"] == "district"]
            )
