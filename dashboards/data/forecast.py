"""需求预测 Demand forecast: what the demand page shows of the published forecast
(docs/forecast.md) for one scope or one station — its visits history, the forecast with
its intervals, the backtest of its level, and the weather the forecast assumed.

The forecast is made once per snapshot from the last complete month; it does not depend
on the month picked on the page. Every function takes the viewer first: a scope outside
the viewer's is replaced by the viewer's own, and a station outside the (allowed) scope
is ignored, so the target falls back to that scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from dashboards.data.overview import scope_name, snapshot_info
from dashboards.data.snapshot import as_month, query, shift
from dashboards.viewer import Viewer
from pipelines.scope import contains, level_of, parent_of, prefix_of

TABLES = ("demand_forecast", "forecast_backtest", "forecast_weather")
#: months of history drawn before the forecast
HISTORY_MONTHS = 24


@dataclass(frozen=True)
class Target:
    """What a forecast is shown for: a station or a scope (level, code, name)."""

    level: str
    code: str
    name: str


@dataclass(frozen=True)
class ScopeForecast:
    """Everything the 需求预测 section shows for one target (see :func:`scope_forecast`)."""

    target: Target
    #: False for a snapshot published before the forecast existed
    published: bool
    #: the last complete month: the forecast's origin and the history's end
    origin: date | None
    #: months of history in the snapshot up to the origin
    history_months: int
    history: pl.DataFrame
    forecast: pl.DataFrame
    backtest: pl.DataFrame
    level_backtest: pl.DataFrame
    weather: pl.DataFrame


def forecast_published(viewer: Viewer) -> bool:
    """Whether the snapshot holds the forecast's tables (older snapshots do not)."""
    found = query(
        """SELECT count(DISTINCT table_name) AS n FROM information_schema.tables
        WHERE table_catalog = current_database() AND list_contains($tables, table_name)""",
        tables=list(TABLES),
    )
    return found["n"][0] == len(TABLES)


def forecast_target(viewer: Viewer, scope: str | None, station: str | None = None) -> Target:
    """The station when it lies in the allowed scope, else the allowed scope."""
    code = viewer.allowed(scope)
    if station:
        found = query(
            "SELECT station_name, community_code FROM stations WHERE station_id = $id",
            id=station,
        )
        if found.height and contains(code, found["community_code"][0]):
            return Target("station", station, found["station_name"][0])
    return Target(level_of(code), code, scope_name(viewer, code))


def _origin(viewer: Viewer) -> tuple[date | None, int]:
    """(the last complete month, the months of history up to it)."""
    info = snapshot_info(viewer)
    origin = as_month(info.get("latest_complete_month") or info.get("last_month"))
    first = as_month(info.get("first_month"))
    if origin is None or first is None:
        return origin, 0
    return origin, (origin.year - first.year) * 12 + origin.month - first.month + 1


def _history(target: Target, origin: date | None) -> pl.DataFrame:
    if origin is None:
        return pl.DataFrame(schema={"month": pl.Date, "visits": pl.Int64})
    months = {"start": shift(origin, -HISTORY_MONTHS), "origin": origin, "code": target.code}
    if target.level == "station":
        # a station's months before it opened are not zero demand: leave them out
        return query(
            """SELECT month, visits FROM station_monthly
            WHERE station_id = $code AND month > $start AND month <= $origin
              AND (active OR visits > 0)
            ORDER BY month""",
            **months,
        )
    return query(
        """SELECT month, visits FROM kpi_monthly
        WHERE scope_code = $code AND month > $start AND month <= $origin ORDER BY month""",
        **months,
    )


def _forecast(target: Target) -> pl.DataFrame:
    return query(
        """SELECT month, horizon, p50, p10, p90, p2_5, p97_5, model FROM demand_forecast
        WHERE scope_level = $level AND scope_code = $code ORDER BY horizon""",
        level=target.level,
        code=target.code,
    )


_BACKTEST_COLUMNS = "mase, mase_seasonal_naive, mase_last_value, coverage_80, coverage_95"


def _backtest(target: Target) -> pl.DataFrame:
    return query(
        f"""SELECT horizon, origins, {_BACKTEST_COLUMNS}, model FROM forecast_backtest
        WHERE scope_level = $level AND scope_code = $code ORDER BY horizon""",
        level=target.level,
        code=target.code,
    )


def _level_backtest(viewer: Viewer, level: str) -> pl.DataFrame:
    """Per horizon, the mean of each measure over the level's scopes the viewer may see
    (as backtest_summary in pipelines/forecast averages over all of them)."""
    inside = (
        "scope_code IN (SELECT station_id FROM stations WHERE starts_with(community_code, $p))"
        if level == "station"
        else "starts_with(scope_code, $p)"
    )
    means = ", ".join(f"avg({c}) AS {c}" for c in _BACKTEST_COLUMNS.split(", "))
    return query(
        f"""SELECT horizon, count(*) AS scopes, {means}, min(model) AS model
        FROM forecast_backtest WHERE scope_level = $level AND {inside}
        GROUP BY horizon ORDER BY horizon""",
        level=level,
        p=viewer.code_prefix,
    )


def _weather(target: Target, origin: date | None) -> pl.DataFrame:
    """Per forecast month, the weather assumed in the target's district (the city: the
    mean over its districts, basis ``mixed`` where they differ), and how many years of
    that calendar month the climate normal averages (the district's own, else the
    city's, up to the origin; the fewest over the districts)."""
    if target.level == "station":
        (district,) = query(
            "SELECT district_code FROM stations WHERE station_id = $id", id=target.code
        ).row(0)
    elif target.level == "city":
        district = None
    else:
        district = parent_of(target.code, "district")
    return query(
        """WITH years AS (
            SELECT district_code, month(month) AS calendar_month,
                   count(DISTINCT year(month)) AS years
            FROM weather_monthly WHERE days_observed > 0 AND month <= $origin
            GROUP BY ALL),
        city_years AS (
            SELECT month(month) AS calendar_month, count(DISTINCT year(month)) AS years
            FROM weather_monthly WHERE days_observed > 0 AND month <= $origin
            GROUP BY ALL),
        assumed AS (
            SELECT w.*, coalesce(y.years, c.years, 0) AS normal_years
            FROM forecast_weather w
            LEFT JOIN years y ON y.district_code = w.district_code
                AND y.calendar_month = month(w.month)
            LEFT JOIN city_years c ON c.calendar_month = month(w.month)
            WHERE $district IS NULL OR w.district_code = $district)
        SELECT month,
               CASE WHEN count(DISTINCT basis) = 1 THEN any_value(basis) ELSE 'mixed' END
                   AS basis,
               avg(hot_days) AS hot_days, avg(very_hot_days) AS very_hot_days,
               avg(cold_days) AS cold_days, avg(rainy_days) AS rainy_days,
               min(normal_years) AS normal_years, count(*) AS districts,
               CASE WHEN count(*) = 1 THEN any_value(d.scope_name) END AS district_name
        FROM assumed LEFT JOIN scopes d ON d.scope_code = assumed.district_code
        GROUP BY month ORDER BY month""",
        origin=origin or date.max,
        district=district,
    )


def scope_forecast(viewer: Viewer, scope: str | None, station: str | None = None) -> ScopeForecast:
    """The history (the last :data:`HISTORY_MONTHS` months up to the origin), the
    forecast rows, the target's own backtest, its level's backtest over the scopes the
    viewer may see, and the weather assumed, for the station or scope."""
    target = forecast_target(viewer, scope, station)
    origin, months = _origin(viewer)
    history = _history(target, origin)
    if not forecast_published(viewer):
        empty = pl.DataFrame()
        return ScopeForecast(target, False, origin, months, history, empty, empty, empty, empty)
    return ScopeForecast(
        target=target,
        published=True,
        origin=origin,
        history_months=months,
        history=history,
        forecast=_forecast(target),
        backtest=_backtest(target),
        level_backtest=_level_backtest(viewer, target.level),
        weather=_weather(target, origin),
    )


def forecast_stations(viewer: Viewer, scope: str | None) -> pl.DataFrame:
    """Stations in the scope that have a forecast (station_id, station_name)."""
    if not forecast_published(viewer):
        return pl.DataFrame(schema={"station_id": pl.String, "station_name": pl.String})
    return query(
        """SELECT station_id, station_name FROM stations
        WHERE starts_with(community_code, $p) AND station_id IN
            (SELECT scope_code FROM demand_forecast WHERE scope_level = 'station')
        ORDER BY station_name, station_id""",
        p=prefix_of(viewer.allowed(scope)),
    )


def forecast_table(viewer: Viewer, scope: str | None) -> pl.DataFrame:
    """The download: every forecast row of the scope and the scopes and stations in it,
    with names, the values rounded to a tenth of a visit."""
    if not forecast_published(viewer):
        return pl.DataFrame()
    rounded = ", ".join(f"round(f.{q}, 1) AS {q}" for q in ("p50", "p10", "p90", "p2_5", "p97_5"))
    return query(
        f"""SELECT f.scope_level, f.scope_code,
                   coalesce(s.scope_name, st.station_name) AS scope_name, f.month, f.horizon,
                   {rounded}, f.model
        FROM demand_forecast f
        LEFT JOIN scopes s ON f.scope_level <> 'station' AND s.scope_code = f.scope_code
        LEFT JOIN stations st ON f.scope_level = 'station' AND st.station_id = f.scope_code
        WHERE CASE WHEN f.scope_level = 'station' THEN starts_with(st.community_code, $p)
                   ELSE starts_with(f.scope_code, $p) END
        ORDER BY list_position(['city', 'district', 'subdistrict', 'community', 'station'],
                               f.scope_level), f.scope_code, f.horizon""",
        p=prefix_of(viewer.allowed(scope)),
    )
