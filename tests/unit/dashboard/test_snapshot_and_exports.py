"""The snapshot is followed across replacements; downloads neutralise formulas."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import polars as pl
import pytest

from dashboards import data, export
from tests.fixtures.synthetic_snapshot import build_synthetic_snapshot


def test_replacing_the_snapshot_reopens_it(tmp_path: Path):
    path = tmp_path / "serving" / "current.duckdb"
    snapshot = data.Snapshot(path)
    assert not snapshot.exists()
    with pytest.raises(data.NoSnapshot):
        snapshot.query("SELECT 1")
    build_synthetic_snapshot(path, months=2)
    count = "SELECT count(DISTINCT month) AS n FROM kpi_monthly"
    assert snapshot.query(count)["n"].item() == 2
    # the pipeline's way: build a new file beside it, then os.replace it onto current
    build_synthetic_snapshot(tmp_path / "next.duckdb", months=5)
    os.replace(tmp_path / "next.duckdb", path)
    assert snapshot.query(count)["n"].item() == 5
    path.unlink()
    with pytest.raises(data.NoSnapshot):
        snapshot.query(count)
    snapshot.close()


def test_queries_from_many_threads_while_replaced(tmp_path: Path):
    path = build_synthetic_snapshot(tmp_path / "current.duckdb", months=2)
    build_synthetic_snapshot(tmp_path / "a.duckdb", months=3)
    build_synthetic_snapshot(tmp_path / "b.duckdb", months=4)
    snapshot = data.Snapshot(path)
    seen: set[int] = set()
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(40):
                seen.add(snapshot.query("SELECT count(DISTINCT month) n FROM kpi_monthly")["n"][0])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    os.replace(tmp_path / "a.duckdb", path)
    os.replace(tmp_path / "b.duckdb", path)
    for thread in threads:
        thread.join()
    assert not errors
    assert seen <= {2, 3, 4}
    assert snapshot.query("SELECT count(DISTINCT month) n FROM kpi_monthly")["n"][0] == 4
    snapshot.close()


def _table() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "station_name": ['=HYPERLINK("http://x")', "+1", "-翠微南里", "@SUM(A1)", "安全"],
            "visits": [-3, 1, 2, 3, 4],
        }
    )


ABOUT = export.About("表", [("范围", "全市")])


def table_part(raw: bytes) -> io.BytesIO:
    """The table of a CSV download: what follows the description and its blank line."""
    text = raw.decode("utf-8-sig")
    return io.BytesIO(text.split("\n\n", 1)[1].encode("utf-8"))


def test_csv_neutralises_formula_cells():
    raw = export.to_csv(_table(), "zh", ABOUT)
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pl.read_csv(table_part(raw))
    assert back.columns == ["驿站名称", "服务人次"]
    assert back["驿站名称"].to_list() == [
        "'=HYPERLINK(\"http://x\")", "'+1", "'-翠微南里", "'@SUM(A1)", "安全",
    ]  # fmt: skip
    assert back["服务人次"].to_list() == [-3, 1, 2, 3, 4]  # numbers stay numbers


def test_downloads_show_labels_not_codes():
    table = pl.DataFrame({"platform": ["meituan", None], "enrolled": [3, 1]})
    back = pl.read_csv(table_part(export.to_csv(table, "zh", ABOUT)))
    assert back["平台"].to_list() == ["美团", "未知"]
    back = pl.read_csv(table_part(export.to_csv(table, "en", ABOUT)))
    assert back["Platform"].to_list() == ["Meituan", "Unknown"]


def test_xlsx_neutralises_formula_cells_and_keeps_types(tmp_path: Path):
    target = tmp_path / "t.xlsx"
    target.write_bytes(export.to_xlsx(_table(), "en", ABOUT))
    back = pl.read_excel(target, sheet_name="表")
    assert back.columns == ["Station", "Visits"]
    assert back["Station"].to_list()[:4] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-翠微南里",
                                            "'@SUM(A1)"]  # fmt: skip
    assert back["Visits"].to_list() == [-3, 1, 2, 3, 4]


def test_a_registry_download_is_neutralised(tmp_path: Path):
    from pipelines.settings import Settings

    settings = Settings(data_dir=tmp_path)
    build_synthetic_snapshot(settings.snapshot_path, months=1)
    data.configure(settings)
    try:
        table = data.download_table(
            data.Viewer(), "stations", {"scope": None, "month": "2024-03-01"}
        )
        text = export.to_csv(table, "zh", ABOUT).decode("utf-8-sig")
        assert "'=HYPERLINK" in text and "'-翠微南里甲1号" in text
        assert ",=HYPERLINK" not in text
    finally:
        data.snapshot(settings).close()
