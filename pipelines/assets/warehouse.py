"""The warehouse models: ``sql/staging`` then ``sql/marts``, one model a file, one asset a model.

A model is a file: ``sql/<schema>/<name>.sql`` holds one SELECT that is materialised as
``CREATE OR REPLACE TABLE <schema>.<name>`` (or a view, when its header has the line
``-- materialized: view``: for a big staging step whose every reader aggregates it, a view
spares writing millions of rows to disk); ``sql/<schema>/<name>.py`` is a Python
model whose ``build(con, table)`` writes that table (for the few steps SQL does badly).
The header comment (or docstring) becomes the asset's description, and its dependencies
are read from the file: ``raw.X`` is the ingest asset ``raw_X``, ``meta.*`` the ingest
bookkeeping (all ingest assets), ``staging.Y`` / ``marts.Z`` the models ``Y`` / ``Z``.
Adding a model is adding a file. Settings reach SQL as DuckDB variables
(``getvariable('coverage_radius_m')``), never as literals.

The plain functions (:func:`load_models`, :func:`run_model`, :func:`run_models`) are what
Dagster calls and what tests call directly on a DuckDB connection.
"""

import graphlib
import importlib.util
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np

from pipelines.ingest.specs import SPECS
from pipelines.planning.geo import pairs_within
from pipelines.settings import REPO_ROOT, Settings, get_settings
from pipelines.warehouse import WarehouseResource

SQL_DIR = REPO_ROOT / "sql"
MODEL_SCHEMAS = ("staging", "marts")
_REFERENCE = re.compile(r"\b(raw|meta|staging|marts)\.([a-z_][a-z0-9_]*)\b")


@dataclass(frozen=True)
class Model:
    schema: str
    name: str
    path: Path
    description: str
    #: tables read, as (schema, table)
    reads: frozenset[tuple[str, str]]
    #: "table", or "view" when the header says ``-- materialized: view``
    materialized: str = "table"

    @property
    def table(self) -> str:
        return f"{self.schema}.{self.name}"


_MATERIALIZED = re.compile(r"^--\s*materialized:\s*(table|view)\s*$", re.MULTILINE)


def _description(path: Path, text: str) -> str:
    if path.suffix == ".sql":
        lines = []
        for line in text.splitlines():
            if not line.startswith("--"):
                break
            if not _MATERIALIZED.match(line):
                lines.append(line[2:].strip())
        return " ".join(lines)
    spec = text.split('"""')
    return " ".join(spec[1].split()) if len(spec) > 2 else ""


@cache
def load_models(sql_dir: Path = SQL_DIR) -> tuple[Model, ...]:
    """Every model under ``sql_dir``, in an order where a model comes after what it reads."""
    found: dict[str, Model] = {}
    for schema in MODEL_SCHEMAS:
        for path in sorted((sql_dir / schema).glob("*")):
            if path.suffix not in (".sql", ".py") or path.name.startswith("_"):
                continue
            text = path.read_text(encoding="utf-8")
            reads = frozenset(_REFERENCE.findall(text)) - {(schema, path.stem)}
            if path.stem in found:
                raise ValueError(f"two models named {path.stem!r}: asset keys must be unique")
            how = _MATERIALIZED.search(text)
            found[path.stem] = Model(
                schema,
                path.stem,
                path,
                _description(path, text),
                reads,
                how.group(1) if how else "table",
            )
    graph = {
        name: {t for s, t in m.reads if s in MODEL_SCHEMAS and t in found}
        for name, m in found.items()
    }
    return tuple(found[name] for name in graphlib.TopologicalSorter(graph).static_order())


#: every header a personal column may be written under, normalised as in header matching
PERSONAL_HEADERS = sorted(
    {
        "".join(name.split()).casefold()
        for spec in SPECS.values()
        for column in spec.columns
        if column.personal
        for name in (column.name, *column.aliases)
    }
)


def set_parameters(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The settings (and spec facts) that models read with ``getvariable``."""
    con.execute(f"SET VARIABLE coverage_radius_m = {float(settings.coverage_radius_m)!r}")
    con.execute("SET VARIABLE personal_headers = ?::VARCHAR[]", [PERSONAL_HEADERS])


def run_model(con: duckdb.DuckDBPyConnection, model: Model, settings: Settings) -> int | None:
    """Materialise one model; returns its row count (None for a view)."""
    set_parameters(con, settings)
    if model.path.suffix == ".sql":
        select = model.path.read_text(encoding="utf-8").strip().rstrip(";")
        existing = con.execute(
            """
            SELECT 'view' FROM duckdb_views() WHERE schema_name = ? AND view_name = ?
            UNION ALL
            SELECT 'table' FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?
            """,
            [model.schema, model.name] * 2,
        ).fetchall()
        if existing and existing[0][0] != model.materialized:  # the model changed its kind
            con.execute(f"DROP {existing[0][0].upper()} {model.table}")
        con.execute(f"CREATE OR REPLACE {model.materialized.upper()} {model.table} AS\n{select}")
    else:
        spec = importlib.util.spec_from_file_location(f"wsi_model_{model.name}", model.path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.build(con, model.table)
    if model.materialized == "view":
        return None  # counting would be one more pass over what the view reads
    return con.execute(f"SELECT count(*) FROM {model.table}").fetchall()[0][0]


def run_models(
    con: duckdb.DuckDBPyConnection, settings: Settings, models: Iterable[Model] | None = None
) -> dict[str, int | None]:
    """Materialise the models (all of them by default) in dependency order."""
    return {m.table: run_model(con, m, settings) for m in (models or load_models())}


# --- Dagster ------------------------------------------------------------------------------

INGEST_ASSETS = tuple(dg.AssetKey(f"raw_{source}") for source in SPECS)


def _deps(model: Model) -> list[dg.AssetKey]:
    keys: set[dg.AssetKey] = set()
    for schema, table in model.reads:
        if schema == "raw":
            keys.add(dg.AssetKey(f"raw_{table}"))
        elif schema == "meta":
            keys.update(INGEST_ASSETS)
        else:
            keys.add(dg.AssetKey(table))
    return sorted(keys, key=lambda k: k.to_user_string())


def model_asset(model: Model) -> dg.AssetsDefinition:
    """One asset materialising one model."""
    kind = "sql" if model.path.suffix == ".sql" else "python"

    @dg.asset(
        name=model.name,
        group_name=model.schema,
        kinds={"duckdb", kind},
        deps=_deps(model),
        description=model.description,
        metadata={"table": model.table, "file": str(model.path.relative_to(REPO_ROOT))},
    )
    def _materialise(warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            rows = run_model(con, model, get_settings())
        metadata = {"table": model.table, "materialized": model.materialized}
        if rows is not None:
            metadata["dagster/row_count"] = rows
        return dg.MaterializeResult(metadata=metadata)

    return _materialise


# --- Asset checks: each query returns the offending rows; none means the check passes.

ADDITIVE = (
    "active_stations", "standard_stations", "accepted_stations", "visits",
    "outdoor_workers", "covered_workers", "communities", "covered_communities",
)  # fmt: skip
#: counts whose rows may lack a place below the city (unmatched calls, unplaced drives)
AT_MOST = ("calls", "resolved", "backlog", "drives", "reached", "enrolled")
COUNTS = (*ADDITIVE, *AT_MOST, "unique_workers")


def _rollup(child: str, parent: str) -> str:
    sums = ", ".join(f"sum(k.{c}) AS {c}" for c in (*ADDITIVE, *AT_MOST))
    differs = " OR ".join(
        [f"p.{c} <> coalesce(s.{c}, 0)" for c in ADDITIVE]
        + [f"p.{c} < coalesce(s.{c}, 0)" for c in AT_MOST]
    )
    return f"""
        WITH s AS (
            SELECT k.month, k.parent_code, {sums}
            FROM marts.kpi_monthly AS k WHERE k.scope_level = '{child}' GROUP BY ALL
        )
        SELECT p.month, p.scope_code FROM marts.kpi_monthly AS p
        LEFT JOIN s ON s.month = p.month AND s.parent_code = p.scope_code
        WHERE p.scope_level = '{parent}' AND ({differs})
    """


SQL_CHECKS: tuple[tuple[str, str, str, str], ...] = (
    (
        "kpi_monthly",
        "districts_sum_to_city",
        "Additive counts of the districts sum to the city (calls and drives at most: "
        "unassigned ones count in the city only).",
        _rollup("district", "city"),
    ),
    (
        "kpi_monthly",
        "communities_sum_to_subdistricts",
        "Additive counts of the communities sum to their subdistrict, and subdistricts "
        "to their district.",
        f"SELECT * FROM ({_rollup('community', 'subdistrict')}) UNION ALL "
        f"SELECT * FROM ({_rollup('subdistrict', 'district')})",
    ),
    (
        "kpi_monthly",
        "visits_equal_staging",
        "The city's monthly visits equal the visits of the staged usage rows.",
        """
        WITH staged AS (SELECT month, sum(visits) AS visits FROM staging.stg_usage GROUP BY 1)
        SELECT k.month FROM marts.kpi_monthly AS k LEFT JOIN staged USING (month)
        WHERE k.scope_level = 'city' AND k.visits <> coalesce(staged.visits, 0)
        """,
    ),
    (
        "kpi_monthly",
        "counts_are_never_null",
        "No count is NULL (a count over an empty set is 0) or negative.",
        "SELECT month, scope_code FROM marts.kpi_monthly WHERE "
        + " OR ".join(f"coalesce({c} < 0, true)" for c in COUNTS),
    ),
    (
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
)

#: radii (multiples of the setting) at which coverage is recomputed to check it never falls
CHECK_RADIUS_FACTORS = (0.5, 1.0, 1.5, 2.0)


def coverage_by_radius(
    con: duckdb.DuckDBPyConnection, radii_m: Iterable[float]
) -> dict[float, int]:
    """Covered workers in the latest month at each radius, recomputed independently of
    the SQL grid (KD-tree, pipelines/planning/geo.py)."""
    communities = con.execute(
        "SELECT lat, lon, outdoor_workers FROM marts.communities ORDER BY community_code"
    ).fetchnumpy()
    stations = con.execute(
        """
        SELECT s.lat, s.lon FROM marts.station_monthly AS sm JOIN marts.stations AS s
            USING (station_id)
        WHERE sm.active AND sm.month = (SELECT max(month) FROM marts.station_monthly)
        """
    ).fetchnumpy()
    workers = np.asarray(communities["outdoor_workers"], dtype=np.int64)
    result = {}
    for radius in radii_m:
        i, _, _ = pairs_within(
            communities["lat"], communities["lon"], stations["lat"], stations["lon"], radius
        )
        result[radius] = int(workers[np.unique(i)].sum())
    return result


def _sql_check(asset: str, name: str, description: str, query: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=asset, name=name, description=description, blocking=True)
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            bad = con.execute(f"SELECT count(*), any_value(t) FROM ({query}) AS t").fetchall()[0]
        return dg.AssetCheckResult(
            passed=bad[0] == 0,
            metadata={"offending_rows": bad[0], "example": str(bad[1]) if bad[1] else ""},
        )

    return _check


@dg.asset_check(
    asset="community_coverage",
    description="Coverage never falls as the radius grows, and the SQL grid agrees with a "
    "KD-tree at the default radius (latest month).",
    blocking=True,
)
def coverage_grows_with_radius(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    radius = get_settings().coverage_radius_m
    with warehouse.connect() as con:
        by_radius = coverage_by_radius(con, [radius * f for f in CHECK_RADIUS_FACTORS])
        published = con.execute(
            """
            SELECT coalesce(sum(CASE WHEN covered THEN outdoor_workers END), 0)
            FROM marts.community_coverage
            WHERE month = (SELECT max(month) FROM marts.community_coverage)
            """
        ).fetchall()[0][0]
    values = list(by_radius.values())
    monotone = all(a <= b for a, b in itertools.pairwise(values))
    agrees = by_radius[radius] == published
    return dg.AssetCheckResult(
        passed=monotone and agrees,
        metadata={
            **{f"covered_workers_at_{r:g}_m": v for r, v in by_radius.items()},
            "covered_workers_published": int(published),
        },
    )


def out_of_range(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows of ``marts.<table>`` with a negative integer (every integer a mart publishes is
    a count, a number of seats, a weekday or an hour) or a ``*_rate`` outside [0, 1]."""
    columns = con.execute(
        """
        SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'marts' AND table_name = ? AND table_catalog = current_database()
        """,
        [table],
    ).fetchall()
    tests = [f'"{c}" < 0' for c, t in columns if "INT" in t.upper()]
    tests += [f'NOT "{c}" BETWEEN 0 AND 1' for c, _ in columns if c.endswith("_rate")]
    if not tests:
        return 0
    where = " OR ".join(f"coalesce({t}, false)" for t in tests)
    return con.execute(f"SELECT count(*) FROM marts.{table} WHERE {where}").fetchall()[0][0]


def _range_check(model: Model) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=model.name,
        name="values_in_range",
        description="No negative count and no rate outside [0, 1].",
        blocking=True,
    )
    def _check(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            bad = out_of_range(con, model.name)
        return dg.AssetCheckResult(passed=bad == 0, metadata={"offending_rows": bad})

    return _check


defs = dg.Definitions(
    assets=[model_asset(m) for m in load_models()],
    asset_checks=[
        *(_sql_check(*c) for c in SQL_CHECKS),
        *(_range_check(m) for m in load_models() if m.schema == "marts"),
        coverage_grows_with_radius,
    ],
)
