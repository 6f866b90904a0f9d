"""A real Spark standalone cluster on localhost for tests: one master and two workers,
started from pyspark's own jars (``org.apache.spark.deploy.master.Master`` and
``…worker.Worker``), each worker with 1 core and 1 GB for executors.

Every daemon runs in its own process group, which the executors it launches join, and
asks the kernel to send it SIGTERM when the test process dies (``PR_SET_PDEATHSIG``), so
that no JVM outlives the tests even when pytest is killed. Everything listens on
127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyspark

SPARK_HOME = Path(pyspark.__file__).parent
_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spark_home(folder: Path) -> Path:
    """pyspark's files as a Spark distribution: a worker builds its executors' class path
    from ``$SPARK_HOME/jars`` only where a ``RELEASE`` file marks a distribution (else it
    looks for a source build), and pyspark's package has none."""
    folder.mkdir(parents=True, exist_ok=True)
    for entry in SPARK_HOME.iterdir():
        (folder / entry.name).symlink_to(entry)
    (folder / "RELEASE").write_text(f"Spark {pyspark.__version__} (pyspark's jars)\n")
    return folder


def scala_version() -> str:
    """The Scala version pyspark's jars are built for (``spark-core_2.13-….jar``)."""
    (core,) = (SPARK_HOME / "jars").glob("spark-core_*.jar")
    return core.name.removeprefix("spark-core_").split("-")[0]


def _die_with_parent() -> None:  # runs in the child between fork and exec
    os.setsid()
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Cluster:
    url: str
    web_ui: str
    processes: list[subprocess.Popen]
    logs: Path

    def state(self) -> dict:
        """The master's own account (its web UI's /json/): workers, applications."""
        with urllib.request.urlopen(f"{self.web_ui}/json/", timeout=5) as response:
            return json.load(response)

    def alive_workers(self) -> list[dict]:
        return [w for w in self.state()["workers"] if w["state"] == "ALIVE"]

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(
            f"--- {log.name}\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
            for log in sorted(self.logs.glob("*.log"))
        )


def _daemon(main_class: str, args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    command = ["java", "-Xmx256m", "-cp", f"{SPARK_HOME / 'jars'}/*", main_class, *args]
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=_die_with_parent,
        )


def stop(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each daemon's process group (the daemon and its executors), then SIGKILL
    whatever has not exited 15 s later."""
    for process in reversed(processes):  # workers first, then the master
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def standalone_cluster(
    work_dir: Path, workers: int = 2, worker_memory: str = "1g", timeout_s: float = 120
) -> Iterator[Cluster]:
    """Start a master and ``workers`` workers, wait until all registered, yield the
    cluster, and stop every process however the body ends."""
    logs = work_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # executors need none
    env |= {
        "SPARK_HOME": str(spark_home(work_dir / "spark-home")),
        "SPARK_LOCAL_IP": "127.0.0.1",
        # what spark-class's load-spark-env.sh would set: the launcher asks for it
        "SPARK_SCALA_VERSION": scala_version(),
    }
    port, ui_port = free_port(), free_port()
    url = f"spark://127.0.0.1:{port}"
    processes = [
        _daemon(
            "org.apache.spark.deploy.master.Master",
            ["--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui_port)],
            logs / "master.log",
            env,
        )
    ]
    cluster = Cluster(url, f"http://127.0.0.1:{ui_port}", processes, logs)
    try:
        for n in range(workers):
            folder = work_dir / f"worker-{n}"
            folder.mkdir(exist_ok=True)
            args = ["--host", "127.0.0.1", "--cores", "1", "--memory", worker_memory,
                    "--webui-port", str(free_port()), "--work-dir", str(folder), url]  # fmt: skip
            processes.append(
                _daemon(
                    "org.apache.spark.deploy.worker.Worker", args, logs / f"worker-{n}.log", env
                )
            )
        deadline = time.monotonic() + timeout_s
        while True:
            if any(p.poll() is not None for p in processes):
                raise RuntimeError(f"a Spark daemon exited while starting:\n{cluster.log_tail()}")
            with contextlib.suppress(OSError):
                if len(cluster.alive_workers()) == workers:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{workers} workers not registered in {timeout_s} s:\n"
                                   f"{cluster.log_tail()}")  # fmt: skip
            time.sleep(0.5)
        yield cluster
    finally:
        stop(processes)
