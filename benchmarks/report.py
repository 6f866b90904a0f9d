"""``docs/benchmarks.md``'s measured part, written from a :mod:`benchmarks.run` result.

The report replaces only what lies between its two markers in the document, so the
sections other benchmarks write by hand (forecast, siting at national scale, Spark)
stay where they are.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from benchmarks.measure import median_of

START = "<!-- benchmarks.run: start (written by python -m benchmarks.run) -->"
END = "<!-- benchmarks.run: end -->"
#: issue 14's targets; shares are of a full run's wall time, in the same session
TARGETS = {
    "ratio": 1.5,
    "rss_gb": 6.0,
    "new_month": 0.10,
    "nothing_new": 0.03,
    "corrected": 0.15,
    "nothing_new_s": 2.0,
    "callback_p95_ms": 150.0,
    "picker_p95_ms": 600.0,
    "sign_in_s": 2.0,
    "load_errors": 0,
}
CASE_TITLES = {
    "new_month": "one new usage month",
    "nothing_new": "nothing new",
    "corrected": "a corrected old month",
    "withdrawn": "a withdrawn hotline file",
}


def write(results: dict, path: Path) -> None:
    """Put the report between the markers of ``path`` (appended when it has none)."""
    write_between(path, START, END, render(results))


def write_between(path: Path, start: str, end: str, body: str) -> None:
    """Replace what lies between ``start`` and ``end`` in ``path`` with ``body`` (the
    markers and ``body`` appended when the markers are not there)."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{start}\n{body}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _met(ok: bool | None) -> str:
    return "–" if ok is None else ("**met**" if ok else "**not met**")


def render(results: dict) -> str:
    """The measured part of docs/benchmarks.md, as Markdown."""
    lines: list[str] = []
    add = lines.append
    m, v = results["machine"], results["versions"]
    add(
        f"Written by `python -m benchmarks.run --scale {results['scale']} --repeat "
        f"{results['repeat']}` (`make bench`) on {results['started']} – {results['finished']} UTC. "
        "Each figure is the median of the runs listed after it; the load average "
        "(1/5/15 min) is noted where a figure was taken, as the machine may be shared.\n"
    )
    add("## Machine and versions\n")
    add(f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gb']} GB; {m['os']}")
    add(f"- load average at the start: {m['load']}; at the end: {results.get('load_end')}")
    add("- " + ", ".join(f"{k} {val}" for k, val in v.items()) + "\n")

    add("## Dataset\n")
    add(f"`python -m pipelines demo-data --scale {results['scale']} --seed 7`\n")
    add("| source | files | csv | xlsx | MB | rows | bad rows |")
    add("|---|---:|---:|---:|---:|---:|---:|")
    for source, d in results["dataset"].items():
        add(
            f"| {source} | {d['files']} | {d['csv']} | {d['xlsx']} | {d['bytes'] / 1e6:,.1f} "
            f"| {_fmt(d['rows'])} | {_fmt(d['bad_rows'])} |"
        )
    add("")

    add("## Summary\n")
    add("| figure | median | target | |")
    add("|---|---:|---:|---|")
    for row in summary(results):
        add(f"| {row[0]} | {row[1]} | {row[2]} | {row[3]} |")
    add(
        "\nThe wall-time ratio depends on what else the machine is doing: the baseline keeps "
        "both cores busy (DuckDB's parallel CSV reader and aggregates) while the pipeline "
        "is mostly one Python thread, so other load slows the baseline more and flatters "
        "the ratio. The CPU seconds, and a run on a quiet machine, are the fairer "
        "comparison (see the notes at the end).\n"
    )

    if results.get("pipeline"):
        add("## Full pipeline and the plain-DuckDB baseline\n")
        add(
            "Side by side in each repetition: first the baseline "
            "(`python -m benchmarks.baseline_duckdb`), then `python -m pipelines run` in a "
            "fresh data folder (landing files hard-linked). Peak RSS and CPU seconds are "
            "summed over the process tree (the ingestion workers included), polled every "
            "0.1 s.\n"
        )
        _pairs_table(results["baseline"], results["pipeline"], add)
        add("")
        steps = {
            k: median_of(results["baseline"], k)
            for k in results["baseline"][0]
            if k.startswith("step_") and isinstance(results["baseline"][0][k], float)
        }
        slow = sorted(steps.items(), key=lambda kv: -(kv[1] or 0))[:6]
        add("Where the pipeline's time went (last run):\n")
        _steps_table(results["pipeline"][-1], add)
        add(
            "Baseline SQL, slowest statements (median s): "
            + ", ".join(f"`{k[5:-2]}` {_fmt(val)}" for k, val in slow)
            + ".\n"
        )
    comparison = results.get("comparison")
    if comparison:
        add("### Do the numbers agree?\n")
        add(
            "City rows of the pipeline's published `kpi_monthly` (p) against the baseline's "
            "(b). The baseline applies only the filters that are the definitions (see its "
            "docstring); differences are rows the pipeline quarantines or supersedes by "
            "rules the baseline does not apply.\n"
        )
        head = ["month"] + [f"{c} b / p" for c in ("visits", "unique_workers", "calls",
                                                    "resolved", "active_stations",
                                                    "enrolled", "covered_workers")]  # fmt: skip
        add("| " + " | ".join(head) + " |")
        add("|---" * len(head) + "|")
        for row in comparison["city"]:
            cells = [row["month"]]
            for c in ("visits", "unique_workers", "calls", "resolved", "active_stations",
                      "enrolled", "covered_workers"):  # fmt: skip
                b, p = row[f"b_{c}"], row[f"p_{c}"]
                cells.append(_fmt(b) if b == p else f"{_fmt(b)} / {_fmt(p)}")
            add("| " + " | ".join(cells) + " |")
        add("\n(one number: both agree.)\n")
        add("District rows: metric — rows compared, rows that differ, largest difference:\n")
        for c, (n, differ, largest) in comparison["district"].items():
            add(f"- {c}: {n}, {differ}, {_fmt(largest)}")
        n, covered, within, nearest = comparison["coverage"]
        add(
            f"\n`community_coverage`: {n:,} month × community rows; `covered` differs in "
            f"{covered}, `stations_within_r` in {within}; largest `nearest_station_m` "
            f"difference {_fmt(nearest)} m.\n"
        )
        add("Pipeline's row accounting per source (published `ingest_files`):\n")
        add("| source | read | loaded | quarantined | superseded |")
        add("|---|---:|---:|---:|---:|")
        for source, read, loaded, quarantined, superseded in comparison["files"]:
            add(f"| {source} | {_fmt(read)} | {_fmt(loaded)} | {_fmt(quarantined)} "
                f"| {_fmt(superseded)} |")  # fmt: skip
        add("")

    if results.get("refresh_cases"):
        _refresh_cases(results, add)

    latency = results.get("dashboard_latency")
    if latency or results.get("replay"):
        add("## Dashboard callbacks, warm\n")
    if latency and "missing" in latency:
        add(f"`{latency['missing']}` was not in the tree when this ran.\n")
    elif latency:
        runs = latency["runs"]
        add(
            "In-process, `python -m benchmarks.dashboard_latency --snapshot "
            f"<published snapshot> --runs {latency['rounds']}` (the dashboard engineer's "
            "script: each page's callbacks called as the browser triggers them, for the "
            "city, a district and a subdistrict, the result serialised as Dash does; no "
            f"network). Run {len(runs)} times; exit codes "
            f"{', '.join(str(r['rc']) for r in runs)}; load "
            f"{'; '.join(r['load'] for r in runs)}.\n"
        )
        names = list(runs[0]["callbacks"]) if runs else []
        add("| callback | p50 ms (runs) | p95 ms (runs) | median p95 ms | target |")
        add("|---|---|---|---:|---|")
        for name in names:
            got = [r["callbacks"].get(name) for r in runs if r["callbacks"].get(name)]
            med = statistics.median(g["p95_ms"] for g in got)
            add(
                f"| `{name}` | {', '.join(_fmt(g['p50_ms']) for g in got)} "
                f"| {', '.join(_fmt(g['p95_ms']) for g in got)} | {_fmt(med)} "
                f"| {_met(med <= TARGETS['callback_p95_ms'])} |"
            )
        if latency.get("stdout"):
            add("\n```\n" + latency["stdout"].strip() + "\n```")
        add("")
    if results.get("replay"):
        add(
            "Over HTTP through gunicorn (2 workers × 4 threads): each page opened once in "
            "headless chromium, its `/_dash-update-component` requests recorded, then "
            "replayed in order by one client, 5 rounds after a warm-up round. "
            f"Callbacks captured per page: {results.get('captured')}.\n"
        )
        pages = list(results["replay"][0].keys() - {"load"})
        add("| page | callbacks | p50 ms (runs) | p95 ms (runs) | median p95 ms | target |")
        add("|---|---:|---|---|---:|---|")
        for page in sorted(pages):
            runs = [r[page] for r in results["replay"]]
            p95s = [r["p95_ms"] for r in runs if r["p95_ms"] is not None]
            med = statistics.median(p95s) if p95s else None
            add(
                f"| `{page}` | {runs[0]['callbacks']} "
                f"| {', '.join(_fmt(r['p50_ms']) for r in runs)} "
                f"| {', '.join(_fmt(r['p95_ms']) for r in runs)} | {_fmt(med)} "
                f"| {_met(None if med is None else med <= TARGETS['callback_p95_ms'])} |"
            )
        add("\nSlowest callbacks per page (median ms, last run), by output:\n")
        for page in sorted(pages):
            slow = results["replay"][-1][page].get("slowest") or []
            add(f"- `{page}`: " + "; ".join(f"`{name}` {_fmt(ms)}" for name, ms in slow))
        add(
            "\nLoad average per replay run: "
            + ", ".join(r["load"] for r in results["replay"])
            + "\n"
        )

    if results.get("browser"):
        _browser(results["browser"], results.get("browser_snapshot"), add)

    if results.get("load"):
        add("## 50 concurrent users against gunicorn\n")
        first = results["load"][0]
        add(
            f"`gunicorn dashboards.wsgi:server` on 127.0.0.1, 2 workers × 4 threads; "
            f"{first['users']} threads, each a user (sign-in: {results['load_auth']}) who "
            "opens a random page — the page, `/_dash-layout`, `/_dash-dependencies`, then the "
            "page's captured callbacks in order — and thinks 0.5–2 s before the next page, "
            f"for {_fmt(first['seconds'])} s.\n"
        )
        add("| run | requests | req/s | errors | p50 ms | p95 ms | max ms | load (1/5/15) |")
        add("|---|---:|---:|---:|---:|---:|---:|---|")
        for n, r in enumerate(results["load"]):
            add(
                f"| {n + 1} | {_fmt(r['requests'])} | {_fmt(r['requests_per_s'])} "
                f"| {_fmt(r['errors'])} | {_fmt(r['p50_ms'])} | {_fmt(r['p95_ms'])} "
                f"| {_fmt(r['max_ms'])} | {r['load']} |"
            )
        add("\nBy kind of request (last run): " + "; ".join(
            f"{kind} n={k['n']} p50 {_fmt(k['p50_ms'])} ms p95 {_fmt(k['p95_ms'])} ms "
            f"errors {k['errors']}"
            for kind, k in results["load"][-1]["by_kind"].items()
        ) + "\n")  # fmt: skip

    if results.get("siting"):
        add("## Siting (issue 6)\n")
        add(
            "`benchmarks.siting.run()`: the real 7,535 communities × 1,000 candidate sites, "
            "R = 1 km, k = 50, 300 existing stations fixed (targets: proven optimal or gap "
            "<= 1 % in <= 10 s, greedy <= 1 s).\n"
        )
        keys = [k for k in results["siting"][0] if k != "load"]
        add(
            "| figure | " + " | ".join(f"run {n + 1}" for n in range(len(results["siting"]))) + " |"
        )
        add("|---" * (len(results["siting"]) + 1) + "|")
        for k in keys:
            add(f"| {k} | " + " | ".join(_fmt(r.get(k)) for r in results["siting"]) + " |")
        add("| load | " + " | ".join(r["load"] for r in results["siting"]) + " |")
        add("")

    if results.get("notes"):
        add("## Notes\n")
        add(results["notes"].strip() + "\n")
    return "\n".join(lines)


def _browser(runs: list[dict], snapshot: str | None, add) -> None:
    add("## In a real browser\n")
    if snapshot:
        add(f"Snapshot: `{snapshot}`.\n")
    add(
        "`python -m benchmarks.browser_latency` (headless chromium against gunicorn, 2 "
        "workers × 4 threads, on the published snapshot): sign-in is from submitting the "
        "form to the overview with its cards drawn and every callback answered and painted, "
        f"{runs[0]['rounds']} times, each in a fresh browser; a picker change is from "
        "setting the month or district picker (as a click does) to the page settled again "
        "(no callback in flight for 0.5 s, none marked loading), timed to the last "
        "response painted. Run "
        f"{len(runs)} times; load {'; '.join(r['load'] for r in runs)}.\n"
    )
    add("| run | sign-in median s | sign-in p95 s | picker median ms | picker p95 ms |")
    add("|---|---:|---:|---:|---:|")
    for n, r in enumerate(runs):
        add(
            f"| {n + 1} | {_fmt(r['sign_in_median_s'])} | {_fmt(r['sign_in_p95_s'])} "
            f"| {_fmt(r['picker_median_all_ms'])} | {_fmt(r['picker_p95_all_ms'])} |"
        )
    add("\nPicker p95 per page and picker, ms (runs): " + "; ".join(
        f"`{name}` {', '.join(_fmt(r['picker_p95_ms'].get(name)) for r in runs)}"
        for name in runs[0]["picker_p95_ms"]
    ) + "\n")  # fmt: skip


def _pairs_table(baseline: list[dict], pipeline: list[dict], add) -> None:
    """One row per repetition: the baseline and the pipeline side by side."""
    add("| run | baseline decode s | baseline SQL s | baseline total s | baseline CPU s "
        "| baseline RSS GB | pipeline s | pipeline CPU s | pipeline RSS GB | ratio "
        "| load (1/5/15) |")  # fmt: skip
    add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for n, (b, p) in enumerate(zip(baseline, pipeline, strict=False)):
        ratio = p["wall_s"] / b["total_s"] if b.get("total_s") and p["rc"] == 0 else None
        add(
            f"| {n + 1} | {_fmt(b.get('decode_s'))} | {_fmt(b.get('sql_s'))} "
            f"| {_fmt(b.get('total_s'))} | {_fmt(b.get('cpu_s'))} "
            f"| {_fmt(b.get('peak_rss_gb'))} "
            f"| {_fmt(p['wall_s'])}{'' if p['rc'] == 0 else ' (failed)'} "
            f"| {_fmt(p.get('cpu_s'))} | {_fmt(p['peak_rss_gb'])} | {_fmt(ratio)} "
            f"| {p['load']} |"
        )
    add("")


def _steps_table(run: dict, add, top: int = 8) -> None:
    """Where one run's time went: the refresh's steps, and its slowest models."""
    steps, models = run.get("steps") or {}, run.get("models") or {}
    if not steps:
        return
    wall = run["wall_s"]
    inside = sum(steps.values())
    add(
        f"Wall {_fmt(wall)} s, of which the refresh's steps {_fmt(inside)} s: "
        + ", ".join(f"{name} {_fmt(sec)} s ({sec / wall:.0%})" for name, sec in steps.items())
        + f"; the rest ({_fmt(wall - inside)} s) is starting Python and importing.\n"
    )
    if models:
        slow = sorted(models.items(), key=lambda kv: -kv[1])[:top]
        add(
            f"Slowest of the {len(models)} models rebuilt: "
            + ", ".join(f"`{name}` {_fmt(sec)} s" for name, sec in slow)
            + ".\n"
        )


def _share(results: dict, case: str) -> float | None:
    """A case's median wall time as a share of the session's median full run."""
    runs = results["refresh_cases"][case]
    full = median_of(results.get("pipeline", []), "wall_s")
    if full is None and results["refresh_cases"].get("equivalence"):
        full = results["refresh_cases"]["equivalence"]["full"]["wall_s"]
    got = median_of(runs, "wall_s")
    return got / full if got is not None and full else None


def _refresh_cases(results: dict, add) -> None:
    cases = results["refresh_cases"]
    base = cases["base"]
    add("## Incremental refresh\n")
    add(
        f"`benchmarks/refresh_cases.py`: a full run without the newest usage month "
        f"({', '.join(f'`{f}`' for f in cases['held'])}) took {_fmt(base['wall_s'])} s "
        f"(load {base['load']}). Each repetition copies that state and runs "
        "`python -m pipelines run` after: the month's files arrive; nothing changes; "
        f"`{cases['corrected_file']}` is replaced by a corrected export "
        f"({_fmt(cases.get('rows_dropped'))} rows fewer); and, in the first repetition, "
        f"`{cases['withdrawn_file']}` is withdrawn. Shares are of the median full run "
        "above.\n"
    )
    add("| case | runs, s | median s | share of a full run | target | |")
    add("|---|---|---:|---:|---:|---|")
    for case, title in CASE_TITLES.items():
        runs = cases.get(case) or []
        if not runs:
            continue
        share = _share(results, case)
        target = TARGETS.get(case)
        add(
            f"| {title} | {', '.join(_fmt(r['wall_s']) for r in runs)} "
            f"| {_fmt(median_of(runs, 'wall_s'))} | {_fmt(share)} "
            f"| {'<= ' + _fmt(target) if target else ''} "
            f"| {_met(None if target is None or share is None else share <= target)} |"
        )
    add("")
    for case, title in CASE_TITLES.items():
        if cases.get(case):
            add(f"**{title.capitalize()}** (last run). ")
            _steps_table(cases[case][-1], add)
    eq = cases.get("equivalence")
    if eq:
        verdict = (
            "the same figures in every table"
            if not eq["differences"]
            else "DIFFERENT: " + "; ".join(eq["differences"])
        )
        add(
            f"**Equivalence.** After these refreshes, one full run over the same final "
            f"landing files in a fresh folder ({_fmt(eq['full']['wall_s'])} s) and the "
            f"incremental snapshot compared table by table ({eq['tables']} tables, "
            f"{eq['rows']:,} rows; `pipelines.compare`): {verdict}.\n"
        )


def _against(label: str, value: float | None, key: str, after: str = "") -> tuple:
    """A summary row of ``value`` against ``TARGETS[key]`` (an upper bound)."""
    met = _met(None if value is None else value <= TARGETS[key])
    return (label, _fmt(value), f"<= {_fmt(TARGETS[key])}", met + after)


def summary(results: dict) -> list[tuple[str, str, str, str]]:
    rows = []
    pipe = median_of(results.get("pipeline", []), "wall_s")
    base = median_of(results.get("baseline", []), "total_s")
    base_sql = median_of(results.get("baseline", []), "sql_s")
    if pipe is not None:
        rows.append(("full pipeline, s", _fmt(pipe), "", ""))
    if base is not None:
        rows.append(
            (
                "baseline total (decode + SQL), s",
                _fmt(base),
                "",
                f"decode {_fmt(median_of(results['baseline'], 'decode_s'))} s, "
                f"SQL {_fmt(base_sql)} s",
            )
        )
    if pipe and base:
        rows.append(_against("pipeline / baseline total", pipe / base, "ratio"))
        rows.append(("pipeline / baseline SQL only", _fmt(pipe / base_sql), "(for reference)", ""))
        pipe_cpu = median_of(results["pipeline"], "cpu_s")
        base_cpu = median_of(results["baseline"], "cpu_s")
        if pipe_cpu and base_cpu:
            rows.append(
                (
                    "pipeline / baseline, CPU seconds",
                    _fmt(pipe_cpu / base_cpu),
                    "(for reference)",
                    f"{_fmt(pipe_cpu)} / {_fmt(base_cpu)} s",
                )
            )
    rss = median_of(results.get("pipeline", []), "peak_rss_gb")
    if rss is not None:
        rows.append(("pipeline peak RSS, GB", _fmt(rss), "<= 6", _met(rss <= TARGETS["rss_gb"])))
    if results.get("refresh_cases"):
        for case in ("new_month", "nothing_new", "corrected"):
            share = _share(results, case)
            wall = median_of(results["refresh_cases"][case], "wall_s")
            rows.append(
                _against(f"{CASE_TITLES[case]} / full run", share, case, f" ({_fmt(wall)} s)")
            )
        wall = median_of(results["refresh_cases"]["nothing_new"], "wall_s")
        rows.append(_against("nothing new, s", wall, "nothing_new_s"))
        eq = results["refresh_cases"].get("equivalence")
        if eq:
            rows.append(
                (
                    "incremental = full run, tables differing",
                    str(len(eq["differences"])),
                    "0",
                    _met(not eq["differences"]),
                )
            )
    latency = results.get("dashboard_latency") or {}
    if latency.get("runs"):
        meds = []
        for name in latency["runs"][0]["callbacks"]:
            got = [
                r["callbacks"][name]["p95_ms"] for r in latency["runs"] if name in r["callbacks"]
            ]
            meds.append((statistics.median(got), name))
        if meds:
            top, name = max(meds)
            rows.append(
                _against(f"callback p95 in-process, worst (`{name}`), ms", top, "callback_p95_ms")
            )
    if results.get("replay"):
        worst = []
        for page in results["replay"][0].keys() - {"load"}:
            p95s = [r[page]["p95_ms"] for r in results["replay"] if r[page]["p95_ms"] is not None]
            if p95s:
                worst.append((statistics.median(p95s), page))
        if worst:
            top, page = max(worst)
            rows.append(
                _against(
                    f"callback p95 over HTTP, worst page (`{page}`), ms", top, "callback_p95_ms"
                )
            )
    if results.get("browser"):
        sign_in = median_of(results["browser"], "sign_in_median_s")
        picker = median_of(results["browser"], "picker_p95_all_ms")
        rows.append(
            _against("browser: sign-in to a complete overview, median s", sign_in, "sign_in_s")
        )
        rows.append(
            _against(
                "browser: a picker change to the page settled, p95 ms", picker, "picker_p95_ms"
            )
        )
    if results.get("load"):
        errors = [r["errors"] for r in results["load"]]
        p95 = statistics.median(r["p95_ms"] for r in results["load"] if r["p95_ms"] is not None)
        rows.append(
            (
                "50 users × 60 s: errors (all runs)",
                ", ".join(map(str, errors)),
                "0",
                _met(max(errors) == 0),
            )
        )
        rows.append(("50 users × 60 s: p95 ms", _fmt(p95), "reported", ""))
    if results.get("siting"):
        s = results["siting"]
        mip = statistics.median(r["mip_s"] for r in s)
        greedy = statistics.median(r["greedy_s"] for r in s)
        ok = all(r["mip_proven_optimal"] or (r["mip_gap"] or 0) <= 0.01 for r in s)
        rows.append(
            (
                "siting MIP k=50, s",
                _fmt(mip),
                "<= 10, optimal or gap <= 1 %",
                _met(mip <= 10 and ok),
            )
        )
        rows.append(("siting greedy, s", _fmt(greedy), "<= 1", _met(greedy <= 1)))
    return rows  # fmt: skip
