"""The upload preview is a dry run of the pipeline's own code: for every file of the
bad-input corpus, previewing it gives exactly the counts, the reasons and the status the
real refresh gives it (the same lake around it, the same modification time)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from pipelines.ingest.specs import SPECS
from pipelines.settings import get_settings
from pipelines.uploads.preview import dry_run
from tests.integration.test_ingest_bad_inputs import CASES, CORPUS, ingest_case

COUNTS = ("rows_read", "rows_loaded", "rows_quarantined", "rows_superseded", "rows_skipped")


@pytest.mark.parametrize("case", sorted(CASES))
def test_preview_counts_are_the_real_runs(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = ingest_case(case, tmp_path, monkeypatch)
    settings = get_settings()
    before = sorted(p for p in tmp_path.rglob("*") if "uploads" not in p.parts)
    for rel in CASES[case]:
        source = rel.split("/")[0]
        if source not in SPECS:
            continue
        landed = settings.landing_dir / rel
        preview = dry_run(settings, CORPUS / case / rel, source, rel, None,
                          mtime=os.stat(landed).st_mtime)  # fmt: skip
        real = con.execute(
            f"SELECT status, message, {', '.join(COUNTS)} FROM marts.ingest_files WHERE path = ?",
            [rel],
        ).fetchone()
        assert (preview["status"], preview["message"]) == real[:2], rel
        assert tuple(preview["counts"][c] for c in COUNTS) == real[2:], rel
        reasons = con.execute(
            "SELECT reason, count(*) FROM marts.quarantine WHERE path = ? GROUP BY reason", [rel]
        ).fetchall()
        assert Counter(preview["reasons"]) == Counter(dict(reasons)), rel
        shown = con.execute(
            "SELECT sheet, row_number, column_name, reason FROM marts.quarantine WHERE path = ? "
            "ORDER BY sheet NULLS FIRST, row_number, column_name LIMIT 50",
            [rel],
        ).fetchall()
        assert [
            (q["sheet"], q["row_number"], q["column"], q["reason"]) for q in preview["quarantined"]
        ] == shown, rel
    # the dry run wrote nothing but its own temporary folder, which is gone
    assert sorted(p for p in tmp_path.rglob("*") if "uploads" not in p.parts) == before
    assert not any((tmp_path / "uploads").glob("preview-*"))
