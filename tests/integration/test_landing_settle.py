"""A landing file is taken only once it has stopped changing (``WSI_LANDING_SETTLE_S``):
the rule itself, the landing sensor, a refresh that meets a file still being written, and
a file that changes while it is read."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import dagster as dg

from pipelines.assets import ingest as ingest_assets
from pipelines.ingest import engine as ingest_engine
from pipelines.ingest import is_settled, landing_files, unsettled_files
from pipelines.lake import Lake
from pipelines.refresh import refresh, up_to_date
from pipelines.settings import Settings, get_settings

HEADER = "驿站编号,服务时间,服务项目,人员类型,人次,手机号\n"


def row(n: int) -> str:
    return f"S001,2024-05-{n % 28 + 1:02d} 08:00,饮水,外卖骑手,1,1380000{n:04d}\n"


def stat(mtime: float, ctime: float) -> SimpleNamespace:
    return SimpleNamespace(st_mtime=mtime, st_ctime=ctime)


def test_the_rule() -> None:
    now, settle = 1_000.0, 10.0
    assert is_settled(stat(980, 980), settle, now)  # untouched for 20 s
    assert is_settled(stat(990, 990), settle, now)  # exactly 10 s
    assert not is_settled(stat(995, 995), settle, now)  # written 5 s ago
    # a copy tool put back the original modification time: the change time tells
    assert not is_settled(stat(500, 998), settle, now)
    # a modification time in the future (another machine's clock) is not waited for
    assert is_settled(stat(5_000, 900), settle, now)
    assert not is_settled(None, settle, now)  # removed meanwhile
    assert is_settled(stat(1_000, 1_000), 0.0, now)  # no settle time: taken at once


def test_a_file_being_written_is_left_for_later(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, landing_settle_s=30.0)
    (tmp_path / "landing" / "usage").mkdir(parents=True)
    old = tmp_path / "landing" / "usage" / "2024-04.csv"
    old.write_text(HEADER + row(1))
    os.utime(old, (time.time() - 60, time.time() - 60))  # the change time moves too …
    fresh = tmp_path / "landing" / "usage" / "2024-05.csv"
    fresh.write_text(HEADER + row(2))
    # … so both are "being written" until 30 s have passed since
    assert landing_files(settings, "usage") == []
    assert landing_files(settings, "usage", settled=False) == [old, fresh]
    assert unsettled_files(settings) == [old, fresh]
    later = Settings(data_dir=tmp_path, landing_settle_s=0.0)
    assert landing_files(later, "usage") == [old, fresh] and unsettled_files(later) == []


def test_the_sensor_waits_until_a_file_has_settled(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WSI_LANDING_SETTLE_S", "0.6")
    usage = tmp_path / "landing" / "usage"
    usage.mkdir(parents=True)
    (usage / "2024-05.csv").write_text(HEADER + row(1))
    seen = ingest_assets.landing_files_sensor(dg.build_sensor_context())
    assert seen.run_requests == []  # still being written, as far as anyone can tell
    time.sleep(0.7)
    taken = ingest_assets.landing_files_sensor(dg.build_sensor_context(cursor=seen.cursor))
    assert len(taken.run_requests) == 1
    assert "usage/2024-05.csv" in taken.cursor


def test_a_refresh_waits_for_a_file_being_written(tmp_path: Path) -> None:
    """An export copied in slowly, 10 rows every 0.2 s for about 1.2 s, while a refresh
    starts: with a settle time of 0.6 s the refresh waits for it and loads all 60 rows."""
    from tests.integration.test_refresh_equivalence import FILES, _start

    _start(tmp_path)
    settings = Settings(data_dir=tmp_path, pseudonym_key="test-key", landing_settle_s=0.6)
    registry = settings.landing_dir / "stations" / "registry.csv"
    registry.parent.mkdir(parents=True)
    registry.write_text(FILES["stations/registry.csv"][0])
    export = settings.landing_dir / "usage" / "2024-05.csv"
    export.parent.mkdir(parents=True)
    export.write_text(HEADER)

    def copy_in() -> None:
        with export.open("a") as handle:
            for batch in range(6):
                handle.write("".join(row(batch * 10 + i) for i in range(10)))
                handle.flush()
                time.sleep(0.2)

    writer = threading.Thread(target=copy_in)
    writer.start()
    time.sleep(0.1)
    assert not up_to_date(settings)
    report = refresh(settings, workers=1)
    writer.join()
    [usage] = [r for r in report.ingested if r.source == "usage"]
    assert usage.rows_read == 60
    assert refresh(settings, workers=1).nothing_new


def test_a_file_that_changes_while_it_is_read_is_read_again(tmp_path: Path, monkeypatch) -> None:
    settings = Settings(data_dir=tmp_path, pseudonym_key="test-key")
    export = tmp_path / "landing" / "usage" / "2024-05.csv"
    export.parent.mkdir(parents=True)
    export.write_text(HEADER + row(1))
    real = ingest_engine.inspect_bytes

    def appended_meanwhile(path: Path):
        facts = real(path)
        with Path(path).open("a") as handle:  # the copy was not finished after all
            handle.write(row(2))
        return facts

    monkeypatch.setattr(ingest_engine, "inspect_bytes", appended_meanwhile)
    assert ingest_engine.ingest(settings) == []  # nothing recorded …
    assert Lake(settings.lake_dir).records() == []
    monkeypatch.undo()
    [record] = ingest_engine.ingest(settings)  # … so the next run reads it whole
    assert record.rows_read == 2


def test_the_environment_sets_the_settle_time(monkeypatch) -> None:
    monkeypatch.setenv("WSI_LANDING_SETTLE_S", "4.5")
    assert get_settings().landing_settle_s == 4.5
    monkeypatch.delenv("WSI_LANDING_SETTLE_S")
    assert get_settings().landing_settle_s == 10.0  # the documented default
    assert Settings(data_dir=Path(".")).landing_settle_s == 0.0  # code and tests: at once
