"""Distances and radius search: haversine with R = 6,371,008.8 m, and a KD-tree search
that finds exactly the pairs a brute-force haversine comparison finds."""

import math

import numpy as np
import pytest

from pipelines.planning.geo import haversine_m, nearest, pairs_within


def test_one_degree_of_latitude_is_pi_r_over_180():
    # along a meridian the great-circle distance is R * delta_phi
    assert haversine_m(39.0, 116.0, 40.0, 116.0) == pytest.approx(
        6_371_008.8 * math.pi / 180, rel=1e-12
    )


def test_pairs_within_equals_brute_force():
    rng = np.random.default_rng(3)
    lat_a, lon_a = 39.8 + rng.random(400) * 0.3, 116.2 + rng.random(400) * 0.3
    lat_b, lon_b = 39.8 + rng.random(250) * 0.3, 116.2 + rng.random(250) * 0.3
    i, j, dist = pairs_within(lat_a, lon_a, lat_b, lon_b, 1500.0)
    full = haversine_m(lat_a[:, None], lon_a[:, None], lat_b[None, :], lon_b[None, :])
    bi, bj = np.nonzero(full <= 1500.0)
    assert len(i) > 100
    assert np.array_equal(i, bi) and np.array_equal(j, bj)
    assert np.allclose(dist, full[bi, bj])


def test_a_point_exactly_at_the_radius_counts():
    # 0.01 degree of latitude apart: compute that distance and use it as R
    radius = float(haversine_m(39.9, 116.4, 39.91, 116.4))
    i, j, _ = pairs_within([39.9], [116.4], [39.91], [116.4], radius)
    assert list(i) == [0] and list(j) == [0]


def test_nearest_and_empty_inputs():
    j, dist = nearest([39.9, 40.0], [116.4, 116.4], [39.95, 40.2], [116.4, 116.4])
    assert list(j) == [0, 0]
    assert dist[0] == pytest.approx(haversine_m(39.9, 116.4, 39.95, 116.4))
    j, dist = nearest([39.9], [116.4], [], [])
    assert list(j) == [-1] and np.isinf(dist[0])
    i, j, dist = pairs_within([39.9], [116.4], [], [], 1000.0)
    assert len(i) == len(j) == len(dist) == 0
