"""In a real browser (headless Debian chromium): sign in, see the overview, sign out.

The dashboard is served from a thread on 127.0.0.1 over the synthetic snapshot, with
sign-in on, exactly as ``python -m dashboards`` would serve it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
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


@pytest.fixture
def server_url(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("WSI_AUTH", raising=False)
    settings = get_settings()
    settings.serving_dir.mkdir(parents=True)
    build_synthetic_snapshot(settings.snapshot_path, 3)
    UserStore(settings.users_path).add(
        "fangshan", "district", "110111000000", PASSWORD, "房山区总工会"
    )

    from dashboards.app import create_app

    with serving(create_app(settings)) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_sign_in_see_the_overview_sign_out(server_url: str, browser: webdriver.Chrome) -> None:
    # Dash re-renders components as callbacks land: re-find instead of failing on stale ones.
    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))
    browser.get(server_url + "/")
    wait.until(EC.presence_of_element_located((By.ID, "login-button")))
    assert "/login?next=" in browser.current_url

    browser.find_element(By.ID, "username").send_keys("fangshan")
    browser.find_element(By.ID, "password").send_keys("not-the-password")
    browser.find_element(By.ID, "login-button").click()
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "body"), "用户名或密码错误"))

    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-button").click()
    # The overview's KPI cards are filled by a callback: the session, the CSRF header
    # and the scoped queries all worked.
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#overview-kpis > *"))
    assert browser.current_url.rstrip("/") == server_url
    wait.until(EC.text_to_be_present_in_element((By.ID, "account"), "房山区总工会"))
    # The district picker shows the viewer's own district, fixed: there is no other.
    wait.until(EC.text_to_be_present_in_element((By.ID, "district"), "房山区"))
    picker = browser.find_element(By.ID, "district")
    assert not picker.is_enabled(), picker.get_attribute("outerHTML")
    # the data-quality page is the city's: a district viewer's navigation leaves it out
    nav = browser.find_element(By.ID, "nav").text
    assert "月度概览" in nav and "数据质量" not in nav
    # The synthetic data ends in March 2024, long before today: the banner says so.
    wait.until(EC.visibility_of_element_located((By.ID, "stale-banner")))
    assert "最新的完整月份是 2024年3月" in browser.find_element(By.ID, "stale-banner").text

    severe = [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
    ]
    assert severe == []

    wait.until(EC.element_to_be_clickable((By.ID, "logout-button"))).click()
    wait.until(EC.text_to_be_present_in_element((By.TAG_NAME, "body"), "您已退出登录"))
    browser.get(server_url + "/coverage")
    wait.until(EC.presence_of_element_located((By.ID, "login-button")))
    assert "/login?next=%2Fcoverage" in browser.current_url
