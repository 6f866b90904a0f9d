"""The cell parsers, by example and by property (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest import values

FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def parse(parser, cells: list[str | None], **kwargs) -> list:
    frame = pl.DataFrame({"x": cells}, schema={"x": pl.String})
    return frame.select(parser(values.fold(pl.col("x")), **kwargs)).to_series().to_list()


DATE_STYLES = (
    lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}",
)


@settings(max_examples=200, deadline=None)
@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)), st.sampled_from(DATE_STYLES))
def test_every_date_style_reads_back(day: date, style) -> None:
    assert parse(values.parse_date, [style(day)]) == [day]


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(datetime(1990, 1, 1), datetime(2090, 1, 1)).map(
        lambda t: t.replace(microsecond=0)
    ),
    st.sampled_from(DATE_STYLES),
    st.sampled_from((" ", "T", "  ")),
    st.booleans(),
)
def test_datetimes_read_back(moment: datetime, style, sep: str, seconds: bool) -> None:
    clock = f"{moment.hour}:{moment.minute:02d}" + (f":{moment.second:02d}" if seconds else "")
    expected = moment if seconds else moment.replace(second=0)
    assert parse(values.parse_datetime, [f"{style(moment)}{sep}{clock}"]) == [expected]
    assert parse(values.has_time, [f"{style(moment)}{sep}{clock}"]) == [True]
    assert parse(values.has_time, [style(moment)]) == [False]


@pytest.mark.parametrize(
    "cell",
    ["2023-02-30", "2023-13-01", "2023-00-10", "20231301", "2023-5", "5/6/2023", "x", "45123"],
)
def test_impossible_or_foreign_dates_are_not_read(cell: str) -> None:
    assert parse(values.parse_date, [cell]) == [None]


def test_excel_serials_only_in_workbooks() -> None:
    assert parse(values.parse_date, ["45123", "1"], excel_serials=True) == [
        date(2023, 7, 16),
        date(1899, 12, 31),
    ]
    assert parse(values.parse_datetime, ["45123.75"], excel_serials=True) == [
        datetime(2023, 7, 16, 18, 0)
    ]
    # an XLSX date cell comes through at midnight: a bare date (a tally), not a visit
    assert parse(
        values.has_time, ["2024-05-06 00:00:00", "45123.5", "45123"], excel_serials=True
    ) == [
        False,
        True,
        False,
    ]


def test_a_datetime_is_a_date_only_at_midnight() -> None:
    assert parse(values.parse_date, ["2024-05-06 00:00", "2024-05-06 14:30"]) == [
        date(2024, 5, 6),
        None,
    ]


def _with_separators(n: int, sep: str) -> str:
    text = f"{abs(n):,}".replace(",", sep)
    return ("-" if n < 0 else "") + text


@settings(max_examples=300, deadline=None)
@given(
    st.integers(-(10**12), 10**12),
    st.sampled_from(("", ",", " ")),
    st.booleans(),
    st.sampled_from(("", ".0", ".00")),
)
def test_integers_read_back(n: int, sep: str, full_width: bool, fraction: str) -> None:
    cell = _with_separators(n, sep) + fraction
    if full_width:
        cell = cell.translate(FULL_WIDTH_DIGITS)
    assert parse(values.parse_int, [f" {cell}\u3000"]) == [n]


@pytest.mark.parametrize("cell", ["12.5", "1e3", "abc", "1-2", "--1", "=1+2", "12。0"])
def test_non_integers_are_not_read(cell: str) -> None:
    assert parse(values.parse_int, [cell]) == [None]


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e9, 1e9, allow_nan=False))
def test_floats_read_back(x: float) -> None:
    assert parse(values.parse_float, [repr(x)]) == [x]


@pytest.mark.parametrize("cell", ["inf", "nan", "1.2.3", "北纬39度", ""])
def test_non_floats_are_not_read(cell: str) -> None:
    assert parse(values.parse_float, [cell]) == [None]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(values.TRUE_WORDS + values.FALSE_WORDS),
    st.sampled_from((str.upper, str.lower, str.title)),
    st.sampled_from(("", " ", "\u3000")),
)
def test_boolean_words(word: str, case, pad: str) -> None:
    expected = word in values.TRUE_WORDS
    assert parse(values.parse_bool, [pad + case(word) + pad]) == [expected]


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=6))
def test_other_text_is_no_boolean(text: str) -> None:
    folded = parse(lambda x: x, [text])[0]
    known = folded is None or folded.lower() in values.TRUE_WORDS + values.FALSE_WORDS
    known = known or (folded is not None and folded.lower() in ("1.0", "0.0", "1.00", "0.00"))
    if not known:
        assert parse(values.parse_bool, [text]) == [None]


def test_blank_is_null_everywhere() -> None:
    for parser in (values.parse_int, values.parse_float, values.parse_bool, values.parse_date):
        assert parse(parser, [None, "", "  ", "\u3000"]) == [None] * 4


def test_text_folding_and_hyperlinks() -> None:
    assert parse(
        values.parse_text,
        ["\u3000Ｓ００１ ", '=HYPERLINK("http://a","站点")', '=hyperlink("http://b")'],
    ) == [
        "S001",
        "站点",
        "http://b",
    ]


def test_codes_keep_their_digits() -> None:
    assert parse(
        values.parse_code,
        ["110101001001", "110101001001.0", "１１０１０１００１００１", "11010100100", "1.1e11"],
    ) == [
        "110101001001",
        "110101001001",
        "110101001001",
        None,
        None,
    ]


_MOMENT_STYLES = [
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y年%m月%d日 %H:%M",
    "%Y%m%d",
    "%Y%m%d %H:%M:%S",
    "%Y年%m月%d日",
    "%Y-%m-%dT%H:%M:%S",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d",
    "%Y/%m/%dT%H:%M",
    "%Y-%m-%d  %H:%M",
]
_MOMENT_CELLS = st.lists(
    st.one_of(
        st.none(),
        st.datetimes(datetime(1990, 1, 1), datetime(2090, 1, 1)).map(
            lambda t: t.strftime(_MOMENT_STYLES[t.second % len(_MOMENT_STYLES)])
        ),
        # unpadded month, day and hour, as exports often write them
        st.datetimes(datetime(1990, 1, 1), datetime(2090, 1, 1)).map(
            lambda t: (
                f"{t.year}{'-/.'[t.minute % 3]}{t.month}{'-/.'[t.minute % 3]}{t.day}"
                + ["", f" {t.hour}:{t.minute:02d}", f"T{t.hour}:{t.minute:02d}:{t.second:02d}"][
                    t.second % 3
                ]
            )
        ),
        # 12-hour clocks: 上午/下午 before the time, AM/PM after (or before) it
        st.datetimes(datetime(1990, 1, 1), datetime(2090, 1, 1)).map(
            lambda t: (
                f"{t.year}{'/-'[t.minute % 2]}{t.month}{'/-'[t.minute % 2]}{t.day} "
                + [
                    f"{'上午' if t.hour < 12 else '下午'} {(t.hour - 1) % 12 + 1}:{t.minute:02d}",
                    f"{(t.hour - 1) % 12 + 1}:{t.minute:02d}:{t.second:02d} "
                    + ("AM" if t.hour < 12 else "PM"),
                    f"{'AM' if t.hour < 12 else 'PM'} {(t.hour - 1) % 12 + 1}:{t.minute:02d}",
                    f"{'上午' if t.hour < 12 else '下午'} {t.hour}:{t.minute:02d}:{t.second:02d}",
                ][t.second % 4]
            )
        ),
        st.sampled_from(
            [
                "2024-02-30",
                "24-05-06",
                "2024/5/6 下午 0:20",
                "2024/5/6 上午 13:00:00",
                "2024-05-06 3:20 pm",
                "2024年5月6日 下午 3:20",
                "2024/5/6 下午3:20",
                "2024-5-6 25:00",
                "x",
                "45123",
                "2024/13/1",
                "2024.02.30 10:00",
                "2024-05-06T24:00:00",
                "2024-05-06 12:30:61",
                "2024-05/06",
                "2024-05-06 12:3",
                "2024-05-06 12:30:00.5",
                "+2024-05-06",
                "2024-05-06T",
                "20240506T10:00",
                "20240230 10:00",
                "2024年5月6 10:00",
            ]
        ),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(_MOMENT_CELLS, _MOMENT_CELLS, st.booleans())
def test_fast_column_parser_agrees_with_the_general_one(
    cells: list, later: list, excel: bool
) -> None:
    series = pl.Series("x", cells, dtype=pl.String)
    general = parse(values.parse_datetime, cells, excel_serials=excel)
    assert values.parse_moments(series, excel).to_list() == general
    # with the styles learnt from a first batch tried first on the next one
    styles: list[str] = []
    assert values.parse_moments(series, excel, styles).to_list() == general
    later_series = pl.Series("x", later, dtype=pl.String)
    expected = parse(values.parse_datetime, later, excel_serials=excel)
    assert values.parse_moments(later_series, excel, styles).to_list() == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # 下午 3:20 is 15:20; 上午 12 o'clock is midnight, 下午 12 o'clock noon
        ("2024/5/6 下午 3:20:00", datetime(2024, 5, 6, 15, 20)),
        ("2024/5/6 上午 9:05:07", datetime(2024, 5, 6, 9, 5, 7)),
        ("2024年5月6日下午3:20", datetime(2024, 5, 6, 15, 20)),
        ("2024/5/6 上午 12:30:00", datetime(2024, 5, 6, 0, 30)),
        ("2024/5/6 下午 12:30:00", datetime(2024, 5, 6, 12, 30)),
        ("2024-05-06 3:20:00 PM", datetime(2024, 5, 6, 15, 20)),
        ("2024-05-06 03:20 am", datetime(2024, 5, 6, 3, 20)),
        ("2024-05-06 12:00 AM", datetime(2024, 5, 6, 0, 0)),
        ("2024-05-06 11:59:59 p.m.", datetime(2024, 5, 6, 23, 59, 59)),
        # a 12-hour clock has no hour 0 or 13
        ("2024/5/6 下午 15:20:00", None),
        ("2024-05-06 0:20 AM", None),
        ("2024-05-06 13:20 PM", None),
    ],
)
def test_twelve_hour_times(cell: str, expected: datetime | None) -> None:
    assert parse(values.parse_datetime, [cell]) == [expected]
    column = pl.Series("x", [cell, "2024-05-06 08:00"])
    assert values.parse_moments(column).to_list() == [expected, datetime(2024, 5, 6, 8)]
    assert parse(values.has_time, [cell]) == [True]


def test_rates_as_percentages() -> None:
    cells = ["85%", "85 %", "８５％", "12.5%", "0.85", "1,250%", "%", "85%%", "abc%", None]
    assert parse(values.parse_rate, cells) == [
        0.85,
        0.85,
        0.85,
        0.125,
        0.85,
        12.5,
        None,
        None,
        None,
        None,
    ]
    # elsewhere a percent sign makes no number
    assert parse(values.parse_float, ["85%"]) == [None]


def test_a_leading_apostrophe_marks_a_number_stored_as_text() -> None:
    cells = ["'110111001001", "'0012", "＇13800138000", "'-5", "'S001", "it's", "'"]
    frame = pl.DataFrame({"x": cells})
    assert values.has_apostrophes(frame["x"])
    folded = frame.select(values.fold(pl.col("x"), apostrophes=True)).to_series().to_list()
    assert folded == ["110111001001", "0012", "13800138000", "-5", "'S001", "it's", "'"]
    assert not values.has_apostrophes(pl.Series(["1", "it's"]))
