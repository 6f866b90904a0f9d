"""Candidate sites (候选点位) for new stations: party-masses service centres, malls,
community spaces, company depots and fuel stations, with an estimated cost and seats.

Half sit where workers are many, half in communities that have no station yet, so
the siting tool has both crowded and thin areas to choose from.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines import vocabulary as vocab
from pipelines.demo.defects import Defect, set_text
from pipelines.demo.exports import Layout, labels
from pipelines.demo.geography import jitter
from pipelines.demo.scales import Scale, rng_for
from pipelines.demo.stations import DISTRICT_PREFIX

SITE_TYPES = ["party_service_center", "mall", "community_space", "company_depot", "fuel_station"]
_TYPE_SHARE = [0.3, 0.15, 0.3, 0.15, 0.1]
#: (name pattern, cost range in 万元, seats range)
_KIND = {
    "party_service_center": ("{c}党群服务中心", (2, 5), (6, 20)),
    "mall": ("{s}购物中心", (8, 20), (10, 30)),
    "community_space": ("{c}活动室", (3, 8), (4, 12)),
    "company_depot": ("美团外卖{s}站点", (1, 4), (4, 10)),
    "fuel_station": ("中国石化{s}加油站", (3, 6), (4, 8)),
}
HEADERS = {
    "site_id": ("点位编号", "site_id"),
    "site_name": ("点位名称", "site_name"),
    "site_type": ("点位类型", "site_type"),
    "lat": ("纬度", "lat"),
    "lon": ("经度", "lon"),
    "community_code": ("社区代码", "community_code"),
    "est_cost": ("预计费用(万元)", "est_cost"),
    "seats": ("座位数(个)", "seats"),
    "address": ("地址", "address"),
}
#: the community code typed as a number, as spreadsheets often hold codes (it reads back as digits)
CELL_TYPES = {
    "lat": "number",
    "lon": "number",
    "community_code": "number",
    "est_cost": "number",
    "seats": "number",
}


def build_candidates(
    scale: Scale, seed: int, communities: pl.DataFrame, stations: pl.DataFrame
) -> pl.DataFrame:
    rng = rng_for(seed, "candidate_sites")
    workers = communities["outdoor_workers"].to_numpy().astype(float)
    unserved = ~communities["community_code"].is_in(stations["community_code"].implode()).to_numpy()
    n_dense = scale.candidate_sites // 2
    dense = rng.choice(communities.height, size=n_dense, p=workers / workers.sum())
    thin_w = workers * unserved
    thin = rng.choice(
        communities.height, size=scale.candidate_sites - n_dense, p=thin_w / thin_w.sum()
    )
    where = communities[np.concatenate([dense, thin]).tolist()]
    n = where.height
    kind = np.array(SITE_TYPES)[rng.choice(len(SITE_TYPES), size=n, p=_TYPE_SHARE)]
    lat, lon = jitter(rng, where["lat"].to_numpy(), where["lon"].to_numpy(), 500.0)
    names, costs, seats, ids, seq = [], [], [], [], {}
    for k, short, sub, district in zip(
        kind, where["short_name"], where["subdistrict"], where["district"], strict=True
    ):
        pattern, (c0, c1), (s0, s1) = _KIND[k]
        names.append(pattern.format(c=short, s=sub.removesuffix("街道").removesuffix("镇")))
        costs.append(round(float(rng.uniform(c0, c1)), 1))
        seats.append(int(rng.integers(s0, s1 + 1)))
        prefix = DISTRICT_PREFIX[district]
        seq[prefix] = seq.get(prefix, 0) + 1
        ids.append(f"HX-{prefix}-{seq[prefix]:04d}")
    # addresses from their own stream, so that the other columns stay as they were; one
    # site in five has none, as in real lists
    street = rng_for(seed, "candidate_addresses")
    numbers, blank = street.integers(1, 300, size=n), street.random(n) < 0.2
    addresses = [
        None if empty else f"{district}{sub}{short}{number}号"
        for district, sub, short, number, empty in zip(
            where["district"],
            where["subdistrict"],
            where["short_name"],
            numbers,
            blank,
            strict=True,
        )
    ]
    return pl.DataFrame(
        {
            "site_id": ids,
            "site_name": names,
            "site_type": kind,
            "lat": np.round(lat, 6),
            "lon": np.round(lon, 6),
            "community_code": where["community_code"],
            "est_cost": costs,
            "seats": seats,
            "address": addresses,
        }
    ).sort("site_id")


def candidates_text(sites: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    return sites.with_columns(
        pl.col("site_type").replace_strict(labels(vocab.SITE_TYPE, layout)),
        pl.col("lat", "lon", "est_cost", "seats").cast(pl.String),
    )


def candidates_defects() -> list[Defect]:
    def fresh(rows: pl.DataFrame) -> pl.DataFrame:
        return rows.with_columns(pl.col("site_id") + "A")

    def swapped(rows, rng):
        return fresh(rows).with_columns(lat=pl.col("lon"), lon=pl.col("lat"))

    return [
        Defect("duplicate_id", 1, lambda rows, rng: rows),
        Defect("missing_value", 1, lambda rows, rng: set_text("site_name", None)(fresh(rows), rng)),
        Defect("swapped_coordinates", 1, swapped),
        Defect(
            "bad_coordinates",
            1,
            lambda rows, rng: fresh(rows).with_columns(lat=pl.lit("0"), lon=pl.lit("0")),
        ),
    ]
