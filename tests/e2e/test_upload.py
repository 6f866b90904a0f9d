"""In a real browser (headless Debian chromium): 房山区's data steward signs in, uploads
an April correction with bad rows on 数据上报, reads the preview, accepts it, follows the
refresh the dashboard starts itself (``python -m pipelines run`` in a subprocess) to
published, and sees the overview's visits change; the city's steward then finds it all
in the audit log on 数据质量.

The world is :mod:`tests.fixtures.stewards`' (published by the real pipeline): 房山区's
April visits are F01 5 + F02 3 = 8 before the upload.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from pipelines.settings import get_settings
from tests.e2e.server import serving
from tests.fixtures.stewards import PASSWORD, make_world

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("chromedriver")),
        reason="chromium and chromedriver are needed (make browser-deps)",
    ),
]

# 房山区's steward sends more April visits: F01's 10 load; C01 is 朝阳区's (out_of_scope),
# S999 is no station (unknown_station), F02's date is unreadable (bad_date).
# 4 rows read, 1 loads, 3 quarantined; 房山区's April visits become 8 + 10 = 18.
REPO = Path(__file__).resolve().parents[2]
CORRECTION = """驿站编号,服务时间,服务项目,人次
F01,2024-04-20 09:00,饮水,10
C01,2024-04-20 10:00,饮水,9
S999,2024-04-21 10:00,饮水,1
F02,四月二十日,饮水,1
"""


@pytest.fixture
def server_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WSI_PSEUDONYM_KEY", "test-key")
    monkeypatch.setenv("WSI_REFRESH_RUNNER", "subprocess")
    monkeypatch.setenv("WSI_INGEST_WORKERS", "1")
    monkeypatch.delenv("WSI_AUTH", raising=False)
    settings = get_settings()
    make_world(settings)

    from dashboards.app import create_app

    with serving(create_app(settings)) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1200", "--lang=zh-CN"):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _sign_in(browser: webdriver.Chrome, wait: WebDriverWait, url: str, username: str) -> None:
    browser.get(url + "/login")
    wait.until(EC.presence_of_element_located((By.ID, "login-button")))
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login-button").click()
    wait.until(EC.presence_of_element_located((By.ID, "account")))


def _grid(name: str) -> tuple[str, str]:
    """A table's locator: Dash writes its dict id as JSON into the element's id."""
    return By.CSS_SELECTOR, f'[id*=\'"name":"{name}"\']'


def _april_visits(browser: webdriver.Chrome, wait: WebDriverWait) -> str:
    """The overview's visits card for April 2024 (the default month is the latest
    complete one, March, which has no data here)."""
    card = ".kpi-visits .kpi-value"
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, card))
    wait.until(EC.element_to_be_clickable((By.ID, "month"))).click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option"))
    options = browser.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
    next(o for o in options if o.text == "2024年4月").click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, card).text not in ("", "—"))
    return browser.find_element(By.CSS_SELECTOR, card).text


def test_a_steward_uploads_previews_accepts_and_sees_the_figure_change(
    server_url: str, browser: webdriver.Chrome, tmp_path: Path
) -> None:
    # Dash re-renders components as callbacks land: re-find instead of failing on stale ones.
    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))
    _sign_in(browser, wait, server_url, "fs.steward")
    browser.get(server_url + "/")
    assert _april_visits(browser, wait) == "8"

    browser.get(server_url + "/upload")
    wait.until(EC.presence_of_element_located((By.ID, "upload-file")))  # mounted by upload.js
    export = tmp_path / "四月补报.csv"
    export.write_text(CORRECTION, encoding="utf-8")
    browser.find_element(By.ID, "upload-file").send_keys(str(export))
    browser.find_element(By.ID, "upload-send").click()  # the source: the headers decide

    card = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".card.preview")))
    text = card.text
    assert "usage/fs.steward__四月补报.csv" in text
    assert "驿站编号 → station_id" in text
    for said in ("超出您的管辖范围", "驿站编号不在台账中", "日期无法识别"):  # one row each
        assert said in text, text
    shown = card.find_elements(By.CSS_SELECTOR, ".preview-rows tbody tr")
    assert [row.find_elements(By.TAG_NAME, "td")[1].text for row in shown] == ["3", "4", "5"]
    counts = browser.find_element(By.CSS_SELECTOR, ".card.preview .counts").text
    assert counts.startswith("读取 4 行：将载入 1，隔离 3，被覆盖 0"), counts
    if os.environ.get("WSI_SCREENSHOTS"):  # docs/screenshots, not on every run
        browser.save_screenshot(str(REPO / "docs" / "screenshots" / "upload-preview-zh.png"))

    card.find_element(By.CSS_SELECTOR, ".actions .btn.primary").click()  # 确认入库
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".card.preview .accepted")))
    # the refresh runs in a process of its own; the page polls its stage every 2 s
    slow = WebDriverWait(browser, 300, ignored_exceptions=(StaleElementReferenceException,))
    ended = "#upload-progress li[data-stage='published'], #upload-progress li[data-stage='failed']"
    stage = slow.until(EC.presence_of_element_located((By.CSS_SELECTOR, ended)))
    stage = stage.get_attribute("data-stage")
    assert stage == "published", browser.find_element(By.ID, "upload-progress").text
    # the file is listed with its counts
    wait.until(EC.text_to_be_present_in_element(_grid("upload-files"), "fs.steward__四月补报"))

    browser.get(server_url + "/")
    assert _april_visits(browser, wait) == "18"

    severe = [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] == "SEVERE" and "favicon" not in entry["message"]
    ]
    assert severe == []

    # the city's steward reads it all in the audit log on 数据质量
    browser.delete_all_cookies()
    _sign_in(browser, wait, server_url, "city.steward")
    browser.get(server_url + "/quality")
    wait.until(EC.text_to_be_present_in_element(_grid("quality-audit"), "确认入库"))
    text = browser.find_element(*_grid("quality-audit")).text
    assert "usage/fs.steward__四月补报.csv" in text and "fs.steward" in text
