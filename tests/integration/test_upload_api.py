"""The upload API end to end, as a district's system would use it: a steward's token, a
file with bad rows, its preview, the accept, the refresh the dashboard starts itself
(``python -m pipelines run`` in a subprocess), the published figures, the file list, the
withdrawal, and the audit log in the store and in the warehouse."""

from __future__ import annotations

import io
import time
from pathlib import Path

import duckdb
import pytest
from flask.testing import FlaskClient

from pipelines.settings import Settings, get_settings
from tests.fixtures.stewards import make_world, published, visits

FANGSHAN, CHAOYANG, CITY = "110111000000", "110105000000", "110000000000"
# May 2024 as 房山区's steward exports it: F01 twice and F02 once (7 visits, all 房山区),
# C01 (a 朝阳区 station: out_of_scope), S999 (no such station: unknown_station) and a
# date nobody can read (bad_date): 6 rows read, 3 loaded, 3 quarantined
MAY = """驿站编号,服务时间,服务项目,人次,手机号
F01,2024-05-06 09:00,饮水,2,13800138000
F01,2024-05-07 10:00,充电,1,13800138000
F02,2024-05-08 11:00,饮水,4,
C01,2024-05-08 12:00,饮水,9,
S999,2024-05-09 12:00,饮水,1,
F02,五月九日,饮水,1,
"""


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, dict[str, str]]:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WSI_PSEUDONYM_KEY", "test-key")
    monkeypatch.setenv("WSI_REFRESH_RUNNER", "subprocess")
    monkeypatch.setenv("WSI_INGEST_WORKERS", "1")
    settings = get_settings()
    return settings, make_world(settings)


def client_for(settings: Settings) -> FlaskClient:
    from dashboards.app import create_app

    return create_app(settings).server.test_client()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_file(client: FlaskClient, token: str, name: str, content: bytes, source: str | None):
    form = {"file": (io.BytesIO(content), name)}
    if source:
        form["source"] = source
    return client.post("/api/uploads", data=form, headers=bearer(token))


def wait_for(client: FlaskClient, token: str, refresh_id: int, timeout: float = 240) -> dict:
    """Poll the refresh until it is published or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get(f"/api/refresh/{refresh_id}", headers=bearer(token)).get_json()
        if status["status"] in ("published", "failed"):
            return status
        time.sleep(0.5)
    raise AssertionError(f"refresh {refresh_id} still {status} after {timeout} s")


def test_the_api_end_to_end_with_a_token(world) -> None:
    settings, tokens = world
    client, token = client_for(settings), tokens["fs.steward"]
    assert visits(settings, FANGSHAN, "2024-04-01") == 8  # F01 5 + F02 3

    answer = post_file(client, token, "2024年5月.csv", MAY.encode(), "usage")
    assert answer.status_code == 201, answer.get_json()
    upload = answer.get_json()
    preview = upload["preview"]
    assert upload["landing_path"] == "usage/fs.steward__2024年5月.csv"
    assert preview["status"] == "loaded"
    assert preview["counts"] == {"rows_read": 6, "rows_loaded": 3, "rows_quarantined": 3,
                                 "rows_superseded": 0, "rows_skipped": 0}  # fmt: skip
    assert preview["reasons"] == {"bad_date": 1, "out_of_scope": 1, "unknown_station": 1}
    assert [(q["row_number"], q["reason"]) for q in preview["quarantined"]] == [
        (5, "out_of_scope"), (6, "unknown_station"), (7, "bad_date"),
    ]  # fmt: skip
    assert preview["read_as"]["encoding"] == "utf-8"
    assert preview["read_as"]["columns"]["驿站编号"] == "station_id"
    # personal fields are not shown: neither the number nor its pseudonym
    assert all("手机号" not in (q["values"] or {}) for q in preview["quarantined"])
    assert "13800138000" not in answer.get_data(as_text=True)
    # nothing landed yet
    assert not (settings.landing_dir / upload["landing_path"]).exists()

    accepted = client.post(f"/api/uploads/{upload['upload_id']}/accept", headers=bearer(token))
    assert accepted.status_code == 202, accepted.get_json()
    body = accepted.get_json()
    assert body["status"] in ("queued", "running") and body["kind"] == "accept"
    assert (settings.landing_dir / upload["landing_path"]).exists()
    again = client.post(f"/api/uploads/{upload['upload_id']}/accept", headers=bearer(token))
    assert (again.status_code, again.get_json()["error"]) == (409, "already_accepted")

    done = wait_for(client, token, body["refresh_id"])
    assert (done["status"], done["stage"]) == ("published", "published"), done
    # the figures: 房山区's May is F01 2 + 1 and F02 4; 朝阳区's C01 row did not count
    assert visits(settings, FANGSHAN, "2024-05-01") == 7
    assert visits(settings, CHAOYANG, "2024-05-01") == 0
    assert visits(settings, CITY, "2024-05-01") == 7
    # the real run gave the file the preview's counts
    real = published(
        settings,
        "SELECT rows_read, rows_loaded, rows_quarantined, rows_superseded, rows_skipped, "
        "uploaded_by FROM ingest_files WHERE path = ?",
        [upload["landing_path"]],
    )
    assert real == [(6, 3, 3, 0, 0, "fs.steward")]

    files = client.get("/api/files", headers=bearer(token)).get_json()["files"]
    assert [(f["path"], f["status"], f["rows_loaded"], f["uploaded_by"]) for f in files] == [
        ("usage/fs.steward__2024年5月.csv", "loaded", 3, "fs.steward")
    ]

    gone = client.delete("/api/files/usage/fs.steward__2024年5月.csv", headers=bearer(token))
    assert gone.status_code == 202, gone.get_json()
    withdrawn = wait_for(client, token, gone.get_json()["refresh_id"])
    assert withdrawn["status"] == "published", withdrawn
    assert visits(settings, FANGSHAN, "2024-05-01") == 0
    assert not (settings.landing_dir / upload["landing_path"]).exists()
    assert published(
        settings, "SELECT count(*) FROM ingest_files WHERE path LIKE '%2024年5月%'"
    ) == [(0,)]
    assert client.get("/api/files", headers=bearer(token)).get_json()["files"] == []

    # on record: in the store, and copied by the refreshes into the warehouse
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        logged = con.execute(
            "SELECT event, what FROM meta.audit_log WHERE username = 'fs.steward' ORDER BY event_id"
        ).fetchall()
    assert [event for event, _ in logged] == ["upload", "preview", "accept", "withdraw"]
    assert all("13800138000" not in what for _, what in logged)
    assert (settings.uploads_dir / "refresh.log").exists()


def test_a_wrong_token_or_none_gets_401_json(world) -> None:
    settings, _ = world
    client = client_for(settings)
    for headers in ({}, bearer("wsi_not-a-token")):
        answer = client.get("/api/files", headers=headers)
        assert answer.status_code == 401 and answer.is_json, headers
