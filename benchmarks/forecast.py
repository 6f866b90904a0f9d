"""Forecast benchmark: the demand forecast over a warehouse the pipeline built (e.g. the
``large`` demo: 9,000 stations × 24 months), timed in its parts, with the backtest's
accuracy per level and horizon. Prints figures; ``run()`` returns them as a dict.

    python -m pipelines demo-data --scale large   # then: python -m pipelines run
    python -m benchmarks.forecast [--warehouse data/warehouse.duckdb] [--repeat 3]
                                  [--no-weather]

The import of the forecast module is timed too (in a fresh interpreter): the forecast
runs on every refresh, so a start-up cost would be paid every time.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl

from pipelines.assets.forecast import read_inputs
from pipelines.forecast import backtest_summary, forecast_demand
from pipelines.settings import get_settings

#: what the pipeline's process has imported before the forecast asset runs
PIPELINE_IMPORTS = "import numpy, polars, duckdb, scipy.sparse, scipy.special, dagster"


def import_seconds(preload: str = "") -> float:
    """Seconds a fresh interpreter takes to import the forecast module, after
    ``preload`` (what the pipeline's process has imported already), median of three."""
    code = f"{preload}\nimport time; t = time.perf_counter(); import pipelines.forecast; " \
        "print(time.perf_counter() - t)"  # fmt: skip
    times = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, cwd=Path(__file__).resolve().parent.parent)  # fmt: skip
        times.append(float(out.stdout.strip()))
    return sorted(times)[1]


def run(warehouse: Path, repeat: int = 3, weather: bool = True) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    start = time.perf_counter()
    station_monthly, stations, weather_monthly, last_month = read_inputs(con)
    read_s = time.perf_counter() - start
    con.close()
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = forecast_demand(
            station_monthly, stations, weather_monthly if weather else None, last_month
        )
        seconds.append(time.perf_counter() - start)
    return {
        "stations": stations.height,
        "station_months": station_monthly.height,
        "read_s": read_s,
        "forecast_s": sorted(seconds),
        "forecast_rows": result.demand_forecast.height,
        "backtest_rows": result.forecast_backtest.height,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "import_s": import_seconds(),
        "import_after_pipeline_s": import_seconds(PIPELINE_IMPORTS),
        "summary": backtest_summary(result.forecast_backtest),
        "notes": result.notes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=get_settings().warehouse_path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-weather", action="store_true")
    args = parser.parse_args()
    figures = run(args.warehouse, args.repeat, weather=not args.no_weather)
    print(f"stations: {figures['stations']:,}, station-months: {figures['station_months']:,}")
    print(f"read from the warehouse: {figures['read_s']:.2f} s")
    print("forecast (7 fits: 6 backtest origins + the final):",
          ", ".join(f"{s:.2f} s" for s in figures["forecast_s"]))  # fmt: skip
    print(
        f"import of pipelines.forecast, fresh interpreter: {figures['import_s']:.2f} s; "
        f"after the pipeline's own imports: {figures['import_after_pipeline_s']:.2f} s"
    )
    print(f"rows: {figures['forecast_rows']:,} forecast, {figures['backtest_rows']:,} backtest")
    print(f"peak RSS of this process: {figures['peak_rss_mb']:,.0f} MB")
    for note in figures["notes"]:
        print(note)
    with pl.Config(tbl_rows=20, tbl_cols=10, tbl_width_chars=160, float_precision=3):
        print(figures["summary"])


if __name__ == "__main__":
    main()
