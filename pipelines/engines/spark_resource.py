"""The Spark session as a Dagster resource, for the Spark engine (``WSI_ENGINE=spark``).

:class:`SparkResource` is dagster-pyspark's ``LazyPySparkResource``: the session is
configured by ``spark_config`` and started the first time an asset asks for it, so a
run whose selected steps never touch Spark pays nothing for the JVM. What it adds: the
settings every session of this project needs (:data:`MODEL_CONF`), ``from_env`` (the
master from ``WSI_SPARK_MASTER``, default ``local[*]``), and stopping at the end of a
run the session it started (one the process already ran is reused and left running).

Importing this module imports pyspark (not the JVM): ``pipelines.definitions`` imports
it only under the Spark engine.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import dagster as dg
from dagster_pyspark import LazyPySparkResource
from pydantic import PrivateAttr

from pipelines.settings import Settings, get_settings

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: what the models need of any session: DuckDB's TIMESTAMP carries no time zone, so
#: Spark's timestamps are TIMESTAMP_NTZ (written to Parquet as DuckDB reads them back) and
#: the session's time zone (used where a date meets a zoned timestamp) is UTC; ANSI mode
#: (Spark 4's default) fails on a bad cast as DuckDB does instead of returning NULL; JSON
#: with a key twice is valid JSON to DuckDB's json_valid, so try_parse_json must take it;
#: and to_json writes a NULL field as null, as DuckDB does, instead of leaving it out
MODEL_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.variant.allowDuplicateKeys": "true",
    "spark.sql.jsonGenerator.ignoreNullFields": "false",
}


def session_config(
    master: str, conf: dict[str, str] | None = None, app_name: str = "warm-station-insights"
) -> dict[str, str]:
    """A session's settings: the master, :data:`MODEL_CONF`, then ``conf``."""
    settings = {"spark.master": master, "spark.app.name": app_name, **MODEL_CONF}
    # a run's log is a file or Dagster's: no progress bars drawn over it
    settings["spark.ui.showConsoleProgress"] = "false"
    if master.startswith("local"):
        # local Python workers run this interpreter (and so this environment's packages)
        settings["spark.pyspark.python"] = sys.executable
    return settings | (conf or {})


def build_session(config: dict[str, str]) -> SparkSession:
    """A Spark session with ``config`` (:func:`session_config`), or the running one."""
    from pyspark.sql import SparkSession

    if "spark.pyspark.python" in config:
        # a session started from Python sends its workers PYSPARK_PYTHON (else `python3`
        # on the PATH), whatever the setting says
        os.environ.setdefault("PYSPARK_PYTHON", config["spark.pyspark.python"])
    builder = SparkSession.builder
    for key, value in config.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkResource(LazyPySparkResource):
    """A Spark session with the project's settings, started on first use."""

    _owned: bool = PrivateAttr(default=False)

    @classmethod
    def from_env(
        cls, settings: Settings | None = None, conf: dict[str, str] | None = None
    ) -> SparkResource:
        """The resource for ``settings.spark_master`` (``WSI_SPARK_MASTER``), with
        further Spark settings ``conf`` (memory, executors …)."""
        settings = settings or get_settings()
        return cls(spark_config=session_config(settings.spark_master, conf))

    def _init_session(self) -> None:
        if self._spark_session is None:
            from pyspark.sql import SparkSession

            # a session this process already runs (a test's, a notebook's) is not ours to stop
            self._owned = SparkSession.getActiveSession() is None
            self._spark_session = build_session(self.spark_config)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the session if this resource started it."""
        session: Any = self._spark_session
        if session is not None and self._owned:
            session.stop()
        self._spark_session = None
