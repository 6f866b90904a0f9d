"""The sites a plan may choose from, each placed in its community, subdistrict and district.

- the candidate sites of the export, and with ``with_community_candidates`` every
  uncovered community's centroid as well (site id ``community:<code>``, kind
  ``community_centroid``);
- cost: a candidate's ``est_cost`` (万元); where it is unknown (every community centroid,
  and candidate sites without a figure) the median ``est_cost`` of the candidate sites
  that have one stands in (0 when none has), so that a budget and the cost tie-break
  treat an unknown site as a typical one. The plan lists that assumed cost;
- place: the community its ``community_code`` names; a site without a known code is
  placed in the community whose centroid is nearest (``placed_by_distance``), so that
  every site has a district, a subdistrict and a community to be listed and planned by.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.planning.geo import nearest

COMMUNITY_SITE_PREFIX = "community:"
PLACE_COLUMNS = ("community_code", "community_name", "subdistrict_code", "subdistrict",
                 "district_code", "district")  # fmt: skip


def typical_cost(candidates: pl.DataFrame) -> float:
    """The median ``est_cost`` of the candidates that have one (0 when none has)."""
    known = candidates["est_cost"].drop_nulls()
    return float(known.median()) if len(known) else 0.0


def _placed(sites: pl.DataFrame, communities: pl.DataFrame) -> pl.DataFrame:
    """``sites`` with the place columns of the community each lies in (module docstring)."""
    located = communities.drop_nulls(["lat", "lon"])
    known = sites["community_code"].is_in(communities["community_code"].implode()).fill_null(False)
    index, _ = nearest(
        sites["lat"].to_numpy(), sites["lon"].to_numpy(),
        located["lat"].to_numpy(), located["lon"].to_numpy(),
    )  # fmt: skip
    nearest_code = np.asarray([*located["community_code"].to_list(), None], dtype=object)[index]
    sites = sites.with_columns(
        placed_by_distance=~known,
        community_code=pl.when(known)
        .then(pl.col("community_code"))
        .otherwise(pl.Series(nearest_code.tolist(), dtype=pl.String)),
    )
    places = communities.select(PLACE_COLUMNS)
    return sites.join(places, on="community_code", how="left", maintain_order="left")


def candidate_sites(
    candidates: pl.DataFrame, communities: pl.DataFrame, uncovered: pl.DataFrame,
    with_community_candidates: bool,
) -> pl.DataFrame:  # fmt: skip
    """The sites a plan may choose from (module docstring): ``site_id``, ``site_name``,
    ``site_kind``, ``lat``, ``lon``, ``address``, ``est_cost``, ``placed_by_distance``
    and the place columns. ``uncovered`` are the communities today's stations leave
    uncovered (their centroids are the extra candidates)."""
    typical = typical_cost(candidates)
    sites = candidates.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null()).select(
        "site_id", "site_name", site_kind=pl.lit("candidate"), lat="lat", lon="lon",
        address="address", community_code="community_code",
        est_cost=pl.col("est_cost").cast(pl.Float64).fill_null(typical),
    )  # fmt: skip
    if with_community_candidates:
        centroids = uncovered.select(
            site_id=pl.lit(COMMUNITY_SITE_PREFIX) + pl.col("community_code"),
            site_name=pl.col("community_name"),
            site_kind=pl.lit("community_centroid"),
            lat="lat", lon="lon", address=pl.lit(None, dtype=pl.String),
            community_code="community_code", est_cost=pl.lit(typical, dtype=pl.Float64),
        )  # fmt: skip
        sites = pl.concat([sites, centroids], how="vertical_relaxed")
    sites = sites.unique("site_id", keep="first", maintain_order=True)
    if sites.is_empty():
        return sites.with_columns(
            *(pl.lit(None, dtype=pl.String).alias(c) for c in PLACE_COLUMNS[1:]),
            placed_by_distance=pl.lit(False),
        )
    return _placed(sites, communities)
