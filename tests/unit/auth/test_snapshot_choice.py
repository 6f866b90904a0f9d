"""A city user may view an earlier snapshot; nobody else can, whatever they send.

Two snapshots are kept: the newest (three months, published 2024-04-02 08:45) and an
earlier one (two months, published 2024-03-01 06:00). Requests are crafted from the
app's callback map (:func:`tests.unit.auth.test_scope_enforcement.crafted`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import dash
import duckdb
import pytest
from argon2 import PasswordHasher

from dashboards.auth import users as users_module
from dashboards.auth.users import UserStore
from dashboards.components.snapshot_picker import SESSION_KEY
from pipelines import snapshots
from pipelines.settings import Settings, get_settings
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot
from tests.unit.auth.helpers import PASSWORD
from tests.unit.auth.test_scope_enforcement import CITY, FANGSHAN, _client, crafted

EARLIER = "000001-20240301T060000"
NEWEST = "000002-20240402T084500"


def two_snapshots(settings: Settings) -> None:
    """current.duckdb and its history entry (three months), and an earlier snapshot
    (two months, built on 1 March)."""
    history = settings.snapshot_history_dir
    earlier = build_synthetic_snapshot(history / f"{EARLIER}.duckdb", 2)
    with duckdb.connect(str(earlier)) as con:
        con.execute("UPDATE snapshot_info SET value = '2024-03-01T06:00:00+08:00' "
                    "WHERE key = 'built_at'")  # fmt: skip
    build_synthetic_snapshot(settings.snapshot_path, 3)
    os.link(settings.snapshot_path, history / f"{NEWEST}.duckdb")


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dash.Dash, Settings]]:
    data_dir = tmp_path_factory.mktemp("history") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WSI_DATA_DIR", str(data_dir))
        patch.delenv("WSI_AUTH", raising=False)
        patch.setattr(
            users_module,
            "default_hasher",
            lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
        )
        settings = get_settings()
        two_snapshots(settings)
        store = UserStore(settings.users_path)
        store.add("city1", "city", CITY, PASSWORD)
        store.add("fangshan", "district", FANGSHAN, PASSWORD)

        from dashboards.app import create_app

        yield create_app(settings), settings


def months_shown(client) -> list[str]:
    """The month picker's options: the months of the snapshot the request reads."""
    out = json.loads(crafted(client, "month.options", {"lang.data": "zh"}))
    return sorted(o["value"] for o in out["response"]["month"]["options"])


def months_in(path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("SELECT DISTINCT month FROM kpi_monthly ORDER BY 1").fetchall()
    return [m.isoformat() for (m,) in rows]


def picker(client) -> dict:
    return json.loads(crafted(client, "snapshot-picker.options", {"lang.data": "zh"}))["response"]


def test_the_history_lists_both_newest_first(dashboard) -> None:
    _, settings = dashboard
    kept = snapshots.published(settings)
    assert [(s.name, s.newest) for s in kept] == [(NEWEST, True), (EARLIER, False)]
    assert kept[1].published_at.isoformat() == "2024-03-01T06:00:00+08:00"


def test_a_city_user_views_the_earlier_snapshot_and_comes_back(dashboard) -> None:
    _, settings = dashboard
    client = _client(dashboard, "city1")
    newest_months = months_in(settings.snapshot_path)
    earlier_months = months_in(settings.snapshot_history_dir / f"{EARLIER}.duckdb")
    assert newest_months != earlier_months
    assert months_shown(client) == newest_months

    shown = picker(client)
    labels = [o["label"] for o in shown["snapshot-picker"]["options"]]
    assert labels == ["2024-04-02 08:45 · 最新", "2024-03-01 06:00"]
    assert shown["snapshot-picker"]["value"] == "newest"
    assert shown["snapshot-picker-box"]["style"] is None  # shown: there is a choice
    assert shown["snapshot-banner"]["style"] == {"display": "none"}

    chosen = crafted(client, "snapshot-chosen.data", {"snapshot-picker.value": EARLIER})
    assert EARLIER in chosen
    assert months_shown(client) == earlier_months  # every query reads the earlier one
    shown = picker(client)
    assert shown["snapshot-picker"]["value"] == EARLIER
    banner = shown["snapshot-banner"]["children"]
    assert "2024-03-01 06:00 发布的历史数据快照" in banner
    # the health check and the freshness rule always read the newest
    health = client.get("/healthz").get_json()
    assert health["snapshot_built_at"] == "2024-04-02T08:45:00+08:00"

    crafted(client, "snapshot-chosen.data", {"snapshot-picker.value": "newest"})
    assert months_shown(client) == newest_months
    another = _client(dashboard, "city1")  # the choice is per session
    assert months_shown(another) == newest_months


def test_nobody_but_the_city_can_view_an_earlier_snapshot(dashboard) -> None:
    _, settings = dashboard
    client = _client(dashboard, "fangshan")
    newest_months = months_in(settings.snapshot_path)
    shown = picker(client)
    assert shown["snapshot-picker-box"]["style"] == {"display": "none"}
    assert shown["snapshot-picker"]["options"] == []
    # a crafted choice is refused …
    assert crafted(client, "snapshot-chosen.data", {"snapshot-picker.value": EARLIER}) == ""
    # … and a session that holds one anyway (a city user's session, say) is not obeyed
    with client.session_transaction() as session:
        session[SESSION_KEY] = EARLIER
    assert months_shown(client) == newest_months


def test_a_choice_that_is_no_longer_kept_falls_back_to_the_newest(dashboard) -> None:
    _, settings = dashboard
    client = _client(dashboard, "city1")
    for name in ("../../current", "000009-20990101T000000"):
        with client.session_transaction() as session:
            session[SESSION_KEY] = name
        assert months_shown(client) == months_in(settings.snapshot_path)
        assert "不再保留" in picker(client)["snapshot-banner"]["children"]
        assert picker(client)["snapshot-banner"]["style"] == {"display": "none"}  # said once
