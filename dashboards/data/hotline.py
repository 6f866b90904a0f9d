"""The hotline: calls by category and by department, and calls no district claims."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboards.data.snapshot import as_month, query, shift
from dashboards.viewer import Viewer
from pipelines.scope import level_of


def hotline_by_category(
    viewer: Viewer, scope: str | None, month: date | str, n: int = 24
) -> pl.DataFrame:
    month = as_month(month)
    return query(
        """SELECT month, category, calls, resolved, median_resolution_hours
        FROM hotline_monthly
        WHERE scope_code = $code AND month > $start AND month <= $m
        ORDER BY month, category""",
        code=viewer.allowed(scope),
        start=shift(month, -n),
        m=month,
    )


def hotline_routing(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    """Calls and resolved per department (``routed_to`` NULL: not routed)."""
    return query(
        """SELECT routed_to, calls, resolved, resolved / nullif(calls, 0) AS resolution_rate
        FROM hotline_routing_monthly WHERE month = $m AND scope_code = $code
        ORDER BY calls DESC, routed_to NULLS LAST""",
        m=as_month(month),
        code=viewer.allowed(scope),
    )


def unassigned_calls(
    viewer: Viewer, scope: str | None, month: date | str, n: int = 24
) -> pl.DataFrame:
    """Per month: city calls, the sum over districts, and the difference (calls whose
    community is unknown). Empty unless the scope is the city, which only a city viewer
    may see: these calls lie in no district."""
    if level_of(viewer.allowed(scope)) != "city":
        return pl.DataFrame(schema={"month": pl.Date, "city": pl.Int64, "districts": pl.Int64,
                                    "unassigned": pl.Int64})  # fmt: skip
    month = as_month(month)
    return query(
        """SELECT month,
                  sum(calls) FILTER (WHERE scope_level = 'city') AS city,
                  coalesce(sum(calls) FILTER (WHERE scope_level = 'district'), 0) AS districts,
                  city - districts AS unassigned
        FROM kpi_monthly WHERE scope_level IN ('city', 'district')
            AND month > $start AND month <= $m
        GROUP BY month ORDER BY month""",
        start=shift(month, -n),
        m=month,
    )

