"""Hostile and broken uploads: each gets a clear answer in Chinese and English, nothing
is written outside landing (and the upload area), nothing is lost. And the audit log:
who did what, from where, append-only, without a personal value."""

from __future__ import annotations

import io
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest

from pipelines.ingest import workbook
from pipelines.refresh import refresh
from pipelines.settings import Settings, get_settings
from pipelines.uploads import audit
from tests.fixtures.stewards import PASSWORD, make_world, published
from tests.integration.test_upload_api import MAY, bearer, client_for, post_file
from tests.integration.test_upload_scope import accept

USAGE = "驿站编号,服务时间,服务项目,人次\nF01,2024-05-02,饮水,4\n".encode()
CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_inputs"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, dict[str, str]]:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WSI_PSEUDONYM_KEY", "test-key")
    monkeypatch.setenv("WSI_REFRESH_RUNNER", "sensor")
    settings = get_settings()
    return settings, make_world(settings)


def _outside_landing(settings: Settings) -> set[str]:
    """Every file of the data folder but landing's, the lake's, the upload area's and the
    stores' (uploads.sqlite, auth.sqlite: rows, never files named by a sender)."""
    kept = ("landing", "lake", "uploads")
    return {
        p.relative_to(settings.data_dir).as_posix()
        for p in settings.data_dir.rglob("*")
        if p.is_file()
        and p.relative_to(settings.data_dir).parts[0] not in kept
        and ".sqlite" not in p.name
    }


def _staged(settings: Settings) -> list[Path]:
    return list((settings.uploads_dir / "staged").glob("*"))


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row>" + b" " * (40 * 2**20) + b"</row>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "english", "chinese"),
    [
        ("junk.csv", bytes(range(256)) * 40, "not a text file", "不是文本文件"),
        ("cut.xlsx", (CORPUS / "xlsx_truncated/stations/cut.xlsx").read_bytes(),
         "not a readable Excel workbook", "已损坏"),
        ("bomb.xlsx", _bomb(), "decompression bomb", "压缩炸弹"),
        ("mixed.csv", (CORPUS / "mixed_encoding/usage/mixed.csv").read_bytes(),
         "mixed encodings", "两种编码"),
    ],
)  # fmt: skip
def test_a_file_that_would_be_rejected_says_why_and_cannot_be_accepted(
    world, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes, english: str, chinese: str
) -> None:
    monkeypatch.setattr(workbook, "UNPACKED_FLOOR", 2**20)  # the bomb: 40 MB from ~40 kB
    settings, tokens = world
    client, token = client_for(settings), tokens["fs.steward"]
    before = _outside_landing(settings)
    answer = post_file(client, token, name, content, "usage")
    assert answer.status_code == 201, answer.get_json()
    preview = answer.get_json()["preview"]
    assert preview["status"] == "rejected"
    assert english in preview["message"] and chinese in preview["message_zh"]
    refused = client.post(f"/api/uploads/{answer.get_json()['upload_id']}/accept",
                          headers=bearer(token))  # fmt: skip
    body = refused.get_json()
    assert (refused.status_code, body["error"]) == (422, "rejected_file")
    assert "拒收" in body["message_zh"]
    assert not any((settings.landing_dir / "usage").glob("fs.steward__*"))
    assert _outside_landing(settings) == before


def test_an_empty_file_and_a_file_over_the_limit_are_refused_and_not_kept(
    world, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, tokens = world
    answer = post_file(client_for(settings), tokens["fs.steward"], "empty.csv", b"", "usage")
    assert (answer.status_code, answer.get_json()["error"]) == (400, "empty")
    monkeypatch.setenv("WSI_UPLOAD_MAX_MB", "0.01")  # 10 kB
    small = get_settings()
    client = client_for(small)
    answer = post_file(client, tokens["fs.steward"], "big.csv", USAGE * 2000, "usage")
    body = answer.get_json()
    assert (answer.status_code, body["error"]) == (413, "too_large")
    assert "上限" in body["message_zh"]
    assert _staged(settings) == []
    answer = post_file(client, tokens["fs.steward"], "fine.csv", USAGE, "usage")
    assert answer.status_code == 201


@pytest.mark.parametrize(
    ("sent", "lands_as"),
    [
        ("../../x.csv", "fs.steward__x.csv"),
        ("..\\..\\win.csv", "fs.steward__win.csv"),
        # ; and ~ become _, and the stem's trailing "_" is trimmed: "a_rm -rf _" → "a_rm -rf"
        ("a;rm -rf ~.csv", "fs.steward__a_rm -rf.csv"),
        ("名" * 300 + ".csv", "fs.steward__" + "名" * 40 + ".csv"),  # 120 bytes of name
        ("us\x00age\x1b.csv", "fs.steward__usage.csv"),
        # < > become _: "_script_alert(1)__script_"; the ends trimmed, "__" (the steward
        # separator) folded to "_"
        ("<script>alert(1)<_script>.csv", "fs.steward__script_alert(1)_script.csv"),
    ],
)
def test_hostile_names_land_inside_landing_under_a_safe_name(world, sent: str, lands_as: str):
    settings, tokens = world
    client, token = client_for(settings), tokens["fs.steward"]
    before = _outside_landing(settings)
    answer = post_file(client, token, sent, USAGE, "usage")
    assert answer.status_code == 201, answer.get_json()
    accept(client, token, answer.get_json())
    assert (settings.landing_dir / "usage" / lands_as).is_file()
    assert len(lands_as.encode()) < 255
    assert _outside_landing(settings) == before
    assert not (settings.data_dir.parent / "x.csv").exists()


def test_a_name_that_is_no_spreadsheet_is_refused(world) -> None:
    settings, tokens = world
    answer = post_file(client_for(settings), tokens["fs.steward"], "run.exe", USAGE, "usage")
    body = answer.get_json()
    assert (answer.status_code, body["error"]) == (400, "extension")
    assert "Excel" in body["message_zh"] and _staged(settings) == []


def test_formula_cells_load_as_text(world) -> None:
    settings, tokens = world
    client, token = client_for(settings), tokens["fs.steward"]
    formula = "=cmd|' /C calc'!A0"
    stations = (
        "驿站编号,驿站名称,驿站类型,社区代码,纬度,经度,启用日期\n"
        f'F09,"{formula}",暖心驿站,110111011001,39.73,116.14,2024-01-01\n'
    )
    answer = post_file(client, token, "台账.csv", stations.encode(), "stations")
    assert answer.get_json()["preview"]["counts"]["rows_loaded"] == 1
    accept(client, token, answer.get_json())
    refresh(settings, workers=1)
    assert published(settings, "SELECT station_name FROM stations WHERE station_id = 'F09'") == [
        (formula,)
    ]


def _signed_in(client, username: str = "fs.steward"):
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    client.get("/")
    return client.get_cookie("_csrf_token").value


def test_a_session_needs_the_csrf_token_and_a_live_session(world) -> None:
    settings, _ = world
    from dashboards.app import create_app

    app = create_app(settings)
    client = app.server.test_client()
    csrf = _signed_in(client)
    form = {"file": (io.BytesIO(USAGE), "may.csv"), "source": "usage"}
    answer = client.post("/api/uploads", data=form)
    assert answer.status_code == 403 and "CSRF" in answer.get_json()["error"]
    assert _staged(settings) == []
    form = {"file": (io.BytesIO(USAGE), "may.csv"), "source": "usage"}
    answer = client.post("/api/uploads", data=form, headers={"X-CSRFToken": csrf})
    assert answer.status_code == 201
    # an hour and a minute later the session has ended (idle)
    sessions = app.server.extensions["wsi_auth"].sessions
    real_clock = sessions.clock
    sessions.clock = lambda: real_clock() + 61 * 60
    form = {"file": (io.BytesIO(USAGE), "may.csv"), "source": "usage"}
    answer = client.post("/api/uploads", data=form, headers={"X-CSRFToken": csrf})
    assert answer.status_code == 401 and "请先登录" in answer.get_json()["error"]


def test_two_stewards_accepting_at_the_same_moment(world) -> None:
    settings, tokens = world
    uploads = {}
    for steward, name in (("fs.steward", "a.csv"), ("gc.steward", "b.csv")):
        client = client_for(settings)
        uploads[steward] = (
            client,
            post_file(client, tokens[steward], name, USAGE, "usage").get_json(),
        )
    start, answers = threading.Barrier(2), {}

    def go(steward: str) -> None:
        client, upload = uploads[steward]
        start.wait()
        answers[steward] = client.post(
            f"/api/uploads/{upload['upload_id']}/accept", headers=bearer(tokens[steward])
        )

    threads = [threading.Thread(target=go, args=(s,)) for s in uploads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {s: a.status_code for s, a in answers.items()} == {"fs.steward": 202, "gc.steward": 202}
    # two refreshes at once: one waits for the other (the lock); both requests end published
    runs = [threading.Thread(target=refresh, args=(settings,), kwargs={"workers": 1})
            for _ in range(2)]  # fmt: skip
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    for steward, answer in answers.items():
        client, _ = uploads[steward]
        status = client.get(f"/api/refresh/{answer.get_json()['refresh_id']}",
                            headers=bearer(tokens[steward])).get_json()  # fmt: skip
        assert status["status"] == "published", status
    loaded = published(
        settings,
        "SELECT path, rows_loaded FROM ingest_files WHERE path LIKE '%steward%' ORDER BY 1",
    )
    assert loaded == [("usage/fs.steward__a.csv", 1), ("usage/gc.steward__b.csv", 1)]


def test_the_audit_log_says_who_did_what_from_where_and_nothing_personal(world) -> None:
    settings, tokens = world
    from dashboards.app import create_app
    from dashboards.data.uploads import audit_events
    from dashboards.viewer import Viewer

    client = create_app(settings).server.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"username": "fs.steward", "password": "wrong-password-1",
                                "csrf_token": csrf})  # fmt: skip
    _signed_in(client)
    answer = post_file(client, tokens["fs.steward"], "may.csv", MAY.encode(), "usage")
    accept(client, tokens["fs.steward"], answer.get_json())
    client.get("/api/files", headers=bearer("wsi_guess"))
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    (settings.reports_dir / "2024-04.html").write_text("<html></html>")
    city = client_for(settings)
    _signed_in(city, "city.steward")
    assert city.get("/reports/2024-04.html").status_code == 200

    events = [(e.username, e.event, e.address) for e in reversed(audit.events(settings))]
    assert events == [
        ("fs.steward", "failed_sign_in", "127.0.0.1"),
        ("fs.steward", "sign_in", "127.0.0.1"),
        ("fs.steward", "upload", "127.0.0.1"),
        ("fs.steward", "preview", "127.0.0.1"),
        ("fs.steward", "accept", "127.0.0.1"),
        ("", "failed_sign_in", "127.0.0.1"),
        ("city.steward", "sign_in", "127.0.0.1"),
        ("city.steward", "download", "127.0.0.1"),
    ]
    # no phone number, no row's values: only names of files
    text = "\n".join(e.what for e in audit.events(settings))
    assert "13800138000" not in text and "饮水" not in text
    # append-only
    with sqlite3.connect(settings.uploads_db_path) as con, pytest.raises(sqlite3.DatabaseError):
        con.execute("UPDATE audit SET username = 'someone'")
    with sqlite3.connect(settings.uploads_db_path) as con, pytest.raises(sqlite3.DatabaseError):
        con.execute("DELETE FROM audit")
    # the 数据质量 page's table: the city's, current to the second; nobody else's
    from dashboards import data

    data.configure(settings)
    assert audit_events(Viewer()).height == len(events)
    assert audit_events(Viewer("110111000000", role="district", steward=True)).is_empty()
    # copied into the warehouse once, however often a refresh runs
    refresh(settings, workers=1)
    refresh(settings, workers=1)
    import duckdb

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM meta.audit_log").fetchone()[0] == len(events)
