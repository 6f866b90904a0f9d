"""The monthly report files the pipeline writes beside the snapshot, as a viewer may
download them; and a scope's brief and WeChat month card made on request (any scope the
viewer may see, a subdistrict's too, which the pipeline does not write)."""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path

from dashboards.data.overview import scope_name
from dashboards.data.snapshot import as_month, available, settings
from dashboards.viewer import Viewer
from pipelines.report.build import brief_html
from pipelines.report.card import card_for, card_stem
from pipelines.scope import level_of, parent_of


_REPORT_NAME = re.compile(r"(\d{4}-\d{2})(?:[-_](.+))?\.(html|pdf|png)")


def report_files(viewer: Viewer, month: date | str | None = None) -> list[Path]:
    """The monthly report files (``YYYY-MM[-scope].html|pdf``) and month cards
    (``cards/YYYY-MM[-scope].png``) the viewer may download: the city sees all; others
    only those named for their scope."""
    folder = settings().reports_dir
    if not folder.is_dir():
        return []
    month = as_month(month)
    allowed_names: set[str] = set()
    if not viewer.is_city and available():
        allowed_names = {viewer.scope_code, scope_name(viewer, viewer.scope_code)}
    cards = folder / "cards"
    candidates = sorted(folder.iterdir())
    if cards.is_dir():  # a card's picture; the HTML it was drawn from stays behind
        candidates += sorted(p for p in cards.iterdir() if p.suffix == ".png")
    found = []
    for path in candidates:
        match = _REPORT_NAME.fullmatch(path.name)
        if not match or not path.is_file() or (path.suffix == ".png") != (path.parent == cards):
            continue
        if month is not None and match.group(1) != f"{month:%Y-%m}":
            continue
        if viewer.is_city or match.group(2) in allowed_names:
            found.append(path)
    return found


def report_groups(viewer: Viewer, month: date | str) -> list[tuple[str, str, list[Path]]]:
    """The month's files by scope: (scope code, name, files), the viewer's own first, then
    by code."""
    groups: dict[str, list[Path]] = {}
    for path in report_files(viewer, month):
        scope = _REPORT_NAME.fullmatch(path.name).group(2) or viewer.scope_code
        groups.setdefault(scope, []).append(path)
    order = sorted(groups, key=lambda code: (code != viewer.scope_code, code))
    return [(code, scope_name(viewer, code), groups[code]) for code in order]


def brief_scope(viewer: Viewer, scope: str | None) -> str:
    """The scope a brief or a card is made for: the picked one, or a community's
    subdistrict (briefs go no lower)."""
    code = viewer.allowed(scope)
    return parent_of(code, "subdistrict") if level_of(code) == "community" else code


def brief(viewer: Viewer, scope: str | None, month: date | str) -> tuple[str, str]:
    """(file name, HTML) of the scope's monthly brief, rendered from the snapshot."""
    code = brief_scope(viewer, scope)
    month = as_month(month)
    name = f"{scope_name(viewer, code)}_{month:%Y-%m}_月度简报.html"
    return name, brief_html(settings().snapshot_path, month, code)


def month_card(viewer: Viewer, scope: str | None, month: date | str) -> tuple[str, bytes]:
    """(file name, PNG) of the scope's month card: the pipeline's when it is newer than
    the snapshot, else drawn now (headless chromium) in a folder of its own."""
    code = brief_scope(viewer, scope)
    month = as_month(month)
    name = f"{scope_name(viewer, code)}_{month:%Y-%m}_月报卡片.png"
    stem = card_stem(month, None if level_of(code) == "city" else code)
    written = settings().reports_dir / "cards" / f"{stem}.png"
    snapshot = settings().snapshot_path
    if written.is_file() and written.stat().st_mtime >= snapshot.stat().st_mtime:
        return name, written.read_bytes()
    with tempfile.TemporaryDirectory(prefix="wsi-card-") as folder:
        files = card_for(snapshot, Path(folder), month, code)
        if files.png is None:
            raise FileNotFoundError(files.png_skipped)
        return name, files.png.read_bytes()
