"""One Spark session (local mode, two threads) for every Spark test of the run: starting
the JVM costs seconds, so the tests share it and never stop it themselves."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

#: small and quiet, on the loopback interface only
TEST_CONF = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.memory": "1g",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "2",
}


def require_java() -> None:
    if shutil.which("java") is None:
        pytest.fail("no java on PATH: `make java-deps` installs openjdk-17-jre-headless")


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    require_java()
    from pipelines.engines.spark_resource import build_session, session_config

    session = build_session(session_config("local[2]", TEST_CONF, app_name="wsi-tests"))
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
