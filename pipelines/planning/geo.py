"""Great-circle distances and "which points lie within R of which" without a dense matrix.

Points go onto the unit sphere as 3-D vectors; a KD-tree finds the pairs whose chord is
within the chord of R, which is exactly the pairs whose great-circle distance is within
R. Distances are then the haversine formula of metrics.md (Earth radius 6,371,008.8 m).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance in metres; arguments broadcast like numpy arrays (degrees)."""
    lat1, lon1, lat2, lon2 = (
        np.radians(np.asarray(a, dtype=float)) for a in (lat1, lon1, lat2, lon2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _unit_vectors(lat, lon) -> np.ndarray:
    lat = np.radians(np.asarray(lat, dtype=float))
    lon = np.radians(np.asarray(lon, dtype=float))
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


def pairs_within(
    lat_a, lon_a, lat_b, lon_b, radius_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs (i, j) with point a[i] within ``radius_m`` of point b[j].

    Returns index arrays ``i``, ``j`` and the haversine distances, sorted by (i, j).
    """
    a = _unit_vectors(lat_a, lon_a)
    b = _unit_vectors(lat_b, lon_b)
    if len(a) == 0 or len(b) == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    # a small slack so that rounding never drops a pair at exactly R; the haversine
    # filter below decides
    chord = 2 * np.sin(
        min(radius_m * (1 + 1e-9) + 1e-6, np.pi * EARTH_RADIUS_M) / (2 * EARTH_RADIUS_M)
    )
    sparse = cKDTree(a).sparse_distance_matrix(cKDTree(b), chord, output_type="ndarray")
    i = sparse["i"].astype(np.int64)
    j = sparse["j"].astype(np.int64)
    dist = haversine_m(
        np.asarray(lat_a, float)[i],
        np.asarray(lon_a, float)[i],
        np.asarray(lat_b, float)[j],
        np.asarray(lon_b, float)[j],
    )
    keep = dist <= radius_m
    i, j, dist = i[keep], j[keep], dist[keep]
    order = np.lexsort((j, i))
    return i[order], j[order], dist[order]


def nearest(lat_a, lon_a, lat_b, lon_b) -> tuple[np.ndarray, np.ndarray]:
    """For each point a[i]: the index of the nearest point of b and its haversine
    distance (index -1 and distance inf when b is empty)."""
    a = _unit_vectors(lat_a, lon_a)
    if len(np.atleast_1d(lat_b)) == 0:
        return np.full(len(a), -1), np.full(len(a), np.inf)
    b = _unit_vectors(lat_b, lon_b)
    _, j = cKDTree(b).query(a, k=1)
    j = np.asarray(j, dtype=np.int64)
    dist = haversine_m(lat_a, lon_a, np.asarray(lat_b, float)[j], np.asarray(lon_b, float)[j])
    return j, dist
