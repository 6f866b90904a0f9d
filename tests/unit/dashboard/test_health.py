"""``/healthz`` and the "data is behind" rule and banner.

The synthetic snapshot was built at 2024-04-02 08:45 Beijing time and its newest
complete month is 2024-03.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from dashboards import data, health
from dashboards.app import create_app
from dashboards.auth import AuthConfig
from dashboards.components.freshness import banner_text
from dashboards.health import freshness, months_between
from pipelines.settings import Settings
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot

BUILT_AT = datetime.fromisoformat("2024-04-02T08:45:00+08:00")


@pytest.mark.parametrize(
    ("latest", "today", "lag", "behind", "expected"),
    [
        # In June, May's figures are expected: 1 month behind June is normal …
        (date(2026, 5, 1), date(2026, 6, 15), 1, False, date(2026, 5, 1)),
        (date(2026, 5, 1), date(2026, 6, 1), 1, False, date(2026, 5, 1)),
        # … April is 2 months behind June: more than the default tolerance of 1 …
        (date(2026, 4, 1), date(2026, 6, 30), 1, True, date(2026, 5, 1)),
        # … but within a tolerance of 2.
        (date(2026, 4, 1), date(2026, 6, 30), 2, False, date(2026, 5, 1)),
        # Across the new year: in January 2027, December 2026 is expected.
        (date(2026, 12, 1), date(2027, 1, 5), 1, False, date(2026, 12, 1)),
        (date(2026, 11, 1), date(2027, 1, 5), 1, True, date(2026, 12, 1)),
        # No complete month at all is behind whatever the date.
        (None, date(2026, 6, 15), 1, True, date(2026, 5, 1)),
    ],
)
def test_the_data_is_behind_when_its_newest_month_lags_too_far(
    latest: date | None, today: date, lag: int, behind: bool, expected: date
) -> None:
    state = freshness(latest, today, lag)
    assert (state.behind, state.expected) == (behind, expected)


def test_months_between_counts_calendar_months() -> None:
    assert months_between(date(2026, 11, 30), date(2027, 1, 1)) == 2
    assert months_between(date(2027, 1, 1), date(2027, 1, 31)) == 0


@pytest.fixture
def signed_in_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The real dashboard with sign-in on, over a data folder without a snapshot."""
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("WSI_DATA_LAG_MONTHS", raising=False)
    settings = Settings.from_env()
    app = create_app(settings, auth=AuthConfig(session_secret="s" * 32))
    yield settings, app.server.test_client()
    data.snapshot(settings).close()


def test_healthz_needs_no_sign_in_and_says_503_without_a_snapshot(signed_in_app) -> None:
    _, client = signed_in_app
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "reason": "no snapshot has been published",
    }
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/_dash-layout").status_code == 401  # everything else still guarded


def test_healthz_reports_the_snapshot_age_and_no_data(
    signed_in_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, client = signed_in_app
    settings.serving_dir.mkdir()
    build_synthetic_snapshot(settings.snapshot_path, 3)
    before = int((datetime.now(BUILT_AT.tzinfo) - BUILT_AT).total_seconds())
    monkeypatch.setattr(health, "today_in_beijing", lambda: date(2024, 4, 20))
    body = client.get("/healthz").get_json()
    after = int((datetime.now(BUILT_AT.tzinfo) - BUILT_AT).total_seconds())
    assert set(body) == {"status", "data_behind", "snapshot_built_at", "snapshot_age_seconds"}
    assert body["status"] == "ok" and body["data_behind"] is False  # March is due in April
    assert body["snapshot_built_at"] == "2024-04-02T08:45:00+08:00"
    assert before <= body["snapshot_age_seconds"] <= after
    monkeypatch.setattr(health, "today_in_beijing", lambda: date(2024, 5, 2))
    assert client.get("/healthz").get_json()["data_behind"] is True  # April is due in May


def test_healthz_says_503_when_the_snapshot_cannot_be_read(signed_in_app) -> None:
    settings, client = signed_in_app
    settings.serving_dir.mkdir()
    settings.snapshot_path.write_bytes(b"not a duckdb file" * 512)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["reason"].startswith("the snapshot cannot be read")


def test_the_banner_names_the_newest_and_the_expected_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path)
    data.configure(settings)
    try:
        assert banner_text("zh") is None  # no snapshot: the pages say "no data yet"
        settings.serving_dir.mkdir()
        build_synthetic_snapshot(settings.snapshot_path, 3)
        monkeypatch.setattr(health, "today_in_beijing", lambda: date(2024, 4, 1))
        assert banner_text("zh") is None
        monkeypatch.setattr(health, "today_in_beijing", lambda: date(2024, 5, 2))
        zh, en = banner_text("zh"), banner_text("en")
        assert "最新的完整月份是 2024年3月" in zh and "应已有 2024年4月" in zh
        assert "newest complete month is Mar 2024, but Apr 2024 is due" in en
    finally:
        data.snapshot(settings).close()


def test_the_shell_has_the_banner_and_its_callback(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path), auth=AuthConfig(enabled=False))
    client = app.server.test_client()
    assert '"stale-banner"' in client.get("/_dash-layout").get_data(as_text=True)
    outputs = [c["output"] for c in client.get("/_dash-dependencies").get_json()]
    assert any("stale-banner.children" in output for output in outputs)
