"""The forecasting methods: a pooled seasonal model with weather, and the two baselines.

**pooled** (``pooled_weather`` when weather enters): for station ``s`` in month ``t``,

    log(visits per open day) = level_s + season[calendar month] + β · weather[district, t]

fitted over every station at once (a global model) by weighted least squares, the
weights the station-month's visits (Poisson noise shrinks as counts grow). Two years of
history hold each calendar month twice: one series cannot estimate twelve seasonal terms
and a weather response, thousands of stations together can. The level is each station's
own, weighted towards recent months (half-life 6 months), so a station that grows or
fades is followed. A station open in the last month but with no usable month yet takes
the median level of its district. Forecast: exp(level + season + β · weather) × open
days × a smearing factor (the mean of exp(residual), so that the log model's forecast
is a mean, not a median).

**seasonal_naive**: the same month a year before. **last_value**: the last month.
Both work on the series as it is (a station's, or a scope's total).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.forecast.panel import Panel

#: a station-month counts for the fit when the station was open at least this many days
MIN_OPEN_DAYS = 7
#: recency weighting of a station's level (months)
LEVEL_HALF_LIFE = 6.0
ITERATIONS = 25


@dataclass
class PooledFit:
    level: np.ndarray  # [S], NaN for a station not open at the origin
    season: np.ndarray  # [12]
    beta: np.ndarray  # [K]
    smearing: float


def _design(
    calendar_month: np.ndarray, shares: np.ndarray | None, rows: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """One row per station-month: 12 calendar-month dummies, then the weather shares."""
    s, t = rows
    dummies = np.zeros((len(s), 12))
    dummies[np.arange(len(s)), calendar_month[t]] = 1.0
    return dummies if shares is None else np.hstack([dummies, shares[s, t]])


def fit_pooled(panel: Panel, origin: int, station_shares: np.ndarray | None) -> PooledFit:
    """Fit on the months up to ``origin`` (inclusive). ``station_shares``: the weather
    [S, T + horizon, K] of each station's district (None: no weather)."""
    y = panel.visits[:, : origin + 1]
    open_days = panel.open_days_known_at(origin)[:, : origin + 1]
    usable = open_days >= MIN_OPEN_DAYS
    rows = np.nonzero(usable)
    z = np.log((y[rows] + 0.5) / open_days[rows])
    weight = y[rows] + 1.0
    calendar_month = np.array([m.month - 1 for m in panel.all_months])
    design = _design(calendar_month, station_shares, rows)
    n_stations = y.shape[0]
    station = rows[0]
    count = np.bincount(station, weights=weight, minlength=n_stations)
    level = np.zeros(n_stations)
    coef = np.zeros(design.shape[1])
    # the weighted normal equations' matrix does not change between iterations; its
    # pseudo-inverse leaves a calendar month the history lacks at 0
    solve = np.linalg.pinv((design * weight[:, None]).T @ design)
    for _ in range(ITERATIONS):
        rest = z - design @ coef
        level = np.divide(
            np.bincount(station, weights=weight * rest, minlength=n_stations),
            count,
            out=np.zeros(n_stations),
            where=count > 0,
        )
        new = solve @ (design.T @ (weight * (z - level[station])))
        converged = np.max(np.abs(new - coef)) < 1e-9
        coef = new
        if converged:
            break
    residual = z - level[station] - design @ coef
    # the level to forecast from: recent months weigh more
    age = origin - rows[1]
    recency = weight * 0.5 ** (age / LEVEL_HALF_LIFE)
    recent = np.bincount(station, weights=recency * (z - design @ coef), minlength=n_stations)
    total = np.bincount(station, weights=recency, minlength=n_stations)
    level = np.divide(recent, total, out=np.full(n_stations, np.nan), where=total > 0)
    alive = panel.open_days_known_at(origin)[:, origin] > 0
    level = np.where(alive, level, np.nan)
    level = _fill_new_stations(level, alive, panel.station_district)
    smearing = float(np.sum(weight * np.exp(residual)) / np.sum(weight)) if len(z) else 1.0
    return PooledFit(
        level=level,
        season=coef[:12],
        beta=coef[12:],
        smearing=smearing,
    )


def _fill_new_stations(level: np.ndarray, alive: np.ndarray, district: np.ndarray) -> np.ndarray:
    """A station open at the origin without a usable month: its district's median level
    (the city's where the district has none)."""
    missing = alive & np.isnan(level)
    if not missing.any():
        return level
    known = ~np.isnan(level)
    city = float(np.median(level[known])) if known.any() else 0.0
    filled = level.copy()
    for d in np.unique(district[missing]):
        peers = level[known & (district == d)]
        filled[missing & (district == d)] = float(np.median(peers)) if len(peers) else city
    return filled


def predict_pooled(
    fit: PooledFit,
    panel: Panel,
    origin: int,
    horizons: range,
    station_shares: np.ndarray | None,
) -> np.ndarray:
    """Expected visits [S, H] of each station in months origin + h (0 where the station
    is not open at the origin, or closes, as the registry knew at the origin)."""
    calendar_month = np.array([m.month - 1 for m in panel.all_months])
    open_days = panel.open_days_known_at(origin)
    out = np.zeros((len(fit.level), len(horizons)))
    for j, h in enumerate(horizons):
        t = origin + h
        z = fit.level + fit.season[calendar_month[t]]
        if station_shares is not None and len(fit.beta):
            z = z + station_shares[:, t] @ fit.beta
        days = open_days[:, t]
        out[:, j] = np.where(np.isnan(z), 0.0, np.exp(np.nan_to_num(z)) * days * fit.smearing)
    return out


def seasonal_naive(series: np.ndarray, origin: int, horizons: range) -> np.ndarray:
    """[N, H]: the value 12 months before each target month (NaN without it)."""
    out = np.full((series.shape[0], len(horizons)), np.nan)
    for j, h in enumerate(horizons):
        source = origin + h - 12
        if 0 <= source <= origin:
            out[:, j] = series[:, source]
    return out


def last_value(series: np.ndarray, origin: int, horizons: range) -> np.ndarray:
    """[N, H]: the origin's value for every horizon."""
    return np.repeat(series[:, origin : origin + 1], len(horizons), axis=1)
