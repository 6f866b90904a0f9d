"""Refresh requests: queued → ingesting → building → published (or failed), one refresh
serving every request waiting when it starts, and requests made meanwhile left for the
next; and the landing sensor asking Dagster for a run when only a request waits."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.assets import ingest
from pipelines.settings import Settings, get_settings
from pipelines.uploads import requests


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    return get_settings()


def _stages(settings: Settings) -> dict[int, tuple[str, str]]:
    return {r.refresh_id: (r.stage, r.status) for r in requests.recent(settings)}


def test_a_refresh_serves_the_requests_waiting_when_it_starts(settings: Settings) -> None:
    first = requests.queue(settings, "accept", "usage/a__may.csv", "a")
    second = requests.queue(settings, "accept", "usage/b__may.csv", "b")
    assert _stages(settings) == {first: ("queued", "queued"), second: ("queued", "queued")}
    assert requests.pending(settings)

    with requests.serving(settings) as claimed:
        assert [r.refresh_id for r in claimed] == [first, second]
        assert _stages(settings)[first] == ("ingesting", "running")
        # accepted while this refresh runs: it waits for the next one
        third = requests.queue(settings, "accept", "usage/a__june.csv", "a")
        requests.advance(settings, "building")
        assert _stages(settings) == {
            first: ("building", "running"), second: ("building", "running"),
            third: ("queued", "queued"),
        }  # fmt: skip
    assert _stages(settings) == {
        first: ("published", "published"), second: ("published", "published"),
        third: ("queued", "queued"),
    }  # fmt: skip
    done = requests.get(settings, first)
    assert done.finished_at is not None and done.finished_at >= done.started_at

    with pytest.raises(RuntimeError), requests.serving(settings) as claimed:
        assert [r.refresh_id for r in claimed] == [third]
        raise RuntimeError("blocking checks failed")
    failed = requests.get(settings, third)
    assert (failed.stage, failed.message) == ("failed", "RuntimeError: blocking checks failed")
    assert not requests.pending(settings)


def test_a_request_a_dead_refresh_left_running_is_claimed_again(settings: Settings) -> None:
    left = requests.queue(settings, "accept", "usage/a__may.csv", "a")
    requests.claim(settings)
    requests.advance(settings, "building")  # ... and the process was killed here
    assert [r.refresh_id for r in requests.claim(settings)] == [left]


def test_the_sensor_asks_for_one_run_while_a_withdrawal_waits(settings: Settings) -> None:
    (settings.landing_dir / "usage").mkdir(parents=True)
    first = ingest.landing_files_sensor(dg.build_sensor_context())
    assert first.run_requests == []  # nothing in landing, nothing asked
    waiting = requests.queue(settings, "withdraw", "usage/a__may.csv", "a")
    context = dg.build_sensor_context(cursor=first.cursor)
    asked = ingest.landing_files_sensor(context).run_requests
    assert [r.run_key for r in asked] == [f"requests:{waiting}"]
    # looked at again before the run claims it: the same key, which Dagster runs once
    again = ingest.landing_files_sensor(context).run_requests
    assert [r.run_key for r in again] == [f"requests:{waiting}"]
    requests.claim(settings)
    assert ingest.landing_files_sensor(context).run_requests == []
