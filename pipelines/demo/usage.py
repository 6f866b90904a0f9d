"""Station usage (驿站服务记录), one month at a time.

Visits follow the riders' day (peaks 11–13, 17–19:30 and 21–24), the week, the calendar
(the Spring Festival empties the city) and the weather of the station's district, day by
day (:func:`pipelines.demo.weather.usage_response`: heat, cold and rain bring more
visits). The service mix follows the seasons: summer heat brings water and shelter,
winter meal heating and shelter, the July–August rains rain gear. A station with a
sign-in code writes one row per visit (a time, often the worker's phone or member
number); one that keeps a tally book writes one row per service and day (a bare date
and a count). Volume follows the outdoor workers of the station's community.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime

import numpy as np
import polars as pl

from pipelines import vocabulary as vocab
from pipelines.demo.defects import Defect, mistyped_id, negative, set_text
from pipelines.demo.exports import Layout, date_text, datetime_text, impossible_date, labels

SERVICES = [t.code for t in vocab.SERVICE.terms]
_BASE_SHARE = dict(
    zip(
        SERVICES,
        [0.22, 0.15, 0.12, 0.25, 0.12, 0.05, 0.012, 0.008, 0.005, 0.01, 0.015],
        strict=True,
    )
)
#: the amenity a service needs; a visit for a missing one is a rest instead
_NEEDS = {
    "water": "has_water",
    "charging": "has_charging",
    "meal_heating": "has_microwave",
    "toilet": "has_toilet",
    "shelter": "has_shelter",
    "first_aid": "has_first_aid",
    "rain_gear": "has_rain_gear",
    "haircut": "has_haircut",
}
WORKER_TYPES = [t.code for t in vocab.WORKER_TYPE.terms]
_WORKER_SHARE = [0.45, 0.25, 0.08, 0.04, 0.12, 0.06]
#: visits by calendar month (Jan … Dec) apart from the weather: many riders go home for
#: the Spring Festival (February), orders peak towards the year's end
_SEASON = np.array([1.02, 0.88, 0.97, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.98, 1.0, 1.04])
#: visits by weekday (Mon … Sun): delivery peaks at the weekend
_WEEKDAY = np.array([1.0, 0.97, 0.98, 1.0, 1.08, 1.15, 1.1])
_PHONE_PREFIXES = np.array(
    [
        130,
        131,
        132,
        133,
        135,
        136,
        137,
        138,
        139,
        150,
        151,
        152,
        155,
        156,
        157,
        158,
        159,
        166,
        176,
        177,
        178,
        180,
        181,
        182,
        183,
        185,
        186,
        187,
        188,
        189,
        191,
        198,
        199,
    ]
)

HEADERS = {
    "station_id": ("驿站编号", "station_id"),
    "occurred_at": ("服务时间", "occurred_at"),
    "service": ("服务项目", "service"),
    "worker_type": ("人员类型", "worker_type"),
    "visits": ("人次", "visits"),
    "worker_ref": ("人员标识", "worker_ref"),
}
CELL_TYPES = {"occurred_at": "datetime", "visits": "number"}


def minute_of_day_weights() -> np.ndarray:
    """The riders' day, minute by minute: quiet at night, peaks at lunch, dinner and late."""
    minute = np.arange(1440)
    weight = np.where((minute >= 7 * 60), 1.0, 0.15)
    weight = weight * np.where((minute >= 11 * 60) & (minute < 13 * 60), 4.0, 1.0)
    weight = weight * np.where((minute >= 17 * 60) & (minute < 19 * 60 + 30), 3.5, 1.0)
    weight = weight * np.where(minute >= 21 * 60, 2.5, 1.0)
    return weight / weight.sum()


def service_shares(month: int) -> np.ndarray:
    share = dict(_BASE_SHARE)
    if month in (6, 7, 8):
        share["water"] *= 1.8
        share["shelter"] *= 3.0
    if month in (12, 1, 2):
        share["meal_heating"] *= 2.0
        share["shelter"] *= 3.0
        share["water"] *= 0.7
    if month in (7, 8):
        share["rain_gear"] *= 8.0
    p = np.array([share[s] for s in SERVICES])
    return p / p.sum()


def station_days(
    stations: pl.DataFrame, month: date, weather: pl.DataFrame | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(active[station, day], load factor[station, day]) for a month: a station serves
    from opened_on through closed_on; its load follows the week, the calendar and its
    district's weather (``weather``: date, district, factor; none: ordinary days)."""
    days = calendar.monthrange(month.year, month.month)[1]
    first = np.datetime64(month, "D")
    day = first + np.arange(days)
    opened = stations["opened_on"].to_numpy().astype("datetime64[D]")
    closed = stations["closed_on"].fill_null(date(9999, 12, 31)).to_numpy().astype("datetime64[D]")
    active = (opened[:, None] <= day[None, :]) & (closed[:, None] >= day[None, :])
    weekday = (day.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    factor = np.broadcast_to(_SEASON[month.month - 1] * _WEEKDAY[weekday], active.shape)
    if weather is not None:
        factor = factor * _weather_factor(stations, month, days, weather)
    return active, factor


def _weather_factor(
    stations: pl.DataFrame, month: date, days: int, weather: pl.DataFrame
) -> np.ndarray:
    """The weather factor of each station's district on each day of the month (1 on a
    day or in a district without weather)."""
    rows = weather.filter(pl.col("date").dt.truncate("1mo") == month)
    districts = {d: i for i, d in enumerate(rows["district"].unique(maintain_order=True))}
    grid = np.ones((len(districts) + 1, days))  # the last row: no weather
    grid[
        rows["district"].replace_strict(districts, return_dtype=pl.Int64).to_numpy(),
        rows["date"].dt.day().to_numpy() - 1,
    ] = rows["factor"].to_numpy()
    index = [districts.get(d, len(districts)) for d in stations["district"].to_list()]
    return grid[index]


def calibrate_rate(
    stations: pl.DataFrame,
    months: list[date],
    target_rows: int,
    weather: pl.DataFrame | None = None,
) -> float:
    """The visits-per-weight factor that makes the expected number of rows ``target_rows``."""
    weight = stations["weight"].to_numpy()
    tally = stations["tally"].to_numpy()
    days = np.zeros((stations.height, len(months)))
    load = np.zeros((stations.height, len(months)))
    for i, month in enumerate(months):
        active, factor = station_days(stations, month, weather)
        days[:, i] = active.sum(axis=1)
        load[:, i] = (active * factor).sum(axis=1) / np.maximum(days[:, i], 1)
    p = np.stack([service_shares(m.month) for m in months])

    def expected_rows(rate: float) -> float:
        # a station-day's load is close to its month's mean, which is precise enough here
        lam = rate * weight[:, None] * load
        singles = (lam * days)[~tally].sum()
        # a tally row per service with at least one visit that day
        tallies = (days[tally][..., None] * (1 - np.exp(-lam[tally][..., None] * p[None]))).sum()
        return singles + tallies

    low, high = 1e-6, 10.0
    for _ in range(40):
        mid = (low * high) ** 0.5
        low, high = (mid, high) if expected_rows(mid) < target_rows else (low, mid)
    return (low * high) ** 0.5


def usage_month(
    stations: pl.DataFrame,
    month: date,
    rate: float,
    rng: np.random.Generator,
    weather: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The month's usage rows, typed: station_id, occurred_at, is_tally, service,
    worker_type, visits, worker_ref; sorted by time."""
    active, factor = station_days(stations, month, weather)
    lam = rate * stations["weight"].to_numpy()[:, None] * factor * active
    tally = stations["tally"].to_numpy()
    ids = stations["station_id"].to_numpy()
    share = service_shares(month.month)
    amenity = _amenity_matrix(stations)
    first = datetime(month.year, month.month, 1)

    # single visits: one row each, at a minute of the riders' day
    counts = rng.poisson(lam * ~tally[:, None])
    station, day = np.nonzero(counts)
    n = counts[station, day]
    station, day = np.repeat(station, n), np.repeat(day, n)
    minute = rng.choice(1440, size=len(station), p=minute_of_day_weights())
    seconds = day * 86_400 + minute * 60 + rng.integers(0, 60, len(station))
    service = _available(rng.choice(len(SERVICES), size=len(station), p=share), station, amenity)
    worker_type = np.where(
        rng.random(len(station)) < 0.12, -1, rng.choice(6, size=len(station), p=_WORKER_SHARE)
    )
    singles = pl.DataFrame(
        {
            "station_id": ids[station],
            "occurred_at": (np.datetime64(first, "s") + seconds.astype("timedelta64[s]")).astype(
                "datetime64[us]"
            ),
            "is_tally": np.zeros(len(station), dtype=bool),
            "service": np.array(SERVICES)[service],
            "worker_type": np.array([*WORKER_TYPES, ""])[worker_type],
            "visits": np.ones(len(station), dtype=np.int64),
            "worker_ref": _worker_refs(rng, stations, station),
        }
    )

    # tallies: one row per station, day and service with at least one visit
    t_station, t_day = np.nonzero(active & tally[:, None])
    mean = lam[t_station, t_day][:, None] * share[None, :] * amenity[t_station]
    tallies = rng.poisson(mean)
    row, service_t = np.nonzero(tallies)
    tally_rows = pl.DataFrame(
        {
            "station_id": ids[t_station[row]],
            "occurred_at": (np.datetime64(first, "D") + t_day[row].astype("timedelta64[D]")).astype(
                "datetime64[us]"
            ),
            "is_tally": np.ones(len(row), dtype=bool),
            "service": np.array(SERVICES)[service_t],
            "worker_type": np.full(len(row), ""),
            "visits": tallies[row, service_t].astype(np.int64),
            "worker_ref": pl.Series([None] * len(row), dtype=pl.String),
        }
    )
    return (
        pl.concat([singles, tally_rows])
        .with_columns(pl.col("worker_type").replace("", None))
        .sort("occurred_at", "station_id", maintain_order=True)
    )


def _amenity_matrix(stations: pl.DataFrame) -> np.ndarray:
    """Which services each station can give (rest, counselling and other: all of them)."""
    columns = [
        stations[_NEEDS[s]].to_numpy() if s in _NEEDS else np.ones(stations.height, bool)
        for s in SERVICES
    ]
    return np.stack(columns, axis=1)


def _available(service: np.ndarray, station: np.ndarray, amenity: np.ndarray) -> np.ndarray:
    return np.where(amenity[station, service], service, SERVICES.index("rest"))


def _worker_refs(
    rng: np.random.Generator, stations: pl.DataFrame, station: np.ndarray
) -> pl.Series:
    """About four single visits in ten carry the worker's phone or union member number.
    A worker is drawn from the regulars of the station's community, so the same
    people come back across days and months."""
    pool = np.maximum(20, stations["weight"].to_numpy() * 1.5).astype(np.int64)
    community = stations["community_code"].cast(pl.Int64).to_numpy()
    known = rng.random(len(station)) < 0.4
    worker = community[station] * 10_000 + (rng.random(len(station)) * pool[station]).astype(
        np.int64
    )
    mixed = (worker * 2_654_435_761) % 1_000_000_007
    phone = _PHONE_PREFIXES[mixed % len(_PHONE_PREFIXES)] * 100_000_000 + mixed % 100_000_000
    refs = pl.DataFrame({"phone": phone, "mixed": mixed, "known": known}).select(
        pl.when(~pl.col("known"))
        .then(None)
        .when(pl.col("mixed") % 10 < 7)
        .then(pl.col("phone").cast(pl.String))
        .otherwise(pl.format("GH{}", (pl.col("mixed") % 100_000_000).cast(pl.String).str.zfill(8)))
    )
    return refs.to_series().alias("worker_ref")


def usage_text(
    rows: pl.DataFrame, layout: Layout, synonyms: bool, blank_single_visits: bool
) -> pl.DataFrame:
    """The month's rows written as the file's office writes them."""
    single_visits = pl.lit(None, pl.String) if blank_single_visits else pl.lit("1")
    return rows.select(
        "station_id",
        pl.when("is_tally")
        .then(date_text("occurred_at", layout))
        .otherwise(datetime_text("occurred_at", layout))
        .alias("occurred_at"),
        pl.col("service").replace_strict(labels(vocab.SERVICE, layout, synonyms)),
        pl.col("worker_type").replace_strict(
            labels(vocab.WORKER_TYPE, layout, synonyms), default=None
        ),
        pl.when("is_tally")
        .then(pl.col("visits").cast(pl.String))
        .otherwise(single_visits)
        .alias("visits"),
        "worker_ref",
    )


def usage_defects(month: date, layout: Layout) -> list[Defect]:
    """A mistyped station id, an impossible date, a negative count, a missing service."""
    days = calendar.monthrange(month.year, month.month)[1]

    def bad_date(rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        if days < 31:  # the day after the month's last, e.g. 2025-02-29
            text = impossible_date(month.year, month.month, days + 1, layout)
        else:  # day and month swapped, e.g. 2025-25-01
            text = impossible_date(month.year, int(rng.integers(13, 29)), month.month, layout)
        return rows.with_columns(occurred_at=pl.lit(text))

    def stray_comma(rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        # a tally typed 1,234 in a file that never quotes: the row gains a cell, which
        # must be filled to show (a member number where the visitor gave none)
        tallies = rng.integers(1_000, 3_000, rows.height)
        return rows.with_columns(
            visits=pl.Series([f"{n:,}" for n in tallies.tolist()], dtype=pl.String),
            worker_ref=pl.col("worker_ref").fill_null("GH00000001"),
        )

    defects = [
        Defect("unknown_station", 3, mistyped_id("station_id")),
        Defect("bad_date", 2, bad_date),
        Defect("negative_value", 2, negative("visits")),
        Defect("missing_value", 1, set_text("service", None)),
    ]
    if layout.kind == "csv" and not layout.quoted and layout.delimiter == ",":
        defects.append(Defect("extra_cells", 2, stray_comma))
    return defects
