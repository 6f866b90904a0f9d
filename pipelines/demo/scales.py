"""The three sizes of demo data and the fixed 24-month window they cover.

The window is fixed (not derived from today's date) so that a seed always gives the
same files. ``small`` is the last three months of it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import date

import numpy as np

#: the demo's 24 months: 2024-11 … 2026-10; the registry is exported on the last day
FIRST_MONTH = date(2024, 11, 1)
MONTHS = 24
EXPORT_DAY = date(2026, 10, 31)


@dataclass(frozen=True)
class Scale:
    name: str
    #: districts included (None: all of Beijing)
    districts: tuple[str, ...] | None
    months: int
    stations: int
    #: stations in 拱辰街道 (房山区), the seed article's showcase
    gongchen_stations: int
    #: whether 王辛庄镇 (平谷区) and 龙潭街道 (东城区) are included
    other_seed_places: bool
    usage_rows: int
    calls: int
    drives_per_month: int
    candidate_sites: int

    @property
    def window(self) -> list[date]:
        """First days of the months this scale covers, oldest first."""
        start = MONTHS - self.months
        return [_add_months(FIRST_MONTH, i) for i in range(start, MONTHS)]


def _add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


SCALES: dict[str, Scale] = {
    "small": Scale("small", ("房山区",), 3, 40, 14, False, 15_000, 1_200, 10, 30),
    "demo": Scale("demo", None, MONTHS, 1_500, 110, True, 2_000_000, 120_000, 150, 400),
    "large": Scale("large", None, MONTHS, 9_000, 150, True, 11_000_000, 1_050_000, 400, 1_500),
}


#: the national federation (issue 15): about 184,000 stations and a billion visits a year
NATIONAL_STATIONS = 184_000
NATIONAL_YEAR_VISITS = 1_000_000_000


def national(volume: int) -> Scale:
    """A year of a federation of national size at ``volume`` usage rows (a national year
    is :data:`NATIONAL_YEAR_VISITS`), on Beijing's geography: stations in proportion to
    the national count, calls in ``large``'s proportion to visits, drives and candidate
    sites as in ``large``. The rows, not the map, are what the engines are measured on."""
    if volume < 100_000:
        raise ValueError(f"volume {volume:,}: at least 100,000 usage rows")
    large = SCALES["large"]
    stations = max(1_000, round(NATIONAL_STATIONS * volume / NATIONAL_YEAR_VISITS))
    calls = round(volume * large.calls / large.usage_rows)
    return Scale(
        "national", None, 12, stations, large.gongchen_stations, True, volume, calls,
        large.drives_per_month, large.candidate_sites,
    )  # fmt: skip


def rng_for(seed: int, part: str) -> np.random.Generator:
    """An independent random stream per part (geography, stations, usage …), so that
    one part can be generated alone and gives the same values as in a full run."""
    return np.random.default_rng([seed, zlib.crc32(part.encode())])
