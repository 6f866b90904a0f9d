"""Scope: what each steward may send, and what of it loads. A district or subdistrict
steward's rows outside their scope are quarantined (out_of_scope) — never loaded, never
winning a key from the rightful file — and another district's steward cannot touch their
uploads, files or refreshes. Refreshes run in this process (WSI_REFRESH_RUNNER=sensor:
the dashboard starts none)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.refresh import refresh
from pipelines.settings import Settings, get_settings
from tests.fixtures.stewards import make_world, published, visits
from tests.integration.test_upload_api import bearer, client_for, post_file

FANGSHAN, CHAOYANG = "110111000000", "110105000000"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Settings, dict[str, str]]:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WSI_PSEUDONYM_KEY", "test-key")
    monkeypatch.setenv("WSI_REFRESH_RUNNER", "sensor")
    settings = get_settings()
    return settings, make_world(settings)


def accept(client, token: str, upload: dict) -> dict:
    answer = client.post(f"/api/uploads/{upload['upload_id']}/accept", headers=bearer(token))
    assert answer.status_code == 202, answer.get_json()
    return answer.get_json()


@pytest.mark.parametrize("source", ["communities", "candidate_sites", "weather"])
def test_only_a_city_steward_sends_the_citys_reference(world, source: str) -> None:
    settings, tokens = world
    client = client_for(settings)
    content = "社区代码,社区名称\n110111011001,一街\n".encode()
    answer = post_file(client, tokens["fs.steward"], "ref.csv", content, source)
    body = answer.get_json()
    assert (answer.status_code, body["error"]) == (403, "city_only")
    assert "市级数据管理员" in body["message_zh"] and "city steward" in body["message"]
    assert not list((settings.uploads_dir / "staged").glob("*"))
    # the city's steward may: the preview says what would load
    answer = post_file(client, tokens["city.steward"], "ref.csv", content, source)
    assert answer.status_code == 201, answer.get_json()


def test_another_districts_stations_are_out_of_scope_and_keep_their_registry(world) -> None:
    settings, tokens = world
    client = client_for(settings)
    # 房山区's steward exports the city's registry with a change to every station: F01
    # renamed (theirs), C01 renamed (朝阳区's: written by code), C02 new in 朝阳区 (by name)
    stations = """驿站编号,驿站名称,驿站类型,社区代码,所属社区,纬度,经度,启用日期
F01,一街驿站（新）,暖心驿站,110111011001,,39.7301,116.1402,2023-01-01
C01,被改名的驿站,暖心驿站,110105001024,,39.9061,116.4601,2023-01-01
C02,新驿站,暖心驿站,,南郎家园社区,39.9062,116.4602,2024-01-01
"""
    answer = post_file(client, tokens["fs.steward"], "台账.csv", stations.encode(), "stations")
    preview = answer.get_json()["preview"]
    assert preview["counts"]["rows_loaded"] == 1 and preview["reasons"] == {"out_of_scope": 2}
    assert [(q["row_number"], q["column"]) for q in preview["quarantined"]] == [
        (3, "community_code"), (4, "community_code"),
    ]  # fmt: skip
    # F01's old row is superseded by the new one: the preview says so
    assert preview["supersedes"] == {"stations/base.csv": 1}
    accept(client, tokens["fs.steward"], answer.get_json())
    refresh(settings, workers=1)
    names = dict(published(settings, "SELECT station_id, station_name FROM stations"))
    # C01 keeps 朝阳区's name: the out-of-scope row never won its key; C02 is not there
    # (full-width brackets fold to ASCII, as every text cell does)
    assert names == {"F01": "一街驿站(新)", "F02": "万宁桥暖心驿站", "C01": "南郎家园暖心驿站"}
    assert published(
        settings,
        "SELECT reason, count(*) FROM quarantine WHERE path LIKE '%台账%' GROUP BY reason",
    ) == [("out_of_scope", 2)]
    # nothing lost: the checks passed (the refresh published), and the file balances
    assert published(
        settings,
        "SELECT rows_read, rows_loaded, rows_quarantined, rows_superseded FROM ingest_files "
        "WHERE path = 'stations/fs.steward__台账.csv'",
    ) == [(3, 1, 2, 0)]


def test_a_subdistrict_steward_loads_only_their_subdistricts_usage(world) -> None:
    settings, tokens = world
    client = client_for(settings)
    # 拱辰街道's steward: F01 is theirs, F02 is in 城关街道 (same district), C01 in 朝阳区
    usage = "驿站编号,服务时间,服务项目,人次\nF01,2024-05-02,饮水,4\nF02,2024-05-02,饮水,6\n" \
        "C01,2024-05-02,饮水,1\n"  # fmt: skip
    answer = post_file(client, tokens["gc.steward"], "五月.csv", usage.encode(), "usage")
    preview = answer.get_json()["preview"]
    assert preview["reasons"] == {"out_of_scope": 2}
    assert preview["counts"]["rows_loaded"] == 1
    accept(client, tokens["gc.steward"], answer.get_json())
    refresh(settings, workers=1)
    assert visits(settings, "110111011000", "2024-05-01") == 4
    assert visits(settings, FANGSHAN, "2024-05-01") == 4  # F02's 6 did not count
    assert visits(settings, CHAOYANG, "2024-05-01") == 0
    # the city steward's upload of the same rows is not scope-checked
    answer = post_file(client, tokens["city.steward"], "五月.csv", usage.encode(), "usage")
    assert answer.get_json()["preview"]["counts"]["rows_loaded"] == 3


def test_another_districts_steward_cannot_touch_an_upload_or_its_file(world) -> None:
    settings, tokens = world
    client = client_for(settings)
    usage = "驿站编号,服务时间,服务项目,人次\nF01,2024-05-02,饮水,4\n".encode()
    upload = post_file(client, tokens["fs.steward"], "may.csv", usage, "usage").get_json()
    other = bearer(tokens["cy.steward"])
    answer = client.post(f"/api/uploads/{upload['upload_id']}/accept", headers=other)
    assert (answer.status_code, answer.get_json()["error"]) == (404, "no_upload")
    done = accept(client, tokens["fs.steward"], upload)
    assert client.get(f"/api/refresh/{done['refresh_id']}", headers=other).status_code == 404
    city = bearer(tokens["city.steward"])
    assert client.get(f"/api/refresh/{done['refresh_id']}", headers=city).status_code == 200
    refresh(settings, workers=1)
    # 朝阳区's steward does not see 房山区's file, and cannot withdraw it
    assert client.get("/api/files", headers=other).get_json()["files"] == []
    answer = client.delete("/api/files/usage/fs.steward__may.csv", headers=other)
    assert (answer.status_code, answer.get_json()["error"]) == (404, "no_file_here")
    # 拱辰街道's steward neither (a district steward's file is not inside a subdistrict)
    gc = bearer(tokens["gc.steward"])
    assert client.delete("/api/files/usage/fs.steward__may.csv", headers=gc).status_code == 404
    # the city's steward sees every file, the ones dropped in landing by hand too
    city = client.get("/api/files", headers=bearer(tokens["city.steward"])).get_json()["files"]
    assert {f["path"] for f in city} == {
        "communities/base.csv", "stations/base.csv", "usage/2024-04.csv",
        "usage/fs.steward__may.csv",
    }  # fmt: skip
    # a reader who is no steward may sign in, but not upload
    from tests.fixtures.stewards import PASSWORD

    page = client.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"username": "reader", "password": PASSWORD, "csrf_token": token})
    client.get("/")
    csrf = client.get_cookie("_csrf_token").value
    answer = client.post("/api/uploads", data={"source": "usage"}, headers={"X-CSRFToken": csrf})
    assert (answer.status_code, answer.get_json()["error"]) == (403, "not_steward")


def test_a_name_replaces_only_its_own_stewards_file(world) -> None:
    settings, tokens = world
    client = client_for(settings)
    usage = settings.landing_dir / "usage"
    first = "驿站编号,服务时间,服务项目,人次\nF01,2024-05-02,饮水,4\n"
    corrected = "驿站编号,服务时间,服务项目,人次\nF01,2024-05-02,饮水,5\nF01,2024-05-03,饮水,1\n"
    upload = post_file(client, tokens["fs.steward"], "may.csv", first.encode(), "usage")
    accept(client, tokens["fs.steward"], upload.get_json())
    refresh(settings, workers=1)
    # the same steward, the same export name: a corrected export, which replaces theirs
    again = post_file(client, tokens["fs.steward"], "may.csv", corrected.encode(), "usage")
    body = again.get_json()
    assert body["landing_path"] == "usage/fs.steward__may.csv"
    assert body["preview"]["replaces"]["rows_read"] == 1
    accept(client, tokens["fs.steward"], body)
    assert (usage / "fs.steward__may.csv").read_text(encoding="utf-8") == corrected
    # another steward's export of the same name is another file, beside it
    other = post_file(client, tokens["gc.steward"], "may.csv", first.encode(), "usage")
    assert other.get_json()["preview"]["replaces"] is None
    accept(client, tokens["gc.steward"], other.get_json())
    assert (usage / "fs.steward__may.csv").read_text(encoding="utf-8") == corrected
    assert (usage / "gc.steward__may.csv").read_text(encoding="utf-8") == first
    refresh(settings, workers=1)
    # F01 in May: the corrected 5 + 1 (fs.steward) and 4 (gc.steward's file: another
    # file, so its own row) = 10; the first export's 4 was replaced
    assert visits(settings, "110111011000", "2024-05-01") == 10
    # a file an operator dropped in landing under a steward's name is never overwritten
    (usage / "fs.steward__june.csv").write_text(first, encoding="utf-8")
    answer = post_file(client, tokens["fs.steward"], "june.csv", first.encode(), "usage")
    assert (answer.status_code, answer.get_json()["error"]) == (409, "taken")
    assert "其他人" in answer.get_json()["message_zh"]
