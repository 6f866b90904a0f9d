"""The dashboard's words in Chinese and English.

UI strings (:mod:`.strings`), column headings (:mod:`.columns`), the "how is this
computed" texts from metrics.md (:mod:`.explainers`), words for values outside the data
vocabulary (:mod:`.values`: reasons, sources, statuses, departments), AG Grid's own
words (:mod:`.grid`) live in this package; enumeration labels (services, categories,
platforms, amenities …) come from ``pipelines/vocabulary.py`` through :func:`label`, so a
label is changed in one place. Plotly's words are ``dashboards/assets/plotly-locale-zh-cn.js``.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboards.i18n.columns import COLUMNS, WEEKDAYS
from dashboards.i18n.explainers import HELP
from dashboards.i18n.strings import STRINGS
from dashboards.i18n.values import FILE_STATUSES, REASONS, SITE_KINDS, SOURCES, department, pick
from pipelines.ingest.specs import SPECS
from pipelines.vocabulary import ALL, EXTRA_AMENITIES, SEVEN_AMENITIES

LANGS = ("zh", "en")
#: the registry's amenity flags, headed by their labels in the vocabulary
AMENITY_COLUMNS = {code: e.name for e in (SEVEN_AMENITIES, EXTRA_AMENITIES) for code in e.codes}

__all__ = ["COLUMNS", "HELP", "LANGS", "STRINGS", "WEEKDAYS"]


def t(key: str, lang: str | None = "zh", **fmt: object) -> str:
    """The UI string ``key`` in ``lang`` (Chinese for anything but "en")."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def column(name: str, lang: str | None = "zh") -> str:
    """A column's heading; an amenity flag (``has_water``) is headed by the amenity."""
    pair = COLUMNS.get(name)
    if pair is None and name in AMENITY_COLUMNS:
        return ALL[AMENITY_COLUMNS[name]].label(name, "en" if lang == "en" else "zh")
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


#: table columns holding codes with words in :mod:`.values`
VALUE_COLUMNS = {"reason": REASONS, "source": SOURCES, "status": FILE_STATUSES,
                 "site_kind": SITE_KINDS}  # fmt: skip
#: each source column's first Chinese header in the data contract
_SOURCE_HEADERS = {c.name: c.aliases[0] for spec in reversed(SPECS.values())
                   for c in spec.columns if c.aliases}  # fmt: skip


def source_column(name: str | None, lang: str | None = "zh") -> str | None:
    """A source column's name as the reader knows it (``occurred_at`` → 服务时间)."""
    if name is None or name in COLUMNS:
        return column(name, lang) if name else name
    if lang == "en":
        return name.replace("_", " ").capitalize()
    return _SOURCE_HEADERS.get(name, name)


def _value_words(name: str, lang: str | None):
    """The function that turns a value of column ``name`` into the reader's words."""
    if name in ENUM_COLUMNS:
        return lambda v: label(ENUM_COLUMNS[name], v, lang)
    if name in VALUE_COLUMNS:
        return lambda v: pick(VALUE_COLUMNS[name].get(v), v, lang)
    if name == "routed_to":
        return lambda v: t("hotline.not_routed", lang) if v is None else department(v, lang)
    return lambda v: source_column(v, lang)


def label_codes(df: pl.DataFrame, lang: str | None = "zh") -> pl.DataFrame:
    """The table with codes replaced by the reader's words: enumeration labels, reasons,
    sources, statuses, departments, source columns (tables and downloads are read by
    people; the codes stay in the snapshot for machines)."""
    coded = (*ENUM_COLUMNS, *VALUE_COLUMNS, "routed_to", "column_name")
    present = [c for c in df.columns if c in coded and df.schema[c] == pl.String]
    return df.with_columns(
        pl.col(c).map_elements(_value_words(c, lang), return_dtype=pl.String, skip_nulls=False)
        for c in present
    )


def dropdown_labels(lang: str | None) -> dict[str, str]:
    """A dropdown's own words (its search box, "no options" …) in ``lang``."""
    keys = ("select_all", "deselect_all", "selected_count", "search", "clear_search",
            "clear_selection", "no_options_found")  # fmt: skip
    return {key: t(f"dropdown.{key}", lang) for key in keys}


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
