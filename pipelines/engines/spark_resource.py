"""The Spark session as a Dagster resource, for the Spark engine (``WSI_ENGINE=spark``).

Configured from ``WSI_SPARK_MASTER`` (default ``local[*]``) and ``WSI_LAKE_URI`` (default
``<data>/lake``). Importing this module is cheap: pyspark is imported, and the JVM
started, the first time an asset asks for the session, so a DuckDB run (or a Spark run
whose selected steps never touch Spark) pays nothing. The session it started is stopped
when the run's resources are torn down (one already running in the process is reused and
left running).

It offers ``spark_session`` and ``spark_context`` like dagster-pyspark's
``PySparkResource``, which it does not subclass: that module imports pyspark when
imported, eagerly starts the session, and has no place for the lake.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import dagster as dg
from pydantic import PrivateAttr

from pipelines.settings import get_settings

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

#: what the models need of any session: DuckDB's TIMESTAMP carries no time zone, so
#: Spark's timestamps are TIMESTAMP_NTZ (written to Parquet as DuckDB reads them back) and
#: the session's time zone (used where a date meets a zoned timestamp) is UTC; ANSI mode
#: (Spark 4's default) fails on a bad cast as DuckDB does instead of returning NULL; JSON
#: with a key twice is valid JSON to DuckDB's json_valid, so try_parse_json must take it
MODEL_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.variant.allowDuplicateKeys": "true",
}


def build_session(
    master: str, conf: dict[str, str] | None = None, app_name: str = "warm-station-insights"
) -> SparkSession:
    """A Spark session on ``master`` with :data:`MODEL_CONF` and then ``conf``."""
    from pyspark.sql import SparkSession

    settings = dict(MODEL_CONF)
    if master.startswith("local"):
        # local Python workers run this interpreter (and so this environment's packages)
        settings["spark.pyspark.python"] = sys.executable
    settings.update(conf or {})
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkResource(dg.ConfigurableResource):
    """A Spark session (started on first use) and the lake its tables live in."""

    master: str = "local[*]"
    #: a local folder, or an s3a:// / hdfs:// URI the cluster reaches
    lake_uri: str
    #: further Spark settings (memory, executors, s3a credentials provider …)
    spark_conf: dict[str, str] = {}  # noqa: RUF012 (pydantic copies defaults)

    _session: Any = PrivateAttr(default=None)
    _owned: bool = PrivateAttr(default=False)

    @classmethod
    def from_env(cls) -> SparkResource:
        """The resource as ``WSI_SPARK_MASTER`` and ``WSI_LAKE_URI`` configure it."""
        lake = os.environ.get("WSI_LAKE_URI", "").strip()
        return cls(
            master=os.environ.get("WSI_SPARK_MASTER", "").strip() or "local[*]",
            lake_uri=lake or str(get_settings().data_dir / "lake"),
        )

    @property
    def spark_session(self) -> SparkSession:
        if self._session is None:
            from pyspark.sql import SparkSession

            # a session this process already runs (a test's, a notebook's) is not ours to stop
            self._owned = SparkSession.getActiveSession() is None
            self._session = build_session(self.master, self.spark_conf)
        return self._session

    @property
    def spark_context(self) -> SparkContext:
        return self.spark_session.sparkContext

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._session is not None and self._owned:
            self._session.stop()
        self._session = None
