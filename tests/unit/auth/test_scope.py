"""Roles and scope codes: which codes a viewer covers, and names resolved to codes."""

from __future__ import annotations

import pytest

from dashboards.viewer import Viewer
from pipelines.scope import ScopeError, divisions, is_scope_code_of, resolve_scope, scope_name
from pipelines.settings import get_settings

CSV = get_settings().divisions_csv


@pytest.mark.parametrize(
    ("role", "scope", "code", "covered"),
    [
        ("city", "110000000000", "110111011001", True),
        ("city", "110000000000", None, True),
        ("district", "110111000000", "110111000000", True),
        ("district", "110111000000", "110111011001", True),
        ("district", "110111000000", "110105000000", False),
        ("district", "110111000000", "110000000000", False),
        ("district", "110111000000", None, False),
        ("district", "110111000000", "1101110", False),
        ("subdistrict", "110111011000", "110111011005", True),
        ("subdistrict", "110111011000", "110111012001", False),
        ("subdistrict", "110111011000", "110111000000", False),
    ],
)
def test_covers(role: str, scope: str, code: str | None, covered: bool) -> None:
    assert Viewer(scope, "u", role=role).covers(code) is covered


def test_a_viewer_with_a_mismatched_scope_cannot_exist() -> None:
    with pytest.raises(ScopeError):
        Viewer("110111011000", "u", role="district")


def test_every_reference_division_is_a_valid_scope() -> None:
    level_role = {"district": "district", "street": "subdistrict"}
    rows = divisions(CSV)
    assert len([d for d in rows if d.level == "district"]) == 16
    for division in rows:
        assert is_scope_code_of(level_role[division.level], division.code), division


@pytest.mark.parametrize(
    ("role", "value", "code"),
    [
        ("city", None, "110000000000"),
        ("city", "北京市", "110000000000"),
        ("district", "房山区", "110111000000"),
        ("district", "110105000000", "110105000000"),
        ("subdistrict", "拱辰街道", "110111011000"),
        ("subdistrict", "房山区/拱辰街道", "110111011000"),
        ("subdistrict", "110111011000", "110111011000"),
    ],
)
def test_resolve_scope(role: str, value: str | None, code: str) -> None:
    assert resolve_scope(role, value, CSV) == code


@pytest.mark.parametrize(
    ("role", "value", "message"),
    [
        ("district", None, "needs --scope"),
        ("district", "拱辰街道", "no district"),
        ("district", "110111011000", "not a district code"),
        ("district", "119999000000", "not a district code"),
        ("subdistrict", "八里庄街道", "ambiguous"),
        ("city", "朝阳区", "city role"),
        ("mayor", "x", "unknown role"),
    ],
)
def test_resolve_scope_refuses(role: str, value: str | None, message: str) -> None:
    with pytest.raises(ScopeError, match=message):
        resolve_scope(role, value, CSV)


def test_an_ambiguous_name_is_resolved_with_its_district() -> None:
    chaoyang = resolve_scope("subdistrict", "朝阳区/八里庄街道", CSV)
    haidian = resolve_scope("subdistrict", "海淀区/八里庄街道", CSV)
    assert chaoyang.startswith("110105") and haidian.startswith("110108")


def test_scope_name() -> None:
    assert scope_name("110000000000", CSV) == "北京市"
    assert scope_name("110111000000", CSV) == "房山区"
    assert scope_name("110111011000", CSV) == "房山区/拱辰街道"
