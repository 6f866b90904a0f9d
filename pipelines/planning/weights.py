"""What each demand point weighs in a plan: its uncovered workers, or the visits they would
make by the demand forecast (metrics.md, "Siting").

The demand points are the communities today's stations leave uncovered. They have no
station, so the forecast has no visits of their own. Their weight by the forecast is::

    weight = round(uncovered_workers × forecast visits per covered worker of the district)

where a district's forecast visits per covered worker are the p50 visits the forecast
publishes for the district, summed over its months (the next one to three), divided by
the outdoor workers of the district's covered communities (at the plan's radius): how
many visits a covered worker makes there. A district without covered workers or without
a forecast takes the city's figure. The weight is in whole visits, so the solver's
"workers are whole numbers" holds for visits too.

Within one district the figure is the same for every community, so a plan of one
district (or subdistrict) picks the same sites as by workers, up to rounding; the option
changes plans that span districts, where it favours districts whose covered workers use
their stations more.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.planning.request import PlanError


def visits_per_covered_worker(demand: pl.DataFrame, forecast: pl.DataFrame) -> pl.DataFrame:
    """Per district of ``demand`` (every community of the city, with ``covered`` at the
    plan's radius): ``covered_workers``, ``forecast_visits``, the ``visits_per_worker``
    used and its ``basis`` (``district`` or ``city``). Raises :class:`PlanError` when no
    figure can be had, not even the city's."""
    covered = (
        demand.filter(pl.col("covered"))
        .group_by("district_code")
        .agg(covered_workers=pl.col("outdoor_workers").sum())
    )
    districts = (
        demand.select("district_code").unique()
        .join(covered, on="district_code", how="left")
        .join(
            forecast.filter(pl.col("scope_level") == "district").select(
                district_code="scope_code", forecast_visits="visits"
            ),
            on="district_code", how="left",
        )
        .with_columns(pl.col("covered_workers").fill_null(0))
    )  # fmt: skip
    city_visits = forecast.filter(pl.col("scope_level") == "city")["visits"]
    city_workers = int(covered["covered_workers"].sum() or 0)
    if city_visits.is_empty() or city_visits[0] is None or city_workers == 0:
        raise PlanError("no_forecast")
    city_rate = float(city_visits[0]) / city_workers
    own = pl.col("forecast_visits").is_not_null() & (pl.col("covered_workers") > 0)
    return districts.with_columns(
        visits_per_worker=pl.when(own)
        .then(pl.col("forecast_visits") / pl.col("covered_workers"))
        .otherwise(pl.lit(city_rate)),
        basis=pl.when(own).then(pl.lit("district")).otherwise(pl.lit("city")),
    ).sort("district_code")


def demand_weights(
    demand: pl.DataFrame, weight: str, rates: pl.DataFrame | None = None
) -> np.ndarray:
    """Whole-number weights of the demand points (``demand`` rows): their
    ``uncovered_workers``, or with ``weight="forecast"`` those workers times their
    district's ``visits_per_worker`` from :func:`visits_per_covered_worker`, rounded."""
    workers = demand["uncovered_workers"].to_numpy().astype(np.int64)
    if weight == "workers":
        return workers
    rate = demand.select("district_code").join(
        rates.select("district_code", "visits_per_worker"), on="district_code", how="left",
        maintain_order="left",
    )["visits_per_worker"].fill_null(0.0).to_numpy()  # fmt: skip
    return np.rint(workers * rate).astype(np.int64)
