"""Maps that orient without the network: outlines and names drawn from our own data,
names only in characters MapLibre draws with local fonts; basemap presets that are
aligned (GCJ-02 tiles get GCJ-02 points); the station map's 七有 status."""

from __future__ import annotations

import json

import polars as pl
import pytest

from dashboards import figures
from dashboards.basemaps import Basemap, BasemapError, basemap
from dashboards.figures.maps import LOCAL_FONT, Outlines, fullwidth
from dashboards.figures.stations import seven_status, station_map
from pipelines.ingest.coords import wgs84_to_gcj02
from pipelines.planning.outlines import LOCAL_GLYPHS
from pipelines.settings import Settings

COMMUNITIES = pl.DataFrame({
    "community_name": ["甲", "乙"], "lat": [39.9, 39.8], "lon": [116.3, 116.4],
    "outdoor_workers": [100, 50], "covered": [True, False], "uncovered_workers": [0, 50],
})  # fmt: skip
STATIONS = pl.DataFrame({"station_name": ["站"], "lat": [39.9], "lon": [116.3],
                         "active": [True], "meets_standard": [True]})  # fmt: skip
SQUARE = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
          "geometry": {"type": "Polygon", "coordinates": [[[116, 39], [117, 39], [117, 40],
                                                           [116, 39]]]}}]}  # fmt: skip
LINES = {
    "type": "Feature",
    "properties": {},
    "geometry": {"type": "MultiLineString", "coordinates": [[[116.2, 39.7], [116.5, 39.9]]]},
}
LABELS = pl.DataFrame({"name": ["房山区"], "lat": [39.75], "lon": [116.14], "workers": [1]})
OUTLINES = Outlines(SQUARE, LINES, LABELS)


def test_offline_maps_draw_outlines_and_names_without_any_download():
    offline = figures.coverage_map(COMMUNITIES, STATIONS, "zh", OUTLINES, None)
    layout = offline["layout"]["map"]
    assert layout["style"] == "white-bg"
    # subdistrict lines then district lines, as GeoJSON, under the points; no symbol layer
    assert [(layer["sourcetype"], layer["type"]) for layer in layout["layers"]] == [
        ("geojson", "line"), ("geojson", "line")]  # fmt: skip
    assert all(layer["below"] == "traces" for layer in layout["layers"])
    texts = [trace for trace in offline["data"] if "text" in trace["mode"]]
    # the one text trace: names in MapLibre's default font stack, CJK characters only,
    # which MapLibre draws with the reader's fonts (no glyph request)
    assert len(texts) == 1 and texts[0]["text"] == ["房山区"]
    assert texts[0]["textfont"]["family"] == LOCAL_FONT
    assert all(LOCAL_GLYPHS.fullmatch(name) for name in texts[0]["text"])


def test_site_ranks_are_written_in_full_width_digits():
    assert fullwidth("12") == "１２"
    assert all("\uff00" <= c <= "\uffef" for c in fullwidth("309"))


def test_a_basemap_draws_below_and_brings_its_own_names():
    tiles = Basemap("custom", (("http://tiles.example/{z}/{x}/{y}.png",),))
    online = figures.coverage_map(COMMUNITIES, STATIONS, "zh", OUTLINES, tiles)
    assert online["layout"]["map"]["layers"][0] == {
        "sourcetype": "raster", "source": ["http://tiles.example/{z}/{x}/{y}.png"],
        "below": "traces",
    }  # fmt: skip
    assert not [trace for trace in online["data"] if "text" in trace["mode"]]


def test_on_a_gcj02_basemap_points_and_lines_are_shifted():
    tiles = Basemap("amap", (("https://webrd01.is.autonavi.com/{z}/{x}/{y}",),), "gcj02")
    shifted = figures.coverage_map(COMMUNITIES, STATIONS, "zh", OUTLINES, tiles)
    covered = shifted["data"][0]  # the covered community 甲 at 39.9, 116.3
    lat, lon = wgs84_to_gcj02(39.9, 116.3)
    assert (covered["lat"][0], covered["lon"][0]) == (round(float(lat), 6), round(float(lon), 6))
    # Beijing's GCJ-02 offset is a few hundred metres: about 0.001–0.007 degrees
    assert 0.0005 < abs(covered["lat"][0] - 39.9) + abs(covered["lon"][0] - 116.3) < 0.01
    line = shifted["layout"]["map"]["layers"][1]["source"]["geometry"]["coordinates"][0][0]
    lat, lon = wgs84_to_gcj02(39.7, 116.2)
    assert line == [round(float(lon), 6), round(float(lat), 6)]
    assert LINES["geometry"]["coordinates"][0][0] == [116.2, 39.7]  # the shared one unchanged


@pytest.mark.parametrize(
    ("env", "name", "crs"),
    [
        ({}, None, None),
        ({"tianditu_key": "k1"}, "tianditu", "wgs84"),
        ({"map_basemap": "amap"}, "amap", "gcj02"),
        ({"map_tiles_url": "https://t.example/{z}/{x}/{y}.png"}, "custom", "wgs84"),
        (
            {"map_tiles_url": "https://t.example/{z}/{x}/{y}.png", "map_tiles_crs": "gcj02"},
            "custom",
            "gcj02",
        ),
    ],
)
def test_basemap_presets(tmp_path, env, name, crs):
    chosen = basemap(Settings(data_dir=tmp_path, **env))
    assert (chosen.name, chosen.crs) == (name, crs) if name else chosen is None
    if name == "tianditu":
        # the streets and their names, from eight hosts each, with the key
        assert len(chosen.layers) == 2 and all(len(urls) == 8 for urls in chosen.layers)
        assert all("tk=k1" in url and "{z}" in url for url in chosen.urls())


def test_a_basemap_that_cannot_work_is_named(tmp_path):
    with pytest.raises(BasemapError, match="WSI_TIANDITU_KEY"):
        basemap(Settings(data_dir=tmp_path, map_basemap="tianditu"))
    with pytest.raises(BasemapError, match="WSI_MAP_BASEMAP"):
        basemap(Settings(data_dir=tmp_path, map_basemap="google"))


def test_the_station_map_shows_each_stations_seven_status():
    flags = ["has_shelter", "has_toilet", "has_water", "has_charging", "has_epidemic_kit",
             "has_first_aid", "has_rain_gear"]  # fmt: skip
    rows = {
        "station_name": ["全", "缺一", "缺二", "停"], "lat": [39.9, 39.8, 39.7, 39.6],
        "lon": [116.3] * 4, "active": [True, True, True, False],
        "meets_standard": [True, False, False, True], "missing_amenities": [0, 1, 2, 0],
        **{f: [True, f != "has_water", f not in ("has_water", "has_toilet"), True] for f in flags},
    }  # fmt: skip
    stations = pl.DataFrame(rows)
    assert seven_status(stations).to_list() == ["standard", "one_missing", "missing", "inactive"]
    fig = station_map(stations, "zh", OUTLINES, None)
    hovers = {t["name"]: t.get("text") for t in fig["data"] if t.get("name")}
    assert hovers["缺 1 项"] == ["缺一<br>缺少：饮用水"]
    assert hovers["缺 2 项及以上"] == ["缺二<br>缺少：卫生间、饮用水"]
    assert hovers["七有达标驿站"] == ["全<br>七有齐全"]
    json.dumps(fig)  # a plain dict the browser can take
