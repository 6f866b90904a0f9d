"""Every setting of the product, read once from the environment.

All data paths derive from ``WSI_DATA_DIR`` so that a test, a benchmark or a user can
point the whole product at another folder. The committed reference data (Beijing
divisions) lives in the repository and is found independently of the data folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CRS_CHOICES = ("wgs84", "gcj02", "bd09")
#: the engines that run the models: DuckDB embedded (the default), or Apache Spark
ENGINES = ("duckdb", "spark")
#: ``WSI_LANDING_SETTLE_S`` when unset: an export copied in over a slow link may pause a
#: few seconds; the landing sensor looks every 30 s anyway
LANDING_SETTLE_S = 10.0
_CRS_PREFIX = "WSI_CRS_"


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _source_crs() -> dict[str, str]:
    """``WSI_CRS_<SOURCE>=gcj02`` declares the coordinate system a source's exports use
    (the sources themselves are declared in ``pipelines/ingest/specs.py``)."""
    crs = {}
    for name, value in os.environ.items():
        if not name.startswith(_CRS_PREFIX):
            continue
        value = value.strip().lower() or "wgs84"
        if value not in CRS_CHOICES:
            raise ValueError(f"{name}={value!r}: expected one of {CRS_CHOICES}")
        crs[name.removeprefix(_CRS_PREFIX).lower()] = value
    return crs


def _engine() -> str:
    value = os.environ.get("WSI_ENGINE", "").strip().lower() or "duckdb"
    if value not in ENGINES:
        raise ValueError(f"WSI_ENGINE={value!r}: expected one of {ENGINES}")
    return value


def _refresh_runner() -> str:
    value = os.environ.get("WSI_REFRESH_RUNNER", "").strip().lower() or "subprocess"
    if value not in ("subprocess", "sensor"):
        raise ValueError(f"WSI_REFRESH_RUNNER={value!r}: expected subprocess or sensor")
    return value


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    coverage_radius_m: float = 1000.0
    #: the radii a person may choose on the coverage and siting pages and in ``plan``
    radius_range_m: tuple[float, float] = (100.0, 5000.0)
    pseudonym_key: str | None = None
    siting_k: int = 10
    siting_time_limit_s: float = 10.0
    source_crs: dict[str, str] = field(default_factory=dict)
    map_tiles_url: str | None = None
    #: the maps' basemap (none, tianditu, amap, custom; dashboards/basemaps.py), the
    #: Tianditu key and the coordinate system of a custom tile URL
    map_basemap: str | None = None
    tianditu_key: str | None = None
    map_tiles_crs: str = "wgs84"
    #: months the newest complete month may lag the current one before the dashboard warns
    data_lag_months: int = 1
    reference_dir: Path = REPO_ROOT / "data" / "reference"
    lake_uri: Path | None = None
    #: what runs the models (:data:`ENGINES`); Spark's master URL when it is Spark
    engine: str = "duckdb"
    spark_master: str = "local[*]"
    #: serving snapshots kept: the current one and those before it (a city user may view them)
    keep_snapshots: int = 3
    #: seconds a landing file must go unmodified before it is taken (still being written).
    #: 0 here, so that code and tests that write a file and refresh at once take it; the
    #: environment's default is :data:`LANDING_SETTLE_S`
    landing_settle_s: float = 0.0
    #: the largest file a steward may upload (docs/api.md)
    upload_max_bytes: int = 200 * 1024 * 1024
    #: who runs the refresh an upload asks for: ``subprocess`` (the dashboard starts
    #: ``python -m pipelines run``) or ``sensor`` (the Dagster daemon's landing sensor)
    refresh_runner: str = "subprocess"

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("WSI_DATA_DIR", REPO_ROOT / "data")).resolve()
        return cls(
            data_dir=data_dir,
            coverage_radius_m=_env_float("WSI_COVERAGE_RADIUS_M", 1000.0),
            radius_range_m=(
                _env_float("WSI_RADIUS_MIN_M", 100.0),
                _env_float("WSI_RADIUS_MAX_M", 5000.0),
            ),
            pseudonym_key=os.environ.get("WSI_PSEUDONYM_KEY") or None,
            siting_k=_env_int("WSI_SITING_K", 10),
            siting_time_limit_s=_env_float("WSI_SITING_TIME_LIMIT_S", 10.0),
            source_crs=_source_crs(),
            map_tiles_url=os.environ.get("WSI_MAP_TILES_URL") or None,
            map_basemap=os.environ.get("WSI_MAP_BASEMAP", "").strip().lower() or None,
            tianditu_key=os.environ.get("WSI_TIANDITU_KEY", "").strip() or None,
            map_tiles_crs=os.environ.get("WSI_MAP_TILES_CRS", "").strip().lower() or "wgs84",
            lake_uri=Path(os.environ["WSI_LAKE_URI"]) if os.environ.get("WSI_LAKE_URI") else None,
            data_lag_months=_env_int("WSI_DATA_LAG_MONTHS", 1),
            engine=_engine(),
            spark_master=os.environ.get("WSI_SPARK_MASTER", "").strip() or "local[*]",
            keep_snapshots=max(1, _env_int("WSI_KEEP_SNAPSHOTS", 3)),
            landing_settle_s=max(0.0, _env_float("WSI_LANDING_SETTLE_S", LANDING_SETTLE_S)),
            upload_max_bytes=int(_env_float("WSI_UPLOAD_MAX_MB", 200.0) * 1024 * 1024),
            refresh_runner=_refresh_runner(),
        )

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def lake_dir(self) -> Path:
        """The raw layer (``WSI_LAKE_URI``, default ``<data>/lake``): one Parquet file per
        landing file, read by both engines."""
        return self.lake_uri or self.data_dir / "lake"

    @property
    def warehouse_path(self) -> Path:
        """The working DuckDB database. With Spark it holds the refresh's bookkeeping and
        views over the tables Spark writes (:attr:`tables_dir`): a file of its own, so that
        switching engines starts a full build instead of trusting the other's state."""
        name = "warehouse.duckdb" if self.engine == "duckdb" else f"warehouse-{self.engine}.duckdb"
        return self.data_dir / name

    @property
    def tables_dir(self) -> Path:
        """Where the Spark engine writes the models' tables: ``<lake>/tables/<schema>/<model>/``."""
        return self.lake_dir / "tables"

    @property
    def serving_dir(self) -> Path:
        return self.data_dir / "serving"

    @property
    def snapshot_path(self) -> Path:
        return self.serving_dir / "current.duckdb"

    @property
    def snapshot_history_dir(self) -> Path:
        """The last ``keep_snapshots`` published snapshots (:mod:`pipelines.snapshots`)."""
        return self.serving_dir / "history"

    @property
    def refresh_lock_path(self) -> Path:
        """Held by whatever writes the lake, the warehouse or the snapshot, and by backups."""
        return self.data_dir / ".refresh.lock"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def secret_path(self) -> Path:
        return self.data_dir / ".secret"

    @property
    def users_path(self) -> Path:
        return self.data_dir / "users.json"

    @property
    def targets_path(self) -> Path:
        """The targets and attention thresholds (pipelines/targets.py)."""
        return self.data_dir / "targets.toml"

    @property
    def auth_state_path(self) -> Path:
        """Sessions and failed-login counters (dashboards/auth/state.py): no backup needed."""
        return self.data_dir / "auth.sqlite"

    @property
    def uploads_dir(self) -> Path:
        """Uploaded files waiting for their steward's accept (``staged/``) and dry runs."""
        return self.data_dir / "uploads"

    @property
    def uploads_db_path(self) -> Path:
        """Uploads, the landing registry, refresh requests and the audit log
        (pipelines/uploads/store.py)."""
        return self.data_dir / "uploads.sqlite"

    @property
    def divisions_csv(self) -> Path:
        return self.reference_dir / "beijing_divisions_2023.csv"

    @property
    def districts_geojson(self) -> Path:
        return self.reference_dir / "beijing_districts_wgs84.geojson"

    def crs_for(self, source: str) -> str:
        return self.source_crs.get(source, "wgs84")


def get_settings() -> Settings:
    """The settings as the environment gives them now (cheap; not cached, so tests can
    point ``WSI_DATA_DIR`` elsewhere with ``monkeypatch.setenv``)."""
    return Settings.from_env()
