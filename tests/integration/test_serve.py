"""``make serve`` for real: deploy/supervise.py runs gunicorn, the Dagster webserver and
the Dagster daemon over one data folder and one Dagster instance; the dashboard comes
back after its master is killed, the daemon beats for the sensor and schedule loops,
and SIGTERM ends every process of the set."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import psutil
import pytest
import requests

from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except requests.RequestException:
            value = None
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"not within {timeout} s: {what}")


def _program(supervisor: psutil.Process, executable: str) -> psutil.Process | None:
    """The supervisor's child running ``executable`` (a program's leader)."""
    for child in supervisor.children():
        try:
            cmdline = child.cmdline()
        except psutil.Error:  # gone, or a zombie not yet reaped
            continue
        if len(cmdline) > 1 and any(Path(part).name == executable for part in cmdline[:2]):
            return child
    return None


def test_the_three_run_restart_and_stop_together(tmp_path: Path) -> None:
    data, home = tmp_path / "data", tmp_path / "dagster_home"
    (data / "serving").mkdir(parents=True)
    (data / "landing").mkdir()
    build_synthetic_snapshot(data / "serving" / "current.duckdb", 3)
    web, dagster_web = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WSI_", "DAGSTER_"))}
    env.update(
        WSI_DATA_DIR=str(data),
        DAGSTER_HOME=str(home),
        WSI_BIND=f"127.0.0.1:{web}",
        WSI_DAGSTER_BIND=f"127.0.0.1:{dagster_web}",
    )
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "deploy/supervise.py", "--grace", "30"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    supervisor = psutil.Process(process.pid)
    seen: set[psutil.Process] = set()
    try:
        healthz = f"http://127.0.0.1:{web}/healthz"
        _wait_for(lambda: requests.get(healthz, timeout=30).status_code == 200, 180, "dashboard")
        server_info = f"http://127.0.0.1:{dagster_web}/server_info"
        _wait_for(lambda: requests.get(server_info, timeout=30).ok, 240, "dagster webserver")
        assert (home / "dagster.yaml").read_text() == (REPO / "deploy/dagster.yaml").read_text()
        with dg.DagsterInstance.from_config(str(home)) as instance:
            _wait_for(
                lambda: (
                    {"SENSOR", "SCHEDULER", "QUEUED_RUN_COORDINATOR"}
                    <= set(instance.get_daemon_heartbeats())
                ),
                240,
                "the daemon's sensor, scheduler and run-queue heartbeats",
            )
        seen |= set(supervisor.children(recursive=True))

        gunicorn = _program(supervisor, "gunicorn")
        assert gunicorn is not None
        gunicorn.kill()
        _wait_for(
            lambda: (new := _program(supervisor, "gunicorn")) and new.pid != gunicorn.pid,
            30,
            "a new gunicorn master",
        )
        _wait_for(lambda: requests.get(healthz, timeout=30).status_code == 200, 180, "back")
        seen |= set(supervisor.children(recursive=True))

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=90) == 0
        time.sleep(1)
        left = [p for p in seen if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert left == [], f"left running: {[(p.pid, p.cmdline()) for p in left]}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            for leftover in supervisor.children(recursive=True) if supervisor.is_running() else []:
                leftover.kill()
    log_text = log_path.read_text(errors="replace")
    assert "dashboard exited (signal SIGKILL)" in log_text
    assert "SIGTERM: stopping every program" in log_text and "[supervise] stopped" in log_text


def test_the_daemon_runs_the_sensor_and_schedules_without_a_click() -> None:
    from pipelines.definitions import build_definitions

    repository = build_definitions().get_repository_def()
    automations = [*repository.schedule_defs, *repository.sensor_defs]
    assert {a.name for a in repository.schedule_defs} >= {"monthly_refresh"}
    assert len(repository.sensor_defs) >= 1
    stopped = [a.name for a in automations if a.default_status.value != "RUNNING"]
    assert stopped == []
