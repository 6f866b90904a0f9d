"""Membership drives by platform, and enrolment cumulated over the months."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboards.data.snapshot import as_month, query, shift
from dashboards.viewer import Viewer


def drives_by_platform(
    viewer: Viewer, scope: str | None, month: date | str, n: int = 24
) -> pl.DataFrame:
    """drives_monthly of the scope over n months, with the enrolment rate."""
    month = as_month(month)
    return query(
        """SELECT month, platform, drives, reached, enrolled,
                  enrolled / nullif(reached, 0) AS enrollment_rate
        FROM drives_monthly WHERE scope_code = $code AND month > $start AND month <= $m
        ORDER BY month, platform""",
        code=viewer.allowed(scope),
        start=shift(month, -n),
        m=month,
    )


def cumulative_enrolment(viewer: Viewer, scope: str | None) -> pl.DataFrame:
    """Enrolled per month and cumulated since the first published month."""
    return query(
        """SELECT month, enrolled, sum(enrolled) OVER (ORDER BY month) AS cumulative
        FROM kpi_monthly WHERE scope_code = $code ORDER BY month""",
        code=viewer.allowed(scope),
    )

