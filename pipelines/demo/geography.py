"""Beijing's real communities with centroids and plausible populations for the demo.

Codes and names are the official 2023 ones from the reference file. About a quarter
of communities have a centroid there; the others are placed near a sibling in the same
subdistrict, else near the subdistrict's centroid, else near the district's, so that a
subdistrict's communities spread over its area instead of sitting on one point.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.demo.names import short_form
from pipelines.demo.scales import Scale, rng_for
from pipelines.settings import get_settings

#: about 330,000 new-employment-form workers in Beijing in 2024 (SOURCES.md)
BEIJING_OUTDOOR_WORKERS = 330_000

#: how much outdoor work a district's communities see, relative to an average one:
#: the dense, commercial core most, the mountain districts least
DISTRICT_ACTIVITY = {
    "东城区": 1.7,
    "西城区": 1.7,
    "朝阳区": 1.9,
    "海淀区": 1.6,
    "丰台区": 1.4,
    "石景山区": 1.1,
    "通州区": 1.1,
    "大兴区": 1.1,
    "昌平区": 1.1,
    "顺义区": 1.0,
    "房山区": 0.9,
    "门头沟区": 0.6,
    "怀柔区": 0.5,
    "平谷区": 0.5,
    "密云区": 0.5,
    "延庆区": 0.4,
}

_METRES_PER_DEG_LAT = 111_320.0


def load_divisions() -> pl.DataFrame:
    """The reference divisions (all levels), codes as text."""
    return pl.read_csv(
        get_settings().divisions_csv,
        schema_overrides={"code": pl.String, "parent_code": pl.String},
        infer_schema_length=10_000,
    )


def beijing_communities(seed: int) -> pl.DataFrame:
    """Every Beijing community with a WGS-84 centroid, residents and outdoor workers.

    Columns: community_code, community_name (official), short_name, subdistrict_code,
    subdistrict, district, is_village, lat, lon, residents, outdoor_workers.
    """
    divisions = load_divisions()
    rng = rng_for(seed, "geography")
    centroid = {
        row["code"]: (row["wgs_lat"], row["wgs_lng"])
        for row in divisions.filter(pl.col("wgs_lat").is_not_null()).iter_rows(named=True)
    }
    communities = divisions.filter(pl.col("level") == "community").sort("code")
    codes = communities["code"].to_list()
    parents = communities["parent_code"].to_list()
    names = communities["name"].to_list()
    lat = communities["wgs_lat"].to_numpy().astype(float)
    lon = communities["wgs_lng"].to_numpy().astype(float)
    is_village = np.array([short_form(n).endswith("村") for n in names])
    _place_missing(rng, codes, parents, is_village, lat, lon, centroid)

    district = communities["district"].to_numpy()
    activity = np.array([DISTRICT_ACTIVITY.get(d, 1.0) for d in district])
    weight = activity * np.where(is_village, 0.15, 1.0) * rng.lognormal(0.0, 0.6, len(codes))
    workers = np.maximum(1, np.round(weight / weight.sum() * BEIJING_OUTDOOR_WORKERS))
    residents = np.where(
        is_village,
        rng.lognormal(np.log(1_200), 0.6, len(codes)),
        rng.lognormal(np.log(6_500), 0.5, len(codes)),
    )
    return pl.DataFrame(
        {
            "community_code": codes,
            "community_name": names,
            "short_name": [short_form(n) for n in names],
            "subdistrict_code": parents,
            "subdistrict": communities["street"],
            "district": communities["district"],
            "is_village": is_village,
            "lat": np.round(lat, 6),
            "lon": np.round(lon, 6),
            "residents": (np.round(residents, -1)).astype(np.int64),
            "outdoor_workers": workers.astype(np.int64),
        }
    )


def communities_for(scale: Scale, seed: int) -> pl.DataFrame:
    """The communities of a scale (its districts, or all of Beijing)."""
    communities = beijing_communities(seed)
    if scale.districts is None:
        return communities
    return communities.filter(pl.col("district").is_in(scale.districts))


def jitter(
    rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray, radius_m: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Points uniformly within ``radius_m`` of (lat, lon)."""
    n = len(lat)
    distance = np.sqrt(rng.random(n)) * radius_m
    bearing = rng.random(n) * 2 * np.pi
    dlat = distance * np.cos(bearing) / _METRES_PER_DEG_LAT
    dlon = distance * np.sin(bearing) / (_METRES_PER_DEG_LAT * np.cos(np.radians(lat)))
    return lat + dlat, lon + dlon


def _place_missing(
    rng: np.random.Generator,
    codes: list[str],
    parents: list[str],
    is_village: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    centroid: dict[str, tuple[float, float]],
) -> None:
    """Fill missing centroids in place: near a random placed sibling (within 900 m),
    else the subdistrict's centroid (1.5 km, villages 3 km), else the district's (3 km)."""
    known = ~np.isnan(lat)
    siblings: dict[str, list[int]] = {}
    for i in np.flatnonzero(known):
        siblings.setdefault(parents[i], []).append(int(i))
    missing = np.flatnonzero(~known)
    anchor_lat = np.empty(len(missing))
    anchor_lon = np.empty(len(missing))
    radius = np.empty(len(missing))
    picks = rng.random(len(missing))
    for k, i in enumerate(missing):
        placed = siblings.get(parents[i])
        if placed:
            j = placed[int(picks[k] * len(placed))]
            anchor_lat[k], anchor_lon[k], radius[k] = lat[j], lon[j], 900.0
        elif parents[i] in centroid:
            anchor_lat[k], anchor_lon[k] = centroid[parents[i]]
            radius[k] = 3_000.0 if is_village[i] else 1_500.0
        else:
            anchor_lat[k], anchor_lon[k] = centroid[codes[i][:6] + "000000"]
            radius[k] = 3_000.0
    # never exactly on the anchor: at least 250 m away, so two communities don't coincide
    new_lat, new_lon = jitter(rng, anchor_lat, anchor_lon, np.maximum(radius, 250.0))
    lat[missing], lon[missing] = new_lat, new_lon


HEADERS = {
    "community_code": "社区代码",
    "community_name": "社区名称",
    "subdistrict": "街道(乡镇)",
    "district": "区",
    "lat": "纬度",
    "lon": "经度",
    "residents": "常住人口(人)",
    "outdoor_workers": "户外劳动者人数(人)",
}


def communities_text(communities: pl.DataFrame) -> pl.DataFrame:
    """The reference export: official names as the statistics office writes them."""
    return communities.select(pl.col(c).cast(pl.String) for c in HEADERS)
