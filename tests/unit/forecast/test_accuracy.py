"""Baselines, MASE, intervals and coverage on series small enough to check by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipelines.forecast import accuracy
from pipelines.forecast.model import last_value, seasonal_naive

H = range(1, 4)


def test_seasonal_naive_is_the_same_month_a_year_before() -> None:
    series = np.arange(1.0, 16.0)[None, :]  # months 0 … 14 hold 1 … 15
    # origin 12: targets 13, 14, 15 come from months 1, 2, 3, which hold 2, 3, 4
    assert seasonal_naive(series, 12, H).tolist() == [[2.0, 3.0, 4.0]]
    # origin 10: month 11 → month −1 (none), months 12, 13 → months 0, 1
    out = seasonal_naive(series, 10, H)
    assert math.isnan(out[0, 0]) and out[0, 1:].tolist() == [1.0, 2.0]
    # origin 12, horizon 12 reads month 12 itself; horizon 13 would need month 13, unknown
    far = seasonal_naive(series, 12, range(12, 14))
    assert far[0, 0] == 13.0 and math.isnan(far[0, 1])


def test_last_value_repeats_the_origin() -> None:
    series = np.array([[5.0, 7.0, 9.0], [1.0, 0.0, 2.0]])
    assert last_value(series, 1, H).tolist() == [[7.0] * 3, [0.0] * 3]


def test_mase_scale_on_a_hand_example() -> None:
    # a flat year of 10, then 12 and 14: |12 − 10| = 2, |14 − 10| = 4, mean 3
    series = np.array([[10.0] * 12 + [12.0, 14.0, 10.0]])
    assert accuracy.mase_scale(series, 13).tolist() == [3.0]
    # with the third month too: (2 + 4 + 0) / 3 = 2
    assert accuracy.mase_scale(series, 14).tolist() == [2.0]
    # under 13 months: no seasonal difference, no scale; a flat series: none either
    assert math.isnan(accuracy.mase_scale(series, 11)[0])
    assert math.isnan(accuracy.mase_scale(np.full((1, 14), 5.0), 13)[0])


def test_t_quantiles() -> None:
    # one degree of freedom is the Cauchy distribution: quantile tan(π (p − 1/2))
    assert accuracy.t_quantile(80, 2) == pytest.approx(math.tan(math.pi * 0.4))  # 3.0777
    assert accuracy.t_quantile(95, 2) == pytest.approx(math.tan(math.pi * 0.475))  # 12.706
    # many errors: the normal quantiles 1.2816 and 1.9600
    assert accuracy.t_quantile(80, 10**7) == pytest.approx(1.281552, abs=1e-5)
    assert accuracy.t_quantile(95, 10**7) == pytest.approx(1.959964, abs=1e-5)


def test_interval_on_the_log_scale() -> None:
    # forecast 99, half-width 0.2: 100 · exp(± 0.2) − 1 = 122.1403 − 1 and 81.8731 − 1
    lower, upper = accuracy.interval(np.array([99.0]), 0.2)
    assert lower[0] == pytest.approx(80.8731, abs=1e-4)
    assert upper[0] == pytest.approx(121.1403, abs=1e-4)
    # never below zero: forecast 0 with a wide interval
    lower, _ = accuracy.interval(np.array([0.0]), 2.0)
    assert lower[0] == 0.0


def test_half_width_few_errors_student_t() -> None:
    # two errors ±0.1: root-mean-square 0.1, × t(80 %, 1 df) = tan(0.4 π) = 3.0777
    assert accuracy.half_width(np.array([0.1, -0.1, np.nan]), 80) == pytest.approx(
        0.1 * math.tan(math.pi * 0.4)
    )
    assert math.isnan(accuracy.half_width(np.array([0.3]), 80))


def test_half_width_many_errors_empirical() -> None:
    # 99 errors of absolute size 0.01 … 0.99 (signs alternate): the ⌈100 × 0.8⌉ = 80th
    # smallest is 0.80, the ⌈100 × 0.95⌉ = 95th is 0.95
    errors = np.arange(1, 100) * 0.01 * np.where(np.arange(99) % 2, 1, -1)
    assert accuracy.half_width(errors, 80) == pytest.approx(0.80)
    assert accuracy.half_width(errors, 95) == pytest.approx(0.95)


def test_coverage_counting() -> None:
    actual = np.array([5.0, 10.0, 15.0, np.nan, 3.0])
    lower = np.array([4.0, 10.0, 16.0, 0.0, 3.5])
    upper = np.array([6.0, 10.0, 20.0, 1.0, 9.0])
    # inside, on both bounds, below, unknown, below
    got = accuracy.covered(actual, lower, upper)
    assert got[[0, 1, 2, 4]].tolist() == [1.0, 1.0, 0.0, 0.0] and math.isnan(got[3])


def test_each_origin_is_judged_with_the_other_origins_errors() -> None:
    # one series, three origins; forecasts 99 and log errors 0.1, −0.1, 0.5
    errors = np.array([[0.1, -0.1, 0.5]])
    forecast = np.full((1, 3), 99.0)
    actual = 100.0 * np.exp(errors) - 1.0
    got = accuracy.leave_one_origin_out_coverage(actual, forecast, 80)
    # origin 0: σ of (−0.1, 0.5) = √0.13 = 0.3606, × t(80 %, 1 df) 3.0777 = 1.110 > 0.1: in
    # origin 1: σ of (0.1, 0.5) = √0.13, the same half-width > 0.1: in
    # origin 2: σ of (0.1, −0.1) = 0.1, half-width 0.3078 < 0.5: out
    assert got.tolist() == [[1.0, 1.0, 0.0]]


def test_widths_by_forecast_size() -> None:
    # 400 errors: forecasts 1 … 400; the 200 smaller ones miss by ±0.5, the larger by ±0.1
    forecasts = np.arange(1.0, 401.0)
    errors = np.where(forecasts <= 200, 0.5, 0.1) * np.where(np.arange(400) % 2, 1, -1)
    spread = accuracy.widths(errors, forecasts)
    # 400 errors make two bins of 200, split at the median forecast, 200.5
    assert spread.edges.tolist() == [200.5]
    assert spread.half(np.array([10.0, 200.0, 201.0, 5000.0]), 80).tolist() == pytest.approx(
        [0.5, 0.5, 0.1, 0.1]
    )
    # 399 errors: one bin for all, its 80 % quantile: ⌈400 × 0.8⌉ = 320th smallest of
    # 199 × 0.1 and 200 × 0.5, which is 0.5
    one = accuracy.widths(errors[:399], forecasts[:399])
    assert one.edges.size == 0 and one.half(np.array([1.0]), 80).tolist() == [0.5]
