"""The incremental refresh, measured, and checked against one full refresh.

A full run over every landing file but the newest usage month gives a base state. Each
repetition starts from a copy of it (:func:`benchmarks.measure.copy_state`) and runs
``python -m pipelines run`` after each of:

1. **new month** — the newest usage month's files arrive;
2. **nothing new** — nothing changes (the start-up cost: imports, the lake's records,
   the warehouse's state, no data read);
3. **corrected old month** — an old month's usage export is replaced by a corrected one
   (the same export without its last 1 % of rows, written later);
4. **withdrawn file** (first repetition only) — a hotline export is withdrawn through the
   lake, as a steward does.

After the first repetition, one full run over the same final landing files in a fresh
folder, and the two snapshots compared table by table (:mod:`pipelines.compare`): the
equivalence check of issue 14 at the benchmark's scale.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from benchmarks.measure import copy_state, link_landing, loadavg, log, run_pipeline

CASES = ("new_month", "nothing_new", "corrected", "withdrawn")


def newest_usage_month(landing: Path) -> list[str]:
    """The newest usage month's files (``usage/usage_<yyyy-mm>…``), relative to landing."""
    files = sorted((landing / "usage").glob("usage_*"))
    newest = max(p.name[6:13] for p in files)
    return [f"usage/{p.name}" for p in files if p.name[6:13] == newest]


def old_usage_export(landing: Path) -> str:
    """A usage CSV of an old month (the second oldest: not the first month of the
    series), not UTF-16, to be corrected."""
    csvs = sorted(p for p in (landing / "usage").glob("usage_*.csv") if "_" not in p.stem[6:])
    for path in csvs[1:]:
        if path.read_bytes()[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            return f"usage/{path.name}"
    raise LookupError(f"no 8-bit usage CSV in {landing / 'usage'}")


def correct_export(path: Path) -> int:
    """Replace the (hard-linked) export at ``path`` by a corrected one: the same rows
    but its last 1 %, written now. Returns the rows dropped."""
    lines = path.read_bytes().splitlines(keepends=True)
    dropped = max(1, (len(lines) - 1) // 100)
    path.unlink()  # the original is a link to the shared landing file: never write into it
    path.write_bytes(b"".join(lines[:-dropped]))
    now = time.time()
    os.utime(path, (now, now))
    return dropped


def withdraw(data_dir: Path, rel: str) -> None:
    """Withdraw a landing file as a steward does: out of the lake, out of landing."""
    from pipelines.lake import Lake

    (data_dir / "landing" / rel).unlink()
    Lake(data_dir / "lake").withdraw(rel.split("/")[0], rel)


def run(landing: Path, work: Path, repeat: int, results: dict) -> None:
    """The cases above, ``repeat`` times, into ``results["refresh_cases"]``."""
    held = newest_usage_month(landing)
    corrected = old_usage_export(landing)
    withdrawn = sorted((landing / "hotline").iterdir())[2].relative_to(landing).as_posix()
    out = results["refresh_cases"] = {
        "held": held,
        "corrected_file": corrected,
        "withdrawn_file": withdrawn,
        **{case: [] for case in CASES},
    }
    base = link_landing(landing, work / "inc-base", exclude=tuple(held))
    log(f"full run without {', '.join(held)} (load {loadavg()})")
    out["base"] = run_pipeline(base, work / "inc-base.log")
    for n in range(repeat):
        state = copy_state(base, work / "inc")
        for rel in held:
            os.link(landing / rel, state / "landing" / rel)
        _case(out, "new_month", n, state, work)
        _case(out, "nothing_new", n, state, work)
        out["rows_dropped"] = correct_export(state / "landing" / corrected)
        _case(out, "corrected", n, state, work)
        if n == 0:
            withdraw(state, withdrawn)
            _case(out, "withdrawn", n, state, work)
            out["equivalence"] = equivalence(state, work)
    shutil.rmtree(work / "inc", ignore_errors=True)
    shutil.rmtree(base, ignore_errors=True)


def _case(out: dict, case: str, n: int, state: Path, work: Path) -> None:
    log(f"{case.replace('_', ' ')}, run {n + 1} (load {loadavg()})")
    result = run_pipeline(state, work / f"inc-{case}-{n + 1}.log")
    out[case].append(result)
    log(f"  {result['wall_s']:.2f} s, rc {result['rc']}, rebuilt {len(result.get('rebuilt', {}))}")


def equivalence(state: Path, work: Path) -> dict:
    """One full run over ``state``'s landing files; its snapshot against ``state``'s."""
    from pipelines.compare import differences, snapshot_rows

    fresh = link_landing(state / "landing", work / "inc-full")
    log(f"full run over the same final files (load {loadavg()})")
    full = run_pipeline(fresh, work / "inc-full.log")
    incremental = snapshot_rows(state / "serving" / "current.duckdb")
    found = differences(incremental, snapshot_rows(fresh / "serving" / "current.duckdb"))
    log(f"  equivalence: {len(incremental)} tables, {len(found)} differ")
    shutil.rmtree(fresh, ignore_errors=True)
    return {
        "full": full,
        "tables": len(incremental),
        "rows": sum(len(rows) for rows in incremental.values()),
        "differences": found,
    }
