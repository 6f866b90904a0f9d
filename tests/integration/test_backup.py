"""Backups: ``python -m pipelines backup DIR`` copies the data folder consistently with a
manifest of checksums; ``restore`` refuses a backup that does not match it and brings a
good one back — after which the dashboard's snapshot and the next refresh are as if the
data folder had never been lost."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from argon2 import PasswordHasher

from dashboards.auth.config import load_or_create_secret
from dashboards.auth.state import StateDB
from dashboards.auth.users import UserStore
from pipelines import snapshots
from pipelines.__main__ import main
from pipelines.backup import BackupError, backup, restore, verify
from pipelines.refresh import LockTimeout, refresh, up_to_date
from pipelines.settings import Settings
from tests.integration.test_refresh_equivalence import _start, _write, assert_same, published

pytestmark = pytest.mark.slow


def server_folder(data_dir: Path) -> tuple[Settings, sqlite3.Connection]:
    """A data folder as a server has it: two snapshots published, an account, targets,
    the keys generated, open sessions, a report, and an SQLite store with a write not
    yet checkpointed (an upload's audit store, say)."""
    _start(data_dir)
    settings = Settings(data_dir=data_dir)  # no key set: .secret is generated
    clock = [1_700_000_000]
    _write(settings.landing_dir, "stations/registry.csv", 0, clock)
    _write(settings.landing_dir, "usage/2024-05.csv", 0, clock)
    refresh(settings, workers=1)
    _write(settings.landing_dir, "hotline/2024-05.csv", 0, clock)
    refresh(settings, workers=1)
    UserStore(settings.users_path, PasswordHasher(time_cost=1, memory_cost=8192)).add(
        "zhang.wei", "city", "110000000000", "a long enough password"
    )
    settings.users_path.chmod(0o600)
    load_or_create_secret(data_dir / ".flask_secret")
    (data_dir / "targets.toml").write_text("[targets]\nstandard_rate = 0.8\n")
    StateDB(settings.auth_state_path).read("SELECT 1")
    (data_dir / "reports").mkdir()
    (data_dir / "reports" / "2024-05.html").write_text("<html>月报</html>")
    audit = sqlite3.connect(data_dir / "audit.sqlite")
    audit.execute("PRAGMA journal_mode = WAL")
    audit.execute("CREATE TABLE uploads (who TEXT)")
    audit.execute("INSERT INTO uploads VALUES ('steward')")
    audit.commit()  # in the -wal file until a checkpoint: the connection stays open
    return settings, audit


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Settings]:
    settings, audit = server_folder(tmp_path / "data")
    yield settings
    audit.close()


def test_backup_wreck_restore_round_trip(folder: Settings, tmp_path: Path) -> None:
    settings = folder
    before = published(settings)
    history = [s.published_at for s in snapshots.published(settings)]
    assert len(history) == 2
    manifest = backup(settings, tmp_path / "backup")
    paths = {f["path"]: f for f in manifest["files"]}
    assert {"data/warehouse.duckdb", "data/serving/current.duckdb", "data/users.json",
            "data/targets.toml", "data/.secret", "data/.flask_secret",
            "data/landing/usage/2024-05.csv", "data/reports/2024-05.html",
            "data/audit.sqlite"} <= set(paths)  # fmt: skip
    left_out = {s["path"] for s in manifest["left_out"]}
    assert {"data/auth.sqlite", "data/.refresh.lock", "data/users.json.lock"} <= left_out
    # everything in the backup is for its owner only
    modes = {p.stat().st_mode & 0o777 for p in (tmp_path / "backup").rglob("*")}
    assert modes == {0o600, 0o700}
    # the newest history entry is current.duckdb: stored once, restored as one file
    links = [f for f in manifest["files"] if f["link"]]
    assert [f["link"] for f in links] == ["data/serving/current.duckdb"]

    untouched = tmp_path / "untouched"  # what the data folder would have been
    restore(Settings(data_dir=untouched), tmp_path / "backup")
    audit = sqlite3.connect(untouched / "audit.sqlite")  # its log was in the copy
    assert audit.execute("SELECT who FROM uploads").fetchall() == [("steward",)]
    audit.close()
    # the wreck: warehouse gone, snapshot truncated, an export and the lake lost, keys lost
    settings.warehouse_path.unlink()
    settings.snapshot_path.write_bytes(b"")
    (settings.landing_dir / "usage" / "2024-05.csv").unlink()
    for path in (settings.lake_dir / "files").rglob("*.json"):
        path.unlink()
    (settings.data_dir / ".secret").unlink()

    with pytest.raises(BackupError, match="not empty"):
        restore(settings, tmp_path / "backup")
    done = restore(settings, tmp_path / "backup", replace=True)
    [aside] = done["moved_aside"]
    assert (Path(aside) / "serving" / "current.duckdb").stat().st_size == 0  # kept, aside
    assert settings.auth_state_path.exists()  # sessions are not part of a restore

    assert_same(published(settings), before)
    assert [s.published_at for s in snapshots.published(settings)] == history
    newest = snapshots.published(settings)[0]
    assert newest.path.samefile(settings.snapshot_history_dir / f"{newest.name}.duckdb")
    assert (settings.data_dir / ".secret").stat().st_mode & 0o777 == 0o600
    assert settings.users_path.stat().st_mode & 0o777 == 0o600
    assert UserStore(settings.users_path).get("zhang.wei") is not None
    assert up_to_date(settings)
    assert refresh(settings, workers=1).nothing_new
    # and the next export is taken as it would have been without the wreck
    for data in (settings, Settings(data_dir=untouched)):
        _write(data.landing_dir, "usage/2024-06.csv", 0, [1_800_000_000])
        refresh(data, workers=1)
    assert_same(published(settings), published(Settings(data_dir=untouched)))


def test_a_tampered_or_incomplete_backup_is_refused(folder: Settings, tmp_path: Path) -> None:
    settings = folder
    good = tmp_path / "backup"
    backup(settings, good)
    assert verify(good)["format"] == "wsi-backup/1"
    target = Settings(data_dir=tmp_path / "restored")

    export = good / "data" / "landing" / "usage" / "2024-05.csv"
    original = export.read_bytes()
    export.write_bytes(original.replace(b"S001", b"S00X", 1))  # same size, other bytes
    with pytest.raises(BackupError, match=r"data/landing/usage/2024-05\.csv: changed"):
        restore(target, good)
    assert not target.data_dir.exists()  # nothing was restored
    export.write_bytes(original)

    (good / "data" / "targets.toml").unlink()
    (good / "data" / "landing" / "usage" / "extra.csv").write_text("驿站编号\n")
    with pytest.raises(BackupError) as refused:
        restore(target, good)
    assert "data/targets.toml: missing" in str(refused.value)
    assert "data/landing/usage/extra.csv: not in the manifest" in str(refused.value)

    (good / "manifest.json").unlink()  # as a backup killed before its end leaves it
    with pytest.raises(BackupError, match="did not finish"):
        verify(good)


def test_backup_waits_for_a_refresh_and_applies_a_killed_ones_log(
    folder: Settings, tmp_path: Path
) -> None:
    settings = folder
    # a refresh killed after a write: its write-ahead log is still beside the warehouse
    code = (
        "import duckdb, os, sys; c = duckdb.connect(sys.argv[1]); "
        "c.execute('CREATE TABLE meta.killed AS SELECT 42 AS answer'); os._exit(9)"
    )
    subprocess.run([sys.executable, "-c", code, str(settings.warehouse_path)], check=False)
    assert settings.warehouse_path.with_name("warehouse.duckdb.wal").exists()
    # another process holds the refresh lock (a refresh is running)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a'); "
         "fcntl.flock(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)",
         str(settings.refresh_lock_path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(LockTimeout, match="still running"):
            backup(settings, tmp_path / "early", lock_timeout=0.5)
        finished = threading.Timer(1.0, holder.kill)
        finished.start()
        backup(settings, tmp_path / "backup")  # waits for the lock, then copies
        finished.join()
    finally:
        holder.kill()
        holder.wait()
    copy = tmp_path / "backup" / "data" / "warehouse.duckdb"
    assert not copy.with_name("warehouse.duckdb.wal").exists()
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("SELECT answer FROM meta.killed").fetchall() == [(42,)]


def test_the_commands_say_what_they_did(
    folder: Settings, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("WSI_DATA_DIR", str(folder.data_dir))
    assert main(["backup", str(tmp_path / "backup")]) == 0
    out = capsys.readouterr().out
    assert "left out data/auth.sqlite" in out and "restore --check" in out
    assert main(["backup", str(tmp_path / "backup")]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert main(["restore", "--check", str(tmp_path / "backup")]) == 0
    assert "is whole" in capsys.readouterr().out
    (tmp_path / "backup" / "data" / ".secret").write_text("another key")
    assert main(["restore", str(tmp_path / "backup")]) == 1
    err = capsys.readouterr().err
    assert "restore refused" in err and "data/.secret: changed" in err
