"""The dashboard's one door to data: read-only, parameterised queries over the serving
snapshot, each restricted to what the viewer may see.

Every function takes a :class:`Viewer` first. A viewer carries the one scope (city,
district, subdistrict or community code) they may see; a requested scope outside it is
replaced by the viewer's own scope, and rows outside it are never returned. Access
control plugs in with :func:`set_viewer_provider`; until then everyone is the city.

The snapshot is replaced atomically by the pipeline (``os.replace``). One read-only
connection per process is kept and reopened when the file's inode, size or mtime
changes; an open file on Linux never blocks the rename. DuckDB shares one database
instance per path inside a process, so the old connection must be closed before the
new file can be opened: queries therefore run one at a time under a lock, which also
makes the single connection safe across the web server's threads.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl

from pipelines.planning.geo import nearest, pairs_within
from pipelines.settings import Settings, get_settings

CITY_CODE = "110000000000"
LEVELS = ("city", "district", "subdistrict", "community")


# --- who is looking ----------------------------------------------------------------


def scope_level(code: str) -> str:
    """The level of a 12-digit scope code (metrics.md's code conventions)."""
    if code.endswith("0000000000"):
        return "city"
    if code.endswith("000000"):
        return "district"
    if code.endswith("000"):
        return "subdistrict"
    return "community"


def scope_prefix(code: str) -> str:
    """The leading digits every community code inside the scope shares."""
    return code[: {"city": 2, "district": 6, "subdistrict": 9, "community": 12}[scope_level(code)]]


def within(code: str, scope_code: str) -> bool:
    """Whether scope ``code`` lies inside (or is) scope ``scope_code``."""
    return code.startswith(scope_prefix(scope_code))


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the scope they may see (the whole city unless restricted)."""

    scope_code: str = CITY_CODE
    name: str = ""

    @property
    def is_city(self) -> bool:
        return scope_level(self.scope_code) == "city"

    def fixed_scope(self, level: str) -> str | None:
        """The viewer's own district or subdistrict when their scope lies inside one: the
        scope pickers of that level are fixed to it."""
        digits = {"district": 6, "subdistrict": 9}[level]
        if LEVELS.index(scope_level(self.scope_code)) < LEVELS.index(level):
            return None
        return self.scope_code[:digits].ljust(12, "0")

    def allowed(self, requested: str | None) -> str:
        """The scope a query runs on: the requested one when the viewer may see it,
        else the viewer's own scope."""
        if requested and re.fullmatch(r"\d{12}", requested) and within(requested, self.scope_code):
            return requested
        return self.scope_code


_viewer_provider: Callable[[], Viewer] = Viewer


def set_viewer_provider(provider: Callable[[], Viewer]) -> None:
    """Install the function that tells who the current request's viewer is."""
    global _viewer_provider
    _viewer_provider = provider


def current_viewer() -> Viewer:
    return _viewer_provider()


# --- the snapshot ------------------------------------------------------------------


class NoSnapshot(RuntimeError):
    """The pipeline has not published a snapshot yet."""


class Snapshot:
    """A read-only view of one snapshot path that follows its replacements."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._key: tuple[int, int, int] | None = None

    def _stat_key(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def exists(self) -> bool:
        return self._stat_key() is not None

    def query(self, sql: str, **params: Any) -> pl.DataFrame:
        """Run one parameterised query (``$name`` placeholders) and return all rows."""
        with self._lock:
            con = self._connection()
            return pl.from_arrow(con.sql(sql, params=params or None).to_arrow_table())

    def _connection(self) -> duckdb.DuckDBPyConnection:
        key = self._stat_key()
        if key is None:
            self._close()
            raise NoSnapshot(str(self.path))
        if self._con is None or key != self._key:
            self._close()
            self._con = duckdb.connect(str(self.path), read_only=True)
            self._key = key
        return self._con

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
        self._con, self._key = None, None

    def close(self) -> None:
        with self._lock:
            self._close()


_snapshots: dict[Path, Snapshot] = {}
_snapshots_lock = threading.Lock()


def snapshot(settings: Settings | None = None) -> Snapshot:
    """The process-wide :class:`Snapshot` for the settings' snapshot path."""
    path = (settings or get_settings()).snapshot_path
    with _snapshots_lock:
        if path not in _snapshots:
            _snapshots[path] = Snapshot(path)
        return _snapshots[path]


_settings: Settings | None = None


def configure(settings: Settings) -> None:
    """Point the data layer at the app's settings (``create_app`` calls this)."""
    global _settings
    _settings = settings


def settings() -> Settings:
    return _settings or get_settings()


def _q(sql: str, **params: Any) -> pl.DataFrame:
    return snapshot(settings()).query(sql, **params)


def available() -> bool:
    return snapshot(settings()).exists()


def _month(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _shift(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# --- freshness and pickers ---------------------------------------------------------


def snapshot_info(viewer: Viewer) -> dict[str, str]:
    """built_at, coverage_radius_m, first/last/latest complete month (no file list
    unless the viewer is the city)."""
    rows = _q("SELECT key, value FROM snapshot_info").rows()
    return {k: v for k, v in rows if viewer.is_city or not k.startswith("source_file:")}


def months(viewer: Viewer) -> list[date]:
    """Every published month, oldest first."""
    return _q("SELECT DISTINCT month FROM kpi_monthly ORDER BY month")["month"].to_list()


def default_month(viewer: Viewer) -> date | None:
    info = snapshot_info(viewer)
    value = info.get("latest_complete_month") or info.get("last_month")
    if value:
        return _month(value)
    all_months = months(viewer)
    return all_months[-1] if all_months else None


def scope_options(viewer: Viewer, level: str, parent: str | None = None) -> pl.DataFrame:
    """Scopes of one level (code, name) the viewer may see, optionally under a parent."""
    parent = viewer.allowed(parent) if parent else viewer.scope_code
    return _q(
        """SELECT scope_code, scope_name FROM scopes
        WHERE scope_level = $level AND starts_with(scope_code, $prefix)
        ORDER BY scope_code""",
        level=level,
        prefix=scope_prefix(parent),
    )


def scope_name(viewer: Viewer, scope: str | None) -> str:
    code = viewer.allowed(scope)
    names = _q("SELECT scope_name FROM scopes WHERE scope_code = $code", code=code)
    return names["scope_name"][0] if names.height else code


# --- overview ----------------------------------------------------------------------

KPI_COLUMNS = (
    "active_stations", "standard_stations", "accepted_stations", "standard_rate", "visits",
    "unique_workers", "visits_per_station_day", "calls", "resolved", "resolution_rate",
    "median_resolution_hours", "avg_satisfaction", "backlog", "drives", "reached",
    "enrolled", "enrollment_rate", "outdoor_workers", "covered_workers", "coverage_rate",
    "standard_coverage_rate", "communities", "covered_communities",
)  # fmt: skip


@dataclass(frozen=True)
class Change:
    """A figure for a month with its month-on-month and year-on-year change
    (absolute and relative; None when the earlier month or value is missing or 0)."""

    value: float | None
    mom_abs: float | None
    mom_rel: float | None
    yoy_abs: float | None
    yoy_rel: float | None


def _change(now: float | None, before: float | None) -> tuple[float | None, float | None]:
    if now is None or before is None:
        return None, None
    return now - before, ((now - before) / before if before else None)


def kpis(viewer: Viewer, scope: str | None, month: date | str) -> dict[str, Change]:
    """Every kpi_monthly figure of a scope and month with its changes."""
    month = _month(month)
    code = viewer.allowed(scope)
    prev, last_year = _shift(month, -1), _shift(month, -12)
    rows = _q(
        f"""SELECT month, {", ".join(KPI_COLUMNS)} FROM kpi_monthly
        WHERE scope_code = $code AND month IN ($m, $p, $y)""",
        code=code,
        m=month,
        p=prev,
        y=last_year,
    )
    by_month = {r["month"]: r for r in rows.to_dicts()}
    now, before, year_ago = by_month.get(month, {}), by_month.get(prev), by_month.get(last_year)
    out = {}
    for column in KPI_COLUMNS:
        value = now.get(column)
        mom = _change(value, before.get(column)) if before else (None, None)
        yoy = _change(value, year_ago.get(column)) if year_ago else (None, None)
        out[column] = Change(value, *mom, *yoy)
    return out


def kpi_trend(viewer: Viewer, scope: str | None, month: date | str, n: int = 24) -> pl.DataFrame:
    """kpi_monthly of a scope for the n months up to ``month``."""
    month = _month(month)
    return _q(
        f"""SELECT month, {", ".join(KPI_COLUMNS)} FROM kpi_monthly
        WHERE scope_code = $code AND month > $start AND month <= $m ORDER BY month""",
        code=viewer.allowed(scope),
        start=_shift(month, -n),
        m=month,
    )


def ranking(viewer: Viewer, scope: str | None, month: date | str, level: str) -> pl.DataFrame:
    """The scopes of ``level`` inside the scope, with coverage, visits and resolution."""
    code = viewer.allowed(scope)
    if LEVELS.index(level) <= LEVELS.index(scope_level(code)):
        return pl.DataFrame()
    return _q(
        """SELECT scope_code, scope_name, coverage_rate, visits, resolution_rate,
                  covered_workers, outdoor_workers, calls, resolved
        FROM kpi_monthly
        WHERE month = $m AND scope_level = $level AND starts_with(scope_code, $prefix)
        ORDER BY scope_code""",
        m=_month(month),
        level=level,
        prefix=scope_prefix(code),
    )


# --- coverage ----------------------------------------------------------------------


def community_coverage(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    """community_coverage rows of the communities inside the scope for a month."""
    return _q(
        """SELECT * FROM community_coverage
        WHERE month = $m AND starts_with(community_code, $prefix)
        ORDER BY uncovered_workers DESC, community_code""",
        m=_month(month),
        prefix=scope_prefix(viewer.allowed(scope)),
    )


def stations_in_month(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    """The registry's stations inside the scope with their state in the month."""
    return _q(
        """SELECT s.station_id, s.station_name, s.station_type, s.lat, s.lon,
                  s.community_code, s.community_name, s.subdistrict, s.district,
                  coalesce(m.active, false) AS active,
                  coalesce(m.meets_standard, false) AS meets_standard,
                  coalesce(m.accepted, false) AS accepted,
                  coalesce(m.visits, 0) AS visits, m.visits_per_seat_day, s.seats
        FROM stations s LEFT JOIN station_monthly m
            ON m.station_id = s.station_id AND m.month = $m
        WHERE starts_with(s.community_code, $prefix)
        ORDER BY s.station_id""",
        m=_month(month),
        prefix=scope_prefix(viewer.allowed(scope)),
    )


def coverage_at_radius(
    viewer: Viewer, scope: str | None, month: date | str, radius_m: float
) -> pl.DataFrame:
    """Coverage of the scope's communities at any radius, by the stations active in the
    month (anywhere: a station across a boundary still covers), as metrics.md defines it.

    Columns: community_code, community_name, subdistrict, district, lat, lon,
    outdoor_workers, nearest_station_m, nearest_station_name, stations_within_r, covered,
    standard_covered, uncovered_workers; largest gaps first.
    """
    month = _month(month)
    communities = _q(
        """SELECT community_code, community_name, subdistrict, district, lat, lon,
                  outdoor_workers
        FROM communities WHERE starts_with(community_code, $prefix) ORDER BY community_code""",
        prefix=scope_prefix(viewer.allowed(scope)),
    )
    stations = _q(
        """SELECT s.station_name, s.community_code, s.lat, s.lon, m.meets_standard
        FROM station_monthly m JOIN stations s USING (station_id)
        WHERE m.month = $m AND m.active ORDER BY s.station_id""",
        m=month,
    )
    n = communities.height
    lat, lon = communities["lat"].to_numpy(), communities["lon"].to_numpy()
    s_lat, s_lon = stations["lat"].to_numpy(), stations["lon"].to_numpy()
    i, j, _ = pairs_within(lat, lon, s_lat, s_lon, radius_m)
    within_r = np.bincount(i, minlength=n)
    standard = stations["meets_standard"].to_numpy().astype(bool) if stations.height else None
    standard_r = np.bincount(i[standard[j]], minlength=n) if standard is not None else within_r
    idx, dist = nearest(lat, lon, s_lat, s_lon)
    # a station outside the viewer's scope still covers, but stays unnamed
    names = [
        name if within(code, viewer.scope_code) else None
        for name, code in stations.select("station_name", "community_code").iter_rows()
    ]
    workers = communities["outdoor_workers"].fill_null(0).to_numpy()
    covered = within_r > 0
    return communities.with_columns(
        pl.Series("nearest_station_m", np.where(np.isfinite(dist), dist, np.nan)).fill_nan(None),
        pl.Series("nearest_station_name", [names[k] if k >= 0 else None for k in idx]),
        pl.Series("stations_within_r", within_r, dtype=pl.Int64),
        pl.Series("covered", covered),
        pl.Series("standard_covered", standard_r > 0),
        pl.Series("uncovered_workers", np.where(covered, 0, workers), dtype=pl.Int64),
    ).sort(["uncovered_workers", "community_code"], descending=[True, False])


# --- demand ------------------------------------------------------------------------


def demand_by_community(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    """Visits, calls and enrolment per community, also per 1,000 outdoor workers."""
    return _q(
        """SELECT community_code, community_name, subdistrict, district, outdoor_workers,
                  visits, calls, enrolled, visits_per_1000_workers, calls_per_1000_workers,
                  enrolled_per_1000_workers
        FROM community_coverage
        WHERE month = $m AND starts_with(community_code, $prefix)
        ORDER BY visits DESC, community_code""",
        m=_month(month),
        prefix=scope_prefix(viewer.allowed(scope)),
    )


def service_mix(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    return _q(
        """SELECT service, visits FROM service_mix_monthly
        WHERE month = $m AND scope_code = $code ORDER BY visits DESC, service""",
        m=_month(month),
        code=viewer.allowed(scope),
    )


def worker_mix(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    return _q(
        """SELECT worker_type, visits FROM worker_mix_monthly
        WHERE month = $m AND scope_code = $code ORDER BY visits DESC, worker_type""",
        m=_month(month),
        code=viewer.allowed(scope),
    )


def hour_weekday(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    """Visits by weekday (1 = Monday) × hour; the snapshot has no community rows, so a
    community is shown by its subdistrict (the column ``scope_code`` says which)."""
    code = viewer.allowed(scope)
    if scope_level(code) == "community":
        # the subdistrict only for a viewer who may see it
        code = viewer.allowed(code[:9] + "000")
    return _q(
        """SELECT scope_code, weekday, hour, visits FROM usage_hour_weekday
        WHERE month = $m AND scope_code = $code ORDER BY weekday, hour""",
        m=_month(month),
        code=code,
    )


def seasons(viewer: Viewer, scope: str | None) -> pl.DataFrame:
    """Visits per season (spring = Mar–May, …, winter = Dec–Feb, counted in the year
    its December falls) of every published month, with the number of months seen."""
    return _q(
        """WITH m AS (
            SELECT visits,
                   CASE WHEN month(month) IN (3, 4, 5) THEN 'spring'
                        WHEN month(month) IN (6, 7, 8) THEN 'summer'
                        WHEN month(month) IN (9, 10, 11) THEN 'autumn'
                        ELSE 'winter' END AS season,
                   CASE WHEN month(month) <= 2 THEN year(month) - 1 ELSE year(month) END
                       AS season_year,
                   ((month(month) + 9) % 12) // 3 AS season_order
            FROM kpi_monthly WHERE scope_code = $code)
        SELECT season_year, season, sum(visits) AS visits, count(*) AS months
        FROM m GROUP BY season_year, season, season_order
        ORDER BY season_year, season_order""",
        code=viewer.allowed(scope),
    )


def crowded_stations(
    viewer: Viewer, scope: str | None, month: date | str, top: int = 15
) -> pl.DataFrame:
    """Active stations with known seats, most visits per seat per day first."""
    return _q(
        """SELECT m.station_id, m.station_name, s.community_name, s.subdistrict, m.seats,
                  m.visits, m.visits_per_seat_day
        FROM station_monthly m JOIN stations s USING (station_id)
        WHERE m.month = $m AND m.active AND m.visits_per_seat_day IS NOT NULL
          AND starts_with(m.community_code, $prefix)
        ORDER BY m.visits_per_seat_day DESC, m.station_id LIMIT $top""",
        m=_month(month),
        prefix=scope_prefix(viewer.allowed(scope)),
        top=top,
    )


# --- hotline -----------------------------------------------------------------------


def hotline_by_category(
    viewer: Viewer, scope: str | None, month: date | str, n: int = 24
) -> pl.DataFrame:
    month = _month(month)
    return _q(
        """SELECT month, category, calls, resolved, median_resolution_hours
        FROM hotline_monthly
        WHERE scope_code = $code AND month > $start AND month <= $m
        ORDER BY month, category""",
        code=viewer.allowed(scope),
        start=_shift(month, -n),
        m=month,
    )


def hotline_routing(viewer: Viewer, scope: str | None, month: date | str) -> pl.DataFrame:
    """Calls and resolved per department (``routed_to`` NULL: not routed)."""
    return _q(
        """SELECT routed_to, calls, resolved, resolved / nullif(calls, 0) AS resolution_rate
        FROM hotline_routing_monthly WHERE month = $m AND scope_code = $code
        ORDER BY calls DESC, routed_to NULLS LAST""",
        m=_month(month),
        code=viewer.allowed(scope),
    )


def unassigned_calls(
    viewer: Viewer, scope: str | None, month: date | str, n: int = 24
) -> pl.DataFrame:
    """Per month: city calls, the sum over districts, and the difference (calls whose
    community is unknown). Empty unless the scope is the city, which only a city viewer
    may see: these calls lie in no district."""
    if scope_level(viewer.allowed(scope)) != "city":
        return pl.DataFrame(schema={"month": pl.Date, "city": pl.Int64, "districts": pl.Int64,
                                    "unassigned": pl.Int64})  # fmt: skip
    month = _month(month)
    return _q(
        """SELECT month,
                  sum(calls) FILTER (WHERE scope_level = 'city') AS city,
                  coalesce(sum(calls) FILTER (WHERE scope_level = 'district'), 0) AS districts,
                  city - districts AS unassigned
        FROM kpi_monthly WHERE scope_level IN ('city', 'district')
            AND month > $start AND month <= $m
        GROUP BY month ORDER BY month""",
        start=_shift(month, -n),
        m=month,
    )


# --- membership --------------------------------------------------------------------


def drives_by_platform(
    viewer: Viewer, scope: str | None, month: date | str, n: int = 24
) -> pl.DataFrame:
    """drives_monthly of the scope over n months, with the enrolment rate."""
    month = _month(month)
    return _q(
        """SELECT month, platform, drives, reached, enrolled,
                  enrolled / nullif(reached, 0) AS enrollment_rate
        FROM drives_monthly WHERE scope_code = $code AND month > $start AND month <= $m
        ORDER BY month, platform""",
        code=viewer.allowed(scope),
        start=_shift(month, -n),
        m=month,
    )


def cumulative_enrolment(viewer: Viewer, scope: str | None) -> pl.DataFrame:
    """Enrolled per month and cumulated since the first published month."""
    return _q(
        """SELECT month, enrolled, sum(enrolled) OVER (ORDER BY month) AS cumulative
        FROM kpi_monthly WHERE scope_code = $code ORDER BY month""",
        code=viewer.allowed(scope),
    )


# --- stations ----------------------------------------------------------------------


def station_registry(
    viewer: Viewer, scope: str | None, month: date | str, missing: str | None = None
) -> pl.DataFrame:
    """The registry with the month's state and visits; ``missing`` keeps the stations
    that lack that amenity (one of the ``has_*`` columns)."""
    from pipelines.vocabulary import EXTRA_AMENITIES, SEVEN_AMENITIES

    amenities = (*SEVEN_AMENITIES.codes, *EXTRA_AMENITIES.codes)
    condition = f"AND NOT coalesce(s.{missing}, false)" if missing in amenities else ""
    return _q(
        f"""SELECT s.station_id, s.station_name, s.station_type, s.district, s.subdistrict,
                  s.community_name, s.meets_standard, s.missing_amenities,
                  {", ".join("s." + a for a in amenities)},
                  coalesce(m.active, false) AS active, coalesce(m.accepted, false) AS accepted,
                  s.accepted_on, s.opened_on, s.closed_on,
                  coalesce(m.visits, 0) AS visits, m.visits_per_seat_day, s.seats,
                  s.open_hours, s.host_org, s.address
        FROM stations s LEFT JOIN station_monthly m
            ON m.station_id = s.station_id AND m.month = $m
        WHERE starts_with(s.community_code, $prefix) {condition}
        ORDER BY s.station_id""",
        m=_month(month),
        prefix=scope_prefix(viewer.allowed(scope)),
    )


# --- data quality (city viewers only: files are not inside any one scope) ------------


def ingest_files(viewer: Viewer) -> pl.DataFrame:
    """Every landing file with its counts, the row-accounting check (NULL for a
    rejected file) and its message."""
    if not viewer.is_city:
        return pl.DataFrame()
    return _q(
        """SELECT path, source, status, rows_read, rows_loaded, rows_quarantined,
                  rows_superseded,
                  -- the equation holds for files that were read; a rejected file loads nothing
                  CASE WHEN status = 'loaded' THEN
                      rows_read = rows_loaded + rows_quarantined + rows_superseded
                                  + rows_skipped END
                      AS balanced,
                  message, ingested_at
        FROM ingest_files ORDER BY source, path"""
    )


def quarantine_summary(viewer: Viewer) -> pl.DataFrame:
    """Quarantined rows by source, month, column and reason."""
    if not viewer.is_city:
        return pl.DataFrame()
    return _q(
        """SELECT source, month, column_name, reason, sum(rows) AS rows
        FROM quarantine_summary GROUP BY ALL
        ORDER BY source, month NULLS LAST, rows DESC, reason"""
    )


def quarantine_rows(viewer: Viewer, path: str | None = None) -> pl.DataFrame:
    """The rejected rows (optionally of one file) with their original values."""
    if not viewer.is_city:
        return pl.DataFrame()
    return _q(
        """SELECT path, source, row_number, column_name, reason, raw_values FROM quarantine
        WHERE $path IS NULL OR path = $path ORDER BY path, row_number, column_name""",
        path=path,
    )


#: the most quarantined rows the data-quality page sends to the browser (the download
#: has them all)
QUARANTINE_SHOWN = 1000


def quarantine_rows_shown(
    viewer: Viewer, limit: int = QUARANTINE_SHOWN
) -> tuple[pl.DataFrame, int]:
    """The first ``limit`` rejected rows, the most recently ingested files' first and
    then by row number, and the number of all rejected rows."""
    if not viewer.is_city:
        return pl.DataFrame(), 0
    shown = _q(
        """SELECT q.path, q.source, q.row_number, q.column_name, q.reason, q.raw_values
        FROM quarantine q LEFT JOIN ingest_files f ON f.path = q.path
        ORDER BY f.ingested_at DESC NULLS LAST, q.path, q.row_number, q.column_name
        LIMIT $limit""",
        limit=limit,
    )
    total = _q("SELECT count(*) AS n FROM quarantine")["n"].item()
    return shown, int(total)


# --- monthly reports (files the pipeline writes beside the snapshot) -----------------

_REPORT_NAME = re.compile(r"(\d{4}-\d{2})(?:[-_](.+))?\.(html|pdf)")


def report_files(viewer: Viewer, month: date | str | None = None) -> list[Path]:
    """The monthly report files (``YYYY-MM[-scope].html|pdf``) the viewer may
    download: the city sees all; others only those named for their scope."""
    folder = settings().reports_dir
    if not folder.is_dir():
        return []
    month = _month(month)
    allowed_names: set[str] = set()
    if not viewer.is_city and available():
        allowed_names = {viewer.scope_code, scope_name(viewer, viewer.scope_code)}
    found = []
    for path in sorted(folder.iterdir()):
        match = _REPORT_NAME.fullmatch(path.name)
        if not match or not path.is_file():
            continue
        if month is not None and match.group(1) != f"{month:%Y-%m}":
            continue
        if viewer.is_city or match.group(2) in allowed_names:
            found.append(path)
    return found


# --- downloads ---------------------------------------------------------------------

#: name → function(viewer, **params) → the table a download button exports. A page puts
#: the parameters it rendered with into its download store; the download callback
#: calls the function again, so a download is scope-restricted like every query.
DOWNLOADS: dict[str, Callable[..., pl.DataFrame]] = {
    "kpi_trend": lambda v, scope, month, **_: kpi_trend(v, scope, month),
    "ranking_district": lambda v, scope, month, **_: ranking(v, scope, month, "district"),
    "ranking_subdistrict": lambda v, scope, month, **_: ranking(v, scope, month, "subdistrict"),
    "coverage_gaps": lambda v, scope, month, radius_m=1000.0, **_: coverage_at_radius(
        v, scope, month, float(radius_m)
    ),
    "demand": lambda v, scope, month, **_: demand_by_community(v, scope, month),
    "crowded_stations": lambda v, scope, month, **_: crowded_stations(v, scope, month, 1000),
    "hotline_categories": lambda v, scope, month, **_: hotline_by_category(v, scope, month),
    "hotline_routing": lambda v, scope, month, **_: hotline_routing(v, scope, month),
    "drives": lambda v, scope, month, **_: drives_by_platform(v, scope, month),
    "stations": lambda v, scope, month, missing=None, **_: station_registry(
        v, scope, month, missing
    ),
    "ingest_files": lambda v, **_: ingest_files(v),
    "quarantine_summary": lambda v, **_: quarantine_summary(v),
    "quarantine_rows": lambda v, **_: quarantine_rows(v),
}


def download_table(viewer: Viewer, name: str, params: dict[str, Any]) -> pl.DataFrame:
    """The table behind a download button, queried again for this viewer."""
    if name not in DOWNLOADS:
        raise KeyError(name)
    return DOWNLOADS[name](viewer, **params)
