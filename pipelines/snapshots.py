"""The published snapshots kept: the current one and the ones before it.

    <data>/serving/current.duckdb                          what everyone reads
    <data>/serving/history/<seq>-<YYYYmmddTHHMMSS>.duckdb  every snapshot published, newest
                                                           (the highest seq) first

:func:`pipelines.serving.publish_snapshot` hard-links each new snapshot into the history
(:func:`record`) *before* it replaces ``current.duckdb`` with it, then keeps the newest
``WSI_KEEP_SNAPSHOTS`` entries (:func:`prune`). The newest entry and ``current.duckdb``
are one file on disk, so keeping N snapshots takes N snapshots' space. A publish killed
between the link and the replace leaves an entry newer than ``current.duckdb``, which
was never served: :func:`published` does not list it and :func:`discard_unpublished`
removes it.

A snapshot file is never written once published, so a reader (a dashboard user viewing
an earlier snapshot, a backup) may read any of them at any time; a pruned one stays
readable through the connections that had it open.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.settings import Settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
_NAME = re.compile(r"(\d{6})-(\d{8}T\d{6})\.duckdb")
#: older versions kept the one snapshot before the current one under this name
_LEGACY_PREVIOUS = "previous.duckdb"


@dataclass(frozen=True)
class Published:
    """One snapshot a reader may open."""

    #: the history entry's name without ``.duckdb`` ("current" when it has none)
    name: str
    path: Path
    #: when it was published, Beijing time (from the entry's name, else the file's time)
    published_at: dt.datetime
    newest: bool


def _entries(settings: Settings) -> list[tuple[int, Path]]:
    """The history's entries, newest (highest sequence number) first."""
    folder = settings.snapshot_history_dir
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _NAME.fullmatch(p.name))]
    return sorted(found, reverse=True)


def _same_file(a: os.stat_result, path: Path) -> bool:
    try:
        b = path.stat()
    except FileNotFoundError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _split(settings: Settings) -> tuple[list[Path], Path | None, list[Path]]:
    """(entries newer than the current snapshot's — never served —, the current one's
    entry, the older entries newest first)."""
    entries = [p for _, p in _entries(settings)]
    try:
        current = settings.snapshot_path.stat()
    except FileNotFoundError:  # nothing published yet (or current.duckdb was lost): keep all
        return [], None, entries
    for i, path in enumerate(entries):
        if _same_file(current, path):
            return entries[:i], path, entries[i + 1 :]
    # published before the history existed: every entry is older
    return [], None, entries


def _published_at(path: Path) -> dt.datetime:
    match = _NAME.fullmatch(path.name)
    if match:
        return dt.datetime.strptime(match.group(2), "%Y%m%dT%H%M%S").replace(tzinfo=SHANGHAI)
    return dt.datetime.fromtimestamp(path.stat().st_mtime, SHANGHAI).replace(microsecond=0)


def published(settings: Settings) -> list[Published]:
    """The snapshots a reader may choose, newest (``current.duckdb``) first, at most
    ``keep_snapshots``; empty before the first publish."""
    _, entry, older = _split(settings)
    if not settings.snapshot_path.exists():
        return []
    newest = Published(
        entry.stem if entry else "current",
        settings.snapshot_path,
        _published_at(entry or settings.snapshot_path),
        newest=True,
    )
    kept = older[: max(0, settings.keep_snapshots - 1)]
    return [newest] + [Published(p.stem, p, _published_at(p), newest=False) for p in kept]


def discard_unpublished(settings: Settings) -> None:
    """Remove the entries a publish killed before its replace left (never served)."""
    newer, _, _ = _split(settings)
    for path in newer:
        path.unlink(missing_ok=True)


def record(settings: Settings, snapshot: Path, built_at: dt.datetime) -> Path:
    """Hard-link the finished snapshot file ``snapshot`` into the history, as the newest
    entry; returns the entry's path."""
    folder = settings.snapshot_history_dir
    folder.mkdir(parents=True, exist_ok=True)
    legacy = settings.serving_dir / _LEGACY_PREVIOUS
    if legacy.exists():  # the oldest entry from now on
        stamp = _published_at(legacy).strftime("%Y%m%dT%H%M%S")
        os.replace(legacy, folder / f"{0:06d}-{stamp}.duckdb")
    entries = _entries(settings)
    seq = entries[0][0] + 1 if entries else 1
    local = built_at.astimezone(SHANGHAI) if built_at.tzinfo else built_at
    entry = folder / f"{seq:06d}-{local:%Y%m%dT%H%M%S}.duckdb"
    os.link(snapshot, entry)
    return entry


def prune(settings: Settings) -> list[Path]:
    """Keep the current snapshot's entry and the ``keep_snapshots - 1`` before it;
    returns the entries removed."""
    _, _, older = _split(settings)
    removed = older[max(0, settings.keep_snapshots - 1) :]  # besides the current one
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
