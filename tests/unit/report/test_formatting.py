"""How the report writes numbers and changes: exact strings, worked out by hand."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.report import formatting as f


def test_numbers_are_written_with_separators_and_units() -> None:
    assert f.count(12345) == "12,345"
    assert f.count(0) == "0"
    assert f.count(1234567.0) == "1,234,567"
    assert f.percent(0.0825) == "8.2%"  # 8.25 in binary floating point is just below
    assert f.percent(0.5) == "50.0%"
    assert f.percent(1) == "100.0%"
    assert f.hours(24) == "24.0 小时"
    assert f.score(4.0) == "4.00 分"
    assert f.metres(1311.4) == "1,311 米"
    assert f.per_seat_day(0.0645) == "0.06"


def test_missing_values_are_a_dash_never_zero() -> None:
    for write in (f.count, f.percent, f.hours, f.score, f.metres, f.per_seat_day):
        assert write(None) == f.MISSING


def test_months_and_days() -> None:
    assert f.month_label(date(2025, 6, 1)) == "2025年6月"
    assert f.short_month_label(date(2025, 6, 1)) == "6月"
    assert f.short_month_label(date(2025, 1, 1)) == "25年1月"
    assert f.short_month_label(date(2024, 7, 1), first=True) == "24年7月"
    assert f.day_label(date(2024, 3, 5)) == "3月5日"


@pytest.mark.parametrize(
    ("current", "previous", "kind", "period", "exists", "expected"),
    [
        (12345, 11408, "count", "mom", True, "环比增长 8.2%"),
        (90, 100, "count", "mom", True, "环比下降 10.0%"),
        (100, 100, "count", "mom", True, "环比持平"),
        (100001, 100000, "count", "mom", True, "环比持平"),  # +0.001% rounds to 0.0%
        (28, 0, "count", "yoy", True, "去年同期为 0"),
        (0, 0, "count", "yoy", True, "同比持平"),
        (5, None, "count", "mom", False, "上月无数据"),
        (5, None, "count", "yoy", False, "去年同期无数据"),
        (None, 3, "count", "mom", True, "本月无数据"),
        (0.6, None, "rate", "mom", True, "上月无数据"),  # a rate over an empty set is NULL
        (0.6, 0.5, "rate", "mom", True, "环比提高 10.0 个百分点"),
        (0.5, 0.6, "rate", "yoy", True, "同比降低 10.0 个百分点"),
        (0.829, 0.829, "rate", "mom", True, "环比持平"),
        (12.0, 24.0, "hours", "mom", True, "环比下降 50.0%"),
    ],
)
def test_change_phrases(
    current: float | None,
    previous: float | None,
    kind: f.Kind,
    period: str,
    exists: bool,
    expected: str,
) -> None:
    assert f.change(current, previous, kind, period=period, previous_exists=exists) == expected


@given(st.integers(0, 10**7), st.integers(1, 10**7))
def test_change_says_the_direction_of_a_count(current: int, previous: int) -> None:
    phrase = f.change(current, previous, "count")
    if current > previous and "持平" not in phrase:
        assert phrase.startswith("环比增长 ")
    elif current < previous and "持平" not in phrase:
        assert phrase.startswith("环比下降 ")
    else:
        assert phrase == "环比持平"
        assert abs(current - previous) / previous < 0.0005
