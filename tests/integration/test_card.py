"""The WeChat month card on the synthetic snapshot (tests/fixtures/synthetic_snapshot.py,
3 months): 1080 px wide and as tall as worked out, its figures inside the PNG as text and
in the HTML beside it, the content never cut off, and the command line."""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pipelines.commands import card as card_command
from pipelines.report.attention import headline
from pipelines.report.card import (
    WIDTH,
    card_height,
    png_size,
    png_text,
    render_card,
    with_text,
    write_card,
)
from pipelines.report.data import load_report, resolve_scope
from pipelines.report.pdf import find_chromium
from pipelines.serving import open_snapshot
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot

MARCH = date(2024, 3, 1)
needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_synthetic_snapshot(tmp_path_factory.mktemp("card") / "current.duckdb", 3)


def report_of(snapshot: Path, district: str | None = None):
    con = open_snapshot(snapshot)
    try:
        return load_report(con, MARCH, resolve_scope(con, district))
    finally:
        con.close()


#: the city's March figures, worked out in the synthetic snapshot's docstring: visits 28
#: after 25; 3 workers (w05, w12, w19) and 3 active stations both months; 2 of 3 stations
#: meet the standard both months; 1,450 of 1,750 covered both months; 36 enrolled after
#: 26; 5 calls after 4, provisional (the latest call is 03-22); on time 2 of 2 eligible
#: after 2 of 4; backlog 6 after 4
CITY_FIGURES = [
    "服务人次 28（环比增长 12.0%）",
    "服务人数 3（环比持平）",
    "在运营驿站 3（环比持平）",
    "七有达标率 66.7%（环比持平；目标 ≥ 80.0%，未达标）",
    "覆盖率 82.9%（环比持平；目标 ≥ 90.0%，未达标）",
    "新入会人数 36（环比增长 38.5%）",
    "热线工单 5（暂定；环比增长 25.0%）",
    "按期办结率 100.0%（暂定；环比提高 50.0 个百分点；目标 ≥ 95.0%，已达标）",
    "积压工单 6（暂定；环比增长 50.0%）",
]


def test_source_text_holds_the_months_figures(snapshot):
    report = report_of(snapshot)
    _, _, text = render_card(report)
    lines = text.splitlines()
    assert lines[0] == "北京市暖心驿站月报 · 2024年3月"
    assert lines[lines.index("核心指标：") + 1 :][: len(CITY_FIGURES)] == CITY_FIGURES
    # visits of the six months to March; the snapshot starts in January
    assert "近 6 个月服务人次：2023年10月 —，2023年11月 —，2023年12月 —，2024年1月 28，" in text
    sentences = [s.text for s in headline(report.attention, report.scope.code)]
    assert f"1. {sentences[0]}" in lines and sentences[0] == "七有达标率 66.7%，低于目标 80.0%。"


def test_png_text_round_trip():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\x00" * 13 + b"\x00" * 4
    stamped = with_text(png, "服务人次 28\n覆盖率 82.9%")
    assert png_text(stamped) == {"Description": "服务人次 28\n覆盖率 82.9%"}
    with pytest.raises(ValueError, match="not a PNG"):
        with_text(b"GIF89a", "x")


@needs_chromium
@pytest.mark.parametrize("district", [None, "房山区"])
def test_card_is_1080_wide_as_tall_as_worked_out_and_carries_its_figures(
    snapshot, tmp_path, district
):
    report = report_of(snapshot, district)
    files = write_card(report, tmp_path / "cards")
    code = "" if district is None else "-110111000000"
    assert files.png == tmp_path / "cards" / f"2024-03{code}.png"
    assert files.html == files.png.with_suffix(".html")
    png = files.png.read_bytes()
    sentences = headline(report.attention, report.scope.code)
    assert png_size(png) == (WIDTH, card_height(sentences))
    assert png_text(png)["Description"] == files.source_text
    html = files.html.read_text(encoding="utf-8")
    kpi = report.kpi
    for value in (f"{kpi['visits']:,}", f"{kpi['coverage_rate'] * 100:.1f}%"):
        assert value in files.source_text and f'<div class="value">{value}</div>' in html
    if district is None:
        for line in CITY_FIGURES:
            assert line in files.source_text
    assert not list((tmp_path / "cards").glob("*partial*"))


def _footer_bottom(html: str, folder: Path, height: int) -> float:
    """Where the card's footer ends when chromium lays the page out at WIDTH × height."""
    probe = folder / "probe.html"
    script = (
        "<script>document.body.setAttribute('data-bottom', "
        "document.querySelector('footer').getBoundingClientRect().bottom)</script>"
    )
    probe.write_text(html.replace("</body>", script + "</body>"), encoding="utf-8")
    out = subprocess.run(
        [find_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
         f"--window-size={WIDTH},{height}", f"--user-data-dir={folder / 'profile'}",
         probe.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    return float(re.search(r'data-bottom="([\d.]+)"', out).group(1))


@needs_chromium
def test_long_sentences_are_never_cut_off(snapshot, tmp_path):
    """Five sentences of the longest kind: the footer still ends where the picture does."""
    report = report_of(snapshot)
    base = dict(report.attention[0], peer_rank=16, peers=16, provisional=True)
    metrics = ("standard_rate", "coverage_rate", "resolution_rate_7d")
    # the city's own three missed targets, then the districts lagging on each figure
    rows = [
        {**base, "scope_code": report.scope.code, "scope_level": "city", "metric": m,
         "kind": "missed_target", "value": 0.1, "reference": 0.99, "priority": 1}
        for m in metrics
    ] + [
        {**base, "scope_code": f"1101{n:02d}000000", "scope_name": "很长的名字" * 4,
         "scope_level": "district", "kind": "lagging_peer", "metric": m, "value": 0.5,
         "reference": 0.9, "priority": 4, "magnitude": float(n)}
        for n, m in enumerate(metrics)
    ]  # fmt: skip
    html, height, _ = render_card(replace(report, attention=rows))
    assert len(headline(rows, report.scope.code)) == 5
    assert _footer_bottom(html, tmp_path, height) == pytest.approx(height, abs=1)
    # and the usual card: its footer ends at the bottom too (the spare space is above it)
    html, height, _ = render_card(report)
    assert _footer_bottom(html, tmp_path, height) == pytest.approx(height, abs=1)


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    card_command.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_writes_the_city_and_every_district(snapshot, tmp_path, monkeypatch, capsys):
    (tmp_path / "serving").mkdir()
    shutil.copy(snapshot, tmp_path / "serving" / "current.duckdb")
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("pipelines.report.card.find_chromium", lambda: None)  # HTML only
    cards = tmp_path / "reports" / "cards"
    assert _cli(["card", "--latest"]) == 0
    assert sorted(p.name for p in cards.iterdir()) == [
        "2024-03-110108000000.html", "2024-03-110111000000.html", "2024-03.html",
    ]  # fmt: skip
    assert "no chromium" in capsys.readouterr().out
    assert _cli(["card", "--month", "2024-02", "--district", "海淀区"]) == 0
    assert (cards / "2024-02-110108000000.html").exists()
    assert _cli(["card", "--month", "2024-02", "--district", "不存在区"]) == 2
    assert _cli(["card", "--month", "1999-01"]) == 2
