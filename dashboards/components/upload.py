"""The 数据上报 page's building blocks: an upload's preview card and a refresh's progress.

A card shows what the dry run found (:mod:`pipelines.uploads.preview`): how the file was
read, which header matched which column, the counts, the reasons, the first quarantined
rows (personal fields are not in them), unknown enumeration values, what it would
supersede or replace — or, for a file that would be rejected, why, in both languages.
Everything is rendered as text (React escapes it): a formula or markup in an export is
shown, never run.
"""

from __future__ import annotations

import json

from dash import html

from dashboards.i18n import column, t
from dashboards.i18n.upload import error, reason, rejection

STAGES = ("queued", "ingesting", "building", "published")


def _action(action: str, upload_id: str, lang: str | None) -> html.Button:
    return html.Button(
        t(f"upload.{action}", lang),
        id={"type": "upload-action", "action": action, "id": upload_id},
        className="btn primary" if action == "accept" else "btn",
    )


def _facts(preview: dict, lang: str | None) -> list:
    read_as = preview["read_as"]
    columns = "; ".join(f"{written} → {name}" for written, name in read_as["columns"].items())
    encoding = read_as.get("encoding") or read_as.get("kind") or ""
    rows = [
        (t("upload.lands_as", lang), preview["landing_path"]),
        (t("upload.encoding", lang), encoding),
        (t("upload.notes", lang), read_as.get("notes") or ""),
        (t("upload.columns", lang), columns),
    ]
    return [html.Dl([item for k, v in rows if v for item in (html.Dt(k), html.Dd(v))])]


def _quarantined(preview: dict, lang: str | None) -> list:
    shown = preview["quarantined"]
    if not shown:
        return []
    head = ["sheet", "row_number", "column_name", "reason", "values"]
    header = html.Tr([html.Th(column(h, lang)) for h in head])
    body = [
        html.Tr(
            [
                html.Td(q["sheet"] or ""),
                html.Td(q["row_number"]),
                html.Td(q["column"] or ""),
                html.Td(reason(q["reason"], lang)),
                html.Td(json.dumps(q["values"], ensure_ascii=False) if q["values"] else ""),
            ]
        )
        for q in shown
    ]
    return [
        html.P(t("upload.first_rows", lang, shown=len(shown))),
        html.Table([html.Thead(header), html.Tbody(body)], className="preview-rows"),
    ]


def preview_card(result: dict, state: dict, lang: str | None) -> html.Div:
    """One uploaded file's card: a refusal, or its preview with accept and discard."""
    body = result.get("body") or {}
    if not result.get("ok"):
        text = body.get("message_zh") if lang != "en" else body.get("message")
        return html.Div(
            [html.H4(result.get("filename", "")), html.P(text or "", className="refusal")],
            className="card preview refused",
        )
    preview, upload_id = body["preview"], body["upload_id"]
    parts: list = [html.H4(f"{result.get('filename', '')} · {t('source.' + body['source'], lang)}")]
    if preview["status"] == "rejected":  # said in both languages, whichever is shown
        message = f"{rejection(preview['message'])} / {preview['message']}"
        parts.append(html.P(t("upload.would_reject", lang, reason=message), className="refusal"))
        parts += _facts(preview, lang)
        return html.Div(parts, className="card preview refused", id=f"preview-{upload_id}")
    parts += _facts(preview, lang)
    parts.append(html.P(t("upload.counts", lang, **preview["counts"]), className="counts"))
    if preview["reasons"]:
        said = [f"{reason(r, lang)} ({r}): {n:,}" for r, n in preview["reasons"].items()]
        parts.append(html.P(f"{t('upload.reasons', lang)}: " + "; ".join(said)))
    parts += _quarantined(preview, lang)
    for name, values in (preview.get("unknown_values") or {}).items():
        listed = "、".join(f"{v} ×{n}" for v, n in values.items())
        parts.append(html.P(f"{t('upload.unknown_values', lang)} · {name}: {listed}"))
    for path, rows in (preview.get("supersedes") or {}).items():
        parts.append(html.P(t("upload.supersedes", lang, rows=rows, path=path)))
    if preview.get("replaces"):
        old = preview["replaces"]
        when = (old.get("ingested_at") or "")[:16].replace("T", " ")
        parts.append(html.P(t("upload.replaces", lang, when=when, rows=old["rows_read"])))
    parts.append(_outcome(upload_id, state.get(upload_id, {}), lang))
    return html.Div(parts, className="card preview", id=f"preview-{upload_id}")


def _outcome(upload_id: str, done: dict, lang: str | None) -> html.Div:
    """Accepted (with its refresh), discarded, or the two buttons (and a refusal)."""
    if done.get("refresh_id"):
        text = t("upload.accepted", lang, refresh_id=done["refresh_id"])
        return html.Div(html.P(text, className="accepted"))
    if done.get("discarded"):
        return html.Div(html.P(t("upload.discarded", lang)))
    refusal = [html.P(error(done["error"], lang), className="refusal")] if "error" in done else []
    buttons = [_action("accept", upload_id, lang), _action("discard", upload_id, lang)]
    return html.Div([*refusal, *buttons], className="actions")


def progress(refreshes: list[dict], lang: str | None) -> html.Ol:
    """Each refresh asked for: its stages, the current one marked, and its message."""
    items = []
    for refresh in refreshes:
        stage = refresh["stage"]
        steps = [
            html.Span(t(f"upload.stage.{s}", lang), className=f"stage {_state_of(s, stage)}")
            for s in STAGES
        ]
        if stage == "failed":
            steps.append(html.Span(t("upload.stage.failed", lang), className="stage failed"))
        if refresh.get("message"):
            steps.append(html.Span(refresh["message"], className="refusal"))
        label = html.Span(f"#{refresh['refresh_id']} {refresh['path']}", className="refresh-label")
        attributes = {"data-stage": stage, "id": f"refresh-{refresh['refresh_id']}"}
        items.append(html.Li([label, *steps], **attributes))
    return html.Ol(items, className="progress")


def _state_of(step: str, stage: str) -> str:
    if stage == "failed":
        return ""
    if stage == "published" or STAGES.index(step) < _index(stage):
        return "done"
    return "current" if step == stage else ""


def _index(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else len(STAGES)
