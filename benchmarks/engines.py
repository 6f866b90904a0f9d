"""``python -m benchmarks.engines``: the whole refresh on DuckDB and on Spark local over the
same lake, at the sizes given, for docs/scale-out.md.

For each size the demo data is generated (``demo-data --scale …``; ``national:N`` is
``--scale national --volume N``) and ingested once (by the first engine's refresh); each
engine refreshes its own copy of that lake from nothing (register, every model, the
checks, the snapshot), in a process of its own, and the phases' seconds are reported
with the usage rows, the rows a second and the rows a second per core it was given.
Printed as Markdown, and as JSON with ``--json``.

    python -m benchmarks.engines small national:1000000 [--cores 2] [--engines duckdb spark]

Spark local is given ``--cores`` threads (``local[N]``); DuckDB takes every core of the
machine (its default), so ``--cores`` should be the machine's count for the per-core
figures to compare like with like. The load average says how busy the shared machine was.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from pipelines.settings import REPO_ROOT

#: run in a child process per engine: one refresh, its phases' seconds as JSON
CHILD = """
import json, sys
from pipelines.refresh import refresh
report = refresh(workers=1)
print(json.dumps({k: v for k, v in report.seconds.items() if not k.startswith("model:")}))
"""


def generate(size: str, seed: int, data_dir: Path) -> None:
    scale, _, volume = size.partition(":")
    command = [sys.executable, "-m", "pipelines", "demo-data", "--scale", scale]
    command += ["--seed", str(seed), "--out", str(data_dir / "landing")]
    if volume:
        command += ["--volume", volume]
    subprocess.run(command, check=True, cwd=REPO_ROOT, capture_output=True)


def run_engine(engine: str, data_dir: Path, cores: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WSI_")} | {
        "WSI_DATA_DIR": str(data_dir),
        "WSI_ENGINE": engine,
        "WSI_SPARK_MASTER": f"local[{cores}]",
        "PYTHONPATH": str(REPO_ROOT),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, cwd=REPO_ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"{engine} refresh failed:\n{done.stderr[-3000:]}")
    seconds = json.loads(done.stdout.strip().splitlines()[-1])
    seconds["process"] = round(time.perf_counter() - started, 1)
    return seconds


def usage_rows(data_dir: Path) -> int:
    con = duckdb.connect(str(data_dir / "serving" / "current.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT sum(rows_loaded) FROM ingest_files WHERE source = 'usage'"
        ).fetchall()[0][0]
    finally:
        con.close()


def measure(size: str, engines: list[str], cores: int, seed: int, work: Path) -> list[dict]:
    """Each engine's refresh of the demo data of ``size``: the first engine ingests the
    landing files, the others start from a copy of its lake (so ingest is paid once)."""
    name = size.replace(":", "-")
    first = work / name / engines[0]
    generate(size, seed, first)
    results = []
    for engine in engines:
        data_dir = work / name / engine
        if data_dir != first:
            for part in ("landing", "lake"):
                ignore = shutil.ignore_patterns("tables")
                shutil.copytree(first / part, data_dir / part, ignore=ignore)
        seconds = run_engine(engine, data_dir, cores)
        rows = usage_rows(data_dir)
        raw_bytes = sum(p.stat().st_size for p in (data_dir / "lake" / "raw").rglob("*.parquet"))
        engine_s = seconds["queue"] + seconds["models"] + seconds["checks"]
        results.append(
            {
                "size": size,
                "engine": engine,
                "cores": cores,
                "usage_rows": rows,
                "raw_parquet_bytes": raw_bytes,
                "seconds": seconds,
                "engine_s": round(engine_s, 1),
                "rows_per_s": round(rows / engine_s),
                "rows_per_core_s": round(rows / engine_s / cores),
                "load_average": round(os.getloadavg()[0], 1),
            }
        )
    shutil.rmtree(work / name)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", help="small, demo, large or national:VOLUME")
    parser.add_argument("--engines", nargs="+", default=["duckdb", "spark"])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wsi-engines-") as work:
        results = [
            r
            for size in args.sizes
            for r in measure(size, args.engines, args.cores, args.seed, Path(work))
        ]
    print(
        "| size | engine | usage rows | ingest s | engine s (register+models+checks) "
        "| publish s | rows/s | rows/s/core | load |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        s = r["seconds"]
        print(
            f"| {r['size']} | {r['engine']} local[{r['cores']}] | {r['usage_rows']:,} "
            f"| {s['ingest']:.1f} | {r['engine_s']:.1f} | {s['publish']:.1f} "
            f"| {r['rows_per_s']:,} | {r['rows_per_core_s']:,} | {r['load_average']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
