"""The demand forecast end to end: backtest, choose, forecast, publish as frames.

1. A rolling-origin backtest over the last ``BACKTEST_MONTHS`` months of history: at
   each origin the pooled model is fitted on the months up to it (future weather at the
   climate normal, as the live forecast would assume) and forecasts 1–3 months ahead;
   the baselines forecast every scope's own series.
2. Per level and horizon, the published method is the one with the lowest mean MASE
   over the level's scopes: the pooled model where it beats the baselines, else the
   better baseline — and the output says which.
3. The forecast from the last complete month, with the intervals of :mod:`accuracy`.

Reconciliation is bottom-up: the pooled model forecasts stations, and a community,
subdistrict, district or the city is the sum of its stations, so the p50s add up exactly
across levels wherever the levels publish the pooled model (quantiles of a sum are not
sums of quantiles: each level's interval comes from its own backtest errors).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl
from scipy import sparse

from pipelines.forecast import accuracy
from pipelines.forecast.model import (
    fit_pooled,
    last_value,
    predict_pooled,
    seasonal_naive,
)
from pipelines.forecast.panel import (
    LEVELS,
    WEATHER_FEATURES,
    Panel,
    build_panel,
    days_in,
    weather_shares,
)

BACKTEST_MONTHS = 6
#: an origin needs a year of history before it (the seasonal terms, the naive baseline)
MIN_TRAINING_MONTHS = 12
HORIZON = 3
BASELINES = ("seasonal_naive", "last_value")


@dataclass
class Forecast:
    demand_forecast: pl.DataFrame
    forecast_backtest: pl.DataFrame
    #: per district and forecast month: the weather the forecast assumed
    forecast_weather: pl.DataFrame
    notes: list[str] = field(default_factory=list)


class Hierarchy:
    """Sums of station values into the scopes of each level, and each scope's visits."""

    def __init__(self, panel: Panel) -> None:
        self.codes: dict[str, np.ndarray] = {}
        self._sum: dict[str, sparse.csr_matrix] = {}
        n = len(panel.station_ids)
        for level in LEVELS:
            codes, inverse = np.unique(panel.codes[level], return_inverse=True)
            self.codes[level] = codes
            self._sum[level] = sparse.csr_matrix(
                (np.ones(n), (inverse, np.arange(n))), shape=(len(codes), n)
            )
        #: level → visits [C, T] of each scope: the series the baselines and MASE read
        self.visits = {level: self.total(level, panel.visits) for level in LEVELS}

    def total(self, level: str, values: np.ndarray) -> np.ndarray:
        return np.asarray(self._sum[level] @ values)


def _pooled_name(panel: Panel) -> str:
    return "pooled_weather" if panel.has_weather else "pooled"


def _station_shares(panel: Panel, origin: int, future_known: bool) -> np.ndarray | None:
    shares = weather_shares(panel, origin, future_known)
    return None if shares is None else shares[panel.station_district]


def _forecasts_at(
    panel: Panel, tree: Hierarchy, origin: int, future_known: bool
) -> dict[str, dict[str, np.ndarray]]:
    """level → method → forecasts [C, H] from one origin."""
    horizons = range(1, panel.horizon + 1)
    shares = _station_shares(panel, origin, future_known)
    stations = predict_pooled(fit_pooled(panel, origin, shares), panel, origin, horizons, shares)
    out = {}
    for level in LEVELS:
        series = tree.visits[level]
        out[level] = {
            "pooled": tree.total(level, stations),
            "seasonal_naive": seasonal_naive(series, origin, horizons),
            "last_value": last_value(series, origin, horizons),
        }
    return out


def backtest_origins(months: int) -> list[int]:
    last = months - 1
    return [o for o in range(last - BACKTEST_MONTHS, last) if o + 1 >= MIN_TRAINING_MONTHS]


def forecast_demand(
    station_monthly: pl.DataFrame,
    stations: pl.DataFrame,
    weather_monthly: pl.DataFrame | None,
    last_month: date,
) -> Forecast:
    """Backtest, choose and forecast (see the module docstring). The frames are the
    published ``demand_forecast``, ``forecast_backtest`` and ``forecast_weather``."""
    panel = build_panel(station_monthly, stations, weather_monthly, last_month, HORIZON)
    tree = Hierarchy(panel)
    last = len(panel.months) - 1
    origins = backtest_origins(len(panel.months))
    runs = {o: _forecasts_at(panel, tree, o, future_known=False) for o in origins}
    notes = [
        f"history {panel.months[0]:%Y-%m} … {panel.months[-1]:%Y-%m} ({len(panel.months)} "
        f"months), {len(panel.station_ids)} stations, backtest origins: {len(origins)}, "
        f"weather: {'yes' if panel.has_weather else 'none'}"
    ]
    backtest_rows, choice = [], {}
    for level in LEVELS:
        series = tree.visits[level]
        scale = accuracy.mase_scale(series, origins[0]) if origins else None
        for h in range(1, HORIZON + 1):
            used = [o for o in origins if o + h <= last]
            rows, chosen = _evaluate(level, h, used, runs, series, scale, tree.codes[level])
            choice[level, h] = chosen
            if rows is not None:
                public = pl.col("model").replace("pooled", _pooled_name(panel))
                backtest_rows.append(rows.with_columns(public))
    final = _forecasts_at(panel, tree, last, future_known=True)
    return Forecast(
        demand_forecast=_published(panel, tree, final, choice),
        forecast_backtest=(
            pl.concat(backtest_rows) if backtest_rows else pl.DataFrame(schema=BACKTEST_SCHEMA)
        ),
        forecast_weather=_weather_assumption(panel, last),
        notes=notes,
    )


def _published(
    panel: Panel,
    tree: Hierarchy,
    final: dict[str, dict[str, np.ndarray]],
    choice: dict[tuple[str, int], tuple[str, accuracy.Widths | None]],
) -> pl.DataFrame:
    """The ``demand_forecast`` rows: each level and horizon by its chosen method, for
    the scopes with a station open in the last month and in the forecast months."""
    last = len(panel.months) - 1
    # open in the last month and after it (a station the registry dates ahead has no
    # history to forecast from)
    ahead = panel.open_days[:, last + 1 : last + 1 + HORIZON].sum(axis=1)
    alive = (panel.open_days[:, last] > 0) & (ahead > 0)
    frames = []
    for level in LEVELS:
        open_scopes = tree.total(level, alive.astype(float)) > 0
        for h in range(1, HORIZON + 1):
            method, spread = choice[level, h]
            values = final[level][method][:, h - 1]
            keep = open_scopes & np.isfinite(values)
            columns = {
                "month": [panel.all_months[last + h]] * int(keep.sum()),
                "scope_level": level,
                "scope_code": tree.codes[level][keep].astype(str),
                "horizon": h,
                "p50": values[keep],
            }
            for q, (low, high) in accuracy.LEVELS.items():
                if spread is not None and spread.known():
                    half = spread.half(values[keep], q)
                    columns[low], columns[high] = accuracy.interval(values[keep], half)
                else:  # no backtest: no interval rather than a made-up one
                    columns[low] = columns[high] = None
            columns["model"] = _pooled_name(panel) if method == "pooled" else method
            frames.append(pl.DataFrame(columns).cast(DEMAND_SCHEMA).select(list(DEMAND_SCHEMA)))
    return pl.concat(frames) if frames else pl.DataFrame(schema=DEMAND_SCHEMA)


DEMAND_SCHEMA = {
    "month": pl.Date, "scope_level": pl.String, "scope_code": pl.String, "horizon": pl.Int32,
    "p50": pl.Float64, "p10": pl.Float64, "p90": pl.Float64, "p2_5": pl.Float64,
    "p97_5": pl.Float64, "model": pl.String,
}  # fmt: skip
BACKTEST_SCHEMA = {
    "scope_level": pl.String, "scope_code": pl.String, "horizon": pl.Int32,
    "origins": pl.Int32, "mase": pl.Float64, "mase_seasonal_naive": pl.Float64,
    "mase_last_value": pl.Float64, "coverage_80": pl.Float64, "coverage_95": pl.Float64,
    "model": pl.String,
}  # fmt: skip


def _evaluate(
    level: str,
    h: int,
    used: list[int],
    runs: dict[int, dict[str, dict[str, np.ndarray]]],
    series: np.ndarray,
    scale: np.ndarray | None,
    codes: np.ndarray,
) -> tuple[pl.DataFrame | None, tuple[str, accuracy.Widths | None]]:
    """Backtest rows of one level and horizon (origins ``used``), and the chosen method
    with its interval widths."""
    if not used:
        return None, ("pooled", None)
    actual = series[:, [o + h for o in used]]
    forecasts = {
        m: np.stack([runs[o][level][m][:, h - 1] for o in used], axis=1)
        for m in ("pooled", *BASELINES)
    }
    mase = {
        m: np.nanmean(np.abs(actual - f), axis=1) / scale if np.isfinite(f).any() else
        np.full(len(codes), np.nan)
        for m, f in forecasts.items()
    }  # fmt: skip
    comparable = np.all([np.isfinite(v) for v in mase.values()], axis=0)
    if comparable.any():
        means = {m: float(np.mean(v[comparable])) for m, v in mase.items()}
        chosen = min(means, key=lambda m: (means[m], m != "pooled"))
    else:
        chosen = "pooled"
    spread = accuracy.widths(accuracy.log_errors(actual, forecasts[chosen]), forecasts[chosen])
    cover = {
        q: np.nanmean(accuracy.leave_one_origin_out_coverage(actual, forecasts[chosen], q), axis=1)
        for q in accuracy.LEVELS
    }
    keep = np.isfinite(actual).all(axis=1) & (actual.sum(axis=1) > 0)
    rows = (
        pl.DataFrame(
            {
                "scope_level": level,
                "scope_code": codes[keep].astype(str),
                "horizon": h,
                "origins": len(used),
                "mase": mase["pooled"][keep],
                "mase_seasonal_naive": mase["seasonal_naive"][keep],
                "mase_last_value": mase["last_value"][keep],
                "coverage_80": cover[80][keep],
                "coverage_95": cover[95][keep],
                "model": chosen,
            }
        )
        .cast(BACKTEST_SCHEMA)
        .fill_nan(None)
    )
    return rows, (chosen, spread)


WEATHER_SCHEMA = {"month": pl.Date, "district_code": pl.String, "basis": pl.String} | {
    f: pl.Float64 for f in WEATHER_FEATURES
}


def empty_forecast(note: str) -> Forecast:
    """The three tables with no rows (nothing to forecast from)."""
    return Forecast(
        pl.DataFrame(schema=DEMAND_SCHEMA),
        pl.DataFrame(schema=BACKTEST_SCHEMA),
        pl.DataFrame(schema=WEATHER_SCHEMA),
        [note],
    )


def _weather_assumption(panel: Panel, last: int) -> pl.DataFrame:
    """Per district and forecast month: the days over each threshold the forecast assumed
    and whether they came from the climate normal, a forecast export, or both."""
    schema = WEATHER_SCHEMA
    shares = weather_shares(panel, last, future_known=True)
    if shares is None:
        return pl.DataFrame(schema=schema)
    rows = []
    for t in range(last + 1, last + 1 + HORIZON):
        month = panel.all_months[t]
        length = days_in(month)
        for d, code in enumerate(panel.districts):
            observed = panel.weather_days[d, t]
            basis = "normal" if observed == 0 else "forecast" if observed >= length else "mixed"
            rows.append((month, str(code), basis, *(shares[d, t] * length).tolist()))
    return pl.DataFrame(rows, schema=schema, orient="row")


def backtest_summary(backtest: pl.DataFrame) -> pl.DataFrame:
    """Per level and horizon: scopes, mean MASE of each method, mean coverage, the model."""
    return (
        backtest.group_by("scope_level", "horizon")
        .agg(
            scopes=pl.len(),
            mase=pl.col("mase").mean(),
            mase_seasonal_naive=pl.col("mase_seasonal_naive").mean(),
            mase_last_value=pl.col("mase_last_value").mean(),
            coverage_80=pl.col("coverage_80").mean(),
            coverage_95=pl.col("coverage_95").mean(),
            model=pl.col("model").first(),
        )
        .with_columns(pl.col("scope_level").replace_strict(
            {level: i for i, level in enumerate(LEVELS)}, return_dtype=pl.Int32).alias("_order"))
        .sort("_order", "horizon")
        .drop("_order")
    )  # fmt: skip
