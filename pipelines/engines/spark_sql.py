"""The SQL of ``sql/`` in Spark's dialect: DuckDB SQL transpiled by SQLGlot through a small
project dialect.

The models are written for DuckDB. SQLGlot translates most of them to Spark SQL as they
are; :class:`ProjectSpark` fixes what it leaves untranslated or translates wrongly for the
functions our models use:

- ``getvariable('x')`` (how settings reach SQL) reads the Spark session variable ``x``,
  qualified as ``system.session.x`` so that a column of the same name never shadows it;
  :func:`declare_variables` declares them, with DuckDB's types and values.
- ``isodow(x)`` becomes ``WEEKDAY(x) + 1`` (SQLGlot's own ``DAYOFWEEK(x) % 7 + 1`` makes
  Monday 3), and ``dayofweek(x)`` (0 = Sunday) ``DAYOFWEEK(x) - 1`` (SQLGlot leaves it,
  which makes Sunday 1).
- Date parts (``day``, ``hour``, ``isodow`` …) are BIGINT, as in DuckDB, not Spark's INT,
  so that a published column has the same type on both engines.
- ``json_valid(x)`` becomes ``try_parse_json(x) IS NOT NULL`` (NULL for a NULL ``x``, as
  in DuckDB).
- ``regexp_replace`` keeps its DuckDB options: ``'i'`` becomes an inline ``(?i)``;
  without ``'g'`` DuckDB replaces the first match only while Spark replaces all, so that
  is refused unless the pattern is anchored at the end (then it matches at most once).

CTEs stay inside the subqueries that define them (SQLGlot would hoist them to the top,
where two of the same name collide). Whatever SQLGlot cannot translate (``try(…)``, for
one) raises instead of being dropped with a warning. Tables are named
``<schema>.<table>`` in the models; :func:`transpile` asks a ``relation`` function what
each stands for on Spark (a Parquet folder of the lake, or the parenthesised SELECT of a
model materialised as a view).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

import duckdb
import sqlglot
from sqlglot import ErrorLevel, exp
from sqlglot.dialects.spark import Spark
from sqlglot.errors import UnsupportedError

#: the schemas the models name; other tables (CTEs) are left alone
SCHEMAS = ("raw", "meta", "staging", "marts")

#: (schema, table) -> Spark SQL for that relation: a table reference or "(SELECT …)"
Relation = Callable[[str, str], str]


def _session_variable(call: exp.Anonymous) -> exp.Expression:
    (name,) = call.expressions
    if not isinstance(name, exp.Literal) or not name.is_string:
        raise UnsupportedError(f"getvariable needs a literal name, not {name.sql()}")
    return exp.column(name.this, table="session", db="system")


def _json_valid(call: exp.Anonymous) -> exp.Expression:
    (value,) = call.expressions
    parsed = exp.Anonymous(this="TRY_PARSE_JSON", expressions=[value.copy()])
    return exp.Case(
        ifs=[exp.If(this=value.copy().is_(exp.null()).not_(), true=parsed.is_(exp.null()).not_())]
    )


#: DuckDB functions SQLGlot passes through untranslated, and what they are in Spark
_FUNCTIONS: dict[str, Callable[[exp.Anonymous], exp.Expression]] = {
    "getvariable": _session_variable,
    "json_valid": _json_valid,
}


def _iso_weekday(gen: Spark.Generator, e: exp.DayOfWeekIso) -> str:
    # WEEKDAY: 0 = Monday … 6 = Sunday
    return f"(WEEKDAY({gen.sql(e, 'this')}) + 1)"


def _weekday(gen: Spark.Generator, e: exp.DayOfWeek) -> str:
    # DuckDB: 0 = Sunday … 6 = Saturday; Spark's DAYOFWEEK: 1 = Sunday … 7 = Saturday
    return f"(DAYOFWEEK({gen.sql(e, 'this')}) - 1)"


def _as_bigint(generate: Callable[[Spark.Generator, exp.Expression], str]):
    def cast(gen: Spark.Generator, e: exp.Expression) -> str:
        return f"CAST({generate(gen, e)} AS BIGINT)"

    return cast


def _spark_default(cls: type[exp.Expression]) -> Callable[[Spark.Generator, exp.Expression], str]:
    return Spark.Generator.TRANSFORMS.get(cls, lambda gen, e: gen.function_fallback_sql(e))


#: date parts are BIGINT in DuckDB, INT in Spark: published columns keep DuckDB's type
_DATE_PARTS = (exp.Year, exp.Quarter, exp.Month, exp.WeekOfYear, exp.DayOfYear, exp.DayOfMonth,
               exp.Day, exp.Hour, exp.Minute, exp.Second)  # fmt: skip


def _regexp_replace(gen: Spark.Generator, e: exp.RegexpReplace) -> str:
    options = e.text("modifiers")
    pattern = e.expression
    if set(options) - set("gic"):
        gen.unsupported(f"regexp_replace option(s) {options!r} have no Spark equivalent")
    # single_replace marks DuckDB's call (a view's Spark SQL, inlined, is parsed again)
    first_only = e.args.get("single_replace") and "g" not in options
    if first_only and not (pattern.is_string and pattern.this.endswith("$")):
        gen.unsupported(
            "regexp_replace without 'g' replaces the first match in DuckDB but every "
            "match in Spark: add 'g', or anchor the pattern at the end"
        )
    if "i" in options:
        if not pattern.is_string:
            gen.unsupported("regexp_replace option 'i' needs a literal pattern")
        pattern = exp.Literal.string("(?i)" + pattern.this)
    args = [gen.sql(e, "this"), gen.sql(pattern), gen.sql(e, "replacement")]
    return f"REGEXP_REPLACE({', '.join(args)})"


class ProjectSpark(Spark):
    """Spark SQL, with the DuckDB functions our models use translated faithfully."""

    class Generator(Spark.Generator):
        # Spark (3.0 on) scopes a WITH inside a subquery as DuckDB does; SQLGlot hoists them
        # to the top, where two subqueries' CTEs of the same name collide
        EXPRESSIONS_WITHOUT_NESTED_CTES: ClassVar[set[type[exp.Expression]]] = set()

        TRANSFORMS = {  # noqa: RUF012 (SQLGlot's own generators declare it so)
            **Spark.Generator.TRANSFORMS,
            **{part: _as_bigint(_spark_default(part)) for part in _DATE_PARTS},
            exp.DayOfWeekIso: _as_bigint(_iso_weekday),
            exp.DayOfWeek: _as_bigint(_weekday),
            exp.RegexpReplace: _regexp_replace,
        }

        def anonymous_sql(self, expression: exp.Anonymous) -> str:
            translate = _FUNCTIONS.get(expression.name.lower())
            if translate is None:
                return super().anonymous_sql(expression)
            try:
                return self.sql(translate(expression))
            except UnsupportedError as error:
                self.unsupported(str(error))
                return super().anonymous_sql(expression)


def _resolve_tables(tree: exp.Expression, relation: Relation) -> exp.Expression:
    def replace(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Table) or node.db not in SCHEMAS or node.catalog:
            return node
        # unaliased, a table is known by its own name (``grid.radius_m``)
        alias = node.alias_or_name
        query = sqlglot.parse_one(
            f"SELECT * FROM {relation(node.db, node.name)}", read=ProjectSpark
        )
        target = query.args["from_"].this
        if isinstance(target, exp.Subquery):
            return exp.Subquery(
                this=target.this, alias=exp.TableAlias(this=exp.to_identifier(alias))
            )
        if isinstance(target, exp.Table):
            return target.as_(alias)
        raise ValueError(f"relation({node.db!r}, {node.name!r}): not a table or (SELECT …)")

    return tree.transform(replace)


def transpile(sql: str, relation: Relation | None = None) -> str:
    """One DuckDB statement of ``sql/`` as Spark SQL; ``relation`` says what each
    ``schema.table`` it names is on Spark (left as named when omitted).

    Raises :class:`sqlglot.errors.UnsupportedError` for what has no faithful translation.
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    if relation is not None:
        tree = _resolve_tables(tree, relation)
    return tree.sql(dialect=ProjectSpark, unsupported_level=ErrorLevel.RAISE, comments=False)


def declare_variables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Spark statements declaring the session variables that ``con`` has set (``SET
    VARIABLE``), with the same types and values, so that the models' ``getvariable``
    reads on Spark what it reads on DuckDB."""
    variables = con.execute("SELECT name, type FROM duckdb_variables() ORDER BY name").fetchall()
    statements = []
    for name, type_ in variables:
        value = con.execute("SELECT getvariable(?)", [name]).fetchall()[0][0]
        spark_type = exp.DataType.build(type_, dialect="duckdb").sql(dialect=ProjectSpark)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            # SQLGlot writes year 1 as '1-01-01'; the refresh window's "every month" starts there
            literal = f"DATE '{value.isoformat()}'"
        else:
            literal = exp.convert(value).sql(dialect=ProjectSpark)
        statements.append(f"DECLARE OR REPLACE VARIABLE {name} {spark_type} DEFAULT {literal}")
    return statements
