"""Every download works for every role: city, district (房山区) and subdistrict (拱辰街道)
users click each button of the dashboard in each format, signed in, through the real
download callback. A file always comes back (never an HTTP 500), named for its data
month and the user's scope, describing itself, holding nothing outside the scope.
"""

from __future__ import annotations

import base64
import io
import json

import fastexcel
import pytest
from flask.testing import FlaskClient

from dashboards.data import DOWNLOADS
from tests.unit.auth.helpers import csrf_cookie
from tests.unit.auth.test_scope_enforcement import (  # noqa: F401 (the fixture)
    _callback_key,
    _client,
    dashboard,
)

MONTH = "2024-03-01"
#: what each page writes into its download store, as the pages do
PARAMS = {
    "coverage_gaps": {"radius_m": 1000.0},
    "stations": {"missing": None},
    "siting_plan": {"k": 3, "radius_m": 1000.0},
}
ROLES = {  # user → (the scope's name in file names, a place outside the scope)
    "city1": ("北京市", None),
    "fangshan": ("房山区", "翠微"),
    "gongchen": ("拱辰街道", "周庄"),
}


def fetch(client: FlaskClient, name: str, fmt: str, lang: str) -> tuple[str, bytes]:
    """A click on download button ``name``/``fmt``: the file name and its bytes."""
    app = client.application.extensions["wsi_auth"].app
    button = {"fmt": fmt, "name": name, "type": "dl-btn"}
    params = {"scope": "110000000000", "month": MONTH, **PARAMS.get(name, {})}
    body = {
        "output": _callback_key(app, '{"name":["MATCH"],"type":"dl"}.data'),
        "outputs": {"id": {"name": name, "type": "dl"}, "property": "data"},
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "state": [
            {"id": {"name": name, "type": "dl-params"}, "property": "data", "value": params},
            {"id": "lang", "property": "data", "value": lang},
        ],
        "changedPropIds": [json.dumps(button, separators=(",", ":")) + ".n_clicks"],
    }
    response = client.post(
        "/_dash-update-component", json=body, headers={"X-CSRFToken": csrf_cookie(client)}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    payload = next(iter(response.get_json()["response"].values()))["data"]
    content = payload["content"]
    raw = base64.b64decode(content) if payload.get("base64") else content.encode("utf-8")
    return payload["filename"], raw


@pytest.fixture(scope="module")
def clients(dashboard):  # noqa: F811
    return {user: _client(dashboard, user) for user in ROLES}


@pytest.mark.parametrize("user", sorted(ROLES))
@pytest.mark.parametrize("name", sorted(DOWNLOADS))
def test_every_download_for_every_role(clients, user, name):
    scope_name, outside = ROLES[user]
    for fmt in ("csv", "xlsx"):
        filename, raw = fetch(clients[user], name, fmt, "zh")
        assert filename.endswith(f".{fmt}")
        # the scope in the name (the plan's own scope for siting), the data month for all
        assert "2024-03" in filename and scope_name in filename, filename
        if fmt == "csv":
            text = raw.decode("utf-8-sig")
            assert "\n范围," in text and "\n数据月份,2024年3月" in text, text[:200]
        else:
            names = fastexcel.read_excel(raw).sheet_names
            assert names[-1] == "说明" and len(names) == 2
            text = "".join(
                str(cell)
                for sheet in names
                for row in fastexcel.read_excel(raw).load_sheet_by_name(sheet, header_row=None)
                .to_polars().rows()
                for cell in row
            )  # fmt: skip
        if outside:
            assert outside not in text, (user, name, fmt)


def test_an_english_reader_gets_english_names_and_words(clients):
    filename, raw = fetch(clients["fangshan"], "stations", "csv", "en")
    assert filename == "Station-registry_房山区_2024-03.csv"
    text = raw.decode("utf-8-sig")
    assert text.startswith("Station registry\nScope,房山区\nData month,Mar 2024\n")
    assert "Meets the standard" in text and ",yes," in text and "是" not in text.split("\n\n")[1]


def test_data_quality_files_for_a_district_user_hold_no_rows(clients):
    _, raw = fetch(clients["fangshan"], "quarantine_rows", "csv", "zh")
    head, _, table = raw.decode("utf-8-sig").partition("\n\n")
    assert "行数,0" in head and table.strip() == ""
    assert fetch(clients["city1"], "quarantine_rows", "csv", "zh")[1].count(b"\n") > 10
    io.BytesIO(raw)  # a file, not an error page
