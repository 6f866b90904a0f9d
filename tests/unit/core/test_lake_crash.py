"""What a writer killed half-way leaves in the lake is never read as data: a record cut
off while it was written, a Parquet part written but never committed. The next clean-up
removes both."""

from __future__ import annotations

from pathlib import Path

from pipelines.lake import FILES, RAW, FileRecord, Lake


def test_a_half_written_record_and_an_orphan_part_are_ignored_then_removed(tmp_path: Path):
    lake = Lake(tmp_path)
    done = FileRecord("usage/a.csv", "usage", "sha-a", "loaded", raw_file="a.parquet")
    with lake.writing(RAW, "usage", "a.parquet") as part:
        part.write_bytes(b"PAR1 rows of a PAR1")
    lake.commit(done)
    # killed while writing b's record (its temporary name) after writing b's part
    (tmp_path / FILES / "usage" / ".tmp-0123.json").write_text('{"path": "usage/b.csv", "so')
    (tmp_path / RAW / "usage" / "b.parquet").write_bytes(b"PAR1 rows of b PAR1")

    assert lake.records() == [done]
    assert lake.raw_paths("usage") == [tmp_path / RAW / "usage" / "a.parquet"]
    assert lake.collect_garbage() == 2
    left = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert left == sorted(["a.parquet", f"{done.key}.json"])
