"""Coordinates: the mainland-China plausibility box and the conversions of Chinese web-map
coordinate systems to WGS-84.

Amap and Tencent export GCJ-02 ("Mars coordinates"), Baidu exports BD-09; both sit a few
hundred metres off WGS-84 in Beijing. The forward GCJ-02 transform is the published
standard formula (Krasovsky 1940 ellipsoid constants); it has no closed-form inverse, so
WGS-84 is found by fixed-point iteration, which converges to well under a centimetre in a
few steps. All functions work on numpy arrays (vectorised over a whole batch).
"""

from __future__ import annotations

import numpy as np

#: mainland China, generously: Hainan's south coast to Mohe, Pamirs to Fuyuan
LAT_RANGE = (18.0, 54.0)
LON_RANGE = (73.0, 135.0)

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as in the GCJ-02 formula
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0


def in_china(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Whether each point lies in the mainland-China bounding box."""
    return (
        (lat >= LAT_RANGE[0])
        & (lat <= LAT_RANGE[1])
        & (lon >= LON_RANGE[0])
        & (lon <= LON_RANGE[1])
    )


def _delta(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset (degrees) at a WGS-84 point."""
    x, y = lon - 105.0, lat - 35.0
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    return dlat, dlon


def wgs84_to_gcj02(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 → GCJ-02 (the published forward formula)."""
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    dlat, dlon = _delta(lat, lon)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(
    lat: np.ndarray, lon: np.ndarray, steps: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → WGS-84 by fixed-point iteration of the forward formula."""
    lat, lon = np.asarray(lat, float), np.asarray(lon, float)
    wlat, wlon = lat.copy(), lon.copy()
    for _ in range(steps):
        glat, glon = wgs84_to_gcj02(wlat, wlon)
        wlat, wlon = wlat - (glat - lat), wlon - (glon - lon)
    return wlat, wlon


def bd09_to_gcj02(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 → GCJ-02 (Baidu's published inverse)."""
    x, y = np.asarray(lon, float) - 0.0065, np.asarray(lat, float) - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.sin(theta), z * np.cos(theta)


def gcj02_to_bd09(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 → BD-09 (used by tests to check the round trip)."""
    x, y = np.asarray(lon, float), np.asarray(lat, float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.sin(theta) + 0.006, z * np.cos(theta) + 0.0065


def to_wgs84(lat: np.ndarray, lon: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates in ``crs`` (wgs84, gcj02 or bd09) as WGS-84."""
    if crs == "wgs84":
        return np.asarray(lat, float), np.asarray(lon, float)
    if crs == "gcj02":
        return gcj02_to_wgs84(lat, lon)
    if crs == "bd09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))
    raise ValueError(f"unknown coordinate system {crs!r}: expected wgs84, gcj02 or bd09")
