"""Text from a hostile export stays text: names carrying markup reach the monthly
report escaped.

A union office's export is not trusted: a station or community name may hold HTML or a
script. The synthetic snapshot is given such names, as the pipeline would publish them
(it copies names verbatim). Formulas in downloads: tests/unit/dashboard/
test_snapshot_and_exports.py; the dashboard renders text through React, which escapes
it, under a CSP without inline scripts (tests/unit/auth/test_web.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.report.build import write_report
from tests.fixtures.synthetic_snapshot import LAST_MONTH, build_synthetic_snapshot

SCRIPT = '<script>alert("x")</script>'
IMAGE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "serving" / "current.duckdb"
    path.parent.mkdir()
    build_synthetic_snapshot(path, 3)
    con = duckdb.connect(str(path))
    try:
        for table in ("station_monthly", "stations"):
            con.execute(f"UPDATE {table} SET station_name = station_id || ? ", [SCRIPT])
        for table in ("community_coverage", "kpi_monthly"):
            column = "community_name" if table == "community_coverage" else "scope_name"
            con.execute(f"UPDATE {table} SET {column} = {column} || ?", [IMAGE])
    finally:
        con.close()
    return path


def test_the_report_escapes_names_from_the_exports(hostile_snapshot: Path, tmp_path: Path) -> None:
    html = write_report(hostile_snapshot, tmp_path, LAST_MONTH, pdf=False).html.read_text()
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;" in html  # the station names are there, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
