"""The per-series alternative, measured: statsforecast's AutoETS, AutoTheta, AutoARIMA and
SeasonalNaive on the same warehouse, the same rolling origins and the same MASE scale as
``pipelines.forecast``, at district level; and the time to fit station series.

statsforecast is not a dependency, not even of the ``bench`` group: it pins pandas < 3,
which would move the whole lock back a major version of pandas for a comparison. Run it
with the library layered over the project's environment for that one command:

    uv run --frozen --with statsforecast==2.1.1 python -m benchmarks.forecast_libraries \
        --warehouse <data>/warehouse.duckdb [--stations 1000]

``--stations N`` also times AutoETS and AutoTheta on N station series.
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import duckdb
import numpy as np

from pipelines.forecast.run import BACKTEST_MONTHS, HORIZON
from pipelines.settings import get_settings


def _series(con: duckdb.DuckDBPyConnection, key: str, limit: int | None = None):
    """A long frame (unique_id, ds, y) of monthly visits per ``key``, complete months."""
    where = f"WHERE {key} IN (SELECT DISTINCT {key} FROM marts.station_monthly LIMIT {limit})"
    return con.sql(
        f"""SELECT {key} AS unique_id, month AS ds, sum(visits)::DOUBLE AS y
            FROM marts.station_monthly {where if limit else ""} GROUP BY ALL ORDER BY 1, 2"""
    ).df()


def district_backtest(frame) -> dict[str, list[float]]:
    """Mean MASE over districts per model and horizon (origins and scale as ours)."""
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, SeasonalNaive

    models = [AutoETS(season_length=12), AutoTheta(season_length=12),
              AutoARIMA(season_length=12), SeasonalNaive(season_length=12)]  # fmt: skip
    ids = sorted(frame["unique_id"].unique())
    y = np.stack([frame[frame["unique_id"] == i].sort_values("ds")["y"].to_numpy() for i in ids])
    last = y.shape[1] - 1
    origins = list(range(last - BACKTEST_MONTHS, last))
    scale = np.abs(y[:, 12 : origins[0] + 1] - y[:, : origins[0] + 1 - 12]).mean(axis=1)
    errors: dict[str, dict[int, list[np.ndarray]]] = {}
    for origin in origins:
        train = frame.groupby("unique_id").head(origin + 1)
        forecast = StatsForecast(models=models, freq="MS", n_jobs=1).forecast(df=train, h=HORIZON)
        forecast = forecast.sort_values(["unique_id", "ds"])
        for model in ("AutoETS", "AutoTheta", "AutoARIMA", "SeasonalNaive"):
            values = forecast[model].to_numpy().reshape(len(ids), HORIZON)
            for h in range(1, HORIZON + 1):
                if origin + h <= last:
                    miss = np.abs(y[:, origin + h] - values[:, h - 1])
                    errors.setdefault(model, {}).setdefault(h, []).append(miss)
    return {
        model: [float((np.mean(by_h[h], axis=0) / scale).mean()) for h in sorted(by_h)]
        for model, by_h in errors.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=get_settings().warehouse_path)
    parser.add_argument("--stations", type=int, default=0)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    start = time.perf_counter()
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, AutoTheta

    print(f"import statsforecast: {time.perf_counter() - start:.1f} s")
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        districts = _series(con, "district_code")
        stations = _series(con, "station_id", args.stations) if args.stations else None
    start = time.perf_counter()
    for model, by_h in district_backtest(districts).items():
        print(f"district MASE {model}: " + ", ".join(f"h={h} {v:.3f}" for h, v in
                                                      enumerate(by_h, start=1)))  # fmt: skip
    print(f"district backtest: {time.perf_counter() - start:.1f} s")
    if stations is not None:
        for model in (AutoETS(season_length=12), AutoTheta(season_length=12)):
            start = time.perf_counter()
            StatsForecast(models=[model], freq="MS", n_jobs=2).forecast(
                df=stations, h=HORIZON, level=[80, 95]
            )
            print(f"{model} on {args.stations} stations, one fit, n_jobs=2: "
                  f"{time.perf_counter() - start:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
