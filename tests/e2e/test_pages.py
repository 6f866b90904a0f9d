"""Every page renders in Chinese and English without browser errors; controls update
figures; the app starts without a snapshot and keeps answering while it is replaced."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from dashboards import data
from dashboards.app import create_app
from dashboards.auth import AuthConfig
from pipelines.settings import Settings
from tests.e2e.conftest import make_snapshot
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
#: path → (a selector that shows the page's content rendered, its title zh, en)
PAGES = {
    "/": ("#overview-kpis .kpi-card", "月度概览", "Overview"),
    "/coverage": ("#coverage-map .maplibregl-canvas", "覆盖缺口", "Coverage"),
    "/demand": ("#demand-services .main-svg", "服务需求", "Demand"),
    "/hotline": ("#hotline-categories .main-svg", "热线", "Hotline"),
    "/membership": ("#membership-platforms .main-svg", "入会", "Membership"),
    "/stations": (".ag-row", "驿站", "Stations"),
    "/quality": ("#quality-reasons .main-svg", "数据质量", "Data quality"),
}


VISITS = ".kpi-visits .kpi-value"


def _pick(dash_duo, dropdown: str, text: str | None = None, index: int | None = None) -> None:
    """Choose an option of a Dash 4 dropdown by its label or position."""
    dash_duo.wait_for_element(dropdown).click()
    dash_duo.wait_for_element(".dash-dropdown-option", timeout=10)
    options = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
    chosen = options[index] if index is not None else next(o for o in options if o.text == text)
    chosen.click()


def _start(dash_duo, data_dir: Path, port: int):
    settings = Settings(data_dir=data_dir)
    # Sign-in off: these tests are about the pages (tests/e2e/test_login.py signs in);
    # the security headers, CSP included, still apply.
    app = create_app(settings, auth=AuthConfig(enabled=False))
    dash_duo.start_server(app, port=port)
    return app


def _no_severe(dash_duo) -> None:
    assert dash_duo.get_logs() == [], dash_duo.get_logs()


def _screenshot(dash_duo, name: str) -> None:
    """docs/screenshots/<name>.png when WSI_SCREENSHOTS is set (not on every run)."""
    if os.environ.get("WSI_SCREENSHOTS"):
        dash_duo.driver.save_screenshot(str(REPO / "docs" / "screenshots" / f"{name}.png"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders(dash_duo, data_dir, free_port, lang):
    _start(dash_duo, data_dir, free_port)
    dash_duo.wait_for_element(".kpi-card", timeout=20)
    if lang == "en":
        dash_duo.find_element("#lang-toggle").click()
        dash_duo.wait_for_text_to_equal("#lang-toggle", "中文", timeout=10)
    for path, (selector, zh, en) in PAGES.items():
        dash_duo.driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element(selector, timeout=20)
        dash_duo.wait_for_text_to_equal(".page-title", en if lang == "en" else zh, timeout=10)
        dash_duo.wait_for_text_to_equal(".nav-link.active", en if lang == "en" else zh)
        # the language is remembered in the browser: the toggle offers the other one
        assert dash_duo.find_element("#lang-toggle").text == ("中文" if lang == "en" else "English")
        dash_duo.wait_for_no_elements("._dash-loading", timeout=10)
        _screenshot(dash_duo, f"{path.strip('/') or 'overview'}-{lang}")
        _no_severe(dash_duo)


def test_month_and_scope_pickers_update_the_overview(dash_duo, data_dir, free_port):
    _start(dash_duo, data_dir, free_port)
    dash_duo.wait_for_text_to_equal(VISITS, "28", timeout=20)  # city, March 2024
    _pick(dash_duo, "#district", "房山区")
    dash_duo.wait_for_text_to_equal(VISITS, "25", timeout=10)
    _pick(dash_duo, "#subdistrict", "琉璃河地区")
    dash_duo.wait_for_text_to_equal(VISITS, "0", timeout=10)
    _pick(dash_duo, "#month", "2024年2月")
    dash_duo.wait_for_text_to_equal("#month", "2024年2月", timeout=10)
    _no_severe(dash_duo)


def test_radius_slider_recomputes_coverage(dash_duo, data_dir, free_port):
    _start(dash_duo, data_dir, free_port)
    dash_duo.driver.get(dash_duo.server_url + "/coverage")
    dash_duo.wait_for_contains_text("#coverage-summary", "1,450 / 1,750", timeout=20)
    box = dash_duo.find_element("#coverage-radius input")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("1500", Keys.TAB)  # the number box applies on blur
    # 行宫园 (200 workers, 1,311 m from S001) is now covered; 周庄村 still is not
    dash_duo.wait_for_contains_text("#coverage-summary", "1,650 / 1,750", timeout=10)
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".ag-row")
    assert any("周庄村" in r.text for r in rows)
    _no_severe(dash_duo)


def test_starts_without_a_snapshot_and_picks_it_up(dash_duo, tmp_path, free_port):
    _start(dash_duo, tmp_path, free_port)
    dash_duo.wait_for_element("#no-data", timeout=20)
    assert "make run" in dash_duo.find_element("#no-data").text
    make_snapshot(Settings(data_dir=tmp_path).snapshot_path)
    dash_duo.driver.refresh()
    dash_duo.wait_for_element(".kpi-card", timeout=20)
    _no_severe(dash_duo)


def test_keeps_answering_while_the_snapshot_is_replaced(dash_duo, data_dir, free_port):
    _start(dash_duo, data_dir, free_port)
    current = Settings(data_dir=data_dir).snapshot_path
    dash_duo.wait_for_text_to_equal(VISITS, "28", timeout=20)
    for n, months in enumerate((3, 2, 14)):
        # the pipeline's way: write a new file, then os.replace it onto current.duckdb
        build_synthetic_snapshot(data_dir / f"next{n}.duckdb", months=months)
        os.replace(data_dir / f"next{n}.duckdb", current)
        _pick(dash_duo, "#district", index=n % 2)
        dash_duo.wait_for_text_to_equal(VISITS, ("3", "25")[n % 2], timeout=10)
        dash_duo.driver.refresh()
        dash_duo.wait_for_element(".kpi-card", timeout=20)
    months_listed = len(data.months(data.Viewer()))
    assert months_listed == 14
    _no_severe(dash_duo)


def test_a_table_downloads_as_csv_with_formulas_neutralised(dash_duo, data_dir, free_port):
    _start(dash_duo, data_dir, free_port)
    dash_duo.driver.get(dash_duo.server_url + "/stations")
    dash_duo.wait_for_element(".ag-row", timeout=20)
    buttons = dash_duo.driver.find_elements(By.CSS_SELECTOR, ".download-bar .btn")
    next(b for b in buttons if b.text == "下载 CSV").click()
    folder = Path(dash_duo.download_path)
    dash_duo.wait_for_element("body")  # let the browser settle before polling the folder
    deadline = time.monotonic() + 15
    # named for what it holds: the registry of the city in March 2024
    while time.monotonic() < deadline and not list(folder.glob("驿站台账_北京市_2024-03.csv")):
        time.sleep(0.2)
    (csv,) = folder.glob("驿站台账_北京市_2024-03.csv")
    text = csv.read_text(encoding="utf-8-sig")
    about, table = text.split("\n\n", 1)
    assert about.splitlines()[:3] == ["驿站台账", "范围,北京市", "数据月份,2024年3月"]
    assert table.splitlines()[0].startswith("驿站编号,驿站名称,驿站类型")
    assert "暖心驿站" in text and "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    _no_severe(dash_duo)
