"""Community names as people write them, and the contract's three-step name matching.

The generator writes communities by short names (``伊林郡社区`` for 伊林郡社区居民委员会) the
way offices do; it checks with :class:`NameMatcher` which written forms resolve to exactly
one community, so that a name meant to match does, and one meant to miss does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

_DROP = ("居民委员会", "居委会")
_TO_VILLAGE = ("村民委员会", "村委会")


def short_form(name: str) -> str:
    """``伊林郡社区居民委员会`` → ``伊林郡社区``; ``张各庄村民委员会`` → ``张各庄村``."""
    name = name.strip()
    for suffix in _DROP:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    for suffix in _TO_VILLAGE:
        if name.endswith(suffix):
            return name[: -len(suffix)] + "村"
    return name


def bare_form(name: str) -> str:
    """The short form without a trailing 社区 or 村 (``伊林郡``)."""
    short = short_form(name)
    for suffix in ("社区", "村"):
        if short.endswith(suffix) and len(short) > len(suffix):
            return short[: -len(suffix)]
    return short


class NameMatcher:
    """Matches a written name to one community code, as data-contract.md describes."""

    def __init__(self, communities: Iterable[tuple[str, str]]) -> None:
        pairs = list(communities)
        self._steps = []
        for form in (str.strip, short_form, bare_form):
            counts = Counter(form(name) for _, name in pairs)
            codes = {form(name): code for code, name in pairs}
            self._steps.append((form, counts, codes))

    def match(self, written: str) -> str | None:
        for form, counts, codes in self._steps:
            n = counts.get(form(written), 0)
            if n == 1:
                return codes[form(written)]
            if n > 1:
                return None
        return None
