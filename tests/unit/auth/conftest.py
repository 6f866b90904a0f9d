"""Fixtures for the access-control tests: a data folder, fast hashing, two users, an app."""

from __future__ import annotations

from pathlib import Path

import dash
import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient

from dashboards.auth import users as users_module
from pipelines.settings import Settings, get_settings
from tests.unit.auth.helpers import PASSWORD, build_app


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    # The production profile costs ~0.3 s a hash; these tests hash dozens of times.
    monkeypatch.setattr(
        users_module,
        "default_hasher",
        lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path / "data"))
    for name in (
        "WSI_AUTH",
        "WSI_SESSION_SECRET",
        "WSI_SESSION_HOURS",
        "WSI_SESSION_IDLE_MINUTES",
        "WSI_COOKIE_SECURE",
    ):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "data").mkdir()
    return get_settings()


@pytest.fixture
def store(settings: Settings) -> users_module.UserStore:
    store = users_module.UserStore(settings.users_path)
    store.add("city1", "city", "110000000000", PASSWORD, "City User")
    store.add("fangshan", "district", "110111000000", PASSWORD, "房山区 User")
    return store


@pytest.fixture
def app(settings: Settings, store: users_module.UserStore, tmp_path: Path) -> dash.Dash:
    return build_app(settings, tmp_path)


@pytest.fixture
def client(app: dash.Dash) -> FlaskClient:
    return app.server.test_client()
