"""The planner's pages in a real browser (headless chromium, no network but this
machine): settings refused with a message, a pinned site planned first, the charts',
tables' and dropdowns' own words following the language, maps drawn offline."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.e2e.test_pages import _no_severe, _pick, _start

pytestmark = pytest.mark.e2e


def _type(dash_duo, selector: str, value: str) -> None:
    box = dash_duo.find_element(selector)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(value, Keys.TAB)


def test_siting_refuses_k_0_and_plans_a_pinned_site_first(dash_duo, data_dir, free_port):
    _start(dash_duo, data_dir, free_port)
    dash_duo.driver.get(dash_duo.server_url + "/siting")
    # March 2024: 行宫园 (200) and 周庄村 (100) are uncovered; C01 and C02 cover them
    dash_duo.wait_for_contains_text("#siting-summary", "新增 300", timeout=30)
    _type(dash_duo, "#siting-k", "0")
    dash_duo.find_element("#siting-run").click()
    dash_duo.wait_for_contains_text("#siting-message", "k 须为不小于 1 的整数", timeout=15)
    assert dash_duo.find_element("#siting-summary").text == ""
    _type(dash_duo, "#siting-k", "1")
    _pick(dash_duo, "#siting-pin", "周庄村社区用房（C02）")
    dash_duo.find_element("#siting-run").click()
    # k = 1 and C02 pinned: C02 alone, 周庄村's 100 workers, 20 万元
    dash_duo.wait_for_contains_text("#siting-summary", "新增 100。总费用 20.00 万元", timeout=15)
    assert dash_duo.find_element("#siting-message").text == ""
    # one row (the grid draws a row in each of its pinned and scrolling parts)
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "[id*='siting-plan'] .ag-row")
    assert {row.get_attribute("row-index") for row in rows} == {"0"}
    assert any("周庄村社区用房" in row.text for row in rows)
    _no_severe(dash_duo)


def test_the_widgets_own_words_follow_the_language(dash_duo, data_dir, free_port):
    _start(dash_duo, data_dir, free_port)
    dash_duo.driver.get(dash_duo.server_url + "/stations")
    dash_duo.wait_for_element("#stations-map .maplibregl-canvas", timeout=30)
    dash_duo.wait_for_element(".ag-row", timeout=20)

    def words():
        zoom = dash_duo.driver.find_element(
            By.CSS_SELECTOR, "#stations-map .modebar-btn[data-val='in']"
        ).get_attribute("data-title")
        dash_duo.find_element("#stations-missing").click()
        search = dash_duo.wait_for_element(".dash-dropdown-search input, input[type='search']")
        placeholder = search.get_attribute("placeholder")
        search.send_keys(Keys.ESCAPE)
        filters = dash_duo.driver.find_element(By.CSS_SELECTOR, ".ag-header-cell").text
        return zoom, placeholder, filters

    def empty_table() -> str:
        # the scenario comparison's table is empty until two scenarios are compared
        dash_duo.driver.get(dash_duo.server_url + "/siting")
        overlay = "[id*='siting-compare-table'] .ag-overlay-no-rows-center"
        return dash_duo.wait_for_element(overlay, timeout=30).text

    zoom, search, _ = words()
    assert (zoom, search) == ("放大", "搜索")
    assert empty_table() == "暂无数据"
    dash_duo.driver.get(dash_duo.server_url + "/stations")
    dash_duo.wait_for_element("#stations-map .maplibregl-canvas", timeout=30)
    dash_duo.find_element("#lang-toggle").click()
    dash_duo.wait_for_text_to_equal("#lang-toggle", "中文", timeout=10)
    dash_duo.wait_for_text_to_equal(".page-title", "Stations", timeout=10)
    dash_duo.wait_for_element("#stations-map .maplibregl-canvas", timeout=30)
    zoom, search, _ = words()
    assert (zoom, search) == ("Zoom in", "Search")
    assert empty_table() == "No Rows To Show"
    _no_severe(dash_duo)
