"""What every benchmark part needs: running a command while measuring its process tree,
the machine and versions a figure was taken on, fresh data folders, and medians.

Figures are taken on a machine that may be shared, so each one carries the load
average (1/5/15 min) from before and after it.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work"
PY = sys.executable


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def loadavg() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def measure(cmd: list[str], env: dict | None = None, log_path: Path | None = None) -> dict:
    """Run ``cmd``: its wall time, exit code, and the peak RSS and CPU seconds of its whole
    process tree (polled every 0.1 s with psutil: the ingestion workers are grandchildren,
    which ``getrusage`` does not count)."""
    peak = 0
    cpu: dict[int, float] = {}
    load_before = loadavg()
    out = log_path.open("w") if log_path else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(
        cmd,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=out,
        text=True,
    )
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        root = psutil.Process(process.pid)
        while not done.is_set():
            rss = 0
            with contextlib.suppress(psutil.Error):
                for p in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        rss += p.memory_info().rss
                        times = p.cpu_times()
                        cpu[p.pid] = times.user + times.system
            peak = max(peak, rss)
            done.wait(0.1)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    stdout, _ = process.communicate()
    wall = time.perf_counter() - started
    done.set()
    poller.join()
    if log_path:
        out.close()
    return {
        "wall_s": round(wall, 2),
        "peak_rss_gb": round(peak / 2**30, 3),
        # user + system seconds: less sensitive than wall time to other work on the machine
        "cpu_s": round(sum(cpu.values()), 2),
        "rc": process.returncode,
        "load": f"{load_before} → {loadavg()}",
        "stdout": stdout,
    }


def run_pipeline(data_dir: Path, log_path: Path, env: dict | None = None) -> dict:
    """``python -m pipelines run`` on ``data_dir``, measured, with the refresh's own
    account of its steps (``--report-json``): ``steps`` (ingest, models, checks, publish
    …) and ``models`` (seconds per rebuilt model)."""
    report_path = log_path.with_suffix(".json")
    report_path.unlink(missing_ok=True)
    result = measure(
        [PY, "-m", "pipelines", "run", "--report-json", str(report_path)],
        {"WSI_DATA_DIR": str(data_dir), **(env or {})},
        log_path,
    )
    result.pop("stdout")
    if result["rc"] != 0:
        log(f"pipeline exited {result['rc']}: see {log_path}")
    if report_path.exists():
        report = json.loads(report_path.read_text())
        seconds = report["seconds"]
        result["steps"] = {k: v for k, v in seconds.items() if not k.startswith("model:")}
        result["models"] = {k[6:]: v for k, v in seconds.items() if k.startswith("model:")}
        result["rebuilt"] = report["rebuilt"]
        result["ingested"] = len(report["ingested"])
    return result


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "load": loadavg(),
    }


def versions() -> dict:
    import dash
    import duckdb
    import polars

    return {
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "polars": polars.__version__,
        "dash": dash.__version__,
    }


def link_landing(landing: Path, target: Path, exclude: tuple[str, ...] = ()) -> Path:
    """A fresh data folder ``target`` whose ``landing/`` holds hard links to ``landing``'s
    files (modification times kept), but for ``exclude`` (paths relative to landing)."""
    shutil.rmtree(target, ignore_errors=True)
    for src in landing.rglob("*"):
        rel = src.relative_to(landing)
        if src.is_dir() or str(rel) in exclude or src.name == "demo_manifest.json":
            continue
        dst = target / "landing" / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.link(src, dst)
    return target


def copy_state(source: Path, target: Path) -> Path:
    """A copy of a data folder after a refresh. Landing files and the lake's Parquet files
    (never written in place: a new version is a new name) are hard-linked; everything
    else — the warehouse, the snapshot, the lake's records — is copied."""
    shutil.rmtree(target, ignore_errors=True)

    def copy(src: str, dst: str) -> None:
        immutable = "/landing/" in src or src.endswith(".parquet")
        if immutable:
            os.link(src, dst)
        else:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=copy, symlinks=True)
    return target


def median_of(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None and r.get("rc", 0) == 0]
    return round(statistics.median(values), 3) if values else None
