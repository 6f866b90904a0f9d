"""Accuracy measures of the backtest, and the intervals they calibrate.

- **MASE** (Hyndman & Koehler 2006) of a series: the mean absolute error of the
  forecasts divided by the in-sample mean absolute error of the seasonal-naive forecast
  (``|y_t − y_{t−12}|``) over the history before the backtest. The same scale divides
  every method, so a MASE below the seasonal-naive's is a smaller error; a series
  without a year and a month of history before the backtest (or a flat one) has none.
- **Intervals**: on the log scale, ``log((y + 1) / (ŷ + 1))`` — an error of 10 % is
  0.095 whether the scope is a station or the city. The backtest's errors of a level
  and horizon give the half-width ``w`` of the interval ``(ŷ + 1) · exp(± w) − 1``
  (floored at 0): with ``EMPIRICAL_MIN`` errors or more, the split-conformal quantile of
  the absolute errors (the ⌈(n + 1) q⌉-th smallest); with fewer (a district's or the
  city's handful), Student's t on ``n − 1`` degrees of freedom times their
  root-mean-square, wider the fewer they are. A small station's count is relatively
  noisier than a large one's, so where there are many errors (``BIN_SIZE`` per bin or
  more) they are split into up to ``MAX_BINS`` bins by the size of the forecast, each
  with its own width (Mondrian conformal prediction): a forecast takes its bin's.
- **Coverage**: the share of actual values inside the interval. Each backtest origin is
  judged with widths from the other origins' errors (leave one origin out), never its
  own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import stdtrit

#: interval levels and the quantiles published for them
LEVELS = {80: ("p10", "p90"), 95: ("p2_5", "p97_5")}
#: from this many backtest errors on, intervals take their empirical quantiles
EMPIRICAL_MIN = 40
#: errors per bin of forecast size, and the most bins
BIN_SIZE, MAX_BINS = 200, 5


def mase_scale(series: np.ndarray, last: int, season: int = 12) -> np.ndarray:
    """[N]: mean |y_t − y_{t−season}| over t = season … last (NaN when empty or 0)."""
    if last < season:
        return np.full(series.shape[0], np.nan)
    diffs = np.abs(series[:, season : last + 1] - series[:, : last + 1 - season])
    scale = diffs.mean(axis=1)
    return np.where(scale > 0, scale, np.nan)


def log_errors(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    return np.log((actual + 1.0) / (np.clip(forecast, 0, None) + 1.0))


def t_quantile(level: int, n: int) -> float:
    """The two-sided quantile of an interval of ``level`` % from ``n`` errors."""
    upper = 0.5 + level / 200
    return float(stdtrit(n - 1, upper)) if n > 1 else float("nan")


def half_width(errors: np.ndarray, level: int) -> float:
    """The log-scale half-width of a level-% interval from backtest errors (NaN
    without at least two)."""
    finite = np.abs(errors[np.isfinite(errors)])
    n = len(finite)
    if n < 2:
        return float("nan")
    if n >= EMPIRICAL_MIN:
        rank = min(n, math.ceil((n + 1) * level / 100))
        return float(np.sort(finite)[rank - 1])
    return t_quantile(level, n) * float(np.sqrt(np.mean(finite**2)))


def interval(forecast: np.ndarray, half: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) bounds of the interval of log-scale half-width ``half``."""
    base = np.clip(forecast, 0, None) + 1.0
    return np.clip(base * np.exp(-half) - 1.0, 0, None), base * np.exp(half) - 1.0


@dataclass(frozen=True)
class Widths:
    """Interval half-widths by bin of forecast size: bin ``b`` holds the forecasts
    between ``edges[b - 1]`` and ``edges[b]``."""

    edges: np.ndarray  # [bins − 1]
    halves: dict[int, np.ndarray]  # level → [bins]

    def half(self, forecast: np.ndarray, level: int) -> np.ndarray:
        return self.halves[level][np.searchsorted(self.edges, forecast, side="right")]

    def known(self) -> bool:
        return bool(np.isfinite(self.halves[min(self.halves)]).all())


def widths(errors: np.ndarray, forecasts: np.ndarray) -> Widths:
    """The half-widths of every level from backtest errors and the forecasts they were
    errors of (same shape)."""
    ok = np.isfinite(errors) & np.isfinite(forecasts)
    errors, forecasts = errors[ok], forecasts[ok]
    bins = max(1, min(MAX_BINS, len(errors) // BIN_SIZE))
    edges = np.quantile(forecasts, np.arange(1, bins) / bins) if bins > 1 else np.array([])
    which = np.searchsorted(edges, forecasts, side="right")
    return Widths(
        edges,
        {q: np.array([half_width(errors[which == b], q) for b in range(bins)]) for q in LEVELS},
    )


def covered(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """1.0 inside [lower, upper], 0.0 outside, NaN where anything is unknown."""
    inside = ((actual >= lower) & (actual <= upper)).astype(float)
    unknown = ~(np.isfinite(actual) & np.isfinite(lower) & np.isfinite(upper))
    return np.where(unknown, np.nan, inside)


def leave_one_origin_out_coverage(
    actual: np.ndarray, forecast: np.ndarray, level: int
) -> np.ndarray:
    """[N, O] coverage indicators of a level and horizon's backtest (series × origins):
    origin ``o`` judged with widths from the errors at every other origin."""
    errors = log_errors(actual, forecast)
    out = np.full(actual.shape, np.nan)
    for o in range(actual.shape[1]):
        others = widths(np.delete(errors, o, axis=1), np.delete(forecast, o, axis=1))
        lower, upper = interval(forecast[:, o], others.half(forecast[:, o], level))
        out[:, o] = covered(actual[:, o], lower, upper)
    return out
