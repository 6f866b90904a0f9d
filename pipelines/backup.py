"""Backups of the data folder, and bringing one back: ``python -m pipelines backup DIR``
and ``python -m pipelines restore DIR``.

A backup is a folder:

    DIR/data/…          the data folder: landing, lake, warehouse, serving snapshots (the
                        current one and the history), reports, users.json, targets.toml,
                        the keys (.secret, .flask_secret) and whatever else lives there
    DIR/lake/…          the lake, when ``WSI_LAKE_URI`` puts it outside the data folder
    DIR/SHA256SUMS      every file's checksum (``cd DIR && sha256sum -c SHA256SUMS``)
    DIR/manifest.json   every file's size, checksum, mode and modification time, written
                        last: a backup without it did not finish

It is **consistent**: taken under the refresh lock, so no refresh (command or Dagster
step) writes the lake, the warehouse or the snapshot meanwhile. A DuckDB file with a
write-ahead log beside it (the warehouse after a killed refresh) is checkpointed first,
so the copy is one self-contained file; published snapshots are never written again
and are copied as they are; an SQLite database (e.g. an upload's audit store) is copied
with SQLite's online backup, so a write in progress is either in or out. Every file is
read once, and its checksum is of the bytes written. Modification times are kept (the
landing file modified last wins a repeated key), and hard links (the newest history
entry is ``current.duckdb``) stay links.

Left out: lock files, temporaries of a write in progress, and ``auth.sqlite`` (open
sessions and failed-login counts: restored, it would bring back sessions ended since;
without it everyone simply signs in again).

Everything in a backup is as sensitive as the server (landing holds phone numbers in
clear; the keys sign sessions and make pseudonyms): the folder is created mode 700 and
every file mode 600; a restore gives each file its original mode.

``restore`` checks the whole backup before it touches anything — every file present,
of its size and checksum, nothing added — and refuses one that does not match, naming
the files. It restores into an empty data folder, or with ``--replace`` moves what the
data folder holds aside first (``<data>.before-restore-<time>``; nothing is deleted).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import duckdb

from pipelines.refresh import refresh_lock
from pipelines.settings import Settings
from pipelines.snapshots import SHANGHAI

FORMAT = "wsi-backup/1"
MANIFEST, SUMS = "manifest.json", "SHA256SUMS"
_CHUNK = 1 << 20
_SESSIONS = ("auth.sqlite", "auth.sqlite-wal", "auth.sqlite-shm", "auth.sqlite-journal")


class BackupError(RuntimeError):
    """A backup could not be taken, or a backup is not fit to restore."""


@dataclass(frozen=True)
class Entry:
    """One file of a backup, as the manifest records it."""

    path: str  # "<root>/<path under the root>", e.g. data/landing/usage/2024-05.csv
    size: int
    sha256: str
    mode: str  # octal, e.g. "600"
    mtime_ns: int
    link: str | None = None  # the entry this file is a hard link of (not stored twice)


def left_out(root: str, rel: str) -> str | None:
    """Why a file of the data folder is not backed up (None: it is)."""
    name = rel.rsplit("/", 1)[-1]
    if name.endswith(".lock"):
        return "a lock file"
    if name.startswith((".publishing-", ".tmp-")) or name.endswith(".tmp"):
        return "a temporary file of a write in progress"
    if root == "data" and rel in _SESSIONS:
        return "sessions and failed-login counts: everyone signs in again after a restore"
    if name.endswith((".duckdb.wal", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal")):
        return "a database's log: applied to the database before it is copied"
    return None


def roots(settings: Settings) -> dict[str, Path]:
    """What a backup holds, by name: the data folder, and the lake when it is elsewhere."""
    found = {"data": settings.data_dir}
    lake = settings.lake_dir.resolve()
    if not lake.is_relative_to(settings.data_dir.resolve()):
        found["lake"] = lake
    return found


def _files(folder: Path) -> Iterator[Path]:
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            yield Path(top) / name


def _kind(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head == b"SQLite format 3\x00":
        return "sqlite"
    if head[8:12] == b"DUCK":
        return "duckdb"
    return "file"


def _checkpoint(path: Path, wait_s: float = 30.0) -> None:
    """Apply a DuckDB file's write-ahead log to it (another process may have it open
    for a moment: wait a while)."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as error:
            if time.monotonic() > deadline:
                raise BackupError(f"{path} is open in another process: {error}") from error
            time.sleep(0.5)
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _copy(source: Path, target: Path) -> tuple[int, str]:
    """Copy a file, fsynced; its size and the checksum of the bytes written."""
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as src, _private(target) as dst:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


@contextmanager
def _private(target: Path) -> Iterator[BinaryIO]:
    """A new file only its owner may read, fsynced when the block ends."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        yield handle
        handle.flush()
        os.fsync(handle.fileno())


def _hash(path: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _copy_sqlite(source: Path, target: Path) -> tuple[int, str]:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    os.chmod(target, 0o600)
    return _hash(target)


def backup(settings: Settings, dest: Path, lock_timeout: float | None = None) -> dict:
    """Write a backup of ``settings``' data folder into ``dest`` (a new or empty folder);
    returns its manifest. See the module doc."""
    dest = Path(dest).resolve()
    sources = roots(settings)
    for root in sources.values():
        if dest.is_relative_to(root.resolve()):
            raise BackupError(f"the backup folder {dest} is inside {root}: choose another")
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty: a backup goes into a new folder")
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(dest, 0o700)
    entries: list[Entry] = []
    skipped: list[dict[str, str]] = []
    started = time.monotonic()
    with refresh_lock(settings, timeout=lock_timeout):
        seen: dict[tuple[int, int], str] = {}
        for name, root in sources.items():
            for path in _files(root):
                rel = path.relative_to(root).as_posix()
                key = f"{name}/{rel}"
                why = left_out(name, rel)
                if why or path.is_symlink() or not path.is_file():
                    skipped.append({"path": key, "why": why or "not a regular file"})
                    continue
                entries.append(_back_up(path, dest / key, key, seen))
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(SHANGHAI).isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started, 1),
        "roots": {name: str(root) for name, root in sources.items()},
        "files": [e.__dict__ for e in entries],
        "left_out": skipped,
    }
    stored = [e for e in entries if e.link is None]
    (dest / SUMS).write_text("".join(f"{e.sha256}  {e.path}\n" for e in stored))
    os.chmod(dest / SUMS, 0o600)
    temp = dest / f".{MANIFEST}.tmp"
    with _private(temp) as handle:
        handle.write(json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    os.replace(temp, dest / MANIFEST)
    for folder, _, _ in os.walk(dest):
        os.chmod(folder, 0o700)
    _fsync_dir(dest)
    return manifest


def _back_up(path: Path, target: Path, key: str, seen: dict[tuple[int, int], str]) -> Entry:
    stat = path.stat()
    mode = f"{stat.st_mode & 0o777:03o}"
    inode = (stat.st_dev, stat.st_ino)
    if inode in seen:  # a hard link of a file already in the backup
        size, sha = _hash(path)
        return Entry(key, size, sha, mode, stat.st_mtime_ns, link=seen[inode])
    seen[inode] = key
    kind = _kind(path)
    if kind == "duckdb" and path.with_name(path.name + ".wal").exists():
        _checkpoint(path)
        stat = path.stat()
    size, sha = _copy_sqlite(path, target) if kind == "sqlite" else _copy(path, target)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return Entry(key, size, sha, mode, stat.st_mtime_ns)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- restore ---------------------------------------------------------------------------


def verify(source: Path) -> dict:
    """The backup's manifest, once every file checks out; :class:`BackupError` naming
    what does not (a backup that did not finish, a file missing, changed or added)."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(
            f"{source} has no {MANIFEST}: it is not a backup, or its backup did not finish"
        ) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{source / MANIFEST} is damaged: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source / MANIFEST}: not a {FORMAT} manifest")
    entries = [Entry(**e) for e in manifest["files"]]
    by_path = {e.path: e for e in entries}
    problems = []
    for entry in entries:
        if not _safe(entry.path) or (entry.link and entry.link not in by_path):
            problems.append(f"{entry.path}: not a path a backup writes")
            continue
        if entry.link:
            if by_path[entry.link].sha256 != entry.sha256:
                problems.append(f"{entry.path}: differs from {entry.link}, its link")
            continue
        path = source / entry.path
        if not path.is_file():
            problems.append(f"{entry.path}: missing")
        elif (found := _hash(path)) != (entry.size, entry.sha256):
            problems.append(f"{entry.path}: changed since the backup ({found[0]} bytes)")
    stored = {e.path for e in entries if not e.link}
    for path in _files(source):
        rel = path.relative_to(source).as_posix()
        if rel not in stored and rel not in (MANIFEST, SUMS):
            problems.append(f"{rel}: not in the manifest (added after the backup)")
    sums = source / SUMS
    listed = sums.read_text().splitlines() if sums.exists() else []
    if sorted(listed) != sorted(f"{by_path[p].sha256}  {p}" for p in stored):
        problems.append(f"{SUMS}: does not match the manifest")
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise BackupError(
            f"{source} does not match its manifest; nothing was restored:\n  {shown}{more}"
        )
    return manifest


def _safe(path: str) -> bool:
    parts = path.split("/")
    return parts[0] in ("data", "lake") and len(parts) > 1 and not {"", ".", ".."} & set(parts)


def restore(settings: Settings, source: Path, replace: bool = False) -> dict:
    """Bring the backup in ``source`` back into ``settings``' data folder (and lake);
    returns what was done: the manifest, and where the folder's former contents went."""
    source = Path(source)
    manifest = verify(source)
    targets = roots(settings)
    if "lake" in {e["path"].split("/")[0] for e in manifest["files"]} and "lake" not in targets:
        targets["lake"] = settings.data_dir / "lake"  # a lake kept elsewhere comes home
    occupied = {name: _occupied(name, root) for name, root in targets.items()}
    if any(occupied.values()) and not replace:
        where = ", ".join(f"{targets[n]} ({len(o)} entries)" for n, o in occupied.items() if o)
        raise BackupError(
            f"not empty: {where}. Restore into an empty data folder, or pass --replace to "
            "move what it holds aside first (nothing is deleted)"
        )
    stamp = dt.datetime.now(SHANGHAI).strftime("%Y%m%dT%H%M%S")
    moved: list[str] = []
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with refresh_lock(settings):
        for name, entries in occupied.items():
            if entries:
                aside = targets[name].with_name(f"{targets[name].name}.before-restore-{stamp}")
                aside.mkdir(mode=0o700)
                for entry in entries:
                    shutil.move(entry, aside / entry.name)  # a copy across file systems
                moved.append(str(aside))
        for item in manifest["files"]:
            _restore_file(Entry(**item), source, targets)
    return {"manifest": manifest, "moved_aside": moved}


def _occupied(name: str, root: Path) -> list[Path]:
    """What a restore must move out of the way: all but the lock and the sessions."""
    if not root.is_dir():
        return []
    keep = {".refresh.lock", *_SESSIONS} if name == "data" else set()
    return sorted(p for p in root.iterdir() if p.name not in keep)


def _restore_file(entry: Entry, source: Path, targets: dict[str, Path]) -> None:
    name, rel = entry.path.split("/", 1)
    target = targets[name] / rel
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if entry.link:
        link_name, link_rel = entry.link.split("/", 1)
        os.link(targets[link_name] / link_rel, target)
        return
    temp = target.with_name(f".tmp-restore-{target.name}")
    shutil.copyfile(source / entry.path, temp)
    with temp.open("rb") as handle:
        os.fsync(handle.fileno())
    os.chmod(temp, int(entry.mode, 8))
    os.utime(temp, ns=(entry.mtime_ns, entry.mtime_ns))
    os.replace(temp, target)
