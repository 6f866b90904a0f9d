"""The 选址规划 page's data access and callback on the dashboard's synthetic snapshot."""

from __future__ import annotations

import sys
from pathlib import Path

import dash
import pytest

from dashboards import data
from pipelines.planning.inputs import load_snapshot
from pipelines.planning.siting import plan_sites
from pipelines.settings import Settings
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("data")))
    build_synthetic_snapshot(settings.snapshot_path, months=3)
    data.configure(settings)
    yield settings
    data.snapshot(settings).close()


def _without_seconds(plan) -> dict:
    return {k: v for k, v in plan.to_json().items() if k != "seconds"}


def test_the_page_plans_what_the_cli_plans(settings):
    from dashboards.data import siting as siting_data

    shown = siting_data.plan(data.Viewer(), k=3, radius_m=1000)
    expected = plan_sites(load_snapshot(settings.snapshot_path), k=3, radius_m=1000)
    assert _without_seconds(shown) == _without_seconds(expected)
    download = data.download_table(
        data.Viewer(), "siting_plan", {"k": 3, "radius_m": 1000, "district": None}
    )
    assert download["site_id"].to_list() == [s.site_id for s in expected.sites]
    assert download["cumulative_workers"].to_list() == [
        s.cumulative_workers for s in expected.sites
    ]


def test_a_district_viewer_plans_their_district_only(settings):
    from dashboards.data import siting as siting_data

    districts = data.scope_options(data.Viewer(), "district")["scope_code"].to_list()
    own, other = districts[0], districts[-1]
    viewer = data.Viewer(scope_code=own)
    assert siting_data.allowed_district(viewer, other) == own
    assert siting_data.allowed_district(viewer, None) == own
    assert siting_data.allowed_district(data.Viewer(), other) == other
    assert [o["value"] for o in siting_data.district_options(viewer, "zh")] == [own]
    with pytest.raises(PermissionError):
        siting_data.allowed_district(data.Viewer(scope_code=own[:6] + "001000"), None)
    plan = siting_data.plan(viewer, k=2, radius_m=1000, district=other)
    assert plan.district == own


def test_the_page_callback(settings):
    from dashboards.app import create_app
    from dashboards.auth import AuthConfig

    # The callback is called directly, outside a request: only possible without sign-in.
    create_app(settings, auth=AuthConfig(enabled=False))
    # the page module as Dash loaded it: importing it under another name would register
    # the page twice and break every app created after this test
    siting = next(
        sys.modules[page["module"]]
        for page in dash.page_registry.values()
        if page["path"] == "/siting"
    )

    fig, summary, rows, columns, params = siting.update(1, "en", 3, 1000, None, "", [])
    assert params == {
        "k": 3, "radius_m": 1000.0, "budget": None, "district": None,
        "with_community_candidates": False,
    }  # fmt: skip
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert {c["field"] for c in columns} >= {"site_id", "marginal_workers", "cumulative_workers"}
    assert "Whole city" in summary and "covered today" in summary
    names = [trace.name for trace in fig.data]
    assert names[-1] == "Planned site" and len(fig.data[-1].lat) == len(rows)
