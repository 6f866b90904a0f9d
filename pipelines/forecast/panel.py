"""The forecast's input as arrays: visits and open days per station and month, the
station hierarchy (community, subdistrict, district, city), and the weather of each
district and month as shares of days over the thresholds of ``weather_monthly``.

Everything is indexed by position: station ``s``, month ``t`` (0 = the first month of
history), weather feature ``k``. Months after the history are the forecast's.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

LEVELS = ("station", "community", "subdistrict", "district", "city")
#: weather_monthly columns used as explanatory variables, as shares of the month's days
WEATHER_FEATURES = ("hot_days", "very_hot_days", "cold_days", "rainy_days")


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def days_in(month: date) -> int:
    return calendar.monthrange(month.year, month.month)[1]


@dataclass
class Panel:
    """Stations × months of history, plus what the forecast months need."""

    months: list[date]  # history, oldest first, consecutive
    station_ids: np.ndarray  # [S]
    codes: dict[str, np.ndarray]  # level → [S] code of each station at that level
    visits: np.ndarray  # [S, T] float
    open_days: np.ndarray  # [S, T + horizon] days each station is open (registry)
    opened_on: np.ndarray  # [S] datetime64[D]
    closed_on: np.ndarray  # [S] datetime64[D], NaT when open
    weather_counts: np.ndarray | None  # [D, T + horizon, K] days over each threshold
    weather_days: np.ndarray | None  # [D, T + horizon] days with weather rows
    districts: np.ndarray  # [D] district codes (rows of the weather arrays)
    station_district: np.ndarray  # [S] index into ``districts``
    horizon: int

    @property
    def all_months(self) -> list[date]:
        return [add_months(self.months[0], i) for i in range(len(self.months) + self.horizon)]

    @property
    def has_weather(self) -> bool:
        return self.weather_counts is not None

    def open_days_known_at(self, origin: int) -> np.ndarray:
        """Open days [S, T + horizon] as the registry would have said at the end of month
        ``origin``: a closure recorded later was not known then (open every day after).
        At the last month, the registry as it is (a closure it dates ahead is known)."""
        if origin >= len(self.months) - 1:
            return self.open_days
        months = self.all_months
        end = np.datetime64(add_months(months[origin], 1), "D") - np.timedelta64(1, "D")
        known = np.where(self.closed_on <= end, self.closed_on, np.datetime64("NaT"))
        return _open_days(months, self.opened_on, known)


def _open_days(months: list[date], opened_on: np.ndarray, closed_on: np.ndarray) -> np.ndarray:
    first = np.array([np.datetime64(m, "D") for m in months])
    last = np.array([np.datetime64(add_months(m, 1), "D") for m in months]) - 1
    start = np.maximum(first[None, :], opened_on[:, None])
    closed = np.where(np.isnat(closed_on), np.datetime64("9999-12-31"), closed_on)
    stop = np.minimum(last[None, :], closed[:, None])
    return np.clip((stop - start).astype(np.int64) + 1, 0, None).astype(float)


def build_panel(
    station_monthly: pl.DataFrame,
    stations: pl.DataFrame,
    weather_monthly: pl.DataFrame | None,
    last_month: date,
    horizon: int = 3,
) -> Panel:
    """The panel of the months up to ``last_month`` (the last complete one).

    ``station_monthly``: month, station_id, visits. ``stations``: station_id,
    community_code, subdistrict_code, district_code, opened_on, closed_on.
    ``weather_monthly``: month, district_code, days_observed and the columns of
    :data:`WEATHER_FEATURES` (None or empty: no weather)."""
    history = station_monthly.filter(pl.col("month") <= last_month)
    first = history["month"].min()
    if first is None:
        raise ValueError("no station-month of history: nothing to forecast from")
    months = [add_months(first, i) for i in range(_months_between(first, last_month) + 1)]
    stations = stations.sort("station_id")
    ids = stations["station_id"].to_numpy()
    index = {m: i for i, m in enumerate(months)}
    grid = history.join(stations.select("station_id"), on="station_id", how="semi")
    visits = np.zeros((len(ids), len(months)))
    row = np.searchsorted(ids, grid["station_id"].to_numpy())
    col = np.array([index[m] for m in grid["month"].to_list()], dtype=np.int64)
    np.add.at(visits, (row, col), grid["visits"].cast(pl.Float64).fill_null(0).to_numpy())

    opened = stations["opened_on"].to_numpy().astype("datetime64[D]")
    closed = stations["closed_on"].to_numpy().astype("datetime64[D]")
    all_months = [add_months(first, i) for i in range(len(months) + horizon)]
    district_of = stations["district_code"].to_numpy().astype(str)
    districts = np.unique(district_of)
    codes = {
        "station": ids.astype(str),
        "community": stations["community_code"].to_numpy().astype(str),
        "subdistrict": stations["subdistrict_code"].to_numpy().astype(str),
        "district": district_of,
        "city": np.array([c[:2] + "0" * 10 for c in district_of]),
    }
    counts, observed = _weather(weather_monthly, districts, all_months)
    return Panel(
        months=months,
        station_ids=ids,
        codes=codes,
        visits=visits,
        open_days=_open_days(all_months, opened, closed),
        opened_on=opened,
        closed_on=closed,
        weather_counts=counts,
        weather_days=observed,
        districts=districts,
        station_district=np.searchsorted(districts, district_of),
        horizon=horizon,
    )


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def _weather(
    weather_monthly: pl.DataFrame | None, districts: np.ndarray, months: list[date]
) -> tuple[np.ndarray | None, np.ndarray | None]:
    if weather_monthly is None or weather_monthly.is_empty():
        return None, None
    index = {m: i for i, m in enumerate(months)}
    rows = weather_monthly.filter(
        pl.col("district_code").is_in(list(districts)) & pl.col("month").is_in(months)
    )
    if rows.is_empty():
        return None, None
    counts = np.zeros((len(districts), len(months), len(WEATHER_FEATURES)))
    observed = np.zeros((len(districts), len(months)))
    d = np.searchsorted(districts, rows["district_code"].to_numpy())
    t = np.array([index[m] for m in rows["month"].to_list()], dtype=np.int64)
    observed[d, t] = rows["days_observed"].to_numpy()
    for k, feature in enumerate(WEATHER_FEATURES):
        counts[d, t, k] = rows[feature].to_numpy()
    return counts, observed


def weather_shares(panel: Panel, origin: int, future_known: bool) -> np.ndarray | None:
    """Shares of days [D, T + horizon, K] over each threshold, as known at the end of
    month ``origin``: observed months as observed; a day without weather (a gap, or any
    day after the origin unless ``future_known``: a forecast export) at the district's
    climate normal for that calendar month — the mean share over the observed months up
    to the origin (the city's normal where the district has none)."""
    if panel.weather_counts is None:
        return None
    counts, observed = panel.weather_counts.copy(), panel.weather_days.copy()
    if not future_known:
        counts[:, origin + 1 :] = 0
        observed[:, origin + 1 :] = 0
    months = panel.all_months
    lengths = np.array([days_in(m) for m in months], dtype=float)
    calendar_month = np.array([m.month - 1 for m in months])
    past = np.arange(len(months)) <= origin
    normal = np.zeros((len(panel.districts), 12, counts.shape[2]))
    for m in range(12):
        cols = past & (calendar_month == m)
        seen = observed[:, cols].sum(axis=1)
        city_seen = seen.sum()
        city = counts[:, cols].sum(axis=(0, 1)) / city_seen if city_seen else 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            own = counts[:, cols].sum(axis=1) / seen[:, None]
        normal[:, m] = np.where(seen[:, None] > 0, own, city)
    missing = np.clip(lengths[None, :] - observed, 0, None)
    filled = counts + normal[:, calendar_month] * missing[..., None]
    return filled / lengths[None, :, None]
