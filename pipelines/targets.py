"""Targets and attention thresholds: what the overview, the briefs and the month cards
hold the figures to, read from ``<data>/targets.toml`` (the defaults below when the file
is absent or leaves a key out).

    [targets]                  # the floor of a figure: a month below it misses its target
    standard_rate = 0.80       # 七有达标率
    coverage_rate = 0.90       # 覆盖率
    resolution_rate_7d = 0.95  # 按期办结率

    [attention]                # what counts as worth a leader's attention
    large_move_points = 0.05   # a rate moving by at least 5 percentage points in a month
    large_move_share = 0.20    # a count moving by at least 20 % in a month …
    min_count = 100            # … from at least 100 the month before
    min_calls = 20             # a hotline rate needs at least 20 eligible calls
    lagging_points = 0.10      # a rate 10 points or more below the median of its peers …
    min_peers = 3              # … among at least 3 peers (itself included)
    quiet_min_visits = 30      # a station with no visits after at least 30 the month before

The models read them as variables (``getvariable('target_coverage_rate')``,
``getvariable('attention_min_calls')``), set by :func:`variables`; a bad file is refused
with a message naming the file, the key and the reason, never replaced by a default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

#: the figures a target may be set for (each a rate where higher is better), and defaults
DEFAULT_TARGETS = {"standard_rate": 0.80, "coverage_rate": 0.90, "resolution_rate_7d": 0.95}


class TargetsError(ValueError):
    """The targets file cannot be used as it is."""


@dataclass(frozen=True)
class Attention:
    """The thresholds of the attention findings (sql/marts/attention_monthly.sql)."""

    large_move_points: float = 0.05
    large_move_share: float = 0.20
    min_count: int = 100
    min_calls: int = 20
    lagging_points: float = 0.10
    min_peers: int = 3
    quiet_min_visits: int = 30


@dataclass(frozen=True)
class Targets:
    """The targets by figure (a rate in [0, 1]) and the attention thresholds."""

    targets: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    attention: Attention = field(default_factory=Attention)

    def variables(self) -> dict[str, float]:
        """The SQL variables: ``target_<figure>`` and ``attention_<threshold>``."""
        out = {f"target_{name}": float(value) for name, value in self.targets.items()}
        for f in fields(Attention):
            out[f"attention_{f.name}"] = float(getattr(self.attention, f.name))
        return out


def _number(path: Path, key: str, value: object, *, rate: bool, whole: bool) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TargetsError(f"{path}: {key} = {value!r} is not a number")
    if rate and not 0 <= value <= 1:
        raise TargetsError(
            f"{path}: {key} = {value!r} is outside [0, 1] (write 0.9 for 90 %, not 90)"
        )
    if whole and (value < 0 or value != int(value)):
        raise TargetsError(f"{path}: {key} = {value!r} is not a whole number ≥ 0")
    if value < 0:
        raise TargetsError(f"{path}: {key} = {value!r} is negative")
    return int(value) if whole else float(value)


def load_targets(path: Path) -> Targets:
    """The targets of ``path``; the defaults where it is missing or leaves a key out."""
    if not path.exists():
        return Targets()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise TargetsError(f"{path}: not a valid TOML file ({error})") from error
    unknown = set(document) - {"targets", "attention"}
    if unknown:
        raise TargetsError(f"{path}: unknown section(s) {sorted(unknown)}; expected [targets], "
                           "[attention]")  # fmt: skip
    targets = dict(DEFAULT_TARGETS)
    for key, value in document.get("targets", {}).items():
        if key not in DEFAULT_TARGETS:
            raise TargetsError(
                f"{path}: [targets] {key} is not a figure a target can be set for; "
                f"expected one of {sorted(DEFAULT_TARGETS)}"
            )
        targets[key] = _number(path, f"[targets] {key}", value, rate=True, whole=False)
    thresholds = {}
    kinds = {f.name: f.type for f in fields(Attention)}
    for key, value in document.get("attention", {}).items():
        if key not in kinds:
            raise TargetsError(
                f"{path}: [attention] {key} is not a threshold; expected one of {sorted(kinds)}"
            )
        whole = kinds[key] == "int"
        rate = key in ("large_move_points", "lagging_points")
        thresholds[key] = _number(path, f"[attention] {key}", value, rate=rate, whole=whole)
    return Targets(targets, Attention(**thresholds))
