"""The maps' basemap: none (offline: outlines and names drawn from our own data), a
preset for Tianditu (天地图) or Amap (高德), or any tile URL.

``WSI_MAP_BASEMAP`` picks one: ``none``, ``tianditu`` (needs ``WSI_TIANDITU_KEY``),
``amap``, or ``custom`` (``WSI_MAP_TILES_URL``, in the coordinate system
``WSI_MAP_TILES_CRS``). Unset, it is ``custom`` when a tile URL is given, ``tianditu``
when a key is given, else ``none``.

Coordinates: our data are WGS-84. Tianditu's tiles are CGCS2000, which differs from
WGS-84 by centimetres, so points sit where they are. Amap's (and most Chinese web maps')
tiles are GCJ-02, shifted 100–700 m in Beijing: on such a basemap every point and line
is shifted to GCJ-02 for display (:func:`pipelines.ingest.coords.wgs84_to_gcj02`); the
data and every distance stay WGS-84.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.settings import Settings

_TIANDITU = (
    "https://t{n}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
_AMAP = (
    "https://webrd0{n}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
    "&x={{x}}&y={{y}}&z={{z}}"
)
CHOICES = ("none", "tianditu", "amap", "custom")


class BasemapError(ValueError):
    """A basemap setting that cannot work (named in the message)."""


@dataclass(frozen=True)
class Basemap:
    """Raster tile layers, bottom first; each layer's URLs are the same tiles from
    several hosts. ``crs`` is the tiles' coordinate system (``wgs84`` or ``gcj02``)."""

    name: str
    layers: tuple[tuple[str, ...], ...]
    crs: str = "wgs84"
    attribution: str = ""

    def urls(self) -> list[str]:
        return [url for layer in self.layers for url in layer]


def basemap(settings: Settings) -> Basemap | None:
    """The configured basemap (None: offline) from the environment (module docstring)."""
    url, key = settings.map_tiles_url, settings.tianditu_key
    choice = settings.map_basemap or ("custom" if url else "tianditu" if key else "none")
    if choice not in CHOICES:
        raise BasemapError(f"WSI_MAP_BASEMAP={choice!r}: expected one of {', '.join(CHOICES)}")
    if choice == "none":
        return None
    if choice == "tianditu":
        if not key:
            raise BasemapError("WSI_MAP_BASEMAP=tianditu needs WSI_TIANDITU_KEY (a browser key)")
        layers = tuple(
            tuple(_TIANDITU.format(n=n, layer=layer, key=key) for n in range(8))
            for layer in ("vec", "cva")  # the streets, then their names
        )
        return Basemap("tianditu", layers, "wgs84", "© 天地图 Tianditu")
    if choice == "amap":
        return Basemap("amap", (tuple(_AMAP.format(n=n) for n in range(1, 5)),), "gcj02",
                       "© 高德地图 AutoNavi")  # fmt: skip
    if not url:
        raise BasemapError("WSI_MAP_BASEMAP=custom needs WSI_MAP_TILES_URL")
    crs = settings.map_tiles_crs
    if crs not in ("wgs84", "gcj02"):
        raise BasemapError(f"WSI_MAP_TILES_CRS={crs!r}: expected wgs84 or gcj02")
    return Basemap("custom", ((url,),), crs)


def tile_urls(settings: Settings) -> list[str]:
    """Every tile URL of the configured basemap (the hosts the browser may fetch from)."""
    tiles = basemap(settings)
    return tiles.urls() if tiles else []
