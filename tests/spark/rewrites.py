"""Dialect-neutral rewrites of ``sql/`` that let Spark run the models, pending in the SQL.

Each gives the same result on DuckDB (tested) and runs on Spark, where the original
does not or gives another answer (one for multi-column ``GROUPING`` went with the GROUPING
SETS that stg_scope_ancestors replaced):

1. ``epoch(interval)``: Spark has no seconds-of-an-interval function (SQLGlot writes
   ``UNIX_TIMESTAMP(interval)``, which Spark refuses); ``date_diff('microsecond', a, b)``
   counts the same microseconds on both.
2. ``try(make_date(x::INTEGER, …))``: Spark has no ``try(…)`` (SQLGlot drops it, so a
   path without a month would fail the cast); ``TRY_CAST`` is what ``try`` protected.
3. ``1000.0 * x / y``: the literal is a DECIMAL on both engines; DuckDB's ``/`` then
   gives a DOUBLE but Spark's a DECIMAL(38, 13) (of BIGINTs), which the snapshot would
   publish as a DECIMAL; ``1000 * x / y`` is a DOUBLE on both.
4. ``sum(…)`` of integers without a cast: a HUGEINT (INT128) in DuckDB, a BIGINT in
   Spark (which has no wider integer); ``sum(…)::BIGINT``, as the other models already
   write it, is a BIGINT on both.

The parity tests apply them to a copy of ``sql/``; once they are applied to ``sql/`` itself
this module goes (a rewrite whose ``before`` is gone and ``after`` is present is skipped).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.assets.warehouse import SQL_DIR

_MONTH = r"'(20\d{2})\D{0,2}(0?[1-9]|1[0-2])(\D|$)'"

#: (file under sql/, before, after): every occurrence of ``before`` is replaced
REWRITES: tuple[tuple[str, str, str], ...] = (
    (
        "staging/stg_hotline.sql",
        "epoch(h.resolved_at - h.received_at) / 3600.0",
        "date_diff('microsecond', h.received_at, h.resolved_at) / 1e6 / 3600.0",
    ),
    (
        "marts/quarantine_summary.sql",
        f"""try(make_date(
                regexp_extract(q.path, {_MONTH}, 1)::INTEGER,
                regexp_extract(q.path, {_MONTH}, 2)::INTEGER,
                1)),""",
        f"""make_date(
                TRY_CAST(regexp_extract(q.path, {_MONTH}, 1) AS INTEGER),
                TRY_CAST(regexp_extract(q.path, {_MONTH}, 2) AS INTEGER),
                1),""",
    ),
    *(
        (
            "marts/community_coverage.sql",
            f"1000.0 * {count} / outdoor_workers",
            f"1000 * {count} / outdoor_workers",
        )
        for count in ("visits", "calls", "enrolled")
    ),
    ("staging/stg_usage_mix.sql", "sum(visits) AS visits", "sum(visits)::BIGINT AS visits"),
    *(
        ("marts/weather_monthly.sql", f"END) AS {days}", f"END)::BIGINT AS {days}")
        for days in ("hot_days", "very_hot_days", "cold_days", "rainy_days", "warning_days")
    ),
)


def rewritten_sql_dir(target: Path, source: Path = SQL_DIR) -> Path:
    """A copy of ``source`` (``sql/``) at ``target`` with :data:`REWRITES` applied."""
    shutil.copytree(source, target)
    for relative, before, after in REWRITES:
        path = target / relative
        text = path.read_text(encoding="utf-8")
        if before in text:
            path.write_text(text.replace(before, after), encoding="utf-8")
        elif after not in text:
            raise AssertionError(
                f"sql/{relative}: neither the original nor the rewrite of {before!r}"
            )
    return target
