"""The monthly report against a published snapshot: every number it shows equals the
published table's value (worked out here with independent SQL), district scope filters,
the HTML is self-contained, the PDF has pages and Chinese text, and the Dagster asset and
the CLI write the files.

All tests take the snapshot from the ``snapshot_path`` fixture and the month and
district from the snapshot itself, so they run on any coherent snapshot.
"""

import argparse
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.assets.report import monthly_report
from pipelines.commands import report as report_command
from pipelines.report import MonthWithoutData, ReportDataError, write_report
from pipelines.report import formatting as f
from pipelines.report import pdf as report_pdf
from pipelines.report.data import add_months
from pipelines.settings import Settings
from pipelines.vocabulary import CATEGORY, PLATFORM, SERVICE
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot

CITY = "110000000000"


@pytest.fixture(scope="module", params=["synthetic", "small_demo"])
def snapshot_path(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The snapshot every test here reads: the synthetic one (15 months, so year-on-year
    exists), then the one the real pipeline publishes for the ``small`` demo."""
    if request.param == "small_demo":
        data_dir = request.getfixturevalue("small_demo_data_dir")
        return Settings(data_dir=data_dir).snapshot_path
    return build_synthetic_snapshot(tmp_path_factory.mktemp("snapshot") / "current.duckdb", 15)


@pytest.fixture(scope="module")
def db(snapshot_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(snapshot_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def month(db: duckdb.DuckDBPyConnection) -> date:
    value = db.execute(
        "SELECT value FROM snapshot_info WHERE key = 'latest_complete_month'"
    ).fetchone()[0]
    return date.fromisoformat(value[:10])


@pytest.fixture(scope="module")
def district(db: duckdb.DuckDBPyConnection, month: date) -> tuple[str, str]:
    """The district with the most visits in the month: (code, name)."""
    return db.execute(
        """SELECT scope_code, scope_name FROM kpi_monthly
        WHERE scope_level = 'district' AND month = ? ORDER BY visits DESC, scope_code LIMIT 1""",
        [month],
    ).fetchone()


@pytest.fixture(scope="module")
def reports_dir(snapshot_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def city_html(snapshot_path: Path, reports_dir: Path, month: date) -> str:
    files = write_report(snapshot_path, reports_dir, month, pdf=False)
    assert files.html == reports_dir / f"{month:%Y-%m}.html"
    return files.html.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def district_html(
    snapshot_path: Path, reports_dir: Path, month: date, district: tuple[str, str]
) -> str:
    files = write_report(snapshot_path, reports_dir, month, district[1], pdf=False)
    assert files.html == reports_dir / f"{month:%Y-%m}-{district[0]}.html"
    return files.html.read_text(encoding="utf-8")


class _Tables(HTMLParser):
    """Every table of a page as rows of cell texts, each keyed by the <h2>/<h3> before it."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.paragraphs: list[str] = []
        self._heading = ""
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append((self._heading, []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        if tag in ("h2", "h3", "td", "th", "p"):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._text is None:
            return
        text = "".join(self._text)
        if tag in ("h2", "h3"):
            self._heading = text
        elif tag in ("td", "th"):
            self.tables[-1][1][-1].append(text)
        elif tag == "p":
            self.paragraphs.append(text)
        if tag in ("h2", "h3", "td", "th", "p"):
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def _parse(html: str) -> _Tables:
    parser = _Tables()
    parser.feed(html)
    return parser


def _table(html: str, heading_contains: str) -> list[list[str]]:
    """The body rows of the table under the heading that contains the given text."""
    matches = [rows for heading, rows in _parse(html).tables if heading_contains in heading]
    assert len(matches) == 1, f"one table under {heading_contains!r} expected"
    return matches[0][1:]


def _text(html: str) -> str:
    return "\n".join(_parse(html).paragraphs)


def _kpi(db: duckdb.DuckDBPyConnection, level: str, code: str, m: date) -> dict | None:
    cursor = db.execute(
        "SELECT * FROM kpi_monthly WHERE scope_level = ? AND scope_code = ? AND month = ?",
        [level, code, m],
    )
    row = cursor.fetchone()
    return dict(zip([d[0] for d in cursor.description], row, strict=True)) if row else None


def _change(db, level, code, m, column, kind, period) -> str:
    current = _kpi(db, level, code, m)[column]
    earlier = _kpi(db, level, code, add_months(m, -1 if period == "mom" else -12))
    return f.change(
        current,
        earlier[column] if earlier else None,
        kind,
        period=period,
        previous_exists=earlier is not None,
    )


# --- every number equals the published value -------------------------------------------


@pytest.mark.parametrize("scope", ["city", "district"])
def test_headline_sentences_and_cards_carry_kpi_monthly(
    db, month, district, city_html, district_html, scope
) -> None:
    level, code, html = (
        ("city", CITY, city_html) if scope == "city" else ("district", district[0], district_html)
    )
    kpi = _kpi(db, level, code, month)
    text = _text(html)
    visits_mom = _change(db, level, code, month, "visits", "count", "mom")
    visits_yoy = _change(db, level, code, month, "visits", "count", "yoy")
    assert f"本月服务人次 {f.count(kpi['visits'])}，{visits_mom}，{visits_yoy}。" in text
    assert f"服务劳动者 {f.count(kpi['unique_workers'])} 人，" in text
    assert (
        f"在运营驿站 {f.count(kpi['active_stations'])} 个，其中七有达标 "
        f"{f.count(kpi['standard_stations'])} 个、已验收 {f.count(kpi['accepted_stations'])} 个"
    ) in text
    coverage_mom = _change(db, level, code, month, "coverage_rate", "rate", "mom")
    assert (
        f"覆盖户外劳动者 {f.count(kpi['covered_workers'])} 人，"
        f"覆盖率 {f.percent(kpi['coverage_rate'])}，{coverage_mom}。"
    ) in text
    cards = re.findall(
        r'<div class="label">(.*?)</div><div class="value">(.*?)</div>'
        r'<div class="change">(.*?)<br>(.*?)</div>',
        html,
    )
    expected = [
        (label, f.figure(kpi[column], kind),
         _change(db, level, code, month, column, kind, "mom"),
         _change(db, level, code, month, column, kind, "yoy"))
        for column, label, kind in [
            ("visits", "服务人次", "count"), ("unique_workers", "服务劳动者人数", "count"),
            ("active_stations", "在运营驿站", "count"), ("coverage_rate", "驿站覆盖率", "rate"),
            ("standard_rate", "七有达标率", "rate"), ("calls", "热线工单", "count"),
            ("resolution_rate_7d", "按期办结率", "rate"), ("enrolled", "新入会人数", "count"),
        ]
    ]  # fmt: skip
    assert cards == expected


def test_trend_chart_shows_the_last_twelve_months_of_visits(db, month, city_html) -> None:
    visits = [
        f.count(v)
        for (v,) in db.execute(
            """SELECT visits FROM kpi_monthly WHERE scope_level = 'city'
            AND month > ? AND month <= ? ORDER BY month""",
            [add_months(month, -12), month],
        ).fetchall()
    ]
    trend = city_html.split("近 12 个月服务人次</h3>")[1].split("</svg>")[0]
    assert re.findall(r'font-size:10px" fill="#333">([^<]*)</text>', trend) == visits


@pytest.mark.parametrize("scope", ["city", "district"])
def test_coverage_gaps_are_the_ten_largest_uncovered(
    db, month, district, city_html, district_html, scope
) -> None:
    code, html = (None, city_html) if scope == "city" else (district[0], district_html)
    rows = db.execute(
        """SELECT community_name, subdistrict, district, outdoor_workers, nearest_station_m,
                  uncovered_workers
        FROM community_coverage
        WHERE month = $m AND uncovered_workers > 0 AND coalesce($d = district_code, true)
        ORDER BY uncovered_workers DESC, community_code LIMIT 10""",
        {"m": month, "d": code},
    ).fetchall()
    assert rows, "the snapshot should have a coverage gap to test with"
    expected = [
        [str(rank), name, sub, dist, f.count(workers), f.metres(nearest), f.count(uncovered)]
        for rank, (name, sub, dist, workers, nearest, uncovered) in enumerate(rows, 1)
    ]
    assert _table(html, "覆盖缺口") == expected
    kpi = _kpi(db, "city" if code is None else "district", code or CITY, month)
    uncovered = db.execute(
        """SELECT count(*), sum(outdoor_workers) FROM community_coverage
        WHERE month = $m AND NOT covered AND coalesce($d = district_code, true)""",
        {"m": month, "d": code},
    ).fetchone()
    assert (
        f"共有社区 {f.count(kpi['communities'])} 个，已覆盖 {f.count(kpi['covered_communities'])}"
        f" 个；{f.count(uncovered[0])} 个未覆盖社区中共有户外劳动者 {f.count(uncovered[1])} 人。"
    ) in _text(html)


def test_service_mix_chart_and_sentence(db, month, city_html) -> None:
    rows = db.execute(
        """SELECT service, visits FROM service_mix_monthly
        WHERE month = ? AND scope_level = 'city' AND visits > 0 ORDER BY visits DESC, service""",
        [month],
    ).fetchall()
    total = sum(v for _, v in rows)
    top_service, top_visits = rows[0]
    assert (
        f"本月需求最多的服务是{SERVICE.label(top_service)}，{f.count(top_visits)} 人次，"
        f"占 {f.percent(top_visits / total)}。"
    ) in _text(city_html)
    chart = city_html.split("<h3>服务项目</h3>")[1].split("</svg>")[0]
    labels = re.findall(r"<title>([^<]*)</title>", chart)
    values = re.findall(r'fill="#333">([^<]*)</text>', chart)
    assert labels == [SERVICE.label(s) for s, _ in rows]
    assert values == [f.count(v) for _, v in rows]


@pytest.mark.parametrize("scope", ["city", "district"])
def test_busiest_and_crowded_stations(db, month, district, city_html, district_html, scope):
    code, html = (None, city_html) if scope == "city" else (district[0], district_html)

    def ranking(order: str) -> list[list[str]]:
        rows = db.execute(
            f"""SELECT sm.station_name, st.district || st.subdistrict, sm.visits, sm.seats,
                       sm.visits_per_seat_day
            FROM station_monthly sm JOIN stations st ON st.station_id = sm.station_id
            WHERE sm.month = $m AND sm.{order} > 0 AND coalesce($d = sm.district_code, true)
            ORDER BY sm.{order} DESC, sm.station_id LIMIT 5""",
            {"m": month, "d": code},
        ).fetchall()
        return [
            [name, place, f.count(v), f.count(seats), f.per_seat_day(per_seat)]
            for name, place, v, seats, per_seat in rows
        ]

    assert _table(html, "服务人次最多的") == ranking("visits")
    assert _table(html, "最拥挤的") == ranking("visits_per_seat_day")


@pytest.mark.parametrize("scope", ["city", "district"])
def test_hotline_resolution_and_backlog(db, month, district, city_html, district_html, scope):
    level, code, html = (
        ("city", CITY, city_html) if scope == "city" else ("district", district[0], district_html)
    )
    kpi = _kpi(db, level, code, month)
    text = _text(html)
    # a provisional month's resolved count is marked, and only the like-for-like 7-day
    # rate is compared with last month (metrics.md "Hotline")
    resolved = f"办结 {f.count(kpi['resolved'])} 件（办结率 {f.percent(kpi['resolution_rate'])}"
    if kpi["provisional"]:
        resolved = f"目前已{resolved}，暂定：仍有工单在办理期内）"
        eligible = f"，只计受理已满 7 日的 {f.count(kpi['eligible_calls_7d'])} 件"
    else:
        resolved, eligible = f"{resolved}）", ""
    assert (
        f"本月受理热线工单 {f.count(kpi['calls'])} 件，{resolved}；按期办结率（7 日内办结"
        f"{eligible}）{f.percent(kpi['resolution_rate_7d'])}，"
        f"{_change(db, level, code, month, 'resolution_rate_7d', 'rate', 'mom')}；办结用时中位数 "
        f"{f.hours(kpi['median_resolution_hours'])}，"
        f"平均满意度 {f.score(kpi['avg_satisfaction'])}。"
    ) in text
    backlog_mom = _change(db, level, code, month, "backlog", "count", "mom")
    assert f"月末未办结工单 {f.count(kpi['backlog'])} 件，{backlog_mom}。" in text
    rows = db.execute(
        """SELECT category, calls, resolved, resolution_rate_7d, median_resolution_hours
        FROM hotline_monthly WHERE month = ? AND scope_level = ? AND scope_code = ? AND calls > 0
        ORDER BY calls DESC, category""",
        [month, level, code],
    ).fetchall()
    assert _table(html, "工会热线") == [
        [CATEGORY.label(c), f.count(n), f.count(r), f.percent(r / n), f.percent(r7), f.hours(h)]
        for c, n, r, r7, h in rows
    ]


def test_drives_by_platform(db, month, city_html) -> None:
    kpi = _kpi(db, "city", CITY, month)
    assert (
        f"本月开展入会活动 {f.count(kpi['drives'])} 场，覆盖 {f.count(kpi['reached'])} 人，"
        f"新入会 {f.count(kpi['enrolled'])} 人，"
        f"{_change(db, 'city', CITY, month, 'enrolled', 'count', 'mom')}，"
        f"{_change(db, 'city', CITY, month, 'enrolled', 'count', 'yoy')}；"
        f"入会率 {f.percent(kpi['enrollment_rate'])}。"
    ) in _text(city_html)
    rows = db.execute(
        """SELECT platform, drives, reached, enrolled FROM drives_monthly
        WHERE month = ? AND scope_level = 'city' AND drives > 0
        ORDER BY enrolled DESC, drives DESC, platform""",
        [month],
    ).fetchall()
    assert _table(city_html, "各平台入会人数") == [
        [PLATFORM.label(p), f.count(d), f.count(r), f.count(e), f.percent(e / r)]
        for p, d, r, e in rows
    ]


@pytest.mark.parametrize("scope", ["city", "district"])
def test_stations_opened_closed_and_accepted(
    db, month, district, city_html, district_html, scope
) -> None:
    code, html = (None, city_html) if scope == "city" else (district[0], district_html)
    expected, counts = [], []
    for label, column in (
        ("新开", "opened_on"),
        ("关闭", "closed_on"),
        ("通过验收", "accepted_on"),
    ):
        rows = db.execute(
            f"""SELECT station_name, district || subdistrict, {column} FROM stations
            WHERE date_trunc('month', {column}) = $m AND coalesce($d = district_code, true)
            ORDER BY {column}, station_id""",
            {"m": month, "d": code},
        ).fetchall()
        counts.append(len(rows))
        expected += [[label, name, place, f.day_label(day)] for name, place, day in rows[:15]]
    assert (
        f"本月新开驿站 {counts[0]} 个，关闭 {counts[1]} 个，通过验收 {counts[2]} 个。"
    ) in _text(html)
    if expected:
        assert _table(html, "驿站变动") == expected


def test_data_quality_line(db, city_html) -> None:
    loaded, rejected, rows_loaded, quarantined = db.execute(
        """SELECT count(*) FILTER (status = 'loaded'), count(*) FILTER (status = 'rejected'),
                  sum(rows_loaded), sum(rows_quarantined) FROM ingest_files"""
    ).fetchone()
    assert (
        f"本期快照载入文件 {f.count(loaded)} 个、{f.count(rows_loaded)} 行，"
        f"拒收文件 {f.count(rejected)} 个，隔离问题行 {f.count(quarantined)} 行"
    ) in _text(city_html)


# --- scope, self-containment, errors -----------------------------------------------------


def test_district_report_only_shows_the_district(db, month, district, district_html) -> None:
    code, name = district
    assert f"<h1>{name}暖心驿站月度报告（{f.month_label(month)}）</h1>" in district_html
    assert all(row[3] == name for row in _table(district_html, "覆盖缺口"))
    others = db.execute(
        """SELECT station_name FROM stations WHERE district_code <> ?
        AND station_name NOT IN (SELECT station_name FROM stations WHERE district_code = ?)""",
        [code, code],
    ).fetchall()
    for (other,) in others:
        assert other not in district_html
    assert "数据质量（全市口径）" in _text(district_html)


def test_district_by_code_gives_the_same_report(
    snapshot_path, tmp_path, month, district, district_html
) -> None:
    for code in (district[0], district[0][:6]):
        files = write_report(snapshot_path, tmp_path, month, code, pdf=False)
        assert files.html.name == f"{month:%Y-%m}-{district[0]}.html"
        assert files.html.read_text(encoding="utf-8") == district_html


def test_html_is_self_contained(city_html, district_html) -> None:
    for html in (city_html, district_html):
        assert not re.search(r"<script[^>]*\bsrc\s*=", html, re.I)
        assert not re.search(r"<link\b", html, re.I)
        assert not re.search(r"https?://", html, re.I)
        assert "@import" not in html and "url(" not in html
        assert '<html lang="zh-CN">' in html and "@page" in html


def test_month_without_data_and_unknown_district_say_so(snapshot_path, tmp_path, db) -> None:
    first = db.execute("SELECT min(month) FROM kpi_monthly").fetchone()[0]
    before = add_months(first, -1)
    with pytest.raises(MonthWithoutData, match=f"no figures for {before:%Y-%m}"):
        write_report(snapshot_path, tmp_path, before, pdf=False)
    with pytest.raises(ReportDataError, match="unknown district '不存在区'"):
        write_report(snapshot_path, tmp_path, first, "不存在区", pdf=False)
    assert list(tmp_path.iterdir()) == []


def test_without_chromium_only_html_is_written(
    snapshot_path, tmp_path, month, monkeypatch, caplog
) -> None:
    monkeypatch.setattr("pipelines.report.build.find_chromium", lambda: None)
    files = write_report(snapshot_path, tmp_path, month)
    assert files.pdf is None and files.html.exists()
    assert "no chromium on PATH" in files.pdf_skipped
    assert "no chromium on PATH" in caplog.text
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{month:%Y-%m}.html"]


# --- PDF, Dagster, command line ----------------------------------------------------------


@pytest.mark.skipif(report_pdf.find_chromium() is None, reason="chromium is not installed")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_pdf_has_pages_and_chinese_text(snapshot_path, tmp_path, db, month) -> None:
    files = write_report(snapshot_path, tmp_path, month)
    assert files.pdf == tmp_path / f"{month:%Y-%m}.pdf"
    info = subprocess.run(["pdfinfo", str(files.pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 2
    assert "A4" in info
    text = subprocess.run(
        ["pdftotext", "-layout", str(files.pdf), "-"], capture_output=True, text=True
    ).stdout
    visits = _kpi(db, "city", CITY, month)["visits"]
    assert f"暖心驿站月度报告（{f.month_label(month)}）" in text
    assert f"本月服务人次 {f.count(visits)}" in text
    assert f"第1页/共{pages}页" in re.sub(r"\s", "", text)
    for heading in ("覆盖缺口", "服务需求", "工会热线", "入会活动", "驿站变动", "数据质量"):
        assert heading in text


def test_dagster_partition_writes_the_report_or_skips_a_month_without_data(
    snapshot_path, tmp_path, monkeypatch, db, month
) -> None:
    (tmp_path / "serving").mkdir()
    shutil.copy(snapshot_path, tmp_path / "serving" / "current.duckdb")
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("pipelines.report.build.find_chromium", lambda: None)
    monkeypatch.setattr("pipelines.report.card.find_chromium", lambda: None)
    result = dg.materialize([monthly_report], partition_key=f"{month:%Y-%m-%d}")
    assert result.success
    (materialization,) = result.asset_materializations_for_node("monthly_report")
    html = tmp_path / "reports" / f"{month:%Y-%m}.html"
    assert materialization.metadata["html"].path == str(html)
    districts = db.execute(
        "SELECT count(DISTINCT scope_code) FROM kpi_monthly WHERE scope_level = 'district'"
    ).fetchone()[0]
    assert materialization.metadata["briefs"].value == 1 + districts
    briefs = sorted(p.name for p in (tmp_path / "reports").glob("*.html"))
    assert len(briefs) == 1 + districts and html.name in briefs
    # and their month cards (the HTML they are pictured from, without chromium)
    assert len(list((tmp_path / "reports" / "cards").glob("*.html"))) == 1 + districts
    assert "no chromium" in materialization.metadata["pdf_skipped"].text
    visits = _kpi(db, "city", CITY, month)["visits"]
    assert f"| 服务人次 | {f.count(visits)} |" in materialization.metadata["preview"].md_str

    months = {m for (m,) in db.execute("SELECT DISTINCT month FROM kpi_monthly").fetchall()}
    keys = monthly_report.partitions_def.get_partition_keys()
    empty = next(k for k in keys if date.fromisoformat(k) not in months)
    result = dg.materialize([monthly_report], partition_key=empty)
    assert result.success
    assert result.asset_materializations_for_node("monthly_report") == []
    assert not (tmp_path / "reports" / f"{empty[:7]}.html").exists()


def test_partitions_are_monthly_from_2023_in_shanghai_time() -> None:
    partitions = monthly_report.partitions_def
    assert partitions.get_partition_keys()[0] == "2023-01-01"
    assert partitions.timezone == "Asia/Shanghai"
    assert monthly_report.group_names_by_key[monthly_report.key] == "report"
    deps = {dep.asset_key for dep in monthly_report.specs_by_key[monthly_report.key].deps}
    assert deps == {dg.AssetKey("serving_snapshot")}


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    report_command.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_latest_all_and_district(snapshot_path, tmp_path, monkeypatch, db, district) -> None:
    (tmp_path / "serving").mkdir()
    shutil.copy(snapshot_path, tmp_path / "serving" / "current.duckdb")
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    reports = tmp_path / "reports"
    latest = db.execute(
        "SELECT value FROM snapshot_info WHERE key = 'latest_complete_month'"
    ).fetchone()[0][:7]
    districts = [
        code
        for (code,) in db.execute(
            "SELECT DISTINCT scope_code FROM kpi_monthly WHERE scope_level = 'district'"
        ).fetchall()
    ]
    # the city's brief and one per district
    assert _cli(["report", "--latest", "--no-pdf"]) == 0
    assert sorted(p.name for p in reports.iterdir()) == sorted(
        [f"{latest}.html"] + [f"{latest}-{code}.html" for code in districts]
    )
    for path in reports.iterdir():
        path.unlink()
    assert _cli(["report", "--latest", "--no-pdf", "--city-only"]) == 0
    assert sorted(p.name for p in reports.iterdir()) == [f"{latest}.html"]
    months = [
        m for (m,) in db.execute("SELECT DISTINCT month FROM kpi_monthly ORDER BY 1").fetchall()
    ]
    assert _cli(["report", "--all", "--no-pdf", "--district", district[0]]) == 0
    assert sorted(p.name for p in reports.glob(f"*-{district[0]}.html")) == [
        f"{m:%Y-%m}-{district[0]}.html" for m in months
    ]
    assert _cli(["report", "--month", "1999-01", "--no-pdf"]) == 2
    assert _cli(["report", "--month", latest, "--district", "不存在区", "--no-pdf"]) == 2


def test_a_failing_chromium_leaves_no_pdf_and_the_cli_says_so(
    snapshot_path, tmp_path, monkeypatch, capsys
) -> None:
    (tmp_path / "serving").mkdir()
    shutil.copy(snapshot_path, tmp_path / "serving" / "current.duckdb")
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("pipelines.report.build.find_chromium", lambda: shutil.which("false"))
    assert _cli(["report", "--latest"]) == 1
    assert "chromium could not print" in capsys.readouterr().err
    assert [p.suffix for p in (tmp_path / "reports").iterdir()] == [".html"]


def test_the_schedule_asks_for_the_month_that_has_just_ended():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import dagster as dg

    from pipelines.assets.report import monthly_report_schedule

    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2026, 1, 1, 7, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    )
    request = monthly_report_schedule(context)
    assert request.partition_key == "2025-12-01"
