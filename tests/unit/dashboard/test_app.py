"""The app without a browser: it starts without a snapshot, serves report files only
to whom may see them, and its maps make no network requests."""

from __future__ import annotations

from pathlib import Path

from dashboards import data, figures
from dashboards.app import create_app
from dashboards.auth import AuthConfig
from dashboards.i18n import HELP, STRINGS
from pipelines.settings import Settings
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot

#: these tests are about the app, not sign-in (tests/unit/auth covers that)
NO_SIGN_IN = AuthConfig(enabled=False)


def test_starts_without_a_snapshot(tmp_path: Path):
    app = create_app(Settings(data_dir=tmp_path), auth=NO_SIGN_IN)
    client = app.server.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    assert not data.available()


def test_report_route_serves_only_listed_files(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    build_synthetic_snapshot(settings.snapshot_path, months=1)
    settings.reports_dir.mkdir(parents=True)
    (settings.reports_dir / "2024-03.html").write_text("<h1>月报</h1>", encoding="utf-8")
    (settings.data_dir / "secret.txt").write_text("no", encoding="utf-8")
    client = create_app(settings, auth=NO_SIGN_IN).server.test_client()
    try:
        ok = client.get("/reports/2024-03.html")
        assert ok.status_code == 200 and "月报" in ok.get_data(as_text=True)
        assert client.get("/reports/2024-04.html").status_code == 404
        # a path outside the folder is never served (Dash answers with its page shell)
        assert client.get("/reports/..%2Fsecret.txt").get_data() != b"no"
        assert client.get("/reports/../secret.txt").get_data() != b"no"
        data.set_viewer_provider(lambda: data.Viewer("110108000000"))
        assert client.get("/reports/2024-03.html").status_code == 404  # a district's staff
    finally:
        data.set_viewer_provider(data.Viewer)
        data.snapshot(settings).close()


def test_district_boundaries_are_thinned_but_keep_every_district():
    path = Settings(data_dir=Path("/nonexistent")).districts_geojson
    thinned = figures.district_boundaries(path)
    assert len(thinned["features"]) == 16
    for feature in thinned["features"]:
        rings = feature["geometry"]["coordinates"]
        rings = rings if feature["geometry"]["type"] == "Polygon" else [r for p in rings for r in p]
        assert all(ring[0] == ring[-1] and len(ring) >= 4 for ring in rings)


def test_every_text_has_both_languages():
    for table in (STRINGS, HELP):
        for key, (zh, en) in table.items():
            assert zh.strip() and en.strip(), key
