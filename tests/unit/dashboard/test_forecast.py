"""The 需求预测 section's data, words and figures on the synthetic snapshot (months
2023-02 … 2024-03; the forecast tables are the hand-chosen ones of
tests/fixtures/synthetic_snapshot.py: forecast months April, May, June 2024)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboards import data, figures
from dashboards.components.forecast import backtest_words, forecast_summary, weather_words
from dashboards.data.forecast import Target
from pipelines.settings import Settings
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot

CITY, FANGSHAN, HAIDIAN = "110000000000", "110111000000", "110108000000"
GONGCHEN, WANSHOULU = "110111011000", "110108001000"
APRIL, MAY, JUNE = date(2024, 4, 1), date(2024, 5, 1), date(2024, 6, 1)


def _text(children) -> str:
    """The visible text of a list of Dash components (what a reader sees)."""
    if children is None:
        return ""
    if isinstance(children, str):
        return children
    if isinstance(children, list | tuple):
        return "\n".join(_text(c) for c in children)
    return _text(getattr(children, "children", None))


def test_the_city(settings, city):
    view = data.scope_forecast(city, None)
    assert view.target == Target("city", CITY, "北京市")
    assert view.published and view.origin == date(2024, 3, 1) and view.history_months == 14
    # no station before S003 opened on 1 June 2023 (4 visits on each of 3 days: 12 a
    # month); January 2024: S001 from the 10th (2 × 3 + the tally 10) + S003 12 = 28;
    # February S001 19 + S002 2 + S003 4 (closed on the 10th) = 25; March 19 + 6 + 3
    assert view.history["visits"].to_list() == [0] * 4 + [12] * 7 + [28, 25, 28]
    assert view.history["month"][0] == date(2023, 2, 1)
    f = view.forecast
    assert f["month"].to_list() == [APRIL, MAY, JUNE]
    assert f["p50"].to_list() == [32.0, 36.0, 40.0]  # S001 + S002 + S004, month by month
    # p10 = 0.8 × p50, p97.5 = 1.5 × p50; no range three months ahead
    assert f["p10"].to_list() == [pytest.approx(25.6), pytest.approx(28.8), None]
    assert f["p97_5"].to_list() == [48.0, 54.0, None]
    assert f["model"].to_list() == ["pooled_weather"] * 3
    assert view.level_backtest["scopes"].to_list() == [1, 1]
    assert view.level_backtest["mase"].to_list() == [0.30, 0.45]


def test_the_city_weather_is_the_mean_of_its_districts(settings, city):
    weather = data.scope_forecast(city, None).weather
    assert weather["month"].to_list() == [APRIL, MAY, JUNE]
    # April: 房山 a forecast file, 海淀 the normal; May: mixed and normal → mixed
    assert weather["basis"].to_list() == ["mixed", "mixed", "normal"]
    assert weather["hot_days"].to_list() == [0.0, 1.5, 5.5]  # (2 + 1) / 2, (6 + 5) / 2
    assert weather["very_hot_days"].to_list() == [0.0, 0.0, 1.5]
    assert weather["rainy_days"].to_list() == [1.5, 2.5, 4.5]
    assert weather["districts"].to_list() == [2, 2, 2]
    assert weather["district_name"].to_list() == [None, None, None]
    # each calendar month observed in 2023 only: the normal averages 1 year
    assert weather["normal_years"].to_list() == [1, 1, 1]


def test_a_district_level_backtest_and_its_baseline(settings, city):
    view = data.scope_forecast(city, FANGSHAN)
    assert view.target == Target("district", FANGSHAN, "房山区")
    assert view.forecast["p50"].to_list() == [28.0, 21.0, 34.0]
    assert view.forecast["model"].to_list() == ["pooled_weather", "seasonal_naive",
                                                "pooled_weather"]  # fmt: skip
    level = view.level_backtest
    assert level["scopes"].to_list() == [2, 2]
    # h = 1: (0.40 + 0.60) / 2, (1.20 + 0.80) / 2, (0.60 + 1.00) / 2, (0.75 + 0.85) / 2
    assert level["mase"].to_list() == pytest.approx([0.50, 1.00])
    assert level["mase_seasonal_naive"].to_list() == pytest.approx([1.00, 0.80])
    assert level["mase_last_value"].to_list() == pytest.approx([0.80, 1.20])
    assert level["coverage_80"].to_list() == pytest.approx([0.80, 0.70])
    assert level["model"].to_list() == ["pooled_weather", "seasonal_naive"]
    assert view.backtest["mase"].to_list() == [0.40, 0.90]  # 房山's own
    assert view.backtest["origins"].to_list() == [6, 5]
    weather = view.weather
    assert weather["basis"].to_list() == ["forecast", "mixed", "normal"]
    assert weather["district_name"].to_list() == ["房山区"] * 3
    assert weather["hot_days"].to_list() == [0.0, 2.0, 6.0]


def test_a_station_and_a_station_outside_the_scope(settings, city):
    view = data.scope_forecast(city, GONGCHEN, "S001")
    assert view.target == Target("station", "S001", "拱辰梅花庄暖心驿站")
    # from its opening on 10 January: 2 × 3 + 10, then 3 × 3 + 10 a month
    assert view.history["visits"].to_list() == [16, 19, 19]
    assert view.forecast["p50"].to_list() == [20.0, 22.0, 24.0]
    assert view.level_backtest["scopes"].to_list() == [1, 1]
    assert view.weather["district_name"][0] == "房山区"
    # S004 is in 海淀, not in 拱辰: the subdistrict is shown
    assert data.scope_forecast(city, GONGCHEN, "S004").target.code == GONGCHEN
    assert data.scope_forecast(city, GONGCHEN, "S999").target.code == GONGCHEN
    assert data.forecast_stations(city, GONGCHEN)["station_id"].to_list() == ["S002", "S001"]


def test_a_scope_without_an_open_station_has_no_forecast(settings, city):
    view = data.scope_forecast(city, "110108001001")  # 翠微路: S003 closed in February
    assert view.forecast.is_empty() and view.history["visits"][-1] == 0
    assert "没有预测" in _text(forecast_summary(view, "zh"))
    assert "No forecast for 翠微路社区居委会" in _text(forecast_summary(view, "en"))


def test_a_district_viewer_never_gets_another_districts_forecast(settings):
    haidian = data.Viewer(HAIDIAN)
    view = data.scope_forecast(haidian, FANGSHAN, "S001")
    assert view.target == Target("district", HAIDIAN, "海淀区")
    assert view.forecast["p50"].to_list() == [4.0, 12.0, 6.0]
    # the level's backtest over the districts 海淀 may see: itself, not the mean with 房山
    assert view.level_backtest["scopes"].to_list() == [1, 1]
    assert view.level_backtest["mase"].to_list() == [0.60, 1.10]
    assert view.weather["district_name"].to_list() == ["海淀区"] * 3
    # June: 海淀 has no June 2023 row; the normal is the city's, from 房山's 2023
    assert view.weather["normal_years"].to_list() == [1, 1, 1]
    assert data.forecast_stations(haidian, FANGSHAN)["station_id"].to_list() == ["S004"]
    station_level = data.scope_forecast(haidian, WANSHOULU, "S004").level_backtest
    assert station_level.is_empty()  # S001's backtest row is 房山's
    table = data.download_table(haidian, "demand_forecast", {"scope": FANGSHAN})
    codes = set(table["scope_code"].to_list())
    assert codes == {HAIDIAN, WANSHOULU, "110108001004", "S004"}
    assert table.height == 12


def test_the_download_holds_the_scope_and_everything_in_it(settings, city):
    table = data.forecast_table(city, GONGCHEN)
    assert table.columns == ["scope_level", "scope_code", "scope_name", "month", "horizon",
                             "p50", "p10", "p90", "p2_5", "p97_5", "model"]  # fmt: skip
    # 拱辰 itself, 梅花庄 and 北关东路 (行宫园 has no station), S001 and S002
    assert table.select("scope_level", "scope_code").unique(maintain_order=True).rows() == [
        ("subdistrict", GONGCHEN), ("community", "110111011005"),
        ("community", "110111011006"), ("station", "S001"), ("station", "S002"),
    ]  # fmt: skip
    s002 = table.filter(table["scope_code"] == "S002")
    assert s002["scope_name"][0] == "北关东路户外劳动者服务站"
    assert s002["p90"].to_list() == [10.0, 11.3, None]  # 8 × 1.25, 9 × 1.25 = 11.25 → 11.3
    assert table.filter(table["scope_level"] == "subdistrict")["model"].to_list() == [
        "last_value", "last_value", "pooled_weather"]  # fmt: skip


def test_words_say_when_a_baseline_is_shown(settings, city):
    view = data.scope_forecast(city, GONGCHEN)
    en, zh = _text(forecast_summary(view, "en")), _text(forecast_summary(view, "zh"))
    assert "Apr 2024: about 25 visits; 80% likely between 20 and 31" in en  # 25 × 1.25
    assert "— Last month repeated (baseline)" in en
    notice = (
        "at the subdistrict level the model did not beat a simple baseline in the "
        "backtest, so the forecast shown for Apr 2024, May 2024 is the baseline"
    )
    assert notice in en
    assert "2024年4月、2024年5月 显示的就是基准预测本身" in zh
    # June: no backtest three months ahead
    assert "Jun 2024: about 34 visits (no range: 14 months of history" in en
    words = _text(backtest_words(view, "en"))
    assert "Mean over the 2 subdistricts:" in words
    # h = 1: 1.40 / 1.20 − 1 = +17 %, 1.40 / 0.80 − 1 = +75 %
    assert ("1 month ahead: errors 17% larger than repeating the same month last year, 75% "
            "larger than repeating last month") in words  # fmt: skip
    assert "so the forecast shown is last month repeated (baseline)" in words
    own = "拱辰街道 itself (1 month ahead, 6 test months): errors 18% larger"  # 1.30 / 1.10
    assert own in words


def test_words_for_the_model_and_its_weather(settings, city):
    view = data.scope_forecast(city, FANGSHAN)
    words = _text(backtest_words(view, "zh"))
    # h = 1: 0.50 / 1.00 − 1 = −50 %, 0.50 / 0.80 − 1 = −37.5 % → 38 %
    assert "提前 1 个月：误差比“照搬去年同月”小 50%，比“照搬上月”小 38%" in words
    assert "80% 区间包含了 80% 的实际值" in words
    weather = _text(weather_words(view, "en"))
    assert "The weather the forecast assumed in 房山区 (days):" in weather
    assert "Apr 2024: Weather forecast file — hot days (≥ 35 ℃) 0" in weather
    assert "Jun 2024: Climate normal (one observed year only) — hot days" in weather
    assert "cold days (< 0 ℃) 0; rainy days (≥ 10 mm) 4" in weather


def test_short_history_and_no_weather(tmp_path: Path, settings, city):
    """A snapshot whose forecast has no backtest and no weather, and one from before
    the forecast: each says so."""
    other = Settings(data_dir=tmp_path)
    build_synthetic_snapshot(other.snapshot_path, months=3)
    with duckdb.connect(str(other.snapshot_path)) as con:
        con.execute("DELETE FROM forecast_backtest")
        con.execute("DELETE FROM forecast_weather")
        con.execute("UPDATE demand_forecast SET p10 = NULL, p90 = NULL, p2_5 = NULL, "
                    "p97_5 = NULL, model = 'pooled'")  # fmt: skip
    try:
        data.configure(other)
        view = data.scope_forecast(city, None)
        assert view.history_months == 3 and view.level_backtest.is_empty()
        summary = _text(forecast_summary(view, "en"))
        assert "Apr 2024: about 32 visits (no range: 3 months of history" in summary
        assert "Method: Pooled model (no weather data)." in summary
        backtest = _text(backtest_words(view, "en"))
        assert "No backtest: there are 3 months of history" in backtest
        assert "needs 12 months before it" in backtest
        assert "No weather data: the forecast assumes an ordinary month" in _text(
            weather_words(view, "en")
        )
        data.snapshot(other).close()
        with duckdb.connect(str(other.snapshot_path)) as con:
            for table in ("demand_forecast", "forecast_backtest", "forecast_weather"):
                con.execute(f"DROP TABLE {table}")
        old = data.scope_forecast(city, None)
        assert not old.published and old.history.height == 3
        assert "published before the forecast existed" in _text(forecast_summary(old, "en"))
        assert data.forecast_stations(city, FANGSHAN).is_empty()
        assert data.forecast_table(city, None).is_empty()
    finally:
        data.snapshot(other).close()
        data.configure(settings)


def test_the_fan_marks_the_forecast_and_caps_a_runaway_range(settings, city):
    view = data.scope_forecast(city, None)
    fig = figures.forecast_fan(view.history, view.forecast, "zh")
    names = [trace.name for trace in fig.data]
    assert names == [None, "95% 区间", None, "80% 区间", "历史服务人次", None, "预测值"]
    # the bands grow out of March (28) and stop where the ranges stop (May)
    band95_upper = fig.data[0]
    assert list(band95_upper.x) == [date(2024, 3, 1), APRIL, MAY]
    assert list(band95_upper.y) == [28, 48.0, 54.0]
    assert list(fig.data[-1].y) == [32.0, 36.0, 40.0]
    assert fig.layout.shapes[0].fillcolor == "#7f8c8d"  # the shaded forecast span
    assert fig.layout.yaxis.range is None
    wide = view.forecast.with_columns(p97_5=view.forecast["p50"] * 10)
    capped = figures.forecast_fan(view.history, wide, "en")
    # 1.3 × the largest of history (28), p50 (40) and p90 (45 = 36 × 1.25)
    assert tuple(capped.layout.yaxis.range) == (0, pytest.approx(58.5))
    assert any("runs off the chart" in a.text for a in capped.layout.annotations)


def test_the_backtest_and_weather_charts(settings, city):
    view = data.scope_forecast(city, FANGSHAN)
    chart = figures.backtest_chart(view.level_backtest, "en")
    bars = {trace.name: list(trace.y) for trace in chart.data}
    assert bars["The model"] == pytest.approx([0.5, 1.0])
    assert bars["Same month last year"] == pytest.approx([1.0, 0.8])
    assert bars["80% range"] == pytest.approx([0.8, 0.7])
    assert list(chart.data[0].x) == [1, 2]
    assert list(chart.data[0].customdata) == ["1 month ahead", "2 months ahead"]
    weather = figures.weather_assumed(view.weather, "zh")
    assert [trace.name for trace in weather.data] == [
        "高温日（≥35℃）", "酷热日（≥37℃）", "寒冷日（<0℃）", "降雨日（≥10毫米）"]  # fmt: skip
    assert list(weather.data[0].y) == [0.0, 2.0, 6.0]
