"""The words of the self-serve cycle in Chinese and English: the 数据上报 page, the
refusals of the upload API, the reason codes of a preview, and the pipeline's reasons
for rejecting a whole file (the engine writes them in English; :func:`rejection` says
them in Chinese too)."""

from __future__ import annotations

import re

UPLOAD_STRINGS: dict[str, tuple[str, str]] = {
    "page.upload": ("数据上报", "Upload"),
    "upload.intro": (
        "选择数据类型（或由表头自动识别），选择一个或多个 CSV/Excel 文件，先预览再确认入库。"
        "确认后数据管道自动刷新，本页显示进度。",
        "Choose the source (or let the headers decide) and one or more CSV/Excel files; "
        "preview them, then accept. The pipeline then refreshes; this page shows its progress.",
    ),
    "upload.source": ("数据类型", "Source"),
    "upload.file": ("文件", "Files"),
    "upload.send": ("上传并预览", "Upload and preview"),
    "upload.sending": ("正在上传并检查……", "Uploading and checking…"),
    "upload.limit": ("单个文件不超过 {mb} MB", "At most {mb} MB a file"),
    "upload.previews": ("预览", "Preview"),
    "upload.none_yet": ("还没有上传文件。", "No file uploaded yet."),
    "upload.accept": ("确认入库", "Accept"),
    "upload.discard": ("放弃", "Discard"),
    "upload.accepted": ("已确认，刷新编号 {refresh_id}", "Accepted: refresh {refresh_id}"),
    "upload.discarded": ("已放弃", "Discarded"),
    "upload.would_reject": (
        "该文件将被整体拒收：{reason}",
        "This file would be rejected as a whole: {reason}",
    ),
    "upload.lands_as": ("入库文件名", "Lands as"),
    "upload.read_as": ("识别结果", "Read as"),
    "upload.encoding": ("编码", "Encoding"),
    "upload.notes": ("读取说明", "How it was read"),
    "upload.columns": ("表头对应", "Headers matched"),
    "upload.counts": (
        "读取 {rows_read:,} 行：将载入 {rows_loaded:,}，隔离 {rows_quarantined:,}，"
        "被覆盖 {rows_superseded:,}，合计/表尾跳过 {rows_skipped:,}",
        "{rows_read:,} rows read: {rows_loaded:,} would load, {rows_quarantined:,} "
        "quarantined, {rows_superseded:,} superseded, {rows_skipped:,} totals/footers skipped",
    ),
    "upload.reasons": ("隔离原因", "Reasons"),
    "upload.first_rows": (
        "前 {shown} 条隔离行（个人信息不显示）",
        "The first {shown} quarantined rows (personal fields masked)",
    ),
    "upload.unknown_values": (
        "未知取值（按“其他”载入）",
        "Unknown values (loaded as other)",
    ),
    "upload.supersedes": (
        "将覆盖其他文件中的 {rows:,} 行（{path}）",
        "Would supersede {rows:,} rows of {path}",
    ),
    "upload.replaces": (
        "将替换您 {when} 上传的同名文件（{rows:,} 行）",
        "Replaces your file of the same name uploaded {when} ({rows:,} rows)",
    ),
    "upload.progress": ("刷新进度", "Refresh progress"),
    "upload.stage.queued": ("排队中", "Queued"),
    "upload.stage.ingesting": ("读取文件", "Ingesting"),
    "upload.stage.building": ("计算指标", "Building"),
    "upload.stage.published": ("已发布", "Published"),
    "upload.stage.failed": ("失败", "Failed"),
    "upload.files": ("本辖区的文件", "Files of your scope"),
    "upload.withdraw": ("撤回所选文件", "Withdraw the selected file"),
    "upload.withdraw_hint": (
        "撤回后该文件的全部行将在下次刷新时移除（留有记录）。如需更正，用同一文件名重新上传即可替换。",
        "Withdrawing removes all the file's rows at the next refresh, on record. To correct "
        "a file, upload it again under the same name: it replaces the old one.",
    ),
    "upload.withdrawing": ("撤回中，刷新编号 {refresh_id}", "Withdrawing: refresh {refresh_id}"),
    "upload.steward_only": (
        "数据上报仅对数据管理员开放。",
        "Uploading is for data stewards only.",
    ),
    "source.auto": ("按表头自动识别", "Let the headers decide"),
    "source.communities": ("社区", "Communities"),
    "source.stations": ("驿站台账", "Station registry"),
    "source.usage": ("驿站服务记录", "Station usage"),
    "source.hotline": ("热线工单", "Hotline tickets"),
    "source.drives": ("入会活动", "Membership drives"),
    "source.candidate_sites": ("候选点位", "Candidate sites"),
    "source.weather": ("气象观测", "Weather"),
    "source.boundaries": ("社区边界", "Community boundaries"),
    "status.loaded": ("已载入", "loaded"),
    "status.rejected": ("被拒收", "rejected"),
    "status.waiting": ("等待刷新", "waiting for a refresh"),
    "status.withdrawing": ("撤回中", "being withdrawn"),
    "audit.event.upload": ("上传", "upload"),
    "audit.event.preview": ("预览", "preview"),
    "audit.event.accept": ("确认入库", "accept"),
    "audit.event.withdraw": ("撤回", "withdraw"),
    "audit.event.sign_in": ("登录", "sign-in"),
    "audit.event.failed_sign_in": ("登录失败", "failed sign-in"),
    "audit.event.download": ("下载", "download"),
    "audit.title": ("操作记录", "Audit log"),
    "audit.note": (
        "上传、预览、确认、撤回、登录与下载的记录（不含任何个人信息），最新的在前。",
        "Uploads, previews, accepts, withdrawals, sign-ins and downloads (no personal "
        "values), newest first.",
    ),
}

#: the upload API's refusals (``pipelines.uploads.landing.Refused.code`` and the web
#: layer's own), as (Chinese, English)
ERRORS: dict[str, tuple[str, str]] = {
    "not_steward": (
        "只有数据管理员可以上传或撤回文件。",
        "Only data stewards may upload or withdraw.",
    ),
    "extension": (
        "不是 CSV 或 Excel 文件（可用 .csv .xlsx .xls .txt .tsv）。",
        "Not a CSV or Excel file (.csv .xlsx .xls .txt .tsv).",
    ),
    "unknown_source": ("未知的数据类型。", "Unknown source."),
    "city_only": (
        "社区、候选点位和气象数据是全市的基础数据，只有市级数据管理员可以上传。",
        "Communities, candidate sites and weather are the whole city's reference: only a "
        "city steward may upload them.",
    ),
    "no_source": (
        "无法从表头判断数据类型，请手动选择。",
        "The headers match no source: choose one.",
    ),
    "taken": (
        "同名文件属于其他人，请给导出文件换个名字。",
        "A file of that name belongs to someone else: rename your export.",
    ),
    "bad_name": ("文件名无效。", "Not a valid file name."),
    "no_file": ("请求中没有文件（字段 file）。", "No file in the request (field `file`)."),
    "empty": ("文件是空的。", "The file is empty."),
    "too_large": (
        "文件超过 {mb} MB 的上限，未保存。",
        "The file is over the {mb} MB limit; nothing was kept.",
    ),
    "bad_request": ("请求格式不对。", "A malformed request."),
    "no_upload": ("没有这个上传（或不是您上传的）。", "No such upload (or not yours)."),
    "already_accepted": ("这个上传已经确认过了。", "This upload was accepted already."),
    "discarded": ("这个上传已经放弃。", "This upload was discarded."),
    "rejected_file": (
        "该文件会被整体拒收，不能确认入库；请按预览中的原因修改后重新上传。",
        "This file would be rejected as a whole and cannot be accepted; fix it as the "
        "preview says and upload it again.",
    ),
    "scope_changed": (
        "您的管辖范围在上传后变了，请重新上传。",
        "Your scope changed since the upload: upload again.",
    ),
    "no_file_here": ("您的辖区没有这个文件。", "No such file in your scope."),
    "withdrawing": ("这个文件已在撤回中。", "This file is being withdrawn already."),
    "no_refresh": ("没有这个刷新（或不是您发起的）。", "No such refresh (or not yours)."),
}

#: reason codes of the data contract, as a preview names them
REASONS: dict[str, tuple[str, str]] = {
    "missing_value": ("缺少必填值", "a required cell is blank"),
    "bad_date": ("日期无法识别", "an unreadable date"),
    "bad_number": ("数字无法识别", "an unreadable number"),
    "negative_value": ("出现负数", "a negative count"),
    "out_of_range": ("超出允许范围", "out of range"),
    "bad_enum": ("不在可选值之内", "not one of the allowed values"),
    "bad_coordinates": ("坐标不在中国境内", "coordinates outside China"),
    "swapped_coordinates": ("经纬度写反了", "latitude and longitude swapped"),
    "unknown_station": ("驿站编号不在台账中", "station not in the registry"),
    "unknown_community": ("社区无法匹配", "community matches none (or several)"),
    "unknown_district": ("区无法匹配", "district matches none"),
    "duplicate_id": ("编号在文件中重复", "the id repeats in the file"),
    "enrolled_exceeds_reached": ("入会人数超过覆盖人数", "enrolled more than reached"),
    "resolved_before_received": ("办结时间早于受理时间", "resolved before received"),
    "missing_resolved_at": ("已办结但没有办结时间", "resolved without a time"),
    "extra_cells": ("单元格多于表头（分隔符错位）", "more cells than headers"),
    "bad_boolean": ("是/否无法识别", "an unreadable yes/no"),
    "bad_code": ("区划代码不是12位", "a code that is not 12 digits"),
    "out_of_scope": ("超出您的管辖范围", "outside your scope"),
}

#: the engine's reasons for rejecting a whole file → Chinese (``{0}`` is the detail)
_REJECTIONS: tuple[tuple[str, str], ...] = (
    (r"the file is empty", "文件是空的"),
    (r"not a text file", "不是文本文件（含有二进制内容）"),
    (r"mixed encodings", "文件混用了两种编码，请整体另存为一种编码"),
    (r"neither UTF-8 nor GB18030", "既不是 UTF-8 也不是 GB18030 编码"),
    (r"ends mid-character", "文件在一个字符中间截断了"),
    (r"named \.\w+ but not an Excel workbook", "扩展名是 Excel，但内容不是 Excel 工作簿"),
    (r"not a readable Excel workbook", "Excel 工作簿已损坏或不完整，无法读取"),
    (r"every sheet is empty", "所有工作表都是空的"),
    (r"unpacks to more than", "解压后体积异常巨大（疑似压缩炸弹），未读取"),
    (r"required column missing: ([^(]+)", "缺少必需的列：{0}"),
    (r"duplicate columns", "有重复的列"),
    (r"more than \d+ cells beyond", "某行的单元格远多于表头，分隔符可能不对"),
    (r"not GeoJSON", "不是 GeoJSON"),
    (r"cannot be read", "无法读取"),
)


def rejection(message: str | None) -> str:
    """A whole-file rejection (English, from the engine) in Chinese, detail kept."""
    for pattern, chinese in _REJECTIONS:
        found = re.search(pattern, message or "")
        if found:
            return chinese.format(*(g.strip() for g in found.groups()))
    return message or ""


def error(code: str, lang: str | None = "zh", **params: object) -> str:
    zh, en = ERRORS.get(code, ERRORS["bad_request"])
    return (en if lang == "en" else zh).format(**params)


def reason(code: str, lang: str | None = "zh") -> str:
    zh, en = REASONS.get(code, (code, code))
    return en if lang == "en" else zh
