"""In a real browser: a city user switches the dashboard to the earlier snapshot kept and
back; the page reloads on the choice, says which snapshot it shows and when it was
published, and its figures come from it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from dashboards.auth.users import UserStore
from pipelines.settings import get_settings
from tests.e2e.server import serving
from tests.e2e.test_login import browser  # noqa: F401 (a fixture)
from tests.unit.auth.test_snapshot_choice import two_snapshots

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
    two_snapshots(settings)
    UserStore(settings.users_path).add("zhang.wei", "city", "110000000000", PASSWORD, "市总工会")

    from dashboards.app import create_app

    with serving(create_app(settings)) as url:
        yield url


def choose(wait: WebDriverWait, label: str) -> None:
    """Open the picker and click the option whose label holds ``label`` (Dash 4 shows a
    dropdown's options in a popover outside the dropdown's own element)."""
    option = (
        By.XPATH,
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' dash-dropdown-option ')]"
        f"[contains(., '{label}')]",
    )

    wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#snapshot-picker"))).click()
    wait.until(EC.element_to_be_clickable(option)).click()


def test_a_city_user_switches_to_the_earlier_snapshot_and_back(
    server_url: str,
    browser: webdriver.Chrome,  # noqa: F811
) -> None:
    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))
    browser.get(server_url + "/")
    wait.until(EC.presence_of_element_located((By.ID, "login-button")))
    browser.find_element(By.ID, "username").send_keys("zhang.wei")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-button").click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#overview-kpis > *"))
    wait.until(EC.visibility_of_element_located((By.ID, "snapshot-picker")))
    wait.until(EC.text_to_be_present_in_element((By.ID, "built-at"), "2024-04-02 08:45"))
    assert not browser.find_element(By.ID, "snapshot-banner").is_displayed()

    choose(wait, "2024-03-01 06:00")
    # the page reloads and every part of it reads the earlier snapshot
    wait.until(EC.visibility_of_element_located((By.ID, "snapshot-banner")))
    banner = browser.find_element(By.ID, "snapshot-banner").text
    assert "2024-03-01 06:00 发布的历史数据快照" in banner
    wait.until(EC.text_to_be_present_in_element((By.ID, "built-at"), "2024-03-01 06:00"))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#overview-kpis > *"))

    choose(wait, "最新")
    wait.until(EC.text_to_be_present_in_element((By.ID, "built-at"), "2024-04-02 08:45"))
    wait.until(EC.invisibility_of_element_located((By.ID, "snapshot-banner")))
    severe = [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
    ]
    assert severe == []
