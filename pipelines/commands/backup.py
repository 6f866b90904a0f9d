"""``python -m pipelines backup DIR`` and ``python -m pipelines restore DIR [--check]
[--replace]``: a consistent copy of the data folder with a manifest of checksums, and
bringing one back (:mod:`pipelines.backup`). Both say what they did in a few lines; a
refused restore says why and changes nothing (exit code 1)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    backup = subparsers.add_parser(
        "backup", help="copy the data folder, consistently, into a new folder DIR"
    )
    backup.add_argument("dir", type=Path, help="a new (or empty) folder for the backup")
    backup.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="give up when a refresh still runs after this long (default: wait for it)",
    )
    backup.set_defaults(func=run_backup)
    restore = subparsers.add_parser(
        "restore", help="check a backup and bring it back into the data folder"
    )
    restore.add_argument("dir", type=Path, help="the backup's folder")
    restore.add_argument(
        "--check", action="store_true", help="only check the backup against its manifest"
    )
    restore.add_argument(
        "--replace",
        action="store_true",
        help="move what the data folder holds aside (<data>.before-restore-<time>) first",
    )
    restore.set_defaults(func=run_restore)


def _megabytes(files: list[dict]) -> str:
    return f"{sum(f['size'] for f in files if not f.get('link')) / 1e6:,.1f} MB"


def run_backup(args: argparse.Namespace) -> int:
    from pipelines.backup import BackupError, backup
    from pipelines.refresh import LockTimeout
    from pipelines.settings import get_settings

    settings = get_settings()
    try:
        manifest = backup(settings, args.dir, lock_timeout=args.wait)
    except (BackupError, LockTimeout) as error:
        print(f"backup failed: {error}", file=sys.stderr)
        return 1
    files = manifest["files"]
    print(
        f"backed up {len(files)} files ({_megabytes(files)}) of {settings.data_dir} into "
        f"{args.dir} in {manifest['seconds']} s"
    )
    for skipped in manifest["left_out"]:
        print(f"  left out {skipped['path']}: {skipped['why']}")
    print(f"check it any time: python -m pipelines restore --check {args.dir}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from pipelines.backup import BackupError, restore, verify
    from pipelines.settings import get_settings

    settings = get_settings()
    try:
        if args.check:
            manifest = verify(args.dir)
        else:
            done = restore(settings, args.dir, replace=args.replace)
            manifest = done["manifest"]
    except BackupError as error:
        print(f"restore refused: {error}", file=sys.stderr)
        return 1
    files = manifest["files"]
    taken = f"taken {manifest['created_at']} of {manifest['roots']['data']}"
    if args.check:
        print(f"{args.dir} is whole: {len(files)} files ({_megabytes(files)}), {taken}")
        return 0
    print(f"restored {len(files)} files ({_megabytes(files)}) into {settings.data_dir}: {taken}")
    for aside in done["moved_aside"]:
        print(f"  what was there before is in {aside}")
    print("  sessions were not in the backup: sign in again if the dashboard asks")
    return 0
