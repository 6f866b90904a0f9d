"""The dashboard's words in Chinese and English.

UI strings (:mod:`.strings`), column headings (:mod:`.columns`) and the "how is this
computed" texts from metrics.md (:mod:`.explainers`) live in this package; enumeration
labels (services, categories, platforms, amenities …) come from
``pipelines/vocabulary.py`` through :func:`label`, so a label is changed in one place.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboards.i18n.columns import COLUMNS, WEEKDAYS
from dashboards.i18n.explainers import HELP
from dashboards.i18n.strings import STRINGS
from pipelines.vocabulary import ALL

LANGS = ("zh", "en")

__all__ = ["COLUMNS", "HELP", "LANGS", "STRINGS", "WEEKDAYS"]


def t(key: str, lang: str | None = "zh", **fmt: object) -> str:
    """The UI string ``key`` in ``lang`` (Chinese for anything but "en")."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def column(name: str, lang: str | None = "zh") -> str:
    pair = COLUMNS.get(name)
    return name if pair is None else pair[1 if lang == "en" else 0]


def help_text(key: str, lang: str | None = "zh") -> str:
    return HELP[key][1 if lang == "en" else 0]


def label(enumeration: str, code: str | None, lang: str | None = "zh") -> str:
    """An enumeration code's label from the one vocabulary (None: "unknown")."""
    if code is None:
        return t("unknown", lang)
    return ALL[enumeration].label(code, "en" if lang == "en" else "zh")


#: table columns holding codes of an enumeration of the vocabulary
ENUM_COLUMNS = {"platform": "platform", "category": "category", "service": "service",
                "worker_type": "worker_type", "station_type": "station_type",
                "site_type": "site_type", "scope_level": "scope_level",
                "model": "forecast_model", "basis": "weather_basis"}  # fmt: skip


def label_codes(df: pl.DataFrame, lang: str | None = "zh") -> pl.DataFrame:
    """The table with enumeration codes replaced by their labels (tables and downloads
    are read by people; the codes stay in the snapshot for machines)."""
    present = [c for c in df.columns if c in ENUM_COLUMNS and df.schema[c] == pl.String]
    return df.with_columns(
        pl.col(c).map_elements(lambda v, e=ENUM_COLUMNS[c]: label(e, v, lang),
                               return_dtype=pl.String, skip_nulls=False)
        for c in present
    )  # fmt: skip


def month_label(month: date, lang: str | None = "zh") -> str:
    return f"{month:%b %Y}" if lang == "en" else f"{month.year}年{month.month}月"


def months_ahead(horizon: int, lang: str | None = "zh") -> str:
    """ "1 month ahead", "2 months ahead" (提前 n 个月): a forecast's horizon."""
    if horizon == 1:
        return t("forecast.horizon_one", lang)
    return t("forecast.horizon", lang, h=horizon)


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"
