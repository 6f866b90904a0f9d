"""A full disk while the snapshot is published: the publish fails cleanly — the snapshot
being served is untouched and still opens, nothing is left behind, the message says what
happened and what is still served — and the next refresh, with room again, ends as an
uninterrupted one would have.

The disk fills for real on a small tmpfs mounted on the serving folder (as root, where
``mount`` works; skipped elsewhere): once while the current snapshot is copied, once
inside DuckDB while the new snapshot is written. A faked ENOSPC at the first write runs
everywhere, through the command line too.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from pipelines import snapshots
from pipelines.__main__ import main
from pipelines.compare import differences
from pipelines.refresh import refresh
from pipelines.serving import PublishFailed, open_snapshot
from pipelines.settings import Settings
from tests.integration.test_crash_safety import first_snapshot_then_changes, settings_for
from tests.integration.test_refresh_equivalence import published

pytestmark = pytest.mark.slow


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def uninterrupted(settings: Settings, folder: Path) -> dict:
    """The snapshot a refresh of the same folder publishes with room to spare."""
    shutil.copytree(settings.data_dir, folder, symlinks=True)
    refresh(settings_for(folder), workers=1)
    return published(settings_for(folder))


def assert_failed_cleanly(settings: Settings, served: str, failure: PublishFailed) -> None:
    message = str(failure)
    assert "is full" in message and "keeps serving" in message, message
    assert str(settings.serving_dir) in message
    assert digest(settings.snapshot_path) == served  # untouched …
    open_snapshot(settings.snapshot_path).close()  # … and it opens
    leftovers = [p.name for p in settings.serving_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert len(snapshots.published(settings)) == 1  # the failed one is in no history


@pytest.fixture
def world(tmp_path: Path) -> Settings:
    return first_snapshot_then_changes(tmp_path / "data")


def test_a_faked_full_disk_at_the_first_write(world: Settings, tmp_path: Path, monkeypatch):
    settings = world
    expected = uninterrupted(settings, tmp_path / "whole")
    served = digest(settings.snapshot_path)

    def no_space(source, target, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    with monkeypatch.context() as patch:
        patch.setattr("pipelines.serving.shutil.copyfile", no_space)
        with pytest.raises(PublishFailed) as failed:
            refresh(settings, workers=1)
        assert_failed_cleanly(settings, served, failed.value)
        # the command says so and exits 1, without a traceback
        patch.setenv("WSI_DATA_DIR", str(settings.data_dir))
        patch.setenv("WSI_PSEUDONYM_KEY", "test-key")
        assert main(["run", "--workers", "1"]) == 1
    refresh(settings, workers=1)  # room again
    assert differences(published(settings), expected) == []


@pytest.fixture
def small_disk(world: Settings) -> Iterator[Callable[[int], None]]:
    """Put the serving folder on a tmpfs (what it holds copied in, its hard link kept);
    yields a function that sets the tmpfs's size in bytes."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    serving = world.serving_dir
    held = serving.with_name("serving-held")
    serving.rename(held)
    serving.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(serving)],
                             capture_output=True, text=True)  # fmt: skip
    if mounted.returncode != 0:
        serving.rmdir()
        held.rename(serving)
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        shutil.copytree(held, serving, dirs_exist_ok=True)
        [entry] = (serving / "history").iterdir()
        entry.unlink()
        os.link(world.snapshot_path, entry)  # the newest entry is current.duckdb

        def resize(size: int) -> None:
            subprocess.run(["mount", "-o", f"remount,size={size}", str(serving)], check=True)

        yield resize
    finally:
        subprocess.run(["umount", str(serving)], check=False)


@pytest.mark.parametrize("where", ["copying the current snapshot", "inside DuckDB"])
def test_a_real_full_disk(world: Settings, small_disk, tmp_path: Path, where: str) -> None:
    settings = world
    expected = uninterrupted(settings, tmp_path / "whole")
    served = digest(settings.snapshot_path)
    size = settings.snapshot_path.stat().st_size
    # room for the snapshot and 64 KiB; or for a copy of it too, so that DuckDB's own
    # writes of the changed tables are what finds the disk full
    small_disk(size + 64 * 1024 if where.startswith("copying") else 2 * size + 64 * 1024)
    with pytest.raises(PublishFailed) as failed:
        refresh(settings, workers=1)
    cause = failed.value.__cause__
    assert isinstance(cause, OSError if where.startswith("copying") else duckdb.Error), cause
    print(f"{where}: {cause!r}\n{failed.value}")
    assert_failed_cleanly(settings, served, failed.value)
    small_disk(256 * 1024 * 1024)
    refresh(settings, workers=1)
    assert differences(published(settings), expected) == []
    assert len(snapshots.published(settings)) == 2
