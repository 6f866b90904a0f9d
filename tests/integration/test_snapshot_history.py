"""The history of published snapshots: the last ``WSI_KEEP_SNAPSHOTS`` are kept, newest
first, the newest one being ``current.duckdb`` itself; a pruned one stays readable for
a reader that had it open; what a publish killed between its two renames left is never
listed and is removed; an older version's ``previous.duckdb`` joins the history."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace

import duckdb
import pytest

from pipelines import snapshots
from pipelines.refresh import refresh
from pipelines.serving import discard_leftovers
from pipelines.settings import Settings, get_settings
from tests.integration.test_publish import add_visits, city_visits, small_world


def publish_visits(settings: Settings, n: int, path: str) -> None:
    """A new usage export of ``n`` January visits, refreshed and published."""
    add_visits(settings, n, "2024-01-12 10:00", path)
    refresh(settings)


@pytest.fixture
def settings(tmp_path) -> Settings:
    settings = Settings(data_dir=tmp_path, keep_snapshots=3)
    small_world(settings)  # three visits
    refresh(settings)
    return settings


def test_the_last_n_are_kept_newest_first(settings: Settings) -> None:
    for n, path in enumerate(["usage/b.csv", "usage/c.csv", "usage/d.csv"], start=1):
        publish_visits(settings, n, path)
    # four publishes: 3, 3+1, 3+1+2, 3+1+2+3 visits; three kept
    kept = snapshots.published(settings)
    assert [city_visits(s.path) for s in kept] == [9, 6, 4]
    assert [s.newest for s in kept] == [True, False, False]
    assert kept[0].path == settings.snapshot_path
    assert kept[0].name == "000004-" + kept[0].published_at.strftime("%Y%m%dT%H%M%S")
    entries = sorted(p.name for p in settings.snapshot_history_dir.iterdir())
    assert [e[:6] for e in entries] == ["000002", "000003", "000004"]
    # the newest entry is current.duckdb itself: three snapshots take three files' room
    assert (settings.snapshot_history_dir / entries[-1]).samefile(settings.snapshot_path)
    assert [s.published_at for s in kept] == sorted((s.published_at for s in kept), reverse=True)


def test_fewer_kept_and_a_reader_of_a_pruned_one(settings: Settings) -> None:
    publish_visits(settings, 1, "usage/b.csv")
    [_, earlier] = snapshots.published(settings)
    reader = duckdb.connect(str(earlier.path), read_only=True)  # a city user viewing it
    fewer = replace(settings, keep_snapshots=1)
    publish_visits(fewer, 2, "usage/c.csv")
    assert [city_visits(s.path) for s in snapshots.published(fewer)] == [6]
    assert not earlier.path.exists()
    assert reader.execute(
        "SELECT sum(visits) FROM kpi_monthly WHERE scope_level = 'city'"
    ).fetchall() == [(3,)]  # the open file stays readable
    reader.close()


def test_what_a_publish_killed_between_its_renames_left(settings: Settings) -> None:
    """Killed after linking the new file into the history, before the replace: the
    entry was never served, so it is not listed and the next refresh removes it."""
    [served] = snapshots.published(settings)
    unserved = settings.snapshot_history_dir / "000002-20991231T235959.duckdb"
    shutil.copyfile(settings.snapshot_path, unserved)
    (settings.serving_dir / ".publishing-0123.duckdb").write_bytes(b"half")
    assert snapshots.published(settings) == [served]
    discard_leftovers(settings)
    assert not unserved.exists()
    assert sorted(p.name for p in settings.serving_dir.iterdir()) == ["current.duckdb", "history"]
    publish_visits(settings, 1, "usage/b.csv")
    assert [s.name[:6] for s in snapshots.published(settings)] == ["000002", "000001"]


def test_previous_duckdb_of_an_older_version_joins_the_history(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    small_world(settings)
    refresh(settings)
    shutil.rmtree(settings.snapshot_history_dir)  # as an older version left it …
    shutil.copyfile(settings.snapshot_path, settings.serving_dir / "previous.duckdb")
    os.utime(settings.serving_dir / "previous.duckdb", (1_700_000_000, 1_700_000_000))
    assert [s.name for s in snapshots.published(settings)] == ["current"]
    publish_visits(settings, 1, "usage/b.csv")  # … and the next publish
    kept = snapshots.published(settings)
    assert [(s.name[:6], city_visits(s.path)) for s in kept] == [("000001", 4), ("000000", 3)]
    assert kept[1].published_at.isoformat() == "2023-11-15T06:13:20+08:00"
    assert not (settings.serving_dir / "previous.duckdb").exists()


def test_nothing_is_listed_before_the_first_publish(tmp_path) -> None:
    assert snapshots.published(Settings(data_dir=tmp_path)) == []


def test_keep_snapshots_from_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("WSI_KEEP_SNAPSHOTS", raising=False)
    assert get_settings().keep_snapshots == 3  # the documented default
    monkeypatch.setenv("WSI_KEEP_SNAPSHOTS", "5")
    assert get_settings().keep_snapshots == 5
    monkeypatch.setenv("WSI_KEEP_SNAPSHOTS", "0")
    assert get_settings().keep_snapshots == 1  # the current one is always kept
