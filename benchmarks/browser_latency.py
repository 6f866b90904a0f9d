"""What a person waits for, in a real browser: headless chromium against gunicorn.

    python -m benchmarks.browser_latency --data-dir DIR [--rounds 10] [--json]

``DIR`` holds a published snapshot (``serving/current.duckdb``); a city account is added
to it and gunicorn started on 127.0.0.1 (:mod:`benchmarks.load`).

- **Sign-in to a complete overview**: from submitting the sign-in form to the overview
  with its KPI cards drawn and every callback answered and rendered — ``--rounds``
  times, each in a fresh session.
- **A picker change**: on the overview, coverage and hotline pages, the month picker
  and the district picker set to another value (``dash_clientside.set_props``: the same
  path as a click) until the page has settled, from the change to the last callback
  response rendered.

"Settled" is measured inside the page: a script installed before Dash loads counts the
``/_dash-update-component`` requests in flight and notes when the last one was answered
and its response painted (a timeout and an animation frame after it resolves); the page
has settled when none is in flight for 0.5 s and no element is marked loading.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import duckdb

from benchmarks import load

INSTRUMENT = """
window.__wsi = {inflight: 0, last: performance.now(), started: null};
const __fetch = window.fetch;
window.fetch = function (input, init) {
  const url = typeof input === 'string' ? input : input.url;
  if (!url.includes('_dash-update-component')) { return __fetch.apply(this, arguments); }
  window.__wsi.inflight += 1;
  const done = () => setTimeout(() => requestAnimationFrame(() => {
    window.__wsi.inflight -= 1; window.__wsi.last = performance.now(); }), 0);
  return __fetch.apply(this, arguments).then(
    (r) => { done(); return r; }, (e) => { done(); throw e; });
};
"""
STATE = """
const w = window.__wsi || {inflight: 1, last: 0};
return {inflight: w.inflight, quiet: performance.now() - w.last, last: w.last,
        started: w.started, now: performance.now(),
        loading: document.querySelectorAll('[data-dash-is-loading="true"]').length,
        cards: document.querySelectorAll('.kpi-value').length};
"""
QUIET_MS = 500
PAGES = ("/", "/coverage", "/hotline")


def _driver():
    driver = load.chromium()
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": INSTRUMENT})
    return driver


def settle(driver, need_cards: bool = False, timeout_s: float = 60.0) -> dict:
    """Wait until the page has settled; its state then (``last``: when the last callback
    response was painted, in the page's clock)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = driver.execute_script(STATE)
        if (
            state["inflight"] == 0
            and state["quiet"] >= QUIET_MS
            and state["loading"] == 0
            and (state["cards"] > 0 or not need_cards)
        ):
            return state
        time.sleep(0.05)
    raise TimeoutError(f"the page did not settle within {timeout_s} s: {state}")


def sign_in_times(base: str, rounds: int) -> list[float]:
    """Seconds from submitting the sign-in form to a settled overview with its cards."""
    times = []
    for _ in range(rounds):
        driver = _driver()
        try:
            submitted = load.sign_in(driver, base)
            state = settle(driver, need_cards=True)
            # the settle poll ends QUIET_MS after the last paint: take the paint
            painted = time.monotonic() - (state["now"] - state["last"]) / 1000
            times.append(painted - submitted)
        finally:
            driver.quit()
    return times


def picker_times(base: str, months: list[str], districts: list[str], rounds: int) -> dict:
    """Per page and picker: milliseconds from a change to the page settled again."""
    driver = _driver()
    found: dict[str, list[float]] = {}
    try:
        load.sign_in(driver, base)
        settle(driver, need_cards=True)
        for page in PAGES:
            driver.get(base + page)
            settle(driver)
            for picker, values in (("month", months), ("district", districts)):
                times = found.setdefault(f"{page} {picker}", [])
                for n in range(rounds):
                    value = values[(n + 1) % len(values)]
                    driver.execute_script(
                        "window.__wsi.started = performance.now();"
                        "window.dash_clientside.set_props(arguments[0], {value: arguments[1]});",
                        picker,
                        value,
                    )
                    state = settle(driver)
                    if state["last"] > state["started"]:  # a callback answered the change
                        times.append(state["last"] - state["started"])
            driver.execute_script("window.dash_clientside.set_props('district', {value: null})")
            settle(driver)
    finally:
        driver.quit()
    return found


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(data_dir: Path, rounds: int = 10) -> dict:
    """Both measurements against a gunicorn serving ``data_dir``."""
    with duckdb.connect(str(data_dir / "serving" / "current.duckdb"), read_only=True) as con:
        months = [
            r[0].isoformat()
            for r in con.execute(
                "SELECT DISTINCT month FROM kpi_monthly ORDER BY month DESC LIMIT 6"
            ).fetchall()
        ]
        districts = [
            r[0]
            for r in con.execute(
                "SELECT scope_code FROM scopes WHERE scope_level = 'district' "
                "ORDER BY scope_code LIMIT 6"
            ).fetchall()
        ]
    load.add_user(data_dir)
    port = load.free_port()
    server = load.serve(data_dir, port, workers=2, threads=4)
    base = f"http://127.0.0.1:{port}"
    try:
        sign_in = sign_in_times(base, rounds)
        pickers = picker_times(base, months, districts, rounds)
    finally:
        load.stop(server)
    every_change = [ms for times in pickers.values() for ms in times]
    return {
        "rounds": rounds,
        "sign_in_s": [round(s, 3) for s in sign_in],
        "sign_in_median_s": round(statistics.median(sign_in), 3),
        "sign_in_p95_s": round(p95(sign_in), 3),
        "pickers_ms": {k: [round(v) for v in times] for k, times in pickers.items()},
        "picker_p95_ms": {k: round(p95(times)) for k, times in pickers.items() if times},
        "picker_p95_all_ms": round(p95(every_change)) if every_change else None,
        "picker_median_all_ms": round(statistics.median(every_change)) if every_change else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    result = run(args.data_dir, args.rounds)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"sign-in to a complete overview: median {result['sign_in_median_s']} s, "
        f"p95 {result['sign_in_p95_s']} s ({result['sign_in_s']})"
    )
    for name, value in result["picker_p95_ms"].items():
        print(f"{name:<22} p95 {value} ms  {result['pickers_ms'][name]}")
    print(f"every picker change: median {result['picker_median_all_ms']} ms, "
          f"p95 {result['picker_p95_all_ms']} ms")  # fmt: skip


if __name__ == "__main__":
    main()
