"""Words for values that are not in the data vocabulary: quarantine reason codes, source
names, file statuses, kinds of site, and the hotline's departments.

Reason codes and sources are the ingestion engine's (``pipelines/ingest/validate.py``
``REASONS``, ``pipelines/ingest/specs.py``); a test fails when one has no words here.
Departments are free text typed by each union office; :func:`department` translates the
usual parts of their names (区总工会 + 组织部 …) and leaves a name it cannot translate
wholly as it was written, never half-translated.
"""

from __future__ import annotations

import re

REASONS: dict[str, tuple[str, str]] = {
    "missing_value": ("缺少必填值", "Missing value"),
    "bad_date": ("日期无法识别", "Unreadable date"),
    "bad_number": ("数字无法识别", "Unreadable number"),
    "negative_value": ("数值为负", "Negative value"),
    "out_of_range": ("数值超出范围", "Out of range"),
    "bad_enum": ("不在可选值内", "Not an allowed value"),
    "bad_coordinates": ("坐标不在中国境内", "Coordinates outside China"),
    "swapped_coordinates": ("经纬度写反", "Latitude and longitude swapped"),
    "unknown_station": ("驿站编号不在台账中", "Station not in the registry"),
    "unknown_community": ("社区无法匹配", "Community not found"),
    "unknown_district": ("区无法匹配", "District not found"),
    "duplicate_id": ("编号重复", "Duplicate id"),
    "enrolled_exceeds_reached": ("入会人数超过覆盖人数", "Enrolled exceeds reached"),
    "resolved_before_received": ("办结早于受理", "Resolved before received"),
    "missing_resolved_at": ("已办结但无办结时间", "Resolved without a time"),
    "extra_cells": ("单元格多于表头", "More cells than headers"),
    "out_of_scope": ("超出上传者管辖范围", "Outside the uploader's scope"),
    "bad_boolean": ("是/否无法识别", "Unreadable yes/no"),
    "bad_code": ("区划代码不是12位", "Code is not 12 digits"),
}

SOURCES: dict[str, tuple[str, str]] = {
    "communities": ("社区", "Communities"),
    "stations": ("驿站台账", "Station registry"),
    "usage": ("驿站服务记录", "Station usage"),
    "hotline": ("热线工单", "Hotline calls"),
    "drives": ("入会活动", "Membership drives"),
    "candidate_sites": ("候选点位", "Candidate sites"),
    "weather": ("气象观测", "Weather"),
    "boundaries": ("社区边界", "Community boundaries"),
}

FILE_STATUSES: dict[str, tuple[str, str]] = {
    "loaded": ("已载入", "Loaded"),
    "rejected": ("已拒收", "Rejected"),
}

SITE_KINDS: dict[str, tuple[str, str]] = {
    "candidate": ("候选点位", "Candidate site"),
    "community_centroid": ("社区中心点", "Community centroid"),
}

#: parts of department names, longest first where one contains another
DEPARTMENT_PARTS: dict[str, str] = {
    "市总工会": "City Federation of Trade Unions",
    "区总工会": "District Federation of Trade Unions",
    "街道总工会": "Subdistrict Trade Union",
    "乡镇总工会": "Township Trade Union",
    "劳动争议调解中心": "Labour Dispute Mediation Centre",
    "职工心理服务中心": "Workers' Counselling Centre",
    "职工服务中心": "Workers' Service Centre",
    "法律服务中心": "Legal Aid Centre",
    "12351热线中心": "12351 Hotline Centre",
    "权益保障部": "Rights Protection Dept.",
    "帮扶中心": "Assistance Centre",
    "组织部": "Organisation Dept.",
    "宣传部": "Publicity Dept.",
    "办公室": "General Office",
    "已电话回访": "called back",
}
_PARTS = re.compile("|".join(sorted(map(re.escape, DEPARTMENT_PARTS), key=len, reverse=True)))
_PUNCTUATION = {"（": "(", "）": ")", "(": "(", ")": ")", "、": ", ", "，": ", ", "/": " / "}


def pick(pair: tuple[str, str] | None, code: str | None, lang: str | None) -> str | None:
    """The word of ``pair`` in ``lang``; the code itself when there is no pair."""
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


def department(name: str | None, lang: str | None) -> str | None:
    """A department's name in ``lang``: as written in Chinese; in English its known parts
    translated, or as written when any part is unknown."""
    if name is None or lang != "en":
        return name
    words: list[str] = []
    rest = " ".join(name.split())
    while rest:
        found = _PARTS.match(rest)
        if found:
            words.append(DEPARTMENT_PARTS[found.group()])
            rest = rest[found.end() :]
        elif rest[0] in _PUNCTUATION or rest[0] == " ":
            words.append(_PUNCTUATION.get(rest[0], " "))
            rest = rest[1:]
        else:
            return name
    text = ""
    for word in words:
        joiner = ", " if text and text[-1] not in "( " and word[0] not in "() ,/" else ""
        text += joiner + word
    return " ".join(text.replace("( ", "(").replace(" )", ")").split())
