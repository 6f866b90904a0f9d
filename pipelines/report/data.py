"""What the monthly report says, read from the serving snapshot (read-only, parameterised SQL).

Every figure comes straight from a published table (docs/serving-snapshot.md); the only
arithmetic here is month-on-month and year-on-year change, which metrics.md says the
report derives from ``kpi_monthly``. A scope is the city, a district or a subdistrict
(the command line writes the city's and the districts'; the dashboard any of them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from pipelines.report.formatting import Kind

Row = dict[str, Any]

#: the headline KPIs: kpi_monthly column, Chinese label, how it is written and compared
HEADLINE: tuple[tuple[str, str, Kind], ...] = (
    ("visits", "服务人次", "count"),
    ("unique_workers", "服务劳动者人数", "count"),
    ("active_stations", "在运营驿站", "count"),
    ("coverage_rate", "驿站覆盖率", "rate"),
    ("standard_rate", "七有达标率", "rate"),
    ("calls", "热线工单", "count"),
    ("resolution_rate_7d", "按期办结率", "rate"),
    ("enrolled", "新入会人数", "count"),
)
#: the hotline's figures: marked provisional in a provisional month (metrics.md "Hotline")
HOTLINE_FIGURES = frozenset({"calls", "resolved", "resolution_rate", "resolution_rate_7d",
                             "backlog", "median_resolution_hours", "avg_satisfaction"})  # fmt: skip

TOP_GAPS = 10
TOP_STATIONS = 5
TREND_MONTHS = 12


class ReportDataError(ValueError):
    """The snapshot cannot give this report (unknown district, month without data)."""


class MonthWithoutData(ReportDataError):
    """The snapshot holds no figures for the month in this scope."""


@dataclass(frozen=True)
class Scope:
    level: str  # "city", "district" or "subdistrict", as kpi_monthly.scope_level
    code: str
    name: str

    @property
    def district_code(self) -> str | None:
        """The filter for tables keyed by community or station (None: the whole city)."""
        return self.code if self.level == "district" else None

    @property
    def subdistrict_code(self) -> str | None:
        """The filter for a subdistrict's communities and stations (None: not one)."""
        return self.code if self.level == "subdistrict" else None


@dataclass(frozen=True)
class MonthlyReport:
    month: date
    scope: Scope
    kpi: Row
    previous: Row | None
    year_ago: Row | None
    trend: list[Row]
    gaps: list[Row]
    service_mix: list[Row]
    busiest: list[Row]
    crowded: list[Row]
    hotline: list[Row]
    drives: list[Row]
    opened: list[Row]
    closed: list[Row]
    accepted: list[Row]
    quality: Row
    info: dict[str, str]
    #: attention_monthly rows of the scope and the scopes one level down
    attention: list[Row]
    #: metric → target (the published ``targets``)
    targets: dict[str, float]

    @property
    def provisional(self) -> bool:
        """Whether the month's hotline figures will still change."""
        return bool(self.kpi.get("provisional"))

    @property
    def latest_complete_month(self) -> date | None:
        value = self.info.get("latest_complete_month")
        return date.fromisoformat(value[:10]) if value else None


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def parse_month(text: str) -> date:
    """``2025-06`` (or ``2025-06-01``) → the first day of that month."""
    try:
        year, month = text.strip()[:7].split("-")
        return date(int(year), int(month), 1)
    except ValueError as error:
        raise ReportDataError(f"not a month: {text!r} (expected YYYY-MM)") from error


def _rows(con: duckdb.DuckDBPyConnection, sql: str, **params: Any) -> list[Row]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def report_months(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Every month the snapshot has city figures for, oldest first."""
    sql = "SELECT DISTINCT month FROM kpi_monthly WHERE scope_level = 'city' ORDER BY month"
    return [row["month"] for row in _rows(con, sql)]


def snapshot_info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    sql = "SELECT key, value FROM snapshot_info WHERE key NOT LIKE 'source_file:%'"
    return {row["key"]: row["value"] for row in _rows(con, sql)}


def latest_complete_month(con: duckdb.DuckDBPyConnection) -> date:
    value = snapshot_info(con).get("latest_complete_month")
    if not value:
        raise ReportDataError("the snapshot records no latest_complete_month")
    return parse_month(value)


def resolve_scope(con: duckdb.DuckDBPyConnection, district: str | None = None) -> Scope:
    """The city, or the district named by its Chinese name (房山区) or its code, in 12
    digits (110111000000) or the 6 that people write (110111)."""
    level = "city" if district is None else "district"
    rows = _rows(
        con,
        """
        SELECT DISTINCT scope_code, scope_name FROM kpi_monthly
        WHERE scope_level = $level ORDER BY scope_code
        """,
        level=level,
    )
    if district is None:
        if not rows:
            raise ReportDataError("the snapshot has no city figures (kpi_monthly is empty)")
        return Scope("city", rows[0]["scope_code"], rows[0]["scope_name"])
    wanted = district.strip()
    for row in rows:
        if wanted in (row["scope_code"], row["scope_code"][:6], row["scope_name"]):
            return Scope("district", row["scope_code"], row["scope_name"])
    known = "、".join(row["scope_name"] for row in rows)
    raise ReportDataError(f"unknown district {district!r}; the snapshot has: {known}")


def scope_of(con: duckdb.DuckDBPyConnection, code: str) -> Scope:
    """The city, district or subdistrict with this 12-digit code."""
    rows = _rows(
        con,
        """SELECT DISTINCT scope_level, scope_name FROM kpi_monthly
        WHERE scope_code = $code AND scope_level IN ('city', 'district', 'subdistrict')""",
        code=code,
    )
    if not rows:
        raise ReportDataError(f"no city, district or subdistrict with the code {code!r}")
    return Scope(rows[0]["scope_level"], code, rows[0]["scope_name"])


def report_scopes(con: duckdb.DuckDBPyConnection) -> list[Scope]:
    """The scopes a month's reports are written for: the city, then every district."""
    rows = _rows(
        con,
        """SELECT DISTINCT scope_level, scope_code, scope_name FROM kpi_monthly
        WHERE scope_level IN ('city', 'district')
        ORDER BY scope_level = 'district', scope_code""",
    )
    return [Scope(r["scope_level"], r["scope_code"], r["scope_name"]) for r in rows]


def load_report(con: duckdb.DuckDBPyConnection, month: date, scope: Scope) -> MonthlyReport:
    """Everything the report for ``month`` and ``scope`` shows."""
    scope_params = {"level": scope.level, "code": scope.code}
    kpis = {
        row["month"]: row
        for row in _rows(
            con,
            """
            SELECT * FROM kpi_monthly
            WHERE scope_level = $level AND scope_code = $code AND month IN ($m, $prev, $year_ago)
            """,
            m=month,
            prev=add_months(month, -1),
            year_ago=add_months(month, -12),
            **scope_params,
        )
    }
    if month not in kpis:
        months = report_months(con)
        span = f"{months[0]:%Y-%m} … {months[-1]:%Y-%m}" if months else "none"
        raise MonthWithoutData(
            f"the snapshot has no figures for {month:%Y-%m} in {scope.name} "
            f"(months with data: {span})"
        )
    places = {"district": scope.district_code, "subdistrict": scope.subdistrict_code}
    by_month = {"m": month, **scope_params}
    return MonthlyReport(
        month=month,
        scope=scope,
        kpi=kpis[month],
        previous=kpis.get(add_months(month, -1)),
        year_ago=kpis.get(add_months(month, -12)),
        trend=_rows(
            con,
            """
            SELECT month, visits FROM kpi_monthly
            WHERE scope_level = $level AND scope_code = $code AND month BETWEEN $start AND $m
            ORDER BY month
            """,
            start=add_months(month, 1 - TREND_MONTHS),
            **by_month,
        ),
        gaps=_rows(
            con,
            """
            SELECT community_code, community_name, subdistrict, district, outdoor_workers,
                   nearest_station_m, uncovered_workers
            FROM community_coverage
            WHERE month = $m AND uncovered_workers > 0
              AND ($district IS NULL OR district_code = $district)
              AND ($subdistrict IS NULL OR subdistrict_code = $subdistrict)
            ORDER BY uncovered_workers DESC, community_code
            LIMIT $limit
            """,
            m=month,
            limit=TOP_GAPS,
            **places,
        ),
        service_mix=_rows(
            con,
            """
            SELECT service, visits, visits / sum(visits) OVER () AS share
            FROM service_mix_monthly
            WHERE month = $m AND scope_level = $level AND scope_code = $code AND visits > 0
            ORDER BY visits DESC, service
            """,
            **by_month,
        ),
        busiest=_station_ranking(con, month, places, "visits"),
        crowded=_station_ranking(con, month, places, "visits_per_seat_day"),
        hotline=_rows(
            con,
            """
            SELECT category, calls, resolved,
                   CASE WHEN calls > 0 THEN resolved / calls END AS resolution_rate,
                   eligible_calls_7d, resolution_rate_7d, median_resolution_hours
            FROM hotline_monthly
            WHERE month = $m AND scope_level = $level AND scope_code = $code AND calls > 0
            ORDER BY calls DESC, category
            """,
            **by_month,
        ),
        drives=_rows(
            con,
            """
            SELECT platform, drives, reached, enrolled
            FROM drives_monthly
            WHERE month = $m AND scope_level = $level AND scope_code = $code AND drives > 0
            ORDER BY enrolled DESC, drives DESC, platform
            """,
            **by_month,
        ),
        opened=_station_events(con, month, places, "opened_on"),
        closed=_station_events(con, month, places, "closed_on"),
        accepted=_station_events(con, month, places, "accepted_on"),
        quality=_rows(
            con,
            """
            SELECT count(*) FILTER (WHERE status = 'loaded') AS files_loaded,
                   count(*) FILTER (WHERE status = 'rejected') AS files_rejected,
                   coalesce(sum(rows_loaded), 0) AS rows_loaded,
                   coalesce(sum(rows_quarantined), 0) AS rows_quarantined
            FROM ingest_files
            """,
        )[0],
        info=snapshot_info(con),
        attention=_rows(
            con,
            """
            SELECT * FROM attention_monthly
            WHERE month = $m AND (scope_code = $code OR parent_code = $code)
            ORDER BY priority, magnitude DESC, scope_code, metric
            """,
            m=month,
            code=scope.code,
        ),
        targets={r["metric"]: r["target"] for r in _rows(con, "SELECT * FROM targets")},
    )


def _station_ranking(
    con: duckdb.DuckDBPyConnection, month: date, places: dict[str, str | None], measure: str
) -> list[Row]:
    # measure is one of two column names chosen in this module, never user input
    assert measure in ("visits", "visits_per_seat_day")
    return _rows(
        con,
        f"""
        SELECT m.station_id, m.station_name, s.subdistrict, s.district, m.seats, m.visits,
               m.visits_per_seat_day
        FROM station_monthly AS m LEFT JOIN stations AS s USING (station_id)
        WHERE m.month = $m AND m.{measure} > 0
          AND ($district IS NULL OR m.district_code = $district)
          AND ($subdistrict IS NULL OR m.subdistrict_code = $subdistrict)
        ORDER BY m.{measure} DESC, m.station_id
        LIMIT $limit
        """,
        m=month,
        limit=TOP_STATIONS,
        **places,
    )


def _station_events(
    con: duckdb.DuckDBPyConnection, month: date, places: dict[str, str | None], column: str
) -> list[Row]:
    """Stations whose ``opened_on``, ``closed_on`` or ``accepted_on`` falls in the month."""
    assert column in ("opened_on", "closed_on", "accepted_on")
    return _rows(
        con,
        f"""
        SELECT station_id, station_name, subdistrict, district, {column} AS day
        FROM stations
        WHERE {column} >= $m AND {column} < $next
          AND ($district IS NULL OR district_code = $district)
          AND ($subdistrict IS NULL OR subdistrict_code = $subdistrict)
        ORDER BY {column}, station_id
        """,
        m=month,
        next=add_months(month, 1),
        **places,
    )
