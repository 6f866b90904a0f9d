"""Every page on the snapshot the real pipeline publishes for the ``small`` demo, in
Chinese and English: it renders without browser errors, and the scope picker changes the
overview's figures to exactly what the published table holds."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.settings import Settings
from tests.e2e.test_pages import PAGES, VISITS, _no_severe, _pick, _start

pytestmark = pytest.mark.e2e

ALL_PAGES = {**PAGES, "/siting": ("#siting-map .maplibregl-canvas", "选址规划", "Siting")}


def _published_visits(data_dir, scope_level: str, scope_name: str | None = None) -> str:
    """The overview's visits card for the latest complete month, read straight from
    kpi_monthly and formatted as the card shows it (thousands separators)."""
    with duckdb.connect(str(Settings(data_dir=data_dir).snapshot_path), read_only=True) as con:
        (visits,) = con.execute(
            """SELECT visits FROM kpi_monthly
            WHERE scope_level = ? AND (? IS NULL OR scope_name = ?)
              AND month = (SELECT CAST(value AS DATE) FROM snapshot_info
                           WHERE key = 'latest_complete_month')""",
            [scope_level, scope_name, scope_name],
        ).fetchone()
    return f"{visits:,}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_on_the_small_demo(dash_duo, small_demo_data_dir, free_port, lang):
    _start(dash_duo, small_demo_data_dir, free_port)
    dash_duo.wait_for_element(".kpi-card", timeout=30)
    if lang == "en":
        dash_duo.find_element("#lang-toggle").click()
        dash_duo.wait_for_text_to_equal("#lang-toggle", "中文", timeout=10)
    for path, (selector, zh, en) in ALL_PAGES.items():
        dash_duo.driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element(selector, timeout=30)
        dash_duo.wait_for_text_to_equal(".page-title", en if lang == "en" else zh, timeout=10)
        dash_duo.wait_for_no_elements("._dash-loading", timeout=20)
        _no_severe(dash_duo)


def test_the_scope_picker_shows_the_published_figures(dash_duo, small_demo_data_dir, free_port):
    _start(dash_duo, small_demo_data_dir, free_port)
    city = _published_visits(small_demo_data_dir, "city")
    dash_duo.wait_for_text_to_equal(VISITS, city, timeout=30)
    _pick(dash_duo, "#district", "房山区")
    # the small demo is one district: the district's figures are the city's
    dash_duo.wait_for_text_to_equal(VISITS, _published_visits(small_demo_data_dir, "district"))
    _pick(dash_duo, "#subdistrict", "拱辰街道")
    gongchen = _published_visits(small_demo_data_dir, "subdistrict", "拱辰街道")
    assert gongchen != city
    dash_duo.wait_for_text_to_equal(VISITS, gongchen, timeout=15)
    _no_severe(dash_duo)
