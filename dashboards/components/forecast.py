"""The words of the 需求预测 section: what is forecast, how far to trust it, and what
weather it assumes — plain sentences built from a :class:`ScopeForecast`, in the
reader's language, so that the page says in words what the figures show.

Each function returns the children of one ``html.Div``; where the data are missing
(no forecast in the snapshot, none for the scope, too little history for a backtest,
no weather files) the text says so instead of showing nothing.
"""

from __future__ import annotations

from dash import html

from dashboards.data.forecast import ScopeForecast
from dashboards.i18n import label, month_label, months_ahead, number, percent, t
from pipelines.forecast.run import BACKTEST_MONTHS, BASELINES, MIN_TRAINING_MONTHS


def _level(level: str, lang: str) -> str:
    name = label("scope_level", level, lang)
    return name.lower() if lang == "en" else f"{name}级"


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".removesuffix(".0")


def _model(code: str, lang: str) -> str:
    return label("forecast_model", code, lang)


def forecast_summary(view: ScopeForecast, lang: str) -> list:
    """The forecast month by month, with its ranges, and a plain notice where a month
    shows a baseline instead of the model."""
    origin = month_label(view.origin, lang) if view.origin else "—"
    if not view.published:
        return [html.P(t("forecast.not_published", lang))]
    if view.forecast.is_empty():
        return [html.P(t("forecast.none", lang, name=view.target.name, origin=origin))]
    lines = []
    for row in view.forecast.iter_rows(named=True):
        values = {q: number(row[q]) for q in ("p50", "p10", "p90", "p2_5", "p97_5")}
        month = month_label(row["month"], lang)
        if row["p10"] is None:
            text = t("forecast.month_line_no_range", lang, month=month, p50=values["p50"],
                     months=view.history_months,
                     ahead=months_ahead(row["horizon"], lang))  # fmt: skip
        else:
            text = t("forecast.month_line", lang, month=month, **values)
        if row["model"] in BASELINES:
            text += t("forecast.month_baseline", lang, model=_model(row["model"], lang))
        lines.append(html.Li(text))
    children = [
        html.P(t("forecast.intro", lang, name=view.target.name, origin=origin)),
        html.Ul(lines),
    ]
    models = view.forecast["model"].unique(maintain_order=True).to_list()
    baseline_months = view.forecast.filter(view.forecast["model"].is_in(BASELINES))["month"]
    if baseline_months.len():
        months = t("forecast.and", lang).join(month_label(m, lang) for m in baseline_months)
        notice = t("forecast.baseline_notice", lang, level=_level(view.target.level, lang),
                   months=months)  # fmt: skip
        children.append(html.P(html.Strong(notice), className="notice"))
    methods = t("forecast.and", lang).join(_model(m, lang) for m in models)
    children.append(html.P(t("forecast.method", lang, model=methods), className="muted"))
    return children


def _errors(row: dict, lang: str) -> str:
    """How the model's errors compare with both baselines', from the three MASEs."""
    mase, naive, last = row["mase"], row["mase_seasonal_naive"], row["mase_last_value"]
    if mase is None or not naive or not last:
        return t("forecast.no_mase", lang)

    def versus(baseline: float) -> str:
        change = mase / baseline - 1
        key = "forecast.smaller" if change < 0 else "forecast.larger"
        return t(key, lang, p=percent(abs(change), 0))

    return t("forecast.error_vs", lang, sn=versus(naive), lv=versus(last))


def backtest_words(view: ScopeForecast, lang: str) -> list:
    """The backtest of the target's level in sentences: per horizon, the model's errors
    against the baselines and the coverage of its ranges; then the target's own."""
    if not view.published:
        return []
    level = view.level_backtest
    if level.is_empty():
        need = MIN_TRAINING_MONTHS
        return [html.P(t("forecast.no_backtest", lang, months=view.history_months, need=need))]
    scopes = level["scopes"].max()
    # one scope the viewer may see at this level, and it is the target: its own numbers
    alone = scopes == 1 and view.backtest.height > 0
    levels = t(f"forecast.levels.{view.target.level}", lang) if not alone else ""
    head = (
        t("forecast.backtest_single", lang, name=view.target.name)
        if alone
        else t("forecast.backtest_mean", lang, levels=levels, n=number(scopes))
    )
    items = []
    for row in level.iter_rows(named=True):
        parts = [_errors(row, lang)]
        if row["coverage_80"] is not None:
            parts.append(t("forecast.coverage", lang, c80=percent(row["coverage_80"], 0),
                           c95=percent(row["coverage_95"], 0)))  # fmt: skip
        if row["model"] in BASELINES:
            name = _model(row["model"], lang)
            name = name[0].lower() + name[1:] if lang == "en" else name  # mid-sentence
            parts.append(t("forecast.not_beaten", lang, model=name))
        text = t("forecast.sep", lang).join(parts)
        items.append(html.Li(t("forecast.item", lang, horizon=months_ahead(row["horizon"], lang),
                               text=text)))  # fmt: skip
    children = [
        html.P(t("forecast.backtest_intro", lang, window=BACKTEST_MONTHS)),
        html.P(head),
        html.Ul(items),
    ]
    own = view.backtest.filter(view.backtest["horizon"] == 1)
    if not alone and own.height:
        row = own.row(0, named=True)
        children.append(html.P(t("forecast.own", lang, name=view.target.name,
                                 origins=row["origins"], errors=_errors(row, lang)),
                               className="muted"))  # fmt: skip
    return children


def weather_words(view: ScopeForecast, lang: str) -> list:
    """The weather assumed per forecast month and where it came from (the climate
    normal and how many years it averages, a forecast file), or that there is none."""
    if not view.published or view.forecast.is_empty():
        return []
    weather = view.weather
    if weather.is_empty():
        return [html.P(t("forecast.no_weather", lang))]
    district = weather["district_name"][0]
    intro = (
        t("forecast.weather_intro_district", lang, district=district)
        if district
        else t("forecast.weather_intro_city", lang, n=weather["districts"].max())
    )
    items = []
    for row in weather.iter_rows(named=True):
        detail = ""
        if row["basis"] == "normal":
            years = row["normal_years"]
            key = {0: "forecast.normal_none", 1: "forecast.normal_one_year"}.get(
                years, "forecast.normal_years"
            )
            detail = t(key, lang, n=years)
        items.append(html.Li(t(
            "forecast.weather_line", lang, month=month_label(row["month"], lang),
            basis=label("weather_basis", row["basis"], lang), detail=detail,
            hot=_days(row["hot_days"]), very_hot=_days(row["very_hot_days"]),
            cold=_days(row["cold_days"]), rainy=_days(row["rainy_days"]),
        )))  # fmt: skip
    return [html.P(intro), html.Ul(items)]
