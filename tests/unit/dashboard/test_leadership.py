"""The leadership overview without a browser, on the synthetic snapshot (14 months to
2024-03; numbers worked out in tests/fixtures/synthetic_snapshot.py): who may compare
with whom, every level's rankings and standing, the KPI cards' colours, the headline,
briefs and cards on request, and no graph anywhere offering Plotly's cloud."""

from __future__ import annotations

import sys
from datetime import date

import dash
import plotly.graph_objects as go
import pytest
from dash import dcc

from dashboards import data
from dashboards.components import chart_values, kpi_card
from dashboards.figures.base import CONFIG, graph_config
from pipelines.report.card import card_stem, png_size, png_text
from pipelines.report.pdf import find_chromium

MARCH = date(2024, 3, 1)
CITY, FANGSHAN, HAIDIAN = "110000000000", "110111000000", "110108000000"
GONGCHEN, LIULIHE, WANSHOULU = "110111011000", "110111010000", "110108001000"
MEIHUAZHUANG = "110111011005"


def test_who_may_compare_with_whom():
    district, subdistrict = data.Viewer(FANGSHAN), data.Viewer(GONGCHEN)
    # a district: the city, the other districts, anything inside its own; nothing inside
    # another district
    assert [district.may_compare(c) for c in (CITY, HAIDIAN, GONGCHEN, WANSHOULU)] == [
        True, True, True, False,
    ]  # fmt: skip
    # a subdistrict: its district, the city, the other subdistricts of its district
    assert [subdistrict.may_compare(c) for c in (CITY, FANGSHAN, LIULIHE, WANSHOULU)] == [
        True, True, True, False,
    ]  # fmt: skip
    assert not subdistrict.may_compare(HAIDIAN) and not subdistrict.may_compare(None)
    assert not subdistrict.covers(LIULIHE)  # compared, never opened


def test_every_level_has_its_peers_ranked(settings, city):
    district, subdistrict = data.Viewer(FANGSHAN), data.Viewer(GONGCHEN)
    names = lambda df: sorted(df["scope_name"].to_list())  # noqa: E731
    # the city's "peers" are its districts; a district's, the districts
    assert names(data.peer_ranking(city, None, MARCH)) == ["房山区", "海淀区"]
    assert names(data.peer_ranking(district, FANGSHAN, MARCH)) == ["房山区", "海淀区"]
    # a subdistrict's: the subdistricts of its district, not 海淀区's 万寿路街道
    assert names(data.peer_ranking(subdistrict, None, MARCH)) == ["拱辰街道", "琉璃河地区"]
    # asking for another scope gets the viewer's own
    assert names(data.peer_ranking(subdistrict, WANSHOULU, MARCH)) == ["拱辰街道", "琉璃河地区"]
    # inside: a district's subdistricts, a subdistrict's communities
    assert data.inside_level(district, FANGSHAN) == "subdistrict"
    assert names(data.ranking(district, None, MARCH, "subdistrict")) == ["拱辰街道", "琉璃河地区"]
    assert data.inside_level(subdistrict, None) == "community"
    assert names(data.ranking(subdistrict, None, MARCH, "community")) == [
        "北关东路社区居委会", "梅花庄社区居委会", "行宫园社区居委会",
    ]  # fmt: skip
    assert data.inside_level(city, MEIHUAZHUANG) is None
    assert data.ranking(city, MEIHUAZHUANG, MARCH, None).is_empty()


def test_standing_among_peers_and_against_the_parent(settings):
    lower = frozenset({"backlog"})
    fangshan = data.standing(data.Viewer(FANGSHAN), None, MARCH, lower)
    # March visits: 房山区 25 (S001 19, S002 6), 海淀区 3 (S004): first of two; city 28
    assert fangshan["visits"] == data.Standing(1, 2, "北京市", 28)
    # coverage: 房山区 700 / 1,000, 海淀区 750 / 750: second of two; city 1,450 / 1,750
    assert fangshan["coverage_rate"] == data.Standing(2, 2, "北京市", pytest.approx(1450 / 1750))
    # backlog, lower is better: 房山区 has 14 open (one unresolved call a month, 14 months)
    # and 海淀区 none: second
    assert fangshan["backlog"].rank == 2
    gongchen = data.standing(data.Viewer(GONGCHEN), None, MARCH, lower)
    # 拱辰街道 25 visits, 琉璃河地区 0; against 房山区's 25
    assert gongchen["visits"] == data.Standing(1, 2, "房山区", 25)
    assert data.standing(data.Viewer(), None, MARCH, lower) == {}  # the city has no peers


def test_a_subdistrict_leaders_district_picker_shows_their_district(settings):
    options = data.scope_options(data.Viewer(GONGCHEN), "district")
    assert options.rows() == [(FANGSHAN, "房山区")]


def test_headline_findings_targets_and_provisional(settings, city):
    findings = data.attention(city, None, MARCH)
    # the city's and its districts' (attention_monthly computed by the model)
    assert {f["scope_code"] for f in findings} <= {CITY, FANGSHAN, HAIDIAN}
    assert {(f["scope_code"], f["kind"], f["metric"]) for f in findings} >= {
        (CITY, "missed_target", "standard_rate"), (FANGSHAN, "missed_target", "coverage_rate"),
    }  # fmt: skip
    # a district's staff asking for the city get their own district and its subdistricts
    scoped = data.attention(data.Viewer(FANGSHAN), CITY, MARCH)
    assert {f["scope_code"] for f in scoped} <= {FANGSHAN, GONGCHEN, LIULIHE}
    assert data.targets(city) == {
        "standard_rate": 0.8, "coverage_rate": 0.9, "resolution_rate_7d": 0.95,
    }  # fmt: skip
    # the latest call is 2024-03-22: March is provisional, February is not
    assert data.provisional(city, MARCH) and not data.provisional(city, date(2024, 2, 1))


def test_kpi_cards_are_coloured_by_target_and_by_large_moves():
    change = data.Change(0.7, -0.02, None, 0.05, None)
    missed = kpi_card("coverage_rate", change, "zh", "rate", target=0.9)
    assert missed.className == "kpi-card kpi-coverage_rate target-missed"
    met = kpi_card("coverage_rate", change, "zh", "rate", target=0.6)
    assert met.className.endswith("target-met")
    # −2 points, not a large move: grey whatever its sign; a large one coloured by its sense
    deltas = lambda card: [s.className for s in card.children[2].children]  # noqa: E731
    assert deltas(missed) == ["delta none", "delta none"]
    falling = kpi_card("visits", data.Change(80, -40, -0.33, None, None), "zh", move=True)
    rising = kpi_card("backlog", data.Change(30, 10, 0.5, None, None), "zh", move=False)
    assert deltas(falling)[0] == "delta large worse" and deltas(rising)[0] == "delta large better"
    assert "target" not in falling.className
    provisional = kpi_card("calls", data.Change(5, 1, 0.25, None, None), "en", provisional=True)
    assert provisional.children[0].children[1].children == "provisional"


def test_a_charts_download_carries_its_title_scope_and_month(settings, city):
    fig, config = chart_values(go.Figure(), "overview.trends", data.Viewer(FANGSHAN), None,
                               MARCH, "zh", title="各区排名")  # fmt: skip
    assert fig["layout"]["title"]["text"] == "各区排名 · 房山区 · 2024年3月"  # as Dash sends it
    assert config["toImageButtonOptions"]["filename"] == "各区排名_房山区_2024-03"
    fig, config = chart_values(go.Figure(), "overview.trends", city, None, MARCH, "en")
    assert fig["layout"]["title"]["text"] == "Last 24 months · 北京市 · Mar 2024"
    assert config["toImageButtonOptions"]["filename"] == "Last_24_months_北京市_2024-03"


def _no_cloud(config: dict) -> None:
    assert config["displaylogo"] is False
    assert config["showSendToCloud"] is False and config["showEditInChartStudio"] is False
    assert config["showLink"] is False and config["sendData"] is False
    assert config["plotlyServerURL"] == ""
    assert {"sendDataToCloud", "editInChartStudio"} <= set(config["modeBarButtonsToRemove"])


def _graphs(component) -> list[dcc.Graph]:
    found = [component] if isinstance(component, dcc.Graph) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            found += _graphs(child)
    return found


def test_no_graph_anywhere_offers_plotlys_cloud(settings):
    from dashboards.app import create_app
    from dashboards.auth import AuthConfig

    create_app(settings, auth=AuthConfig(enabled=False))
    graphs = [g for page in dash.page_registry.values() for g in _graphs(page["layout"]())]
    assert len(graphs) >= 15, "every page's graphs are found"
    for graph in graphs:
        _no_cloud(graph.config)
    _no_cloud(CONFIG)
    _no_cloud(graph_config("各区排名", "北京市", "2024-03"))
    # and the configs the overview's callbacks send with their figures
    overview = next(sys.modules[p["module"]] for p in dash.page_registry.values()
                    if p["path"] == "/")  # fmt: skip
    out = overview.rankings("zh", "2024-03-01", None, "visits")
    peers_fig, peers_config, inside_fig, inside_config = out[3:7]
    for config in (peers_config, inside_config):
        _no_cloud(config)
    assert peers_config["toImageButtonOptions"]["filename"] == "各区排名_北京市_2024-03"
    # bars carry their values and their scope codes (a click drills into them)
    # (figures leave the callbacks as the dicts Dash sends)
    bars = peers_fig["data"][0]
    assert bars["texttemplate"] == "%{x:,}"
    assert sorted(bars["customdata"]) == [HAIDIAN, FANGSHAN]
    assert inside_fig["layout"]["title"]["text"] == "北京市内各街道(乡镇)排名 · 北京市 · 2024年3月"


def test_brief_and_card_on_request(settings, monkeypatch):
    gongchen = data.Viewer(GONGCHEN)
    name, html = data.brief(gongchen, MEIHUAZHUANG, MARCH)  # a community: its subdistrict's
    assert name == "拱辰街道_2024-03_月度简报.html"
    assert "<h1>拱辰街道暖心驿站月度报告（2024年3月）</h1>" in html
    # a card the pipeline wrote after the snapshot is served as it is, without chromium
    monkeypatch.setattr("pipelines.report.card.find_chromium", lambda: None)
    cards = settings.reports_dir / "cards"
    cards.mkdir(parents=True, exist_ok=True)
    (cards / f"{card_stem(MARCH, FANGSHAN)}.png").write_bytes(b"\x89PNG written")
    assert data.month_card(data.Viewer(FANGSHAN), None, MARCH) == (
        "房山区_2024-03_月报卡片.png", b"\x89PNG written",
    )  # fmt: skip
    # none written for 拱辰街道, and no chromium to draw one
    with pytest.raises(FileNotFoundError, match="no chromium"):
        data.month_card(gongchen, None, MARCH)


def test_written_cards_are_listed_and_served_to_their_scope(settings, tmp_path):
    from dashboards.app import create_app
    from dashboards.auth import AuthConfig

    cards = settings.reports_dir / "cards"
    cards.mkdir(parents=True, exist_ok=True)
    for name in ("2024-03.png", f"2024-03-{FANGSHAN}.png", f"2024-03-{FANGSHAN}.html"):
        (cards / name).write_bytes(b"\x89PNG card")
    (settings.reports_dir / f"2024-03-{FANGSHAN}.html").write_text("<p>房山</p>")
    listed = lambda viewer: [p.name for p in data.report_files(viewer, MARCH)]  # noqa: E731
    # the card's picture, never the HTML it was drawn from; a scope's only its own
    assert listed(data.Viewer(FANGSHAN)) == [f"2024-03-{FANGSHAN}.html", f"2024-03-{FANGSHAN}.png"]
    assert "2024-03.png" in listed(data.Viewer())
    assert listed(data.Viewer(GONGCHEN)) == []
    # grouped by scope for the overview, the viewer's own first
    groups = [(code, name, [p.name for p in files])
              for code, name, files in data.report_groups(data.Viewer(), MARCH)]  # fmt: skip
    assert groups[0] == (CITY, "北京市", ["2024-03.png"])
    assert (FANGSHAN, "房山区", [f"2024-03-{FANGSHAN}.html", f"2024-03-{FANGSHAN}.png"]) in groups
    client = create_app(settings, auth=AuthConfig(enabled=False)).server.test_client()
    response = client.get(f"/reports/2024-03-{FANGSHAN}.png")
    assert response.status_code == 200 and response.mimetype == "image/png"


def test_the_overview_offers_a_brief_and_says_when_no_card_can_be_drawn(settings, monkeypatch):
    from dashboards.app import create_app
    from dashboards.auth import AuthConfig

    create_app(settings, auth=AuthConfig(enabled=False))  # the city, outside a request
    overview = next(sys.modules[p["module"]] for p in dash.page_registry.values()
                    if p["path"] == "/")  # fmt: skip
    brief = overview.download_brief(1, "2024-03-01", GONGCHEN)
    assert brief["filename"] == "拱辰街道_2024-03_月度简报.html"
    assert "拱辰街道暖心驿站月度报告" in brief["content"]
    monkeypatch.setattr("pipelines.report.card.find_chromium", lambda: None)
    download, note = overview.download_card(1, "2024-03-01", GONGCHEN, "en")
    assert download is dash.no_update
    assert note == "The card could not be drawn: no chromium on the server."


@pytest.mark.skipif(find_chromium() is None, reason="chromium is not installed")
def test_a_card_is_drawn_on_request_for_a_subdistrict(settings):
    name, png = data.month_card(data.Viewer(GONGCHEN), None, MARCH)
    assert name == "拱辰街道_2024-03_月报卡片.png"
    assert png_size(png)[0] == 1080
    assert png_text(png)["Description"].startswith("拱辰街道暖心驿站月报 · 2024年3月")
    # drawn in a folder of its own: nothing is written beside the pipeline's cards
    assert not list((settings.reports_dir / "cards").glob(f"*{GONGCHEN}*"))
