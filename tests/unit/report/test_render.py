"""The report's sentences on the synthetic snapshot, whose numbers are worked out by hand
in tests/fixtures/synthetic_snapshot.py (3 months, 2024-01 … 2024-03)."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pipelines.report.data import load_report, resolve_scope
from pipelines.report.render import render_html
from pipelines.serving import open_snapshot
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_synthetic_snapshot(tmp_path_factory.mktemp("synthetic") / "s.duckdb", 3)


def _html(snapshot: Path, month: date, district: str | None = None) -> str:
    con = open_snapshot(snapshot)
    try:
        return render_html(load_report(con, month, resolve_scope(con, district)))
    finally:
        con.close()


def test_march_city_report_in_words(synthetic: Path) -> None:
    html = _html(synthetic, date(2024, 3, 1))
    # visits 28 after 25; no March 2023 in a 3-month snapshot
    assert "本月服务人次 28，环比增长 12.0%，去年同期无数据。" in html
    # S002 (6 seats, 2024-02-15) and S004 (2024-03-05) active, S003 closed 2024-02-10
    assert "全市在运营驿站 3 个，其中七有达标 2 个、已验收 2 个" in html
    # 1,450 of 1,750 covered in February and March
    assert "覆盖户外劳动者 1,450 人，覆盖率 82.9%，环比持平。" in html
    assert "6 个，已覆盖 4 个；2 个未覆盖社区中共有户外劳动者 300 人。" in html
    assert "缺口最大的是房山区拱辰街道行宫园社区居委会（200 人）。" in html
    # calls 5 (3 resolved) after 4 (2 resolved); backlog 6 after 4
    assert "本月受理热线工单 5 件，办结 3 件，办结率 60.0%，环比提高 10.0 个百分点" in html
    assert "月末未办结工单 6 件，环比增长 50.0%。" in html
    # drives 3, reached 120, enrolled 36 after 26
    assert "本月开展入会活动 3 场，覆盖 120 人，新入会 36 人，环比增长 38.5%" in html
    assert "入会率 30.0%。" in html
    # S004 opened 3月5日 and was accepted 3月20日, S001 accepted 3月1日
    assert "本月新开驿站 1 个，关闭 0 个，通过验收 2 个。" in html
    assert "最繁忙的驿站是拱辰梅花庄暖心驿站，本月服务 19 人次" in html


def test_first_month_has_no_previous_month(synthetic: Path) -> None:
    html = _html(synthetic, date(2024, 1, 1))
    assert "本月服务人次 28，上月无数据，去年同期无数据。" in html


def test_district_report_of_haidian(synthetic: Path) -> None:
    html = _html(synthetic, date(2024, 2, 1), "海淀区")
    assert "<h1>海淀区暖心驿站月度报告（2024年2月）</h1>" in html
    # S003 logs 4 visits on days 5, 12 and 19: 12 in January, and in February only
    # day 5, since it closed on 2024-02-10
    assert "本月服务人次 4，环比下降 66.7%" in html
    assert "本月新开驿站 0 个，关闭 1 个，通过验收 0 个。" in html
    assert "拱辰" not in html


def test_a_month_after_the_latest_complete_one_is_flagged(synthetic: Path) -> None:
    con = open_snapshot(synthetic)
    try:
        report = load_report(con, date(2024, 3, 1), resolve_scope(con))
    finally:
        con.close()
    assert "本月数据尚不完整" not in render_html(report)
    early = replace(report, info={**report.info, "latest_complete_month": "2024-02-01"})
    assert "注意：本月数据尚不完整（最近的完整月份为 2024年2月）" in render_html(early)
