"""The demo generator's manifest says what each file holds; the pipeline must count the
same: every data row read, the bad rows quarantined by the recorded reasons, the totals
and footer rows skipped, and the balance rows_read = loaded + quarantined + superseded
+ skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.demo import MANIFEST, generate
from pipelines.settings import get_settings
from tests.fixtures.lakehouse import build


def test_the_pipeline_counts_what_the_manifest_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WSI_PSEUDONYM_KEY", "test-key")
    settings = get_settings()
    generate("small", 5, settings.landing_dir)
    manifest = json.loads((settings.landing_dir / MANIFEST).read_text(encoding="utf-8"))
    con = build(settings)
    habits = " ".join(entry["layout"] for entry in manifest["files"].values())
    for habit in ("xls,", "sep=;", "unquoted", "12h", "apostrophes", "group header", "totals"):
        assert habit in habits, habit
    for relative, entry in manifest["files"].items():
        status, read, loaded, quarantined, superseded, skipped = con.execute(
            """SELECT status, rows_read, rows_loaded, rows_quarantined, rows_superseded,
                      rows_skipped FROM marts.ingest_files WHERE path = ?""",
            [relative],
        ).fetchone()
        reasons = dict(
            con.execute(
                "SELECT reason, count(*) FROM marts.quarantine WHERE path = ? GROUP BY 1",
                [relative],
            ).fetchall()
        )
        assert status == "loaded", relative
        assert skipped == entry.get("skipped_rows", 0), relative
        assert read == entry["rows"] + skipped, relative
        assert reasons == entry["bad_rows"], relative
        assert read == loaded + quarantined + superseded + skipped, relative
