"""The real dashboard behind sign-in: a viewer gets their scope's numbers and nothing else,
whatever a crafted ``/_dash-update-component`` request asks for.

Runs ``create_app`` on the synthetic snapshot (tests/fixtures/synthetic_snapshot.py):
房山区 (110111000000) holds 拱辰街道 (梅花庄, 北关东路, 行宫园) and 琉璃河地区 (周庄村);
海淀区 (110108000000) holds 万寿路街道 (翠微路, 翠微南里). Requests are built from the
app's own callback map, with the inputs a malicious client would choose.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import dash
import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient

from dashboards.auth import users as users_module
from dashboards.auth.users import UserStore
from pipelines.settings import Settings, get_settings
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot
from tests.unit.auth.helpers import PASSWORD, csrf_cookie, login

FANGSHAN, HAIDIAN, GONGCHEN, CITY = "110111000000", "110108000000", "110111011000", "110000000000"
MONTH = "2024-03-01"


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dash.Dash, Settings]]:
    data_dir = tmp_path_factory.mktemp("scoped") / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WSI_DATA_DIR", str(data_dir))
        patch.delenv("WSI_AUTH", raising=False)
        patch.setattr(
            users_module,
            "default_hasher",
            lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
        )
        settings = get_settings()
        settings.serving_dir.mkdir(parents=True)
        build_synthetic_snapshot(settings.snapshot_path, 3)
        settings.reports_dir.mkdir()
        (settings.reports_dir / "2024-03.html").write_text("<p>全市 city report</p>")
        (settings.reports_dir / f"2024-03-{FANGSHAN}.html").write_text("<p>房山 report</p>")
        store = UserStore(settings.users_path)
        store.add("city1", "city", CITY, PASSWORD)
        store.add("fangshan", "district", FANGSHAN, PASSWORD)
        store.add("gongchen", "subdistrict", GONGCHEN, PASSWORD)

        from dashboards.app import create_app

        app = create_app(settings)
        yield app, settings


def _client(dashboard: tuple[dash.Dash, Settings], username: str) -> FlaskClient:
    app, _ = dashboard
    client = app.server.test_client()
    assert login(client, username).status_code == 302
    client.get("/")
    return client


def _callback_key(app: dash.Dash, output: str) -> str:
    keys = [key for key in app.callback_map if output in _output_names(key)]
    assert len(keys) == 1, f"one callback writes {output}: {keys}"
    return keys[0]


def _output_names(key: str) -> list[str]:
    return key[2:-2].split("...") if key.startswith("..") else [key]


def _spec(item: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    raw = item["id"]
    key = f"{raw}.{item['property']}"
    return {
        "id": json.loads(raw) if raw.startswith("{") else raw,
        "property": item["property"],
        "value": values.get(key),
    }


def _outputs(key: str) -> list[dict[str, Any]]:
    outputs = []
    for part in _output_names(key):
        ident, _, prop = part.rpartition(".")
        outputs.append({"id": json.loads(ident) if ident.startswith("{") else ident,
                        "property": prop})  # fmt: skip
    return outputs if key.startswith("..") else outputs[0]


def crafted(client: FlaskClient, output: str, values: dict[str, Any]) -> Any:
    """POST the callback that writes ``output`` with the given input/state values."""
    app = client.application.extensions["wsi_auth"].app
    key = _callback_key(app, output)
    entry = app.callback_map[key]
    body = {
        "output": key,
        "outputs": _outputs(key),
        "inputs": [_spec(i, values) for i in entry["inputs"]],
        "state": [_spec(s, values) for s in entry.get("state", [])],
        "changedPropIds": [f"{i['id']}.{i['property']}" for i in entry["inputs"][:1]],
    }
    response = client.post(
        "/_dash-update-component", json=body, headers={"X-CSRFToken": csrf_cookie(client)}
    )
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:500]
    if response.status_code == 204:
        return ""
    # Re-encoded without \\u escapes so that a test can look for Chinese names.
    return json.dumps(response.get_json(), ensure_ascii=False, sort_keys=True)


def download(client: FlaskClient, name: str, params: dict[str, Any]) -> str:
    """A crafted download-button click; returns the CSV text (empty when refused)."""
    button = {"fmt": "csv", "name": name, "type": "dl-btn"}
    body = {
        "output": _callback_key(
            client.application.extensions["wsi_auth"].app, '{"name":["MATCH"],"type":"dl"}.data'
        ),
        "outputs": {"id": {"name": name, "type": "dl"}, "property": "data"},
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "state": [
            {"id": {"name": name, "type": "dl-params"}, "property": "data", "value": params},
            {"id": "lang", "property": "data", "value": "zh"},
        ],
        "changedPropIds": [json.dumps(button, separators=(",", ":")) + ".n_clicks"],
    }
    response = client.post(
        "/_dash-update-component", json=body, headers={"X-CSRFToken": csrf_cookie(client)}
    )
    if response.status_code == 204:
        return ""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    payload = next(iter(response.get_json()["response"].values()))["data"]
    content = base64.b64decode(payload["content"]) if payload.get("base64") else payload["content"]
    return content.decode("utf-8-sig") if isinstance(content, bytes) else content


PAGE = {"lang.data": "zh", "month.value": MONTH}


# -- crafted scopes on page callbacks ----------------------------------------------------
def test_overview_for_another_district_returns_the_viewers_own(dashboard) -> None:
    fangshan = _client(dashboard, "fangshan")
    own = crafted(fangshan, "overview-kpis.children", {**PAGE, "scope.data": FANGSHAN})
    for foreign in (HAIDIAN, CITY, "110108001001", "'; DROP TABLE kpi_monthly; --"):
        asked = crafted(fangshan, "overview-kpis.children", {**PAGE, "scope.data": foreign})
        assert asked == own
    city = _client(dashboard, "city1")
    haidian = crafted(city, "overview-kpis.children", {**PAGE, "scope.data": HAIDIAN})
    assert haidian != own  # the city does see 海淀区, so the comparison above means something


def test_rankings_compare_with_peers_but_never_look_inside_them(dashboard) -> None:
    """A district leader sees the districts' totals ranked (their peers) and their own
    subdistricts, never a subdistrict of another district; a subdistrict leader sees the
    subdistricts of their district, never another district's (issue 16: every level
    compares)."""
    values = {**PAGE, "scope.data": CITY, "overview-rank-by.value": "visits"}

    def figures(username: str, scope: str) -> tuple[str, str]:
        """The peers' and the inside ranking's figures as text (one callback draws both)."""
        text = crafted(_client(dashboard, username), "overview-rank-peers.figure",
                       {**values, "scope.data": scope})  # fmt: skip
        response = json.loads(text)["response"]
        return tuple(
            json.dumps(response[f"overview-rank-{which}"]["figure"], ensure_ascii=False)
            for which in ("peers", "inside")
        )

    peers, inside = figures("fangshan", CITY)
    assert "海淀区" in peers and "房山区" in peers and "万寿路" not in peers
    assert "拱辰" in inside and "海淀" not in inside and "万寿路" not in inside
    peers, inside = figures("gongchen", HAIDIAN)
    assert "琉璃河" in peers and "海淀" not in peers and "万寿路" not in peers
    assert "梅花庄" in inside and "周庄" not in inside
    assert "万寿路" in figures("city1", CITY)[1]


def test_coverage_and_demand_stay_inside_the_subdistrict(dashboard) -> None:
    gongchen = _client(dashboard, "gongchen")
    for output in ("coverage-map.figure", "demand-communities.figure"):
        text = crafted(gongchen, output, {**PAGE, "scope.data": FANGSHAN, "coverage-radius.value":
                                          1000, "demand-per.value": "total"})  # fmt: skip
        assert "梅花庄" in text
        assert "周庄" not in text and "翠微" not in text


def test_scope_pickers_offer_only_the_viewers_scope(dashboard) -> None:
    fangshan = _client(dashboard, "fangshan")
    districts = crafted(fangshan, "district.options", {"lang.data": "zh"})
    assert "房山区" in districts and "海淀区" not in districts
    subdistricts = crafted(fangshan, "subdistrict.options", {"district.value": HAIDIAN})
    assert "万寿路" not in subdistricts
    picked = crafted(fangshan, "scope.data", {"district.value": HAIDIAN})
    assert json.loads(picked)["response"]["scope"]["data"] == FANGSHAN


def test_data_quality_is_for_the_city_only(dashboard) -> None:
    fangshan = _client(dashboard, "fangshan")
    text = crafted(fangshan, "quality-reasons.figure", {"lang.data": "zh"})
    city_text = crafted(_client(dashboard, "city1"), "quality-reasons.figure", {"lang.data": "zh"})
    # a reason of the rows the city sees, in words: 驿站编号不在台账中 (unknown_station)
    assert "驿站编号不在台账中" in city_text and "驿站服务记录" in city_text
    assert "驿站编号不在台账中" not in text


# -- downloads -----------------------------------------------------------------------------
def test_a_crafted_download_for_another_scope_returns_only_the_viewers_rows(dashboard) -> None:
    fangshan = _client(dashboard, "fangshan")
    for scope in (HAIDIAN, CITY, "110108001004"):
        csv_text = download(fangshan, "demand", {"scope": scope, "month": MONTH})
        assert "梅花庄" in csv_text and "周庄" in csv_text
        assert "翠微" not in csv_text
    city_csv = download(_client(dashboard, "city1"), "demand", {"scope": HAIDIAN, "month": MONTH})
    assert "翠微" in city_csv and "梅花庄" not in city_csv


def test_a_subdistrict_download_of_its_district_is_cut_to_the_subdistrict(dashboard) -> None:
    gongchen = _client(dashboard, "gongchen")
    for name in ("demand", "stations", "coverage_gaps"):
        csv_text = download(gongchen, name, {"scope": FANGSHAN, "month": MONTH})
        assert "周庄" not in csv_text and "翠微" not in csv_text, name


@pytest.mark.parametrize("name", ["ingest_files", "quarantine_summary", "quarantine_rows"])
def test_file_level_downloads_are_refused_below_the_city(dashboard, name: str) -> None:
    text = download(_client(dashboard, "fangshan"), name, {})
    assert "communities" not in text


def test_report_files_follow_the_scope(dashboard) -> None:
    fangshan = _client(dashboard, "fangshan")
    assert fangshan.get("/reports/2024-03.html").status_code == 404
    assert fangshan.get(f"/reports/2024-03-{FANGSHAN}.html").status_code == 200
    city = _client(dashboard, "city1")
    assert city.get("/reports/2024-03.html").status_code == 200


# -- and nothing at all without a session ----------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/", "/coverage", "/_dash-layout", "/_dash-dependencies", "/reports/2024-03.html"]
)
def test_the_dashboard_needs_a_session(dashboard, path: str) -> None:
    app, _ = dashboard
    response = app.server.test_client().get(path, headers={"Accept": "application/json"})
    assert response.status_code == 401


def test_a_crafted_callback_without_a_session_gets_nothing(dashboard) -> None:
    app, _ = dashboard
    client = app.server.test_client()
    key = _callback_key(app, "overview-kpis.children")
    response = client.post("/_dash-update-component", json={"output": key, "inputs": []})
    assert response.status_code == 401
    assert "visits" not in response.get_data(as_text=True)


def test_siting_plans_only_the_viewers_scope(dashboard) -> None:
    fangshan = _client(dashboard, "fangshan")
    asked = {"k": 3, "radius_m": 1000, "scope": HAIDIAN}
    values = {"siting-request.data": asked, "lang.data": "zh"}
    text = crafted(fangshan, "siting-summary.children", values)
    assert "房山区" in text
    assert "翠微" not in text and "万寿路" not in text
    options = crafted(fangshan, "siting-scope.options", {"lang.data": "zh"})
    assert "海淀" not in options and "拱辰街道" in options
    csv_text = download(fangshan, "siting_plan", asked)
    assert "翠微" not in csv_text and "行宫园党群服务中心" in csv_text
    # a subdistrict's staff plan their subdistrict, map and file included
    gongchen = _client(dashboard, "gongchen")
    text = crafted(gongchen, "siting-map.figure", values)
    assert "行宫园" in text and "翠微" not in text and "周庄" not in text
    csv_text = download(gongchen, "siting_plan", asked)
    assert "行宫园党群服务中心" in csv_text and "周庄" not in csv_text


# -- 需求预测 Demand forecast ----------------------------------------------------------
def test_a_crafted_forecast_request_for_another_district_returns_the_viewers_own(dashboard):
    fangshan = _client(dashboard, "fangshan")
    answer = crafted(fangshan, "demand-forecast-summary.children",
                     {"lang.data": "zh", "scope.data": HAIDIAN,
                      "demand-forecast-station.value": "S004"})  # fmt: skip
    # 房山: 28 visits in April (S001 20 + S002 8); 海淀 and its S004 would be 4
    assert "房山区：根据截至" in answer and "约 28 人次" in answer
    assert "海淀" not in answer and "翠微" not in answer
    stations = crafted(fangshan, "demand-forecast-station.options",
                       {"lang.data": "zh", "scope.data": HAIDIAN})  # fmt: skip
    assert "S001" in stations and "S002" in stations and "S004" not in stations


def test_a_crafted_forecast_download_for_another_district_holds_only_the_viewers(dashboard):
    fangshan = _client(dashboard, "fangshan")
    for scope in (HAIDIAN, "110000000000", "110108001004"):
        text = download(fangshan, "demand_forecast", {"scope": scope})
        assert "房山区" in text and "S001" in text
        assert "海淀" not in text and "S004" not in text and "北京市" not in text
    own = download(fangshan, "demand_forecast", {"scope": FANGSHAN})
    # 房山, 拱辰, 梅花庄, 北关东路, S001, S002: 3 months each, and the heading (after the
    # lines that say what the file holds)
    table = own.split("\n\n", 1)[1]
    assert len(table.strip().splitlines()) == 6 * 3 + 1
