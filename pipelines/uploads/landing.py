"""Landing files a steward's upload becomes: safe names, who may upload what, the atomic
move into ``landing/<source>/``, and the withdrawal a refresh carries out.

A landing name is ``<steward>__<export name>``: the export's own name (made safe: no
folders, no control characters, no shell punctuation, at most 120 bytes) behind the
uploader's username. The same steward uploading the same export name again replaces
their file (a corrected export); another steward's file of the same name is another
file, and a name that would still land on someone else's file is refused.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import unicodedata
from pathlib import Path

from pipelines.ingest.specs import SPECS
from pipelines.lake import FileRecord, Lake
from pipelines.scope import CITY_CODE
from pipelines.settings import Settings
from pipelines.uploads import registry

#: what a steward may upload: the exports of the data contract and the weather
UPLOADABLE = ("communities", "stations", "usage", "hotline", "drives", "candidate_sites",
              "weather")  # fmt: skip
EXTENSIONS = (".csv", ".xlsx", ".xls", ".txt", ".tsv")
MAX_NAME_BYTES = 120
SEPARATOR = "__"
#: letters and digits of any script, and a few harmless marks; anything else becomes _
_UNSAFE = re.compile(r"[^\w.\-()（）【】\[\] ]", re.UNICODE)


class Refused(ValueError):
    """An upload that cannot be taken; ``code`` names the reason (the dashboard says it
    in Chinese and English), the message says it in English; ``params`` fill the
    translation's blanks (a limit, a name)."""

    def __init__(self, code: str, message: str, status: int = 400, **params: object) -> None:
        super().__init__(message)
        self.code, self.status, self.params = code, status, params


def safe_name(filename: str) -> str:
    """An export's name as a landing file may carry it (see module doc)."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")  # NUL, controls
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" ._")
    stem, ext = os.path.splitext(name)
    if ext.lower() not in EXTENSIONS:
        raise Refused(
            "extension",
            f"{filename!r}: not a CSV or Excel file (expected {', '.join(EXTENSIONS)})",
        )
    stem = stem.rstrip(" ._").replace(SEPARATOR, "_") or "export"
    while len(stem.encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + ext.lower()


def check_source(source: str, scope_code: str) -> None:
    """Refuse a source that does not exist, or that this steward's scope may not send."""
    if source not in UPLOADABLE:
        raise Refused("unknown_source", f"unknown source {source!r}: one of {UPLOADABLE}")
    if scope_code != CITY_CODE and not SPECS[source].steward_scoped:
        raise Refused(
            "city_only",
            f"only a city steward may upload {source}: it is the whole city's reference",
            403,
        )


def landing_path(source: str, username: str, name: str) -> str:
    """Where an export lands, relative to ``landing/``."""
    return f"{source}/{username}{SEPARATOR}{name}"


def check_owner(settings: Settings, path: str, username: str) -> None:
    """Refuse to land on a file that is someone else's (or no steward's)."""
    if not (settings.landing_dir / path).exists():
        return
    owner = registry.owner(settings, path)
    if owner is None or owner.username != username:
        raise Refused("taken", f"{path} is another person's file; rename your export", 409)


def place(settings: Settings, staged: Path, path: str) -> Path:
    """Copy ``staged`` into landing as ``path``, atomically: under a hidden temporary name
    in the same folder (which ingestion ignores), fsynced, then renamed onto ``path``."""
    target = settings.landing_dir / path
    if target.parent.parent.resolve() != settings.landing_dir.resolve():
        raise Refused("bad_name", f"{path}: not a landing file")  # never outside landing
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".upload-{secrets.token_hex(8)}.tmp")
    try:
        with staged.open("rb") as source, temp.open("xb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
        _fsync_dir(target.parent)
    finally:
        temp.unlink(missing_ok=True)
    return target


def withdraw(settings: Settings, path: str) -> FileRecord | None:
    """Take a landing file out on purpose: the file leaves landing, its record leaves
    the lake (its rows leave the next build), its owner leaves the registry. Run by a
    refresh, under its lock (:mod:`pipelines.uploads.requests`)."""
    source = path.split("/", 1)[0]
    (settings.landing_dir / path).unlink(missing_ok=True)
    record = Lake(settings.lake_dir).withdraw(source, path)
    registry.forget(settings, path)
    return record


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
