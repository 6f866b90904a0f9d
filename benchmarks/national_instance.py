"""A synthetic national siting instance: about 600,000 communities and villages (China has
some 110,000 urban communities, 居委会, and 490,000 administrative villages, 村委会) and
50,000 candidate sites, seeded.

The geography is drawn, not real, but shaped like it: nine regional blobs carry the
population (the North China Plain and the Yangtze delta most, the far west little);
cities have Zipf-like sizes and communities packed around their centre at about five per
km² in the core (Beijing's 7,535 communities cover its 16,410 km², most of them in the
centre); villages sit in townships of a county, a few kilometres apart. Outdoor workers
are log-normal, larger in cities. Candidate sites lie a few hundred metres from a demand
point drawn in proportion to its workers; optional existing stations sit near city
communities and cover their neighbours (those workers count as covered already, as in
the planner).

    instance = national_instance(seed=7)            # ~600,000 × 50,000
    instance = national_instance(scale=0.02)        # the same shape, 2 % of the size
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.planning.geo import pairs_within

METRES_PER_DEGREE = 111_195.0
#: existing stations cover the demand within this distance (the planner's R)
STATION_RADIUS_M = 1000.0

#: (lat, lon, spread in km, share of the people): where China's people mostly live
REGIONS = (
    (36.5, 116.0, 330, 0.26),  # North China Plain: Hebei, Shandong, Henan, Beijing, Tianjin
    (31.0, 119.5, 260, 0.17),  # Yangtze delta: Jiangsu, Zhejiang, Shanghai, Anhui
    (28.5, 113.0, 280, 0.14),  # the middle Yangtze: Hubei, Hunan, Jiangxi
    (23.5, 111.5, 320, 0.12),  # the south: Guangdong, Guangxi, Fujian
    (30.2, 105.0, 230, 0.10),  # Sichuan basin, Chongqing
    (44.0, 125.5, 330, 0.07),  # the north-east
    (35.5, 107.0, 280, 0.06),  # Shaanxi, Gansu, Ningxia
    (25.5, 104.0, 260, 0.06),  # Yunnan, Guizhou
    (41.5, 84.0, 450, 0.02),  # Xinjiang
)


@dataclass(frozen=True)
class NationalInstance:
    """Demand points (lat, lon, workers, urban) and candidate sites (lat, lon, cost)."""

    lat: np.ndarray
    lon: np.ndarray
    workers: np.ndarray  # not yet covered by an existing station
    urban: np.ndarray
    site_lat: np.ndarray
    site_lon: np.ndarray
    site_cost: np.ndarray  # 万元
    station_lat: np.ndarray
    station_lon: np.ndarray

    @property
    def site_ids(self) -> tuple[str, ...]:
        return tuple(f"N{i:06d}" for i in range(len(self.site_lat)))


def _scatter(
    rng: np.random.Generator, lat: np.ndarray, lon: np.ndarray, sd_m: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Points a normal distance (``sd_m`` metres in each direction) from (lat, lon)."""
    sd = np.broadcast_to(np.asarray(sd_m, dtype=float), lat.shape)
    new_lat = lat + rng.normal(0, 1, lat.shape) * sd / METRES_PER_DEGREE
    cos = np.cos(np.radians(np.clip(new_lat, -80, 80)))
    return new_lat, lon + rng.normal(0, 1, lat.shape) * sd / (METRES_PER_DEGREE * cos)


def _places(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Centres of n places (cities, counties) spread over the regions by population."""
    share = np.array([r[3] for r in REGIONS])
    region = rng.choice(len(REGIONS), n, p=share / share.sum())
    centre_lat = np.array([r[0] for r in REGIONS])[region]
    centre_lon = np.array([r[1] for r in REGIONS])[region]
    spread_m = np.array([r[2] for r in REGIONS])[region] * 1000 / 2
    return _scatter(rng, centre_lat, centre_lon, spread_m)


def _sizes(rng: np.random.Generator, places: int, total: int, exponent: float) -> np.ndarray:
    """Zipf-like sizes summing to ``total``: the r-th largest ∝ r^-exponent, jittered."""
    weight = np.arange(1, places + 1) ** -exponent * rng.lognormal(0, 0.3, places)
    size = np.floor(weight / weight.sum() * total).astype(np.int64)
    size[: total - size.sum()] += 1
    return size


def national_instance(
    scale: float = 1.0,
    seed: int = 7,
    communities: int = 110_000,
    villages: int = 490_000,
    candidates: int = 50_000,
    stations: int = 0,
) -> NationalInstance:
    """The instance at ``scale`` (every count multiplied by it)."""
    rng = np.random.default_rng(seed)
    n_comm, n_vill = round(communities * scale), round(villages * scale)
    n_cand, n_stat = round(candidates * scale), round(stations * scale)

    # cities: ~300 prefecture cities at full scale; communities at ~5 per km² at the
    # core (a central district's density), so a city of n communities is a normal blob
    # of sd sqrt(n / 10π) km
    n_cities = max(1, round(300 * scale))
    city_size = _sizes(rng, n_cities, n_comm, 0.9)
    city_lat, city_lon = _places(rng, n_cities)
    city = np.repeat(np.arange(n_cities), city_size)
    c_lat, c_lon = _scatter(
        rng, city_lat[city], city_lon[city], 1000 * np.sqrt(city_size[city] / (10 * np.pi))
    )

    # villages: ~2,000 counties of ~12 townships each; a township's villages lie within
    # a few km of its seat, the seats within ~15 km of the county's
    n_counties = max(1, round(2000 * scale))
    county_lat, county_lon = _places(rng, n_counties)
    n_towns = n_counties * 12
    town = rng.integers(0, n_counties, n_towns)
    t_lat, t_lon = _scatter(rng, county_lat[town], county_lon[town], 15_000.0)
    village_town = np.repeat(np.arange(n_towns), _sizes(rng, n_towns, n_vill, 0.3))
    rng.shuffle(village_town)
    v_lat, v_lon = _scatter(rng, t_lat[village_town], t_lon[village_town], 3_000.0)

    lat, lon = np.concatenate([c_lat, v_lat]), np.concatenate([c_lon, v_lon])
    urban = np.arange(len(lat)) < n_comm
    # outdoor workers: as the Beijing benchmark's communities; villages have fewer
    city_workers = rng.lognormal(3.5, 0.8, len(lat))
    village_workers = rng.lognormal(2.0, 0.9, len(lat))
    workers = np.rint(np.where(urban, city_workers, village_workers)).astype(np.int64)

    # candidate sites: within a few hundred metres of a demand point drawn by workers
    pick = rng.choice(len(lat), n_cand, p=workers / workers.sum())
    s_lat, s_lon = _scatter(rng, lat[pick], lon[pick], 400.0)
    st = rng.choice(np.flatnonzero(urban), n_stat) if n_stat else np.empty(0, dtype=np.int64)
    st_lat, st_lon = _scatter(rng, lat[st], lon[st], 300.0)
    covered_today = pairs_within(lat, lon, st_lat, st_lon, STATION_RADIUS_M)[0]
    workers[covered_today] = 0
    return NationalInstance(
        lat=lat,
        lon=lon,
        workers=workers,
        urban=urban,
        site_lat=s_lat,
        site_lon=s_lon,
        site_cost=rng.integers(5, 31, n_cand).astype(float),
        station_lat=st_lat,
        station_lon=st_lon,
    )
