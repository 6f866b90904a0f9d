"""Dialect-neutral rewrites of ``sql/`` that let Spark run the models, pending in the SQL.

Each gives the same result on DuckDB (tested) and runs on Spark, where the original
does not or gives another answer:

1. ``GROUPING(a, b, c)``: DuckDB's bitmask over several columns; Spark's ``grouping``
   takes one column (and ``grouping_id`` must name every grouping column, month too),
   so the bitmask is spelled out as a sum of single-column ``GROUPING`` calls.
2. ``epoch(interval)``: Spark has no seconds-of-an-interval function (SQLGlot writes
   ``UNIX_TIMESTAMP(interval)``, which Spark refuses); ``date_diff('microsecond', a, b)``
   counts the same microseconds on both.
3. ``try(make_date(x::INTEGER, …))``: Spark has no ``try(…)`` (SQLGlot drops it, so a
   path without a month would fail the cast); ``TRY_CAST`` is what ``try`` protected.
4. ``1000.0 * x / y``: the literal is a DECIMAL on both engines; DuckDB's ``/`` then
   gives a DOUBLE but Spark's a DECIMAL(38, 13) (of BIGINTs), which the snapshot would
   publish as a DECIMAL; ``1000 * x / y`` is a DOUBLE on both.

The parity tests apply them to a copy of ``sql/``; once they are applied to ``sql/`` itself
this module goes (a rewrite whose ``before`` is gone and ``after`` is present is skipped).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.assets.warehouse import SQL_DIR

_G3 = "GROUPING(district_code, subdistrict_code, community_code)"
_G3_NEUTRAL = (
    "(GROUPING(district_code) * 4 + GROUPING(subdistrict_code) * 2 + GROUPING(community_code))"
)
_MONTH = r"'(20\d{2})\D{0,2}(0?[1-9]|1[0-2])(\D|$)'"

#: (file under sql/, before, after): every occurrence of ``before`` is replaced
REWRITES: tuple[tuple[str, str, str], ...] = (
    *(
        (f"marts/{name}.sql", _G3, _G3_NEUTRAL)
        for name in (
            "kpi_monthly",
            "hotline_monthly",
            "hotline_routing_monthly",
            "drives_monthly",
            "service_mix_monthly",
            "worker_mix_monthly",
        )
    ),
    (
        "marts/usage_hour_weekday.sql",
        "GROUPING(district_code, subdistrict_code)",
        "(GROUPING(district_code) * 2 + GROUPING(subdistrict_code))",
    ),
    (
        "staging/stg_hotline.sql",
        "epoch(resolved_at - received_at) / 3600.0",
        "date_diff('microsecond', received_at, resolved_at) / 1e6 / 3600.0",
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
