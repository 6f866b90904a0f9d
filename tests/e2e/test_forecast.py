"""The demand page's 需求预测 section in a browser (headless chromium), on the synthetic
snapshot: it renders in Chinese and English without console errors, and where the
picked scope's level publishes a baseline (the subdistricts, 1 and 2 months ahead, in
tests/fixtures/synthetic_snapshot.py) it says so in words."""

from __future__ import annotations

import pytest

from tests.e2e.test_pages import _no_severe, _pick, _start

pytestmark = pytest.mark.e2e

SUMMARY = "#demand-forecast-summary"


def _open_demand(dash_duo, data_dir, port) -> None:
    _start(dash_duo, data_dir, port)
    dash_duo.wait_for_element(".kpi-card", timeout=20)
    dash_duo.driver.get(dash_duo.server_url + "/demand")
    # the city's forecast: 32 visits in April 2024, 80 % range 25.6–40
    dash_duo.wait_for_contains_text(SUMMARY, "2024年4月：约 32 人次，80% 可能在 26–40 之间",
                                    timeout=20)  # fmt: skip
    dash_duo.wait_for_element("#demand-forecast-fan .main-svg", timeout=20)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_forecast_section_renders(dash_duo, data_dir, free_port, lang):
    _open_demand(dash_duo, data_dir, free_port)
    if lang == "en":
        dash_duo.find_element("#lang-toggle").click()
        dash_duo.wait_for_contains_text(SUMMARY, "Apr 2024: about 32 visits", timeout=10)
        dash_duo.wait_for_contains_text("#demand-forecast-accuracy", "For 北京市:", timeout=10)
        dash_duo.wait_for_contains_text("#demand-forecast-assumed", "Climate normal")
    else:
        dash_duo.wait_for_contains_text("#demand-forecast-accuracy", "北京市的结果：", timeout=10)
        dash_duo.wait_for_contains_text("#demand-forecast-assumed", "气候常年值")
    # June has no range: three months ahead is not tested with 14 months of history
    assert "14" in dash_duo.find_element(SUMMARY).text
    dash_duo.wait_for_element("#demand-forecast-backtest .main-svg", timeout=10)
    dash_duo.wait_for_element("#demand-forecast-weather .main-svg", timeout=10)
    dash_duo.wait_for_no_elements("._dash-loading", timeout=10)
    _no_severe(dash_duo)


def test_a_level_that_publishes_a_baseline_says_so(dash_duo, data_dir, free_port):
    _open_demand(dash_duo, data_dir, free_port)
    _pick(dash_duo, "#district", "房山区")
    dash_duo.wait_for_contains_text(SUMMARY, "房山区", timeout=10)
    # 房山 itself shows a baseline in May (the districts, 2 months ahead)
    dash_duo.wait_for_contains_text(SUMMARY, "因此 2024年5月 显示的就是基准预测本身")
    _pick(dash_duo, "#subdistrict", "拱辰街道")
    dash_duo.wait_for_contains_text(SUMMARY, "拱辰街道：", timeout=10)
    dash_duo.wait_for_contains_text(SUMMARY, "2024年4月、2024年5月 显示的就是基准预测本身")
    assert "照搬上月（基准）" in dash_duo.find_element(SUMMARY).text
    dash_duo.find_element("#lang-toggle").click()
    dash_duo.wait_for_contains_text(SUMMARY, "the model did not beat a simple baseline",
                                    timeout=10)  # fmt: skip
    text = dash_duo.find_element(SUMMARY).text
    assert "the forecast shown for Apr 2024, May 2024 is the baseline itself" in text
    accuracy = dash_duo.find_element("#demand-forecast-accuracy").text
    assert "the forecast shown is last month repeated (baseline)" in accuracy
    # a station of the subdistrict: its own forecast, the model again
    _pick(dash_duo, "#demand-forecast-station", "拱辰梅花庄暖心驿站 · S001")
    dash_duo.wait_for_contains_text(SUMMARY, "拱辰梅花庄暖心驿站: visits expected", timeout=10)
    assert "baseline" not in dash_duo.find_element(SUMMARY).text
    _no_severe(dash_duo)
