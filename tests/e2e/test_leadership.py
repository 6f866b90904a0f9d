"""A district and a subdistrict leader in a real browser (headless Debian chromium),
signed in over the synthetic snapshot (tests/fixtures/synthetic_snapshot.py, 14 months):
the headline is there, both rankings are filled, a click on a bar opens that scope, a
peer's bar opens nothing, no chart offers Plotly's cloud, and a phone sees the headline
with the pickers folded away.

房山区 holds 拱辰街道 (梅花庄, 北关东路, 行宫园) and 琉璃河地区 (周庄村); 海淀区 holds
万寿路街道.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboards.auth.users import UserStore
from pipelines.settings import get_settings
from tests.e2e.server import serving
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("chromedriver")),
        reason="chromium and chromedriver are needed (make browser-deps)",
    ),
]

PASSWORD = "e2e-password-123"
FANGSHAN, GONGCHEN, LIULIHE = "110111000000", "110111011000", "110111010000"
MEIHUAZHUANG = "110111011005"


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("leadership") / "data"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WSI_DATA_DIR", str(data_dir))
        env.delenv("WSI_AUTH", raising=False)
        settings = get_settings()
        settings.serving_dir.mkdir(parents=True)
        build_synthetic_snapshot(settings.snapshot_path, 14)
        users = UserStore(settings.users_path)
        users.add("fangshan", "district", FANGSHAN, PASSWORD, "房山区总工会")
        users.add("gongchen", "subdistrict", GONGCHEN, PASSWORD, "拱辰街道工会")

        from dashboards.app import create_app

        with serving(create_app(settings)) as url:
            yield url


def _browser(width: int = 1400, height: int = 1600) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}"):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    driver = _browser()
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: webdriver.Chrome) -> WebDriverWait:
    # Dash re-renders components as callbacks land: re-find instead of failing on stale ones.
    return WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,))


def _sign_in(driver: webdriver.Chrome, url: str, username: str) -> None:
    driver.get(url + "/")
    _wait(driver).until(lambda d: d.find_elements(By.ID, "login-button"))
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-button").click()
    _wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#overview-attention li"))


def _bars(driver: webdriver.Chrome, which: str) -> list[str]:
    """The scope codes of a ranking's bars, once it has drawn them."""
    graph = f"#overview-rank-{which} .js-plotly-plot"
    _wait(driver).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"{graph} .point path"))
    return driver.execute_script(
        f"return document.querySelector('{graph}').data[0].customdata || []"
    )


def _click_bar(driver: webdriver.Chrome, which: str, code: str) -> None:
    index = _bars(driver, which).index(code)
    paths = driver.find_elements(By.CSS_SELECTOR, f"#overview-rank-{which} .point path")
    ActionChains(driver).move_to_element(paths[index]).click().perform()


def _text(driver: webdriver.Chrome, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def _no_severe(driver: webdriver.Chrome) -> None:
    severe = [e["message"] for e in driver.get_log("browser")
              if e["level"] == "SEVERE" and "favicon" not in e["message"]]  # fmt: skip
    assert severe == []


def _no_cloud_buttons(driver: webdriver.Chrome) -> None:
    titles = driver.execute_script(
        "return [...document.querySelectorAll('.modebar-btn')]"
        ".map(b => b.getAttribute('data-title') || '')"
    )
    assert titles, "the charts have their toolbars"
    assert not [t for t in titles if "Cloud" in t or "Chart Studio" in t or "plotly" in t.lower()]
    assert not driver.find_elements(By.CSS_SELECTOR, ".modebar-btn.plotlyjsicon")


def test_a_district_leader_compares_and_drills_down(server_url: str, browser) -> None:
    _sign_in(browser, server_url, "fangshan")
    wait = _wait(browser)
    # the districts, 房山区 among them, and 房山区's two subdistricts
    assert sorted(_bars(browser, "peers")) == ["110108000000", FANGSHAN]
    assert sorted(_bars(browser, "inside")) == [LIULIHE, GONGCHEN]
    wait.until(lambda d: "房山区内各街道(乡镇)排名" in _text(d, "overview-rank-inside-title"))
    assert _text(browser, "overview-rank-peers-title") == "各区排名"
    # every card says where 房山区 stands among the 2 districts and what the city has
    standings = browser.find_elements(By.CSS_SELECTOR, "#overview-kpis .kpi-standing")
    assert standings and all("/ 2" in s.text and "北京市" in s.text for s in standings[:3])
    assert browser.find_elements(By.CSS_SELECTOR, "#overview-kpis .target-missed")
    _no_cloud_buttons(browser)
    _click_bar(browser, "inside", GONGCHEN)
    wait.until(lambda d: "拱辰街道" in _text(d, "subdistrict"))
    wait.until(lambda d: "拱辰街道内各社区排名" in _text(d, "overview-rank-inside-title"))
    assert sorted(_bars(browser, "inside")) == ["110111011005", "110111011006", "110111011007"]
    _no_severe(browser)


def test_a_subdistrict_leader_compares_with_the_districts_subdistricts(
    server_url: str, browser
) -> None:
    _sign_in(browser, server_url, "gongchen")
    wait = _wait(browser)
    assert sorted(_bars(browser, "peers")) == [LIULIHE, GONGCHEN]
    assert len(_bars(browser, "inside")) == 3
    assert _text(browser, "overview-rank-peers-title") == "各街道(乡镇)排名"
    # a peer's bar is compared, not opened: the pickers stay on 拱辰街道
    _click_bar(browser, "peers", LIULIHE)
    _click_bar(browser, "inside", MEIHUAZHUANG)
    wait.until(lambda d: "梅花庄" in _text(d, "community"))
    assert "拱辰街道" in _text(browser, "subdistrict")
    wait.until(lambda d: _text(d, "overview-rank-peers-title") == "各社区排名")
    _no_severe(browser)


def test_a_phone_sees_the_headline_first(server_url: str) -> None:
    driver = _browser(390, 844)
    try:
        _sign_in(driver, server_url, "fangshan")
        wait = _wait(driver)
        wait.until(lambda d: d.find_element(By.ID, "filters-fold").get_attribute("open") is None)
        top = driver.execute_script(
            "return document.querySelector('#overview-kpis .kpi-card').getBoundingClientRect().top"
        )
        assert top < 844, "the first KPI card is on the first screen"
        assert not driver.find_element(By.ID, "month").is_displayed()
        driver.find_element(By.CSS_SELECTOR, ".filters-summary").click()
        wait.until(lambda d: d.find_element(By.ID, "month").is_displayed())
        _no_severe(driver)
    finally:
        driver.quit()
