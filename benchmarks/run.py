"""``python -m benchmarks.run``: the city-scale benchmarks, written to the measured part
of ``docs/benchmarks.md`` (:mod:`benchmarks.report`).

    python -m benchmarks.run [--scale large] [--repeat 3] [--skip-generate] [--data DIR]
        [--only baseline,pipeline,refresh,dashboard,browser,load,siting,siting_national]

- Data: the demo generator's ``--scale`` files in ``benchmarks/.work/<scale>/landing``
  (generated unless present and ``--skip-generate``; ``--data`` points at another
  generated folder).
- **Baseline vs pipeline**, side by side in each repetition: the plain-DuckDB baseline
  (:mod:`benchmarks.baseline_duckdb`, in a subprocess) and ``python -m pipelines run``
  (a subprocess, ``WSI_DATA_DIR`` a fresh folder holding hard links to the landing
  files). Wall time, and the peak RSS and CPU seconds of the process tree. The published
  ``kpi_monthly`` city rows are compared with the baseline's.
- **Refresh**: :mod:`benchmarks.refresh_cases` — a new month, nothing new, a corrected
  old month, a withdrawn file, and the incremental snapshot against a full run's.
- **Dashboard**: :mod:`benchmarks.dashboard_latency` (callbacks in-process) on the
  published snapshot; :mod:`benchmarks.browser_latency` (headless chromium: sign-in to a
  complete overview, picker changes); then gunicorn on 127.0.0.1 (:mod:`benchmarks.load`):
  the pages' real callback requests captured, replayed warm per page, and 50 simulated
  users for 60 s.
- **Siting**: :func:`benchmarks.siting.run`.
- **Siting at national scale**: :mod:`benchmarks.siting_national` in a subprocess, into
  its own section of ``docs/benchmarks.md`` (no demo data needed: ``--only
  siting_national`` runs it alone, leaving the rest of the document as it is).

Each figure is the median of ``--repeat`` runs (all runs listed), with the load average
of the machine when it was taken: the machine may be shared.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from benchmarks import refresh_cases, report
from benchmarks.measure import (
    PY,
    REPO,
    WORK,
    link_landing,
    loadavg,
    log,
    machine,
    measure,
    run_pipeline,
    versions,
)

DOC = REPO / "docs" / "benchmarks.md"
#: the profiling notes (hot spots, what misses its target and why), appended to the report
DEFAULT_NOTES = REPO / "benchmarks" / "notes.md"


def generate(scale: str, landing: Path, skip: bool) -> None:
    if skip and (landing / "demo_manifest.json").exists():
        log(f"reusing {landing}")
        return
    log(f"generating the {scale!r} demo data into {landing}")
    subprocess.run(
        [PY, "-m", "pipelines", "demo-data", "--scale", scale, "--seed", "7", "--out", landing],
        cwd=REPO,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def dataset(landing: Path) -> dict:
    manifest = json.loads((landing / "demo_manifest.json").read_text())
    sources = {}
    for source_dir in sorted(p for p in landing.iterdir() if p.is_dir()):
        files = [p for p in source_dir.iterdir() if p.suffix in (".csv", ".xlsx")]
        totals = manifest.get("totals", {}).get(source_dir.name, {})
        sources[source_dir.name] = {
            "files": len(files),
            "csv": sum(p.suffix == ".csv" for p in files),
            "xlsx": sum(p.suffix == ".xlsx" for p in files),
            "bytes": sum(p.stat().st_size for p in files),
            "rows": totals.get("rows"),
            "bad_rows": totals.get("bad_rows"),
        }
    return sources


def run_baseline(landing: Path, work: Path) -> dict:
    args = ["--landing", str(landing), "--work", str(work), "--json"]
    result = measure(
        [PY, "-m", "benchmarks.baseline_duckdb", *args],
        log_path=work.parent / "baseline.log",
    )
    stdout = result.pop("stdout")
    if result["rc"] == 0:
        result.update(json.loads(stdout.strip().splitlines()[-1]))
    return result


# ---------------------------------------------------------------- comparison


COMPARED = (
    "active_stations",
    "standard_stations",
    "visits",
    "unique_workers",
    "calls",
    "resolved",
    "drives",
    "enrolled",
    "covered_workers",
)


def compare(baseline_db: Path, snapshot: Path) -> dict:
    """The baseline's city and district rows against the published kpi_monthly."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{baseline_db}' AS b (READ_ONLY)")
    con.execute(f"ATTACH '{snapshot}' AS p (READ_ONLY)")
    cols = ", ".join(f"b.{c} AS b_{c}, p.{c} AS p_{c}" for c in COMPARED)
    rows = con.execute(
        f"""SELECT strftime(b.month, '%Y-%m') AS month, {cols}
            FROM b.kpi_monthly AS b JOIN p.kpi_monthly AS p
              ON p.month = b.month AND p.scope_level = 'city' AND b.scope_level = 'city'
            ORDER BY b.month"""
    ).fetchall()
    names = ["month"] + [f"{s}_{c}" for c in COMPARED for s in ("b", "p")]
    city = [dict(zip(names, row, strict=True)) for row in rows]
    district = {}
    for c in COMPARED:
        district[c] = con.execute(
            f"""SELECT count(*), count_if(b.{c} <> p.{c}), max(abs(b.{c} - p.{c}))
                FROM b.kpi_monthly AS b JOIN p.kpi_monthly AS p USING (month, scope_code)
                WHERE b.scope_level = 'district' AND p.scope_level = 'district'"""
        ).fetchone()
    coverage = con.execute(
        """SELECT count(*), count_if(b.covered <> p.covered),
                  count_if(b.stations_within_r <> p.stations_within_r),
                  max(abs(b.nearest_station_m - p.nearest_station_m))
           FROM b.community_coverage AS b JOIN p.community_coverage AS p
             USING (month, community_code)"""
    ).fetchone()
    files = con.execute(
        """SELECT source, sum(rows_read), sum(rows_loaded), sum(rows_quarantined),
                  sum(rows_superseded)
           FROM p.ingest_files GROUP BY source ORDER BY source"""
    ).fetchall()
    con.close()
    return {"city": city, "district": district, "coverage": coverage, "files": files}


# ---------------------------------------------------------------- the parts


def part_pipeline(landing: Path, work: Path, repeat: int, results: dict, keep: Path) -> None:
    """Baseline and full pipeline, side by side, ``repeat`` times; the last pipeline
    data folder is kept at ``keep`` for the dashboard parts."""
    results["baseline"], results["pipeline"] = [], []
    for n in range(repeat):
        log(f"baseline run {n + 1}/{repeat} (load {loadavg()})")
        b = run_baseline(landing, work / "baseline")
        results["baseline"].append(b)
        log(f"  baseline {b.get('total_s', 0):.1f} s (decode {b.get('decode_s', 0):.1f} s)")
        data_dir = link_landing(landing, work / "pipeline")
        log(f"pipeline run {n + 1}/{repeat} (load {loadavg()})")
        p = run_pipeline(data_dir, work / f"pipeline-{n + 1}.log")
        results["pipeline"].append(p)
        log(f"  pipeline {p['wall_s']:.1f} s, peak RSS {p['peak_rss_gb']:.2f} GB, rc {p['rc']}")
        snapshot = data_dir / "serving" / "current.duckdb"
        if p["rc"] == 0 and snapshot.exists() and b.get("rc") == 0:
            results["comparison"] = compare(Path(b["database"]), snapshot)
        if n == repeat - 1:
            shutil.rmtree(keep, ignore_errors=True)
            data_dir.rename(keep)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def part_dashboard(data_dir: Path, results: dict, repeat: int, rounds: int = 5) -> None:
    """``benchmarks/dashboard_latency.py`` (the dashboard engineer's script: callbacks
    called in-process, serialised as Dash does), ``repeat`` times."""
    script = REPO / "benchmarks" / "dashboard_latency.py"
    if not script.exists():
        results["dashboard_latency"] = {"missing": str(script.relative_to(REPO))}
        log("benchmarks/dashboard_latency.py is not there (yet): skipped")
        return
    snapshot = data_dir / "serving" / "current.duckdb"
    results["dashboard_latency"] = {"runs": [], "rounds": rounds}
    for n in range(repeat):
        log(f"dashboard_latency.py run {n + 1}/{repeat} (load {loadavg()})")
        args = ["--snapshot", str(snapshot), "--runs", str(rounds)]
        r = measure(
            [PY, "-m", "benchmarks.dashboard_latency", *args],
            {"WSI_DATA_DIR": str(data_dir), "WSI_AUTH": "off"},
            data_dir.parent / "dashboard_latency.log",
        )
        callbacks = {}
        for line in r["stdout"].splitlines():
            parts = line.rsplit(None, 4)
            if len(parts) == 5 and parts[1].isdigit():
                with contextlib.suppress(ValueError):
                    callbacks[parts[0]] = {
                        "calls": int(parts[1]),
                        "p50_ms": float(parts[2]),
                        "p95_ms": float(parts[3]),
                        "max_ms": float(parts[4]),
                    }
        results["dashboard_latency"]["runs"].append(
            {"rc": r["rc"], "wall_s": r["wall_s"], "load": r["load"], "callbacks": callbacks}
        )
        if r["rc"] != 0 or not callbacks:
            results["dashboard_latency"]["stdout"] = r["stdout"][-3000:]
            log(f"dashboard_latency.py exited {r['rc']}: see {data_dir.parent}")


def part_load(data_dir: Path, results: dict, users: int, seconds: float, repeat: int) -> None:
    from benchmarks import load

    with_auth = load.auth_enabled()
    if with_auth:
        load.add_user(data_dir)
    results["load_auth"] = "on (a city account signs in first)" if with_auth else "off"
    port = load.free_port()
    log(f"gunicorn on 127.0.0.1:{port}, auth {results['load_auth']}")
    server = load.serve(data_dir, port, workers=2, threads=4)
    try:
        results["captured"] = load.capture(port, with_auth)
        log(f"captured callbacks per page: {_counts(results['captured'])}")
        results["replay"] = []
        for n in range(repeat):
            log(f"warm callback replay {n + 1}/{repeat} (load {loadavg()})")
            results["replay"].append(
                {"load": loadavg(), **load.replay(port, results["captured"], with_auth)}
            )
        results["load"] = []
        for n in range(repeat):
            log(f"{users} users for {seconds:.0f} s, run {n + 1}/{repeat} (load {loadavg()})")
            before = loadavg()
            r = load.load(port, results["captured"], with_auth, users, seconds)
            r["load"] = f"{before} → {loadavg()}"
            results["load"].append(r)
            log(f"  {r['requests']} requests, {r['errors']} errors, p95 {r['p95_ms']} ms")
    finally:
        load.stop(server)
    results["captured"] = _counts(results["captured"])


def part_browser(data_dir: Path, results: dict, repeat: int, rounds: int = 10) -> None:
    """What a person waits for in headless chromium (:mod:`benchmarks.browser_latency`):
    sign-in to a complete overview, and a month or district picker changed to the page
    settled again, ``repeat`` times."""
    from benchmarks import browser_latency

    results["browser"] = []
    with duckdb.connect(str(data_dir / "serving" / "current.duckdb"), read_only=True) as con:
        stations = con.execute("SELECT count(*) FROM stations").fetchone()[0]
    results["browser_snapshot"] = f"{data_dir} ({stations:,} stations)"
    for n in range(repeat):
        log(f"browser run {n + 1}/{repeat} (load {loadavg()})")
        before = loadavg()
        r = browser_latency.run(data_dir, rounds)
        r["load"] = f"{before} → {loadavg()}"
        results["browser"].append(r)
        log(f"  sign-in median {r['sign_in_median_s']} s, picker p95 {r['picker_p95_all_ms']} ms")


def _counts(captured: dict) -> dict:
    return {page: len(bodies) for page, bodies in captured.items()}


def part_siting(repeat: int, results: dict) -> None:
    from benchmarks import siting

    results["siting"] = []
    for n in range(repeat):
        log(f"siting run {n + 1}/{repeat} (load {loadavg()})")
        r = siting.run(spopt=n == 0)
        r["load"] = loadavg()
        results["siting"].append(r)


def part_siting_national(out: Path) -> None:
    """The national instance (its own section of ``out``), in a subprocess so that its
    peak RSS and CPU seconds are its own."""
    from benchmarks import siting_national

    figures = WORK / "siting_national.json"
    figures.parent.mkdir(parents=True, exist_ok=True)
    figures.unlink(missing_ok=True)
    log(f"siting at national scale (load {loadavg()})")
    process = measure(
        [PY, "-m", "benchmarks.siting_national", "--direct", "--planner", "--json", str(figures)],
        log_path=WORK / "siting_national.log",
    )
    process.pop("stdout")
    if process["rc"] != 0 or not figures.exists():
        log(f"benchmarks.siting_national exited {process['rc']}: see {WORK}")
        return
    result = json.loads(figures.read_text()) | {"process": process}
    figures.write_text(json.dumps(result, indent=1, default=str))
    siting_national.write(result, out)
    found = result["national"]
    log(
        f"  {found['workers']:,} workers, bound {found['upper_bound']:,}, "
        f"{found['solve_s_from_coverage']} s, peak RSS {process['peak_rss_gb']} GB"
    )


# ---------------------------------------------------------------- main


PARTS = (
    "baseline", "pipeline", "refresh", "dashboard", "browser", "load", "siting",
    "siting_national",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="large", choices=("small", "demo", "large"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument(
        "--data", type=Path, help="a generated demo-data folder to use instead (its landing/)"
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the parts of the last results.json that this run does not measure",
    )
    parser.add_argument("--only", default=",".join(PARTS), help="comma list of parts")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=DOC)
    parser.add_argument(
        "--notes", type=Path, help=f"Markdown appended to the report (default {DEFAULT_NOTES})"
    )
    args = parser.parse_args()
    parts = set(args.only.split(","))
    if "siting_national" in parts:
        part_siting_national(args.out)
        parts.discard("siting_national")
        if not parts:
            return  # its section is written: the demo data and the rest are not needed
    work = WORK / args.scale
    work.mkdir(parents=True, exist_ok=True)
    landing = args.data / "landing" if args.data else work / "landing"
    previous = work / "results.json"
    results: dict = json.loads(previous.read_text()) if args.merge and previous.exists() else {}
    results |= {
        "scale": args.scale,
        "repeat": args.repeat,
        "started": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
        "machine": machine(),
        "versions": versions(),
    }
    generate(args.scale, landing, args.skip_generate or args.data is not None)
    if parts & {"baseline", "pipeline", "refresh"} or "dataset" not in results:
        results["dataset"] = dataset(landing)
    notes = args.notes or DEFAULT_NOTES
    if notes.exists():
        results["notes"] = notes.read_text(encoding="utf-8")
    kept = work / "published"
    if args.data and not parts & {"baseline", "pipeline"} and (args.data / "serving").is_dir():
        kept = args.data  # a folder a pipeline run published into (e.g. the demo's)

    def save(final: bool = False) -> None:
        """The report so far (a run stopped halfway still leaves its figures)."""
        results["finished"] = f"{datetime.now(UTC):%H:%M}" if final else "(still running)"
        results["load_end"] = loadavg()
        (work / "results.json").write_text(json.dumps(results, indent=1, default=str))
        report.write(results, args.out)

    if parts & {"baseline", "pipeline"}:
        part_pipeline(landing, work, args.repeat, results, kept)
        save()
    if "refresh" in parts:
        refresh_cases.run(landing, work, args.repeat, results)
        save()
    served = {"dashboard", "browser", "load"}
    if parts & served and not (kept / "serving" / "current.duckdb").exists():
        log(f"no published snapshot in {kept}: run the pipeline part first")
        parts -= served
    if "dashboard" in parts:
        part_dashboard(kept, results, args.repeat)
        save()
    if "browser" in parts:
        part_browser(kept, results, args.repeat)
        save()
    if "load" in parts:
        part_load(kept, results, args.users, args.seconds, args.repeat)
        save()
    if "siting" in parts:
        part_siting(args.repeat, results)
    save(final=True)
    log(f"wrote {args.out} and {work / 'results.json'}")
    for row in report.summary(results):
        print(" | ".join(row))


if __name__ == "__main__":
    main()
