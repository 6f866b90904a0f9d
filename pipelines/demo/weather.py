"""Daily weather per district (气象观测) for the demo, and how it moves station usage.

The climate is Beijing's: monthly normals of the daily maximum and minimum and of the
precipitation are the China Meteorological Administration's 1971–2000 normals for
Beijing (as tabulated in Wikipedia's "Geography of Beijing", climate section, source
CMA); the rain-day counts (≥ 0.1 mm) are rounded approximations of the same station's.
Districts differ by a fixed offset: the mountain districts are cooler (延庆 by 3.5 ℃),
the urban core a little warmer, the north-east wetter.

Days vary around the normal by a city-wide anomaly that persists from day to day (an
AR(1) process: weather systems cover the whole city) plus a small local one; summers
get heat waves (+4…7 ℃ for 3–7 days), winters cold waves (−6…10 ℃ for 3–5 days). A
rainy day is rainy over most of the city, with amounts drawn around the month's mean
per rainy day. Warnings follow the meteorological service's thresholds, simplified.

:func:`usage_response` is the rule usage follows (pipelines/demo/README.md).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from pipelines import vocabulary as vocab
from pipelines.demo.defects import Defect, set_text
from pipelines.demo.exports import Layout, date_text, impossible_date, labels
from pipelines.demo.scales import FIRST_MONTH, MONTHS, rng_for

#: CMA 1971–2000 normals for Beijing, January … December
TEMP_MAX = np.array([1.8, 5.0, 11.6, 20.3, 26.0, 30.2, 30.9, 29.7, 25.8, 19.1, 10.1, 3.7])
TEMP_MIN = np.array([-8.4, -5.6, 0.4, 7.9, 13.6, 18.8, 22.0, 20.8, 14.8, 7.9, 0.0, -5.8])
PRECIPITATION_MM = np.array([2.7, 4.9, 8.3, 21, 34, 78, 185, 160, 46, 22, 7.4, 2.8])
RAIN_DAYS = np.array([2, 3, 4, 5, 6, 10, 14, 12, 7, 5, 3, 2])

#: district → (temperature offset ℃, precipitation factor)
DISTRICT_CLIMATE = {
    "东城区": (0.6, 1.0),
    "西城区": (0.6, 1.0),
    "朝阳区": (0.4, 1.0),
    "海淀区": (0.2, 1.0),
    "丰台区": (0.4, 0.95),
    "石景山区": (0.0, 1.0),
    "通州区": (0.2, 1.0),
    "大兴区": (0.3, 0.9),
    "房山区": (0.0, 1.0),
    "顺义区": (-0.2, 1.05),
    "昌平区": (-0.3, 1.0),
    "门头沟区": (-1.2, 0.95),
    "怀柔区": (-1.2, 1.15),
    "平谷区": (-0.5, 1.15),
    "密云区": (-1.0, 1.2),
    "延庆区": (-3.5, 0.8),
}

HEADERS = {
    "date": "日期",
    "district": "区",
    "temp_max": "最高气温(℃)",
    "temp_min": "最低气温(℃)",
    "precipitation_mm": "降水量(mm)",
    "warning": "预警信号",
    "warning_type": "预警类型",
}
CELL_TYPES = {"temp_max": "number", "temp_min": "number", "precipitation_mm": "number"}
_LEVELS = ("none", "blue", "yellow", "orange", "red")


def _days() -> np.ndarray:
    end = date(FIRST_MONTH.year + MONTHS // 12, FIRST_MONTH.month, 1)
    return np.arange(np.datetime64(FIRST_MONTH, "D"), np.datetime64(end, "D"))


def _daily_normal(values: np.ndarray, days: np.ndarray) -> np.ndarray:
    """A monthly normal interpolated to days (each month's value at its 15th)."""
    doy = (days - days.astype("datetime64[Y]")).astype(int)
    mid = np.arange(12) * 30.44 + 14.5
    return np.interp(
        doy, np.r_[mid[-1] - 365.25, mid, mid[0] + 365.25], np.r_[values[-1], values, values[0]]
    )


def _spells(rng: np.random.Generator, days: np.ndarray, months: set[int], per_season: float,
            length: tuple[int, int], size: tuple[float, float]) -> np.ndarray:  # fmt: skip
    """Extra anomaly (℃) of heat or cold spells starting on days of the given months."""
    month = days.astype("datetime64[M]").astype(int) % 12 + 1
    eligible = np.isin(month, list(months))
    # the window holds two seasons: per_season starts each, spread over their days
    starts = np.flatnonzero(eligible & (rng.random(len(days)) < per_season / eligible.sum() * 2))
    extra = np.zeros(len(days))
    for start in starts:
        n = int(rng.integers(length[0], length[1] + 1))
        extra[start : start + n] += rng.uniform(*size)
    return extra


def daily_weather(seed: int, districts: list[str] | None = None) -> pl.DataFrame:
    """Every day of the demo's window for the districts (all 16 by default): date,
    district, temp_max, temp_min, precipitation_mm, warning, warning_type (codes)."""
    rng = rng_for(seed, "weather")
    days = _days()
    n = len(days)
    # the city's anomaly: AR(1), sd 3 ℃, a day's weather 70 % of the day before
    shocks = rng.normal(0.0, 3.0 * np.sqrt(1 - 0.7**2), n)
    city = np.zeros(n)
    for i in range(n):
        city[i] = 0.7 * (city[i - 1] if i else 0.0) + shocks[i]
    heat = _spells(rng, days, {6, 7, 8}, 2.0, (3, 7), (4.0, 7.0))
    cold = _spells(rng, days, {11, 12, 1, 2, 3}, 3.0, (3, 5), (6.0, 10.0))
    month = days.astype("datetime64[M]").astype(int) % 12
    city_wet = rng.random(n) < RAIN_DAYS[month] / 30.4
    frames = []
    for district in DISTRICT_CLIMATE:  # fixed order: the same draws whatever is kept
        offset, wetness = DISTRICT_CLIMATE[district]
        local = rng.normal(0.0, 0.8, n)
        tmax = _daily_normal(TEMP_MAX, days) + offset + city + heat - cold + local
        spread = _daily_normal(TEMP_MAX - TEMP_MIN, days) + rng.normal(0.0, 1.5, n) - 0.3 * heat
        tmin = tmax - np.clip(spread, 2.0, None)
        wet = city_wet & (rng.random(n) < 0.85)
        mean_amount = PRECIPITATION_MM[month] / RAIN_DAYS[month] * wetness
        rain = np.where(wet, rng.gamma(0.8, mean_amount / 0.8), 0.0)
        frames.append(
            pl.DataFrame(
                {
                    "date": days,
                    "district": district,
                    "temp_max": np.round(tmax, 1),
                    "temp_min": np.round(tmin, 1),
                    "precipitation_mm": np.round(rain, 1),
                }
            )
        )
    table = pl.concat(frames).with_columns(_warnings())
    if districts is not None:
        table = table.filter(pl.col("district").is_in(districts))
    return table.sort("date", "district")


def _warnings() -> list[pl.Expr]:
    """The strongest signal of the day: heat by the maximum (≥ 35 ℃ yellow, ≥ 37 orange,
    ≥ 40 red), rain by the day's amount (≥ 50 mm blue, ≥ 100 yellow, ≥ 150 orange), cold
    by the minimum (≤ −15 ℃ blue, ≤ −18 yellow)."""
    t, r, low = pl.col("temp_max"), pl.col("precipitation_mm"), pl.col("temp_min")
    heat = pl.when(t >= 40).then(4).when(t >= 37).then(3).when(t >= 35).then(2).otherwise(0)
    rain = pl.when(r >= 150).then(3).when(r >= 100).then(2).when(r >= 50).then(1).otherwise(0)
    cold = pl.when(low <= -18).then(2).when(low <= -15).then(1).otherwise(0)
    level = pl.max_horizontal(heat, rain, cold)
    kind = (
        pl.when(level == 0)
        .then(None)
        .when(heat == level)
        .then(pl.lit("heat"))
        .when(rain == level)
        .then(pl.lit("rain"))
        .otherwise(pl.lit("cold"))
    )
    return [
        level.replace_strict(dict(enumerate(_LEVELS)), return_dtype=pl.String).alias("warning"),
        kind.alias("warning_type"),
    ]


def usage_response(weather: pl.DataFrame) -> pl.DataFrame:
    """The factor on a district-day's usage (1 = an ordinary day), by the rule in
    pipelines/demo/README.md: +3 % a degree of maximum above 30 ℃ and +10 % more from
    37 ℃ (heat relief: water, shelter); +3 % a degree of maximum below 3 ℃ (warmth, hot
    meals); +4 % on a day of rain, +12 % from 10 mm (shelter while orders surge)."""
    t, r = pl.col("temp_max"), pl.col("precipitation_mm")
    factor = (
        1
        + 0.03 * (t - 30).clip(lower_bound=0)
        + pl.when(t >= 37).then(0.10).otherwise(0.0)
        + 0.03 * (3 - t).clip(lower_bound=0)
        + pl.when(r >= 10).then(0.12).when(r >= 0.1).then(0.04).otherwise(0.0)
    )
    return weather.select("date", "district", factor.alias("factor"))


def weather_text(rows: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """The rows as the meteorological service's export writes them: 无 when no warning."""
    return rows.select(
        date_text("date", layout).alias("date"),
        "district",
        *[pl.col(c).cast(pl.String) for c in ("temp_max", "temp_min", "precipitation_mm")],
        pl.col("warning").replace_strict(labels(vocab.WARNING, layout)),
        pl.col("warning_type").replace_strict(labels(vocab.WARNING_TYPE, layout), default=None),
    )


def weather_defects(first_day: date, layout: Layout) -> list[Defect]:
    """A day that does not exist, a blank maximum, a misplaced decimal point, a district
    outside Beijing."""

    def bad_date(rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        last = (first_day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        text = impossible_date(first_day.year, first_day.month, last.day + 1, layout)
        return rows.with_columns(date=pl.lit(text))

    def misplaced_decimal(rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        value = (pl.col("temp_max").cast(pl.Float64).abs() * 10 + 60).round(0)
        return rows.with_columns(temp_max=value.cast(pl.String))

    return [
        Defect("bad_date", 1, bad_date),
        Defect("missing_value", 1, set_text("temp_max", None)),
        Defect("out_of_range", 1, misplaced_decimal),
        Defect("unknown_district", 1, set_text("district", "滨海新区")),
    ]
