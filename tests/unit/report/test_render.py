"""The report's sentences on the synthetic snapshot, whose numbers are worked out by hand
in tests/fixtures/synthetic_snapshot.py (3 months, 2024-01 … 2024-03)."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pipelines.report.data import load_report, resolve_scope, scope_of
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
    # calls 5 (3 resolved) after 4 (2 resolved); backlog 6 after 4. March is provisional
    # (the latest call is 03-22 11:00): its resolved count is marked so, and the rate
    # compared with February's is the 7-day one: March's calls received by 03-15 11:00
    # are those of days 3 and 8, both resolved within 7 days (2 / 2); February 2 of 4
    assert (
        "本月受理热线工单 5 件，目前已办结 3 件（办结率 60.0%，暂定：仍有工单在办理期内）；"
        "按期办结率（7 日内办结，只计受理已满 7 日的 2 件）100.0%，环比提高 50.0 个百分点；"
    ) in html
    assert "<h2>四、工会热线（暂定）</h2>" in html and "热线数字为暂定" in html
    assert "月末未办结工单 6 件，环比增长 50.0%。" in html
    # drives 3, reached 120, enrolled 36 after 26
    assert "本月开展入会活动 3 场，覆盖 120 人，新入会 36 人，环比增长 38.5%" in html
    assert "入会率 30.0%。" in html
    # S004 opened 3月5日 and was accepted 3月20日, S001 accepted 3月1日
    assert "本月新开驿站 1 个，关闭 0 个，通过验收 2 个。" in html
    assert "最繁忙的驿站是拱辰梅花庄暖心驿站，本月服务 19 人次" in html


def test_a_settled_month_compares_like_with_like(synthetic: Path) -> None:
    html = _html(synthetic, date(2024, 2, 1))
    # February: 4 calls, 2 resolved (days 3 and 8, within 24 h and 6 h), all 4 eligible
    assert (
        "本月受理热线工单 4 件，办结 2 件（办结率 50.0%）；按期办结率（7 日内办结）50.0%，"
        "环比持平；"
    ) in html
    assert "暂定" not in html


def test_attention_sentences_open_the_report(synthetic: Path) -> None:
    html = _html(synthetic, date(2024, 3, 1))
    section = html.split('<section class="attention"><h2>本月需关注</h2><ul>')[1].split("</ul>")[0]
    # the city misses the standard-rate target (S001 and S004 of S001, S002, S004 have all
    # seven: 2 / 3) and the coverage target (1,450 / 1,750); of the districts, 房山区 misses
    # both (S001 of S001, S002: 1 / 2; 700 of 1,000 workers covered), 海淀区 neither
    assert section == (
        '<li class="adverse">七有达标率 66.7%，低于目标 80.0%。</li>'
        '<li class="adverse">覆盖率 82.9%，低于目标 90.0%。</li>'
        '<li class="adverse">1 个区的七有达标率低于目标 80.0%，最低的是房山区（50.0%）。</li>'
        '<li class="adverse">1 个区的覆盖率低于目标 90.0%，最低的是房山区（70.0%）。</li>'
    )
    assert '<div class="target missed">目标 ≥ 90.0%，未达标</div>' in html


def test_a_subdistrict_brief_shows_only_the_subdistrict(synthetic: Path) -> None:
    con = open_snapshot(synthetic)
    try:
        scope = scope_of(con, "110111011000")  # 拱辰街道
        html = render_html(load_report(con, date(2024, 3, 1), scope))
    finally:
        con.close()
    assert "<h1>拱辰街道暖心驿站月度报告（2024年3月）</h1>" in html
    # S001 (19 visits) and S002 (6) are in 拱辰; 琉璃河地区's 周庄村 gap is not
    assert "辖区内在运营驿站 2 个" in html and "行宫园" in html and "周庄村" not in html
    assert "翠微" not in html


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
