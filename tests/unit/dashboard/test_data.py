"""The data-access module on the synthetic snapshot: numbers worked out by hand from
tests/fixtures/synthetic_snapshot.py (months 2023-02 … 2024-03)."""

from __future__ import annotations

from datetime import date

import pytest

from dashboards import data
from pipelines.scope import contains, level_of

MARCH = date(2024, 3, 1)
FANGSHAN, HAIDIAN = "110111000000", "110108000000"
GONGCHEN = "110111011000"


def test_scope_levels_and_containment():
    assert level_of("110000000000") == "city"
    assert level_of(FANGSHAN) == "district"
    assert level_of(GONGCHEN) == "subdistrict"
    assert level_of("110111011005") == "community"
    assert contains(FANGSHAN, "110111011005")
    assert not contains(FANGSHAN, "110108001001")


def test_viewer_cannot_leave_its_scope():
    haidian = data.Viewer(HAIDIAN)
    assert haidian.allowed("110108001001") == "110108001001"
    assert haidian.allowed(FANGSHAN) == HAIDIAN
    assert haidian.allowed("110000000000") == HAIDIAN
    assert haidian.allowed("1; DROP TABLE x") == HAIDIAN
    assert data.Viewer().allowed(None) == "110000000000"


def test_months_and_default(settings, city):
    months = data.months(city)
    assert (months[0], months[-1], len(months)) == (date(2023, 2, 1), MARCH, 14)
    assert data.default_month(city) == MARCH


def test_city_kpis_with_changes(settings, city):
    k = data.kpis(city, None, MARCH)
    # visits: S001 3×3 + 10 tally, S002 2×3, S004 1×3 = 28; February 19 + 2 + 4 = 25
    assert k["visits"].value == 28
    assert k["visits"].mom_abs == 3
    assert k["visits"].mom_rel == pytest.approx(3 / 25)
    # March 2023: no station open yet, so no visits: +28, no ratio to a zero
    assert (k["visits"].yoy_abs, k["visits"].yoy_rel) == (28, None)
    assert k["unique_workers"].value == 3  # w05, w12, w19 shared across stations
    assert (k["active_stations"].value, k["standard_stations"].value) == (3, 2)
    assert k["accepted_stations"].value == 2
    assert (k["calls"].value, k["resolved"].value) == (5, 3)
    assert k["resolution_rate"].value == pytest.approx(0.6)
    assert k["median_resolution_hours"].value == pytest.approx(24.0)  # 6, 24, 48
    assert k["backlog"].value == 28  # 2 unresolved calls a month over 14 months
    assert (k["reached"].value, k["enrolled"].value) == (120, 36)
    assert k["coverage_rate"].value == pytest.approx(1450 / 1750)
    assert k["standard_coverage_rate"].value == pytest.approx(1150 / 1750)
    assert k["coverage_rate"].mom_abs == pytest.approx(0.0)


def test_kpi_trend_is_the_scope_over_months(settings, city):
    trend = data.kpi_trend(city, FANGSHAN, MARCH, n=3)
    assert trend["month"].to_list() == [date(2024, 1, 1), date(2024, 2, 1), MARCH]
    # 房山: January S001 (6 + 10); February S001 19 + S002 2; March 19 + 6
    assert trend["visits"].to_list() == [16, 21, 25]


def test_rankings(settings, city):
    districts = data.ranking(city, None, MARCH, "district")
    by_name = {r["scope_name"]: r for r in districts.to_dicts()}
    assert by_name["房山区"]["visits"] == 25
    assert by_name["房山区"]["coverage_rate"] == pytest.approx(700 / 1000)
    assert by_name["海淀区"]["coverage_rate"] == pytest.approx(1.0)
    assert by_name["海淀区"]["resolution_rate"] == pytest.approx(1.0)
    subdistricts = data.ranking(city, FANGSHAN, MARCH, "subdistrict")
    assert sorted(subdistricts["scope_name"].to_list()) == ["拱辰街道", "琉璃河地区"]
    assert data.ranking(city, GONGCHEN, MARCH, "district").is_empty()


def test_coverage_at_default_radius_matches_the_published_table(settings, city):
    live = data.coverage_at_radius(city, None, MARCH, 1000.0)
    published = data.community_coverage(city, None, MARCH)
    live_by = {r["community_code"]: r for r in live.to_dicts()}
    for row in published.to_dicts():
        mine = live_by[row["community_code"]]
        assert mine["covered"] == row["covered"]
        assert mine["uncovered_workers"] == row["uncovered_workers"]
        assert mine["stations_within_r"] == row["stations_within_r"]
        assert mine["nearest_station_m"] == pytest.approx(row["nearest_station_m"], rel=1e-9)
    # largest gaps first: 行宫园 (200), then 周庄村 (100)
    assert live["community_name"].to_list()[:2] == ["行宫园社区居委会", "周庄村委会"]
    assert live["uncovered_workers"].sum() == 300


def test_a_wider_radius_covers_more(settings, city):
    # 行宫园 is 1,311 m from S001; 梅花庄 is 148 m from S001 and ~1,050 m from S002
    wide = data.coverage_at_radius(city, GONGCHEN, MARCH, 1500.0)
    assert wide["uncovered_workers"].sum() == 0
    meihua = wide.filter(wide["community_code"] == "110111011005")
    assert meihua["stations_within_r"].item() == 2
    narrow = data.coverage_at_radius(city, GONGCHEN, MARCH, 300.0)
    assert narrow["uncovered_workers"].sum() == 200
    assert narrow.height == 3  # the subdistrict's communities only


def test_demand_mix_and_hours(settings, city):
    demand = data.demand_by_community(city, None, MARCH)
    meihua = demand.filter(demand["community_code"] == "110111011005").to_dicts()[0]
    assert (meihua["visits"], meihua["calls"], meihua["enrolled"]) == (19, 1, 20)
    assert meihua["visits_per_1000_workers"] == pytest.approx(19 * 1000 / 400)
    mix = dict(data.service_mix(city, None, MARCH).iter_rows())
    assert mix == {"other": 10, "water": 6, "charging": 6, "rest": 6}
    hours = data.hour_weekday(city, None, MARCH)
    assert hours["visits"].sum() == 18  # the tally of 10 has no time
    # 2024-03-05 is a Tuesday; 9:00 water at S001, S002, S004 = 3 + 2 + 1
    assert hours.filter((hours["weekday"] == 2) & (hours["hour"] == 9))["visits"].item() == 6
    community = data.hour_weekday(city, "110111011005", MARCH)
    assert set(community["scope_code"].to_list()) == {GONGCHEN}


def test_seasons_and_crowding(settings, city):
    seasons = {(r["season_year"], r["season"]): r for r in data.seasons(city, None).to_dicts()}
    # winter 2023 = Dec 2023 (S003: 12) + Jan 2024 (28) + Feb 2024 (25)
    assert seasons[(2023, "winter")]["visits"] == 12 + 28 + 25
    assert seasons[(2023, "winter")]["months"] == 3
    assert seasons[(2024, "spring")]["visits"] == 28
    crowded = data.crowded_stations(city, None, MARCH)
    assert crowded["station_id"].to_list() == ["S001", "S002"]  # S004 has no seats
    assert crowded["visits_per_seat_day"][0] == pytest.approx(19 / (10 * 31))


def test_hotline(settings, city):
    categories = data.hotline_by_category(city, None, MARCH, n=1)
    assert dict(zip(categories["category"], categories["calls"], strict=True)) == {
        "assistance": 1, "join_union": 1, "legal": 2, "psychological": 1,
    }  # fmt: skip
    routing = {r["routed_to"]: r for r in data.hotline_routing(city, None, MARCH).to_dicts()}
    assert (routing["区总工会法律服务中心"]["calls"], routing[None]["calls"]) == (2, 1)
    unassigned = data.unassigned_calls(city, None, MARCH, n=3)
    assert unassigned["unassigned"].to_list() == [1, 1, 1]
    assert unassigned["city"].to_list() == [4, 4, 5]
    assert data.unassigned_calls(data.Viewer(FANGSHAN), None, MARCH).is_empty()
    assert data.unassigned_calls(data.Viewer(FANGSHAN), "110000000000", MARCH).is_empty()
    assert data.unassigned_calls(city, FANGSHAN, MARCH).is_empty()


def test_membership(settings, city):
    drives = data.drives_by_platform(city, None, MARCH, n=1)
    assert {r["platform"]: (r["reached"], r["enrolled"]) for r in drives.to_dicts()} == {
        "eleme": (40, 10), "meituan": (50, 20), "sf": (30, 6),
    }  # fmt: skip
    cumulative = data.cumulative_enrolment(city, None)
    assert cumulative["cumulative"].to_list()[-3:] == [26 * 12, 26 * 13, 26 * 13 + 36]
    # a drive held for 房山区 as a whole counts in the district, in no subdistrict
    assert data.kpis(city, FANGSHAN, MARCH)["enrolled"].value == 30
    assert data.kpis(city, GONGCHEN, MARCH)["enrolled"].value == 20


def test_station_registry_and_missing_amenity(settings, city):
    registry = data.station_registry(city, None, MARCH)
    assert registry["station_id"].to_list() == ["S001", "S002", "S003", "S004"]
    assert registry["active"].to_list() == [True, True, False, True]
    no_rain_gear = data.station_registry(city, None, MARCH, "has_rain_gear")
    assert no_rain_gear["station_id"].to_list() == ["S002"]
    no_microwave = data.station_registry(city, None, MARCH, "has_microwave")
    assert no_microwave["station_id"].to_list() == ["S002", "S003"]
    # an unknown column name is ignored, never spliced into SQL
    assert data.station_registry(city, None, MARCH, "1=1; --").height == 4


def test_scope_restriction_applies_to_every_query(settings):
    haidian = data.Viewer(HAIDIAN)
    assert data.kpis(haidian, FANGSHAN, MARCH)["visits"].value == 3  # 海淀's own
    assert data.station_registry(haidian, FANGSHAN, MARCH)["station_id"].to_list() == [
        "S003", "S004",
    ]  # fmt: skip
    assert set(data.community_coverage(haidian, None, MARCH)["district"]) == {"海淀区"}
    assert data.scope_options(haidian, "district")["scope_code"].to_list() == [HAIDIAN]
    assert data.ranking(haidian, None, MARCH, "district").is_empty()
    ranked = data.ranking(haidian, FANGSHAN, MARCH, "subdistrict")
    assert ranked["scope_code"].to_list() == ["110108001000"]
    # at 100 m every community is a gap: the file holds 海淀's, never 房山's
    table = data.download_table(
        haidian, "coverage_gaps", {"scope": FANGSHAN, "month": "2024-03-01", "radius_m": 100}
    )
    assert set(table["district"]) == {"海淀区"}
    assert data.ingest_files(haidian).is_empty()
    assert data.quarantine_rows(haidian).is_empty()


def test_stations_outside_the_scope_cover_but_stay_unnamed(settings):
    gongchen = data.coverage_at_radius(data.Viewer(GONGCHEN), None, MARCH, 1000.0)
    xinggong = gongchen.filter(gongchen["community_name"] == "行宫园社区居委会")
    assert xinggong["nearest_station_name"].item() == "拱辰梅花庄暖心驿站"
    # 周庄村's nearest station, S002, lies in 拱辰街道, outside 琉璃河地区
    zhouzhuang = data.coverage_at_radius(data.Viewer("110111010000"), None, MARCH, 1000.0)
    assert zhouzhuang["nearest_station_name"].to_list() == [None]
    assert zhouzhuang["nearest_station_m"].item() > 19_000


def test_data_quality(settings, city):
    files = data.ingest_files(city)
    loaded = files.filter(files["status"] == "loaded")
    assert loaded.height == 19 and loaded["balanced"].all()
    rejected = files.filter(files["status"] == "rejected")
    assert rejected["balanced"].to_list() == [None]
    assert rejected["path"].to_list() == ["stations/台账_旧.csv"]
    assert "station_id" in rejected["message"].item()
    summary = data.quarantine_summary(city)
    assert summary["rows"].sum() == 4
    assert len(data.quarantine_rows(city, "usage/2024-02 拱辰.csv")) == 2


def test_the_quality_page_shows_the_first_rows_and_the_download_has_all(settings, city):
    everything = data.download_table(city, "quarantine_rows", {})
    shown, total = data.quarantine_rows_shown(city, limit=2)
    assert total == everything.height == 4
    assert shown.height == 2 and shown.columns == everything.columns
    # the most recently ingested files first, then by row number
    ingested = dict(data.ingest_files(city).select("path", "ingested_at").iter_rows())
    times = [ingested[p] for p in shown["path"]]
    assert times == sorted(times, reverse=True)
    assert times[0] == max(ingested[p] for p in everything["path"])
    assert data.quarantine_rows_shown(city)[0].height == 4
    shown, total = data.quarantine_rows_shown(data.Viewer("110108000000"))
    assert shown.is_empty() and total == 0


def test_report_files_by_viewer(settings, city):
    folder = settings.reports_dir
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("2024-03.html", "2024-03.pdf", "2024-02.html", "2024-03-房山区.pdf", "x.txt"):
        (folder / name).write_text("report", encoding="utf-8")
    assert [p.name for p in data.report_files(city, MARCH)] == [
        "2024-03-房山区.pdf", "2024-03.html", "2024-03.pdf",
    ]  # fmt: skip
    fangshan = data.Viewer(FANGSHAN)
    assert [p.name for p in data.report_files(fangshan, MARCH)] == ["2024-03-房山区.pdf"]
    assert data.report_files(data.Viewer(HAIDIAN)) == []


def test_a_scoped_viewer_has_its_pickers_fixed_to_its_own_district_and_subdistrict():
    city = data.Viewer()
    district = data.Viewer(scope_code="110111000000")
    subdistrict = data.Viewer(scope_code="110111011000")
    assert city.fixed_scope("district") is None and city.fixed_scope("subdistrict") is None
    assert district.fixed_scope("district") == "110111000000"
    assert district.fixed_scope("subdistrict") is None
    assert subdistrict.fixed_scope("district") == "110111000000"
    assert subdistrict.fixed_scope("subdistrict") == "110111011000"


def test_a_subdistrict_viewers_district_picker_offers_their_district(settings):
    # the fixed picker shows the district its value names (it showed 全市 when the
    # district's option was missing: a subdistrict's prefix matches no district code)
    gongchen = data.Viewer(GONGCHEN)
    assert data.scope_options(gongchen, "district").rows() == [(FANGSHAN, "房山区")]
    assert data.scope_options(gongchen, "subdistrict", FANGSHAN).rows() == [(GONGCHEN, "拱辰街道")]
    assert data.scope_options(data.Viewer(HAIDIAN), "subdistrict", FANGSHAN)[
        "scope_code"].to_list() == ["110108001000"]  # fmt: skip
