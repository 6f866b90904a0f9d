"""Every word in the reader's language: a key used anywhere must exist in both languages
with the same placeholders; reason codes, sources, AG Grid's and Plotly's own words must
all have Chinese. The bundled AG Grid and plotly.js are read to find the words they ask
for, so an upgrade that adds one fails here until it is translated."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import pytest

from dashboards.i18n import COLUMNS, HELP, STRINGS
from dashboards.i18n.grid import GRID_ZH
from dashboards.i18n.values import FILE_STATUSES, REASONS, SITE_KINDS, SOURCES
from pipelines.ingest.specs import BOUNDARIES, SPECS
from pipelines.ingest.validate import REASONS as ENGINE_REASONS
from pipelines.planning.printable import WORDS
from pipelines.planning.request import MESSAGES, WEIGHTS
from pipelines.settings import REPO_ROOT

SITE_PACKAGES = next((REPO_ROOT / ".venv" / "lib").glob("python3*/site-packages"))
#: functions whose first argument is a UI string key
KEY_FUNCTIONS = {"t", "T", "section", "page_header", "_field"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("table", [STRINGS, HELP, COLUMNS, REASONS, SOURCES, FILE_STATUSES,
                                   SITE_KINDS, WORDS], ids=lambda t: str(len(t)))  # fmt: skip
def test_every_text_has_both_languages_and_the_same_placeholders(table):
    for key, (zh, en) in table.items():
        assert zh.strip() and en.strip(), key
        assert _fields(zh) == _fields(en), key


def _literal_keys(source: str) -> tuple[set[str], set[str]]:
    """UI string keys and help keys written as literals in calls (not in docstrings)."""
    keys, helps = set(), set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        first = node.args[0] if node.args else None
        literal = first.value if isinstance(first, ast.Constant) else None
        is_help = name == "explainer" or any(
            k.arg == "kind" and getattr(k.value, "value", "") == "help" for k in node.keywords
        )
        if (name in KEY_FUNCTIONS or name == "explainer") and isinstance(literal, str):
            (helps if is_help else keys).add(literal)
        for keyword in node.keywords:
            value = getattr(keyword.value, "value", None)
            if keyword.arg == "help_key" and isinstance(value, str):
                helps.add(value)
            if keyword.arg == "i18n_key" and isinstance(value, str):
                keys.add(value)
    return keys, helps


def test_every_key_the_code_uses_exists():
    used, helps = set(), set()
    for path in (REPO_ROOT / "dashboards").rglob("*.py"):
        keys, help_keys = _literal_keys(path.read_text(encoding="utf-8"))
        used |= keys
        helps |= help_keys
    assert {"siting.k", "page.siting", "stations.map"} <= used, "the scan finds the keys"
    assert not sorted(used - STRINGS.keys()), "keys without words"
    assert not sorted(helps - HELP.keys()), "help keys without words"


def test_keys_built_at_run_time_exist():
    dynamic = {f"siting.error.{code}" for code in MESSAGES}
    dynamic |= {f"siting.weight.{w}" for w in WEIGHTS}
    dynamic |= {f"siting.scenario.{c}" for c in ("no_name", "too_many", "bad_user")}
    dynamic |= {f"dropdown.{k}" for k in ("select_all", "deselect_all", "selected_count",
                                           "search", "clear_search", "clear_selection",
                                           "no_options_found")}  # fmt: skip
    assert not sorted(dynamic - STRINGS.keys())
    # and a plan error says in Chinese what its English message says (same values)
    for code, message in MESSAGES.items():
        assert _fields(STRINGS[f"siting.error.{code}"][0]) <= _fields(message) | {"scope"}, code


def test_every_reason_and_source_has_words():
    assert not sorted({*ENGINE_REASONS, "out_of_scope"} - REASONS.keys())
    assert not sorted({*SPECS, BOUNDARIES.name} - SOURCES.keys())


def _ag_grid_keys() -> set[str]:
    bundle = (SITE_PACKAGES / "dash_ag_grid" / "dash_ag_grid.min.js").read_text()
    start = bundle.index('={applyFilter:"Apply"') + 1
    depth, end = 0, start
    for end in range(start, len(bundle)):
        depth += {"{": 1, "}": -1}.get(bundle[end], 0)
        if depth == 0:
            break
    keys = set(re.findall(r"[{,]([a-zA-Z0-9]+):", bundle[start : end + 1]))
    # the grid's own calls: localeTextFunc()("key", "English")
    for name in set(re.findall(r"([\w$]+)=(?:[\w$]+\.)?getLocaleTextFunc\(\)", bundle)):
        keys |= set(re.findall(rf'(?<![\w$.]){re.escape(name)}\("([a-zA-Z0-9]+)",\s*["`]', bundle))
    keys |= set(re.findall(r'getLocaleTextFunc\(\)\("([a-zA-Z0-9]+)"', bundle))
    return keys | {"true", "false"}  # the boolean filter's options, by their displayKey


def test_ag_grid_has_chinese_for_every_word_it_asks_for():
    keys = _ag_grid_keys()
    assert {"applyFilter", "noRowsToShow", "ariaChecked", "firstPage"} <= keys
    # the calls also pass non-text values through the same function: positions, units
    not_words = {"eTopLeft", "eTop", "eTopRight", "eRight", "eBottomRight", "eBottom",
                 "eBottomLeft", "eLeft", "display", "top", "Order", "Asc", "Desc", "Mixed",
                 "AbsoluteAsc", "AbsoluteDesc", "None", "cellHorizontalPadding",
                 "indentationLevel", "rowGroupIndentSize", "rowHeight", "headerHeight",
                 "rowBorderWidth", "pinnedRowBorderWidth", "headerRowBorderWidth",
                 "movingChanged", "headerHighlightChanged", "tabindex", "filterChanged",
                 "contenteditable"}  # fmt: skip
    assert not sorted(keys - not_words - GRID_ZH.keys())


def _plotly_phrases() -> set[str]:
    bundle = (SITE_PACKAGES / "plotly" / "package_data" / "plotly.min.js").read_text()
    # plotly.js localises through Lib._(gd, "phrase"), aliased by modules (Ta=Lib._)
    phrases = set(re.findall(r'\._\([\w$.]+,\s*"([^"]+)"\)', bundle))
    for alias in set(re.findall(r"[,;\s]([\w$]+)=[\w$]+\._[,;]", bundle)):
        phrases |= set(re.findall(rf'(?<![\w$.]){re.escape(alias)}\([\w$.]+,\s*"([^"]+)"\)',
                                  bundle))  # fmt: skip
    # bn.js (bundled) asserts with one-letter helpers that match the pattern: not phrases
    return {p for p in phrases if "works only" not in p and p != "font-size"}


def test_plotly_has_chinese_for_every_phrase_it_localises():
    locale = (REPO_ROOT / "dashboards" / "assets" / "plotly-locale-zh-cn.js").read_text()
    body = locale[locale.index("dictionary: {") + len("dictionary: ") :]
    dictionary = json.loads(body[: body.index("}") + 1])
    phrases = {p.encode().decode("unicode_escape") for p in _plotly_phrases()}
    assert {"Zoom in", "Reset axes", "Download plot as a PNG"} <= phrases
    assert not sorted(phrases - dictionary.keys())
    assert all(value.strip() for value in dictionary.values())


def test_the_locale_is_served_locally():
    # an asset of the app: Dash serves it from /assets, no CDN
    assert Path(REPO_ROOT / "dashboards" / "assets" / "plotly-locale-zh-cn.js").is_file()
