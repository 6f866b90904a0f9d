"""The monthly report files the pipeline writes beside the snapshot, as a viewer may
download them."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from dashboards.data.overview import scope_name
from dashboards.data.snapshot import as_month, available, settings
from dashboards.viewer import Viewer


_REPORT_NAME = re.compile(r"(\d{4}-\d{2})(?:[-_](.+))?\.(html|pdf)")


def report_files(viewer: Viewer, month: date | str | None = None) -> list[Path]:
    """The monthly report files (``YYYY-MM[-scope].html|pdf``) the viewer may
    download: the city sees all; others only those named for their scope."""
    folder = settings().reports_dir
    if not folder.is_dir():
        return []
    month = as_month(month)
    allowed_names: set[str] = set()
    if not viewer.is_city and available():
        allowed_names = {viewer.scope_code, scope_name(viewer, viewer.scope_code)}
    found = []
    for path in sorted(folder.iterdir()):
        match = _REPORT_NAME.fullmatch(path.name)
        if not match or not path.is_file():
            continue
        if month is not None and match.group(1) != f"{month:%Y-%m}":
            continue
        if viewer.is_city or match.group(2) in allowed_names:
            found.append(path)
    return found

