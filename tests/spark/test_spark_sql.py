"""Each transform of the project dialect, and each rewrite pending in sql/
(tests/spark/rewrites.py), on a tiny query run by both engines: Spark's answer must be
DuckDB's, value and type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot.errors import UnsupportedError

from pipelines.engines.spark_sql import declare_variables, transpile
from pipelines.settings import Settings
from pipelines.warehouse.duck import DuckEngine
from pipelines.warehouse.models import PERSONAL_HEADERS, Months, parameters, window

pytestmark = pytest.mark.slow

#: 2024-01-15 is a Monday
WEEK = "SELECT d::DATE AS d FROM unnest(['2024-01-15', '2024-01-16', '2024-01-17', " \
    "'2024-01-18', '2024-01-19', '2024-01-20', '2024-01-21', NULL]) AS t(d)"  # fmt: skip


@pytest.fixture(scope="module")
def duck() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    DuckEngine(con).set_parameters(
        parameters(Settings(data_dir=Path("."), coverage_radius_m=750.0))
    )
    return con


def on_duckdb(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def on_spark(spark, sql: str) -> list[tuple]:
    return [tuple(row) for row in spark.sql(transpile(sql)).collect()]


def spark_types(spark, sql: str) -> list[str]:
    return [f.dataType.simpleString() for f in spark.sql(transpile(sql)).schema.fields]


def test_isodow_is_monday_1_to_sunday_7(spark, duck):
    sql = f"SELECT d, isodow(d) AS a, isodow(d::TIMESTAMP + INTERVAL 23 HOUR) AS b FROM ({WEEK})"
    expected = [(None, None, None)] + [
        (dt.date(2024, 1, 15 + i), i + 1, i + 1)
        for i in range(7)  # Monday 15th = 1 …
    ]
    assert sorted(on_duckdb(duck, sql), key=str) == sorted(expected, key=str)
    assert sorted(on_spark(spark, sql), key=str) == sorted(expected, key=str)
    assert spark_types(spark, sql)[1:] == ["bigint", "bigint"]  # DuckDB's type


def test_sqlglot_alone_gets_isodow_wrong(spark):
    # why the transform exists: SQLGlot's own Spark SQL makes Monday 3
    plain = sqlglot.transpile("SELECT isodow(DATE '2024-01-15')", read="duckdb", write="spark")
    assert spark.sql(plain[0]).collect()[0][0] == 3


def test_dayofweek_is_sunday_0_to_saturday_6(spark, duck):
    sql = f"SELECT d, dayofweek(d) FROM ({WEEK})"
    # Monday 15th = 1 … Saturday 20th = 6, Sunday 21st = 0
    expected = [(None, None)] + [(dt.date(2024, 1, 15 + i), (i + 1) % 7) for i in range(7)]
    assert sorted(on_duckdb(duck, sql), key=str) == sorted(expected, key=str)
    assert sorted(on_spark(spark, sql), key=str) == sorted(expected, key=str)


def test_date_parts_are_bigint_as_in_duckdb(spark, duck):
    sql = "SELECT year(t), month(t), day(t), hour(t), minute(t) FROM " \
        "(SELECT TIMESTAMP '2024-02-29 23:45:00' AS t)"  # fmt: skip
    assert on_duckdb(duck, sql) == on_spark(spark, sql) == [(2024, 2, 29, 23, 45)]
    assert [str(t) for t in duck.sql(sql).types] == ["BIGINT"] * 5
    assert spark_types(spark, sql) == ["bigint"] * 5


JSON_TEXTS = [
    '{"a": 1}',
    "[1, 2]",
    '"text"',
    "1",
    '{"a": 1, "a": 2}',
    "not json",
    '{"a": ',
    "",
    None,
]


def test_json_valid(spark, duck):
    values = ", ".join("NULL" if v is None else f"'{v}'" for v in JSON_TEXTS)
    sql = f"SELECT j, json_valid(j) FROM unnest([{values}]) AS t(j)"
    # valid: an object, an array, a string, a number, a key twice; not: the rest; NULL: NULL
    expected = dict(zip(JSON_TEXTS, [True] * 5 + [False] * 3 + [None], strict=True))
    assert dict(on_duckdb(duck, sql)) == expected
    assert dict(on_spark(spark, sql)) == expected


def test_getvariable_reads_session_variables_with_duckdb_types(spark, duck):
    for statement in declare_variables(duck):
        spark.sql(statement)
    # a column named like the variable must not shadow it
    sql = """
        SELECT getvariable('coverage_radius_m') * 2 AS twice,
            list_contains(getvariable('personal_headers'), '手机号') AS personal
        FROM (SELECT 1 AS coverage_radius_m)
    """
    expected = [(Decimal("1500.0"), True)]  # 750.0 × 2; 手机号 is a header of worker_ref
    assert on_duckdb(duck, sql) == on_spark(spark, sql) == expected
    assert "手机号" in PERSONAL_HEADERS
    assert spark.sql("SELECT system.session.personal_headers").collect()[0][0] == list(
        PERSONAL_HEADERS
    )


def test_the_refresh_window_reaches_spark_as_dates(spark):
    """The by-month models filter their facts with refresh_first_month/last_month: a
    whole build's window starts in year 1, a month's is that month."""
    con = duckdb.connect()
    sql = """
        SELECT d FROM unnest([DATE '2024-01-01', DATE '2024-02-01', DATE '2024-03-01']) AS t(d)
        WHERE d BETWEEN getvariable('refresh_first_month') AND getvariable('refresh_last_month')
        ORDER BY d
    """
    for months, expected in (
        (None, ["2024-01-01", "2024-02-01", "2024-03-01"]),
        (Months(frozenset({dt.date(2024, 2, 1)})), ["2024-02-01"]),
        (Months(frozenset({dt.date(2024, 2, 1)}), later=True), ["2024-02-01", "2024-03-01"]),
    ):
        DuckEngine(con).set_parameters(window(months))
        for statement in declare_variables(con):
            spark.sql(statement)
        dates = [(dt.date.fromisoformat(d),) for d in expected]
        assert on_duckdb(con, sql) == on_spark(spark, sql) == dates, months


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("regexp_replace('a1b22c', '[0-9]', '', 'g')", "abc"),  # every match
        ("regexp_replace('房山区', '(区|县)$', '')", "房山"),  # anchored: one match at most
        ("regexp_replace('ABab', 'a', '-', 'gi')", "-B-b"),  # case-insensitive
    ],
)
def test_regexp_replace_options(spark, duck, call, expected):
    assert on_duckdb(duck, f"SELECT {call}") == on_spark(spark, f"SELECT {call}") == [(expected,)]


def test_regexp_replace_first_match_only_is_refused():
    # DuckDB would give 'xy1' (the first match), Spark 'xy' (every match)
    with pytest.raises(UnsupportedError, match="first match"):
        transpile("SELECT regexp_replace('x1y1', '1', '')")


def test_a_views_spark_sql_inlines_unchanged():
    # a view is transpiled once, then parsed again as Spark SQL inside its reader
    view = transpile("SELECT regexp_replace(a, 'x', '', 'g') AS b FROM raw.t")
    reader = transpile("SELECT b FROM staging.v", lambda s, t: f"({view})")
    assert reader == "SELECT b FROM (SELECT REGEXP_REPLACE(a, 'x', '') AS b FROM raw.t) AS v"


def test_what_has_no_faithful_translation_raises():
    with pytest.raises(UnsupportedError, match="TRY"):
        transpile("SELECT try(make_date(2024, 13, 1))")


def test_ctes_stay_in_their_subquery(spark, duck):
    # as the asset check communities_sum_to_subdistricts does: a CTE ``s`` in each branch
    sql = """
        SELECT * FROM (WITH s AS (SELECT 1 AS n) SELECT n FROM s)
        UNION ALL SELECT * FROM (WITH s AS (SELECT 2 AS n) SELECT n FROM s)
    """
    assert sorted(on_duckdb(duck, sql)) == sorted(on_spark(spark, sql)) == [(1,), (2,)]


def test_tables_resolve_to_relations():
    lake = {("raw", "usage"): "parquet.`/lake/raw/usage`", ("staging", "v"): "(SELECT 1 AS x)"}
    sql = transpile(
        "SELECT * FROM raw.usage JOIN staging.v AS w ON true, cte", lambda s, t: lake[s, t]
    )
    assert sql == (
        "SELECT * FROM parquet.`/lake/raw/usage` AS usage JOIN (SELECT 1 AS x) AS w ON TRUE, cte"
    )


# --- the rewrites pending in sql/ (tests/spark/rewrites.py): same on both engines ---------


def test_grouping_as_a_sum_of_single_columns(spark, duck):
    rows = "SELECT * FROM (VALUES ('d1', 's1'), ('d1', 's2'), ('d2', 's3')) AS t(d, s)"
    neutral = f"""
        SELECT d, s, GROUPING(d) * 2 + GROUPING(s) AS g, count(*) AS n FROM ({rows})
        GROUP BY GROUPING SETS ((), (d), (s))
    """
    # () → g = 0b11 = 3 (3 rows); (d) → 0b01 = 1 (d1: 2, d2: 1); (s) → 0b10 = 2 (1 each)
    expected = [(None, None, 3, 3), ("d1", None, 1, 2), ("d2", None, 1, 1),
                (None, "s1", 2, 1), (None, "s2", 2, 1), (None, "s3", 2, 1)]  # fmt: skip
    assert sorted(on_duckdb(duck, neutral), key=str) == sorted(expected, key=str)
    assert sorted(on_spark(spark, neutral), key=str) == sorted(expected, key=str)
    original = neutral.replace("GROUPING(d) * 2 + GROUPING(s)", "GROUPING(d, s)")
    assert sorted(on_duckdb(duck, original), key=str) == sorted(expected, key=str)
    with pytest.raises(Exception, match=r"(?i)grouping"):
        on_spark(spark, original)  # Spark's grouping() takes one column


def test_microseconds_between_timestamps(spark, duck):
    interval = (
        "(SELECT TIMESTAMP '2024-01-31 23:00:00' AS a, TIMESTAMP '2024-02-01 01:00:30.5' AS b)"
    )
    neutral = f"SELECT date_diff('microsecond', a, b) / 1e6 / 3600.0 FROM {interval}"
    original = f"SELECT epoch(b - a) / 3600.0 FROM {interval}"
    expected = [(7230.5 / 3600,)]  # 2 h 0 min 30.5 s
    assert on_duckdb(duck, original) == on_duckdb(duck, neutral) == expected
    assert on_spark(spark, neutral) == expected


def test_make_date_of_try_cast(spark, duck):
    paths = "unnest(['usage/2024-05.csv', 'usage/202411.csv', 'hotline/export.csv']) AS t(p)"
    pattern = r"'(20\d{2})\D{0,2}(0?[1-9]|1[0-2])(\D|$)'"
    neutral = f"""SELECT p, make_date(TRY_CAST(regexp_extract(p, {pattern}, 1) AS INTEGER),
        TRY_CAST(regexp_extract(p, {pattern}, 2) AS INTEGER), 1) FROM {paths}"""
    expected = {"usage/2024-05.csv": dt.date(2024, 5, 1),
                "usage/202411.csv": dt.date(2024, 11, 1), "hotline/export.csv": None}  # fmt: skip
    assert dict(on_duckdb(duck, neutral)) == dict(on_spark(spark, neutral)) == expected


def test_per_1000_is_a_double_without_a_decimal_literal(spark, duck):
    counts = "(SELECT 7::BIGINT AS visits, 3::BIGINT AS workers)"
    neutral = f"SELECT 1000 * visits / workers FROM {counts}"
    assert on_duckdb(duck, neutral) == on_spark(spark, neutral) == [(7000 / 3,)]
    assert spark_types(spark, neutral) == ["double"]
    original = f"SELECT 1000.0 * visits / workers FROM {counts}"
    assert on_duckdb(duck, original) == [(7000 / 3,)]
    assert spark_types(spark, original)[0].startswith("decimal")  # Spark: rounded decimal
