"""What the warehouse must hold before its marts are published: each check is a query
returning the offending rows (none: it passes), or a function for the one check that
recomputes coverage independently. A failed blocking check stops the refresh before the
snapshot is replaced, so the dashboard keeps the last good one. Dagster runs the same
checks as asset checks (pipelines/assets/warehouse.py). Checks run on the engine that
built the tables (pipelines/warehouse/engine.py), so their SQL stays portable.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb

from pipelines.ingest.specs import SPECS
from pipelines.settings import Settings
from pipelines.warehouse.engine import Engine, as_engine

ADDITIVE = (
    "active_stations", "standard_stations", "accepted_stations", "visits",
    "outdoor_workers", "covered_workers", "communities", "covered_communities",
)  # fmt: skip
#: counts whose rows may lack a place below the city (unmatched calls, unplaced drives)
AT_MOST = ("calls", "resolved", "eligible_calls_7d", "resolved_7d", "backlog", "drives",
           "reached", "enrolled")  # fmt: skip
COUNTS = (*ADDITIVE, *AT_MOST, "unique_workers")


@dataclass(frozen=True)
class Check:
    table: str  # the model (mart or staging) the check guards
    name: str
    description: str
    #: SQL returning the offending rows, or a function (engine, settings) → (passed, facts)
    query: str | Callable[[Engine, Settings], tuple[bool, dict]]


@dataclass(frozen=True)
class Outcome:
    check: Check
    passed: bool
    facts: dict


def _rollup(child: str, parent: str) -> str:
    sums = ", ".join(f"sum(k.{c}) AS {c}" for c in (*ADDITIVE, *AT_MOST))
    differs = " OR ".join(
        [f"p.{c} <> coalesce(s.{c}, 0)" for c in ADDITIVE]
        + [f"p.{c} < coalesce(s.{c}, 0)" for c in AT_MOST]
    )
    return f"""
        WITH s AS (
            SELECT k.month, k.parent_code, {sums}
            FROM marts.kpi_monthly AS k WHERE k.scope_level = '{child}'
            GROUP BY k.month, k.parent_code
        )
        SELECT p.month, p.scope_code FROM marts.kpi_monthly AS p
        LEFT JOIN s ON s.month = p.month AND s.parent_code = p.scope_code
        WHERE p.scope_level = '{parent}' AND ({differs})
    """


def coverage_by_radius(
    engine: Engine | duckdb.DuckDBPyConnection, radii_m: Iterable[float]
) -> dict[float, int]:
    """Covered workers in the latest month at each radius, recomputed independently of
    the SQL grid (KD-tree, pipelines/planning/geo.py)."""
    import numpy as np  # imported here: a refresh that runs no coverage check skips SciPy

    from pipelines.planning.geo import pairs_within

    engine = as_engine(engine)
    communities = engine.query(
        "SELECT lat, lon, outdoor_workers FROM marts.communities ORDER BY community_code"
    )
    stations = engine.query(
        """
        SELECT s.lat, s.lon FROM marts.station_monthly AS sm JOIN marts.stations AS s
            USING (station_id)
        WHERE sm.active AND sm.month = (SELECT max(month) FROM marts.station_monthly)
        """
    )
    workers = communities["outdoor_workers"].to_numpy().astype(np.int64)
    result = {}
    for radius in radii_m:
        i, _, _ = pairs_within(
            communities["lat"].to_numpy(),
            communities["lon"].to_numpy(),
            stations["lat"].to_numpy(),
            stations["lon"].to_numpy(),
            radius,
        )
        result[radius] = int(workers[np.unique(i)].sum())
    return result


#: radii (multiples of the setting) at which coverage is recomputed to check it never falls
CHECK_RADIUS_FACTORS = (0.5, 1.0, 1.5, 2.0)


def _coverage_grows(engine: Engine, settings: Settings) -> tuple[bool, dict]:
    radius = settings.coverage_radius_m
    by_radius = coverage_by_radius(engine, [radius * f for f in CHECK_RADIUS_FACTORS])
    published = engine.query(
        """
        SELECT coalesce(sum(CASE WHEN covered THEN outdoor_workers END), 0) AS workers
        FROM marts.community_coverage
        WHERE month = (SELECT max(month) FROM marts.community_coverage)
        """
    ).item()
    values = list(by_radius.values())
    monotone = all(a <= b for a, b in itertools.pairwise(values))
    facts = {f"covered_workers_at_{r:g}_m": v for r, v in by_radius.items()}
    facts["covered_workers_published"] = int(published)
    return monotone and by_radius[radius] == published, facts


def _personal() -> str:
    tests = [
        f"SELECT '{spec.name}' AS source, {c.name} AS value FROM raw.{spec.name} "
        # 32 hex digits and nothing else (no full-match function in Spark, whose `$` also
        # matches before a final line break: the length rules that out)
        f"WHERE {c.name} IS NOT NULL "
        f"AND NOT (length({c.name}) = 32 AND regexp_matches({c.name}, '^[0-9a-f]{{32}}$'))"
        for spec in SPECS.values()
        for c in spec.columns
        if c.personal
    ]
    return " UNION ALL ".join(tests)


CHECKS: tuple[Check, ...] = (
    Check(
        "ingest_files",
        "every_row_accounted_for",
        "Per loaded file: rows_read = rows_loaded + rows_quarantined + rows_superseded + "
        "rows_skipped, and the quarantine holds exactly rows_quarantined rows of it.",
        """
        SELECT f.path FROM marts.ingest_files AS f
        LEFT JOIN (SELECT path, count(*) AS n FROM marts.quarantine GROUP BY path) AS q
            USING (path)
        WHERE f.status = 'loaded' AND (
            f.rows_read <> f.rows_loaded + f.rows_quarantined + f.rows_superseded
                + f.rows_skipped
            OR f.rows_quarantined <> coalesce(q.n, 0) OR f.rows_loaded < 0)
        """,
    ),
    Check(
        "ingest_files",
        "no_clear_personal_data",
        "Personal columns of the raw rows hold only 32-hex-digit pseudonyms, never a clear value.",
        _personal(),
    ),
    Check(
        "kpi_monthly",
        "districts_sum_to_city",
        "Additive counts of the districts sum to the city (calls and drives at most: "
        "unassigned ones count in the city only).",
        _rollup("district", "city"),
    ),
    Check(
        "kpi_monthly",
        "communities_sum_to_subdistricts",
        "Additive counts of the communities sum to their subdistrict, and subdistricts "
        "to their district.",
        f"SELECT * FROM ({_rollup('community', 'subdistrict')}) AS a UNION ALL "
        f"SELECT * FROM ({_rollup('subdistrict', 'district')}) AS b",
    ),
    Check(
        "kpi_monthly",
        "visits_equal_staging",
        "The city's monthly visits equal the visits of the staged usage rows.",
        """
        WITH staged AS (
            SELECT month, sum(visits) AS visits FROM staging.stg_usage GROUP BY month
        )
        SELECT k.month FROM marts.kpi_monthly AS k LEFT JOIN staged USING (month)
        WHERE k.scope_level = 'city' AND k.visits <> coalesce(staged.visits, 0)
        """,
    ),
    Check(
        "kpi_monthly",
        "counts_are_never_null",
        "No count is NULL (a count over an empty set is 0) or negative.",
        "SELECT month, scope_code FROM marts.kpi_monthly WHERE "
        + " OR ".join(f"coalesce({c} < 0, true)" for c in COUNTS),
    ),
    Check(
        "station_monthly",
        "active_stations_have_coordinates",
        "Every active station has coordinates (so it can count in coverage).",
        """
        SELECT sm.month, sm.station_id FROM marts.station_monthly AS sm
        JOIN marts.stations AS s USING (station_id)
        WHERE sm.active AND (s.lat IS NULL OR s.lon IS NULL
            OR NOT s.lat BETWEEN -90 AND 90 OR NOT s.lon BETWEEN -180 AND 180)
        """,
    ),
    Check(
        "demand_forecast",
        "forecast_adds_up",
        "Bottom-up: where a scope and the scopes below it publish the same model, its p50 "
        "is the sum of theirs (to a millionth).",
        """
        WITH with_parent AS (
            SELECT f.month, f.horizon, 'community' AS parent_level,
                   s.community_code AS parent_code, f.model, f.p50
            FROM marts.demand_forecast AS f JOIN marts.stations AS s
                ON f.scope_level = 'station' AND s.station_id = f.scope_code
            UNION ALL
            SELECT month, horizon, 'subdistrict', left(scope_code, 9) || '000', model, p50
            FROM marts.demand_forecast WHERE scope_level = 'community'
            UNION ALL
            SELECT month, horizon, 'district', left(scope_code, 6) || '000000', model, p50
            FROM marts.demand_forecast WHERE scope_level = 'subdistrict'
            UNION ALL
            SELECT month, horizon, 'city', left(scope_code, 2) || '0000000000', model, p50
            FROM marts.demand_forecast WHERE scope_level = 'district'
        ),
        sums AS (
            SELECT month, horizon, parent_level, parent_code, min(model) AS model,
                   count(DISTINCT model) AS models, sum(p50) AS p50
            FROM with_parent GROUP BY month, horizon, parent_level, parent_code
        )
        SELECT p.scope_code FROM marts.demand_forecast AS p
        JOIN sums AS s ON s.month = p.month AND s.horizon = p.horizon
            AND s.parent_level = p.scope_level AND s.parent_code = p.scope_code
        WHERE s.models = 1 AND s.model = p.model
          AND abs(s.p50 - p.p50) > 1e-6 * greatest(1, p.p50)
        """,
    ),
    Check(
        "community_coverage",
        "coverage_grows_with_radius",
        "Coverage never falls as the radius grows, and the SQL grid agrees with a KD-tree "
        "at the default radius (latest month).",
        _coverage_grows,
    ),
)


def out_of_range_sql(engine: Engine | duckdb.DuckDBPyConnection, table: str) -> str | None:
    """The rows of ``marts.<table>`` with a negative integer (every integer a mart
    publishes is a count, a number of seats, a weekday or an hour) or a ``*_rate``
    outside [0, 1]."""
    columns = as_engine(engine).column_types(f"marts.{table}").items()
    # INTEGER, BIGINT, HUGEINT … in DuckDB; int, bigint, tinyint … in Spark
    tests = [f'"{c}" < 0' for c, t in columns if "INT" in t.upper()]
    tests += [f'NOT "{c}" BETWEEN 0 AND 1' for c, _ in columns if c.endswith("_rate")]
    if not tests:
        return None
    return f"SELECT * FROM marts.{table} WHERE " + " OR ".join(
        f"coalesce({t}, false)" for t in tests
    )


def range_check(table: str) -> Check:
    """No negative count and no rate outside [0, 1] in ``marts.<table>``."""

    def check(engine: Engine, settings: Settings) -> tuple[bool, dict]:
        query = out_of_range_sql(engine, table)
        bad = engine.query(f"SELECT count(*) AS n FROM ({query}) AS t").item() if query else 0
        return bad == 0, {"offending_rows": bad}

    return Check(table, "values_in_range", "No negative count and no rate outside [0, 1].", check)


def run(engine: Engine | duckdb.DuckDBPyConnection, check: Check, settings: Settings) -> Outcome:
    """One check on the warehouse (an engine, or a DuckDB warehouse connection)."""
    engine = as_engine(engine)
    if callable(check.query):
        passed, facts = check.query(engine, settings)
        return Outcome(check, passed, facts)
    count = engine.query(f"SELECT count(*) AS n FROM ({check.query}) AS t").item()
    example = ""
    if count:
        row = engine.query(f"SELECT * FROM ({check.query}) AS t LIMIT 1").row(0, named=True)
        example = ", ".join(f"{k}: {v}" for k, v in row.items())
    return Outcome(check, count == 0, {"offending_rows": count, "example": example})


def checks_for(tables: Iterable[str]) -> list[Check]:
    """The checks guarding ``tables`` (``schema.name``): their own checks and, for
    marts, the range check."""
    names = {t.split(".", 1)[1] for t in tables}
    marts = sorted(t.split(".", 1)[1] for t in tables if t.startswith("marts."))
    return [c for c in CHECKS if c.table in names] + [range_check(t) for t in marts]
