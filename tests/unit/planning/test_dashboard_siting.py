"""The 选址规划 page's data access and callbacks on the dashboard's synthetic snapshot.

In March 2024 (the snapshot's stations month) 行宫园 (200 workers, 拱辰街道) and 周庄村
(100, 琉璃河地区) are the uncovered communities; candidate C01 stands in 行宫园, C02 in
周庄村, C03 in 海淀's 翠微路 (covered). Active stations: S001 梅花庄, S002 北关东路 (both
拱辰街道), S004 翠微南里 (海淀区).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dash
import pytest

from dashboards import data
from dashboards.data import scenarios
from dashboards.data import siting as siting_data
from pipelines.planning.inputs import load_snapshot
from pipelines.planning.request import PlanRequest
from pipelines.planning.siting import plan_sites
from pipelines.report.pdf import find_chromium
from pipelines.settings import Settings
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot

FANGSHAN, HAIDIAN, GONGCHEN = "110111000000", "110108000000", "110111011000"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("data")))
    build_synthetic_snapshot(settings.snapshot_path, months=3)
    data.configure(settings)
    yield settings
    data.snapshot(settings).close()


def _without_seconds(plan) -> dict:
    return {k: v for k, v in plan.to_json().items() if k != "seconds"}


def test_the_page_plans_what_the_cli_plans(settings):
    shown = siting_data.plan(data.Viewer(), PlanRequest(k=3, radius_m=1000))
    expected = plan_sites(load_snapshot(settings.snapshot_path), k=3, radius_m=1000)
    assert _without_seconds(shown) == _without_seconds(expected)
    assert [s.site_id for s in shown.sites] == ["C01", "C02"]
    download = data.download_table(data.Viewer(), "siting_plan", {"k": 3, "radius_m": 1000})
    assert download["site_id"].to_list() == ["C01", "C02"]
    # the meeting's columns: where each site is, its address, cost and whom it covers
    first = download.row(0, named=True)
    assert (first["district"], first["subdistrict"], first["community_name"]) == (
        "房山区", "拱辰街道", "行宫园社区")  # fmt: skip
    assert (first["address"], first["est_cost"], first["marginal_workers"]) == (
        "房山区拱辰街道行宫园1号", 30.0, 200)  # fmt: skip
    assert first["newly_covered_names"] == "行宫园社区"
    assert download.row(1, named=True)["address"] is None


def test_scoped_viewers_plan_inside_their_scope(settings):
    fangshan, gongchen = data.Viewer(FANGSHAN), data.Viewer(GONGCHEN)
    allowed = siting_data.allowed_request
    assert allowed(fangshan, PlanRequest(k=1, scope=HAIDIAN)).scope == FANGSHAN
    assert allowed(fangshan, PlanRequest(k=1, scope=GONGCHEN)).scope == GONGCHEN
    assert allowed(fangshan, PlanRequest(k=1)).scope == FANGSHAN
    assert allowed(data.Viewer(), PlanRequest(k=1, scope="海淀区")).scope == HAIDIAN
    assert allowed(data.Viewer(), PlanRequest(k=1)).scope is None
    # a subdistrict's staff plan their subdistrict (this answered HTTP 500 before)
    plan = siting_data.plan(gongchen, PlanRequest(k=3, scope=FANGSHAN))
    assert (plan.scope.code, [s.site_id for s in plan.sites]) == (GONGCHEN, ["C01"])
    assert plan.outdoor_workers == 400 + 300 + 200
    assert [o["value"] for o in siting_data.site_options(gongchen, None)] == ["C01"]
    assert [o["value"] for o in siting_data.plan_scope_options(gongchen, "全市")] == [GONGCHEN]
    options = siting_data.plan_scope_options(fangshan, "全市")
    assert [o["value"] for o in options] == [FANGSHAN, "110111010000", GONGCHEN]
    assert options[2]["label"] == "房山区 / 拱辰街道"


def test_the_map_holds_only_the_viewers_stations(settings):
    city_plan = siting_data.plan(data.Viewer(), PlanRequest(k=2))
    assert set(siting_data.stations_on_map(data.Viewer(), city_plan)["station_id"]) == {
        "S001", "S002", "S004"}  # fmt: skip
    for viewer in (data.Viewer(FANGSHAN), data.Viewer(GONGCHEN)):
        plan = siting_data.plan(viewer, PlanRequest(k=2))
        stations = siting_data.stations_on_map(viewer, plan)
        assert set(stations["station_id"]) == {"S001", "S002"}
    # a city planner's district map: the district's stations (翠微 is 40 km away)
    fangshan_plan = siting_data.plan(data.Viewer(), PlanRequest(k=2, scope=FANGSHAN))
    assert set(siting_data.stations_on_map(data.Viewer(), fangshan_plan)["station_id"]) == {
        "S001", "S002"}  # fmt: skip


def _page():
    from dashboards.app import create_app
    from dashboards.auth import AuthConfig

    # the callbacks are called directly, outside a request: only possible without sign-in
    create_app(data.settings(), auth=AuthConfig(enabled=False))
    # the page module as Dash loaded it: importing it under another name would register
    # the page twice and break every app created after this test
    return next(sys.modules[page["module"]] for page in dash.page_registry.values()
                if page["path"] == "/siting")  # fmt: skip


def test_the_page_callback(settings):
    page = _page()
    request = page.plan_settings(1, 3, 1000, None, "", "workers", [], [], [])
    assert request == PlanRequest(k=3, radius_m=1000.0).to_dict()
    fig, _, summary, message, rows, columns, params = page.update(request, "en")
    assert message == "" and params == request
    assert [r["site_id"] for r in rows] == ["C01", "C02"]
    assert {c["field"] for c in columns} >= {"district", "address", "est_cost",
                                             "newly_covered_names"}  # fmt: skip
    assert "Whole city" in summary and "stations active in Mar 2024" in summary
    assert "50.00 × 10,000 CNY" in summary
    names = [trace.get("name") for trace in fig.data]
    # names first (no basemap), today's stations grey beneath, the plan on top, ranks on it
    assert names[1] == "Existing stations" and names[-2] == "Planned site"
    assert fig.data[1]["marker"]["color"] == "#7f8c8d" and fig.data[1]["text"]
    assert fig.data[-1]["text"] == ["１", "２"]


@pytest.mark.parametrize(
    ("controls", "zh", "en"),
    [
        ((0, 1000, None), "k 须为不小于 1 的整数（现为 0）", "k must be a whole number"),
        ((2.5, 1000, None), "k 须为不小于 1 的整数（现为 2.5）", "(got 2.5)"),
        ((None, 1000, None), "请填写 k 或预算", "Give k, a budget, or both"),
        ((3, 50, None), "服务半径须在 100 至 5,000 米之间（现为 50.0）", "between 100 and 5,000 m"),
        ((3, 1000, -1), "预算不能为负数（现为 -1.0）", "must not be negative"),
    ],
)
def test_invalid_settings_are_said_never_replaced(settings, controls, zh, en):
    page = _page()
    request = page.plan_settings(1, *controls, "", "workers", [], [], [])
    for lang, text in (("zh", zh), ("en", en)):
        _, _, summary, message, rows, _, _ = page.update(request, lang)
        assert text in message and summary == "" and rows == []


def test_the_page_weighs_by_forecast_visits(settings):
    # covered at 1 km in March: 梅花庄 400 + 北关东路 300 in 房山区. 房山's forecast is
    # 28 + 21 + 34 = 83 visits over April–June: 83 / 700 per covered worker, so 行宫园
    # (200) weighs round(23.71) = 24 visits and 周庄村 (100) round(11.86) = 12
    page = _page()
    request = page.plan_settings(1, 3, 1000, None, "", "forecast", [], [], [])
    _, _, summary, message, rows, _, _ = page.update(request, "zh")
    assert message == "" and [r["site_id"] for r in rows] == ["C01", "C02"]
    assert [r["marginal_visits"] for r in rows] == [24, 12]
    assert "在2024年4月至2024年6月约有 36 人次到访" in summary


def test_no_forecast_is_said_not_replaced_by_workers(settings, tmp_path):
    import duckdb

    older = Settings(data_dir=tmp_path)
    build_synthetic_snapshot(older.snapshot_path, months=3)
    with duckdb.connect(str(older.snapshot_path)) as con:  # a snapshot from before forecasts
        con.execute("DROP TABLE demand_forecast")
    data.configure(older)
    try:
        page = _page()
        request = page.plan_settings(1, 3, 1000, None, "", "forecast", [], [], [])
        message = page.update(request, "zh")[3]
        assert message == "快照中没有需求预测，请按未覆盖人数规划。"
    finally:
        data.snapshot(older).close()
        data.configure(settings)


def test_scenarios_are_saved_per_user_and_compared(settings):
    alice, bob = data.Viewer(username="alice"), data.Viewer(FANGSHAN, username="bob")
    both = PlanRequest(k=2, radius_m=1000)
    one = PlanRequest(k=1, radius_m=1000, excluded=("C01",))
    scenarios.save_scenario(alice, "  两个点 ", both, None)
    scenarios.save_scenario(alice, "只建周庄", one, None)
    assert sorted(scenarios.scenarios(alice)) == ["两个点", "只建周庄"]
    assert scenarios.scenarios(bob) == {}  # nobody sees another's scenarios
    assert (settings.data_dir / "scenarios" / "alice.json").is_file()
    assert scenarios.scenario_request(alice, "只建周庄") == one
    assert scenarios.scenario_request(bob, "只建周庄") is None
    compared = siting_data.compare(alice, both, one)
    # both: C01 (200) + C02 (100), 50 万元; one: C02 only (100), 20 万元
    assert (compared["first"].newly_covered_workers, compared["second"].newly_covered_workers) == (
        300, 100)  # fmt: skip
    assert compared["common"] == 1
    assert compared["sites"].rows() == [("C01", "行宫园党群服务中心", True, False),
                                        ("C02", "周庄村社区用房", True, True)]  # fmt: skip
    scenarios.delete_scenario(alice, "两个点")
    assert list(scenarios.scenarios(alice)) == ["只建周庄"]
    with pytest.raises(scenarios.ScenarioError):
        scenarios.save_scenario(alice, "   ", both, None)
    # opening fills the controls and plans the scenario (without sign-in: "local")
    page = _page()
    scenarios.save_scenario(data.Viewer(), "本机", one, None)
    *controls, request, name = page.open_scenario(1, "本机")
    assert controls == [1, 1000.0, None, "", "workers", [], [], ["C01"]]
    assert (request, name) == (one.to_dict(), "本机")


def test_a_scenario_opened_by_a_narrower_viewer_is_planned_in_their_scope(settings):
    """A scenario holds settings, never results: planned again for who opens it."""
    saved = PlanRequest(k=2, scope=HAIDIAN)
    viewer = data.Viewer(FANGSHAN, username="carol")
    scenarios.save_scenario(viewer, "海淀", saved, None)
    plan = siting_data.plan(viewer, scenarios.scenario_request(viewer, "海淀"))
    assert plan.scope.code == FANGSHAN


@pytest.mark.skipif(find_chromium() is None, reason="no chromium to print with")
def test_the_printable_plan(settings, tmp_path):
    pdf, plan = siting_data.printable_pdf(data.Viewer(GONGCHEN), PlanRequest(k=2), "zh")
    assert pdf.startswith(b"%PDF") and plan.scope.code == GONGCHEN
    (tmp_path / "plan.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "plan.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    text = "".join(text.split())  # a table cell may wrap onto several lines
    expected_words = (
        "选址规划方案",
        "房山区/拱辰街道",
        "2024年3月",
        "行宫园党群服务中心",
        "C01",
        "房山区拱辰街道行宫园1号",
        "30.00",
        "行宫园社区",
        "万元",
        "规划点位（序号）",
    )
    for expected in expected_words:
        assert expected in text, expected
    assert "翠微" not in text and "周庄" not in text
