"""Generate the demo landing files of all seven sources (weather included) and their manifest.

The manifest (``<out>/demo_manifest.json``) lists every generated file with its sha256,
its data rows and its bad rows by quarantine reason. The next run deletes exactly those
files (when unchanged) before writing, so regenerating never touches an export a person
dropped in, and a test can check the bad-row share against what was written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polars as pl

from pipelines.demo import candidates, drives, geography, hotline, stations, usage, weather
from pipelines.demo.defects import Defect, inject
from pipelines.demo.exports import CellType, Layout, month_title, sha256_of, write_table
from pipelines.demo.scales import SCALES, Scale, rng_for
from pipelines.settings import get_settings

MANIFEST = "demo_manifest.json"
#: a text frame's column naming the sheet each row goes on (a workbook with several)
SHEET = "_sheet"

_CSV_STYLES = [
    Layout("csv", "gb18030", True, "slash", " %H:%M"),
    Layout("csv", "utf-8-sig", False, "iso", "T%H:%M:%S"),
    Layout("csv", "utf-8", False, "compact", " %H:%M:%S"),
    Layout("csv", "gb18030", True, "chinese", " %H:%M"),
    Layout("csv", "utf-8-sig", True, "dot", " %H:%M:%S"),
]


class Writer:
    """Writes files under the output folder and keeps the manifest's entries."""

    def __init__(self, out_dir: Path, seed: int, progress: Callable[[str], None]) -> None:
        self.out_dir, self.seed, self.progress = out_dir, seed, progress
        self.files: dict[str, dict] = {}

    def write(
        self,
        relative: str,
        source: str,
        text: pl.DataFrame,
        headers: dict,
        layout: Layout,
        cell_types: dict[str, CellType],
        defects: list[Defect],
        **notes: int,
    ) -> None:
        path = self.out_dir / relative
        if path.exists():
            raise FileExistsError(
                f"{path} exists and is not a demo file from the last run; move it away first"
            )
        text, bad = inject(text, defects, rng_for(self.seed, f"defects:{relative}"))
        names = [
            h if isinstance(h, str) else h[0 if layout.chinese else 1] for h in headers.values()
        ]
        sheets = text.get_column(SHEET) if SHEET in text.columns else None
        sha, skipped = write_table(
            path, text.select(list(headers)), names, layout, cell_types, sheets
        )
        self.files[relative] = {
            "source": source,
            "rows": text.height,
            "bad_rows": dict(sorted(bad.items())),
            "layout": layout.describe(),
            "sha256": sha,
            **notes,
        }
        if skipped:  # totals and footer rows: read and counted, never loaded
            self.files[relative]["skipped_rows"] = skipped
        if sheets is not None:
            self.files[relative]["sheets"] = sheets.n_unique()
        self.progress(f"{relative}: {text.height:,} rows, {sum(bad.values())} bad")


def generate(
    scale: str | Scale,
    seed: int,
    out_dir: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write the demo landing files of a scale into ``out_dir/<source>/`` (default: the
    landing folder), replacing the previous demo files; returns the manifest."""
    scale = SCALES[scale] if isinstance(scale, str) else scale
    out_dir = Path(out_dir) if out_dir is not None else get_settings().landing_dir
    remove_previous(out_dir)
    writer = Writer(out_dir, seed, progress or (lambda message: None))

    communities = geography.communities_for(scale, seed)
    writer.write(
        "communities/communities.csv",
        "communities",
        geography.communities_text(communities),
        geography.HEADERS,
        Layout("csv", "gb18030", True),
        {},
        [],
    )
    registry = stations.build_stations(scale, seed, communities)
    seven = tuple(stations.HEADERS[code] for code in stations.AMENITIES)
    sheet = Layout(
        "xlsx",
        chinese=True,
        date_style="excel",
        title="北京市暖心驿站台账（截至2026年10月31日）",
        group=("七有配置", seven),
    )
    writer.write(
        "stations/stations.xlsx",
        "stations",
        stations.stations_text(registry, sheet),
        stations.HEADERS,
        sheet,
        stations.CELL_TYPES,
        stations.stations_defects(sheet),
    )
    sites = candidates.build_candidates(scale, seed, communities, registry)
    sheet = Layout("xlsx", chinese=True, date_style="excel", title="暖心驿站候选点位清单")
    writer.write(
        "candidate_sites/candidate_sites.xlsx",
        "candidate_sites",
        candidates.candidates_text(sites, sheet),
        candidates.HEADERS,
        sheet,
        candidates.CELL_TYPES,
        candidates.candidates_defects(),
    )
    _write_drives(writer, scale, seed, communities)
    daily = weather.daily_weather(seed, sorted(set(communities["district"].to_list())))
    _write_weather(writer, scale, daily)
    _write_usage(writer, scale, seed, registry, weather.usage_response(daily))
    _write_hotline(writer, scale, seed, communities)

    manifest = {
        "generator": "python -m pipelines demo-data",
        "scale": scale.name,
        "seed": seed,
        "months": [f"{scale.window[0]:%Y-%m}", f"{scale.window[-1]:%Y-%m}"],
        "totals": _totals(writer.files),
        "files": writer.files,
    }
    (out_dir / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest


def remove_previous(out_dir: Path) -> list[Path]:
    """Delete the files the last run listed in its manifest, where still unchanged."""
    manifest_path = out_dir / MANIFEST
    if not manifest_path.exists():
        return []
    removed = []
    root = out_dir.resolve()
    for relative, entry in (
        json.loads(manifest_path.read_text(encoding="utf-8")).get("files", {}).items()
    ):
        path = (out_dir / relative).resolve()
        if root in path.parents and path.is_file() and sha256_of(path) == entry.get("sha256"):
            path.unlink()
            removed.append(path)
    manifest_path.unlink()
    return removed


def _write_drives(writer: Writer, scale: Scale, seed: int, communities: pl.DataFrame) -> None:
    """One workbook a quarter with a sheet a month, each with its 合计 row, the footer
    under the last; dates as Excel date cells or (every other quarter) serials."""
    table = drives.build_drives(scale, seed, communities)
    quarter = (
        pl.col("held_on").dt.year().cast(pl.String)
        + "Q"
        + pl.col("held_on").dt.quarter().cast(pl.String)
    )
    for i, ((name,), rows) in enumerate(
        table.with_columns(q=quarter).partition_by("q", as_dict=True).items()
    ):
        year, q = name.split("Q")
        layout = Layout(
            "xlsx",
            chinese=True,
            date_style="serial" if i % 2 else "excel",
            title=f"{year}年第{'一二三四'[int(q) - 1]}季度 入会活动统计",
            totals=("reached", "enrolled"),
        )
        month = rows["held_on"].min()
        by_month = rows.drop("q").with_columns(
            pl.format("{}月", pl.col("held_on").dt.month()).alias(SHEET)
        )
        writer.write(
            f"drives/drives_{name}.xlsx",
            "drives",
            drives.drives_text(by_month, layout),
            drives.HEADERS,
            layout,
            drives.CELL_TYPES,
            drives.drives_defects(month, layout),
        )


def _write_weather(writer: Writer, scale: Scale, daily: pl.DataFrame) -> None:
    """The meteorological service's export, one CSV a quarter for the scale's districts
    and months (UTF-8 with BOM, Chinese headers, dates alternately ISO and slashed)."""
    months = pl.col("date").dt.truncate("1mo").is_in(scale.window)
    quarter = (
        pl.col("date").dt.year().cast(pl.String) + "Q" + pl.col("date").dt.quarter().cast(pl.String)
    )
    table = daily.filter(months).with_columns(q=quarter)
    for i, ((name,), rows) in enumerate(table.partition_by("q", as_dict=True).items()):
        layout = Layout("csv", "utf-8-sig", True, "iso" if i % 2 == 0 else "slash")
        writer.write(
            f"weather/weather_{name}.csv",
            "weather",
            weather.weather_text(rows.drop("q"), layout),
            weather.HEADERS,
            layout,
            weather.CELL_TYPES,
            weather.weather_defects(rows["date"].min(), layout),
        )


def _usage_csv_layout(i: int) -> Layout:
    """The city-wide export of month ``i``: Excel's habits now and then — a ``sep=;``
    hint, a hand-rolled export that never quotes, 12-hour times, phone numbers kept as
    text by an apostrophe."""
    layout = _CSV_STYLES[i % len(_CSV_STYLES)]
    habit = i % 3  # every habit within any three months, the small demo's too
    if habit == 0:
        return replace(layout, twelve_hour=True, apostrophes=("worker_ref",))
    if habit == 1:
        return replace(layout, delimiter=";", sep_hint=True)
    return replace(layout, quoted=False)


def _write_usage(
    writer: Writer, scale: Scale, seed: int, registry: pl.DataFrame, response: pl.DataFrame
) -> None:
    """A city-wide CSV a month; 拱辰街道 keeps its own monthly workbook with a title row,
    a 合计 row and a signed footer, saved every fourth month by an old Excel (XLS).
    Usage follows the weather (``response``: date, district, factor)."""
    rate = usage.calibrate_rate(registry, scale.window, scale.usage_rows, response)
    gongchen = set(registry.filter(pl.col("subdistrict") == "拱辰街道")["station_id"].to_list())
    for i, month in enumerate(scale.window):
        rows = usage.usage_month(registry, month, rate, rng_for(seed, f"usage:{month}"), response)
        local = rows["station_id"].is_in(list(gongchen))
        layout = _usage_csv_layout(i)
        text = usage.usage_text(
            rows.filter(~local), layout, synonyms=i % 2 == 0, blank_single_visits=i % 3 == 0
        )
        writer.write(
            f"usage/usage_{month:%Y-%m}.csv",
            "usage",
            text,
            usage.HEADERS,
            layout,
            usage.CELL_TYPES,
            usage.usage_defects(month, layout),
        )
        if local.any():
            sheet = Layout(
                "xls" if i % 4 == 1 else "xlsx",
                chinese=True,
                date_style="excel",
                title=month_title(month, "拱辰街道驿站服务记录"),
                totals=("visits",),
            )
            text = usage.usage_text(
                rows.filter(local), sheet, synonyms=False, blank_single_visits=False
            )
            writer.write(
                f"usage/usage_{month:%Y-%m}_拱辰街道.{sheet.kind}",
                "usage",
                text,
                usage.HEADERS,
                sheet,
                usage.CELL_TYPES,
                usage.usage_defects(month, sheet),
            )


def _write_hotline(writer: Writer, scale: Scale, seed: int, communities: pl.DataFrame) -> None:
    """A monthly export; every sixth month the hotline centre sent a workbook instead."""
    for i, (month, calls) in enumerate(hotline.hotline_months(scale, seed, communities)):
        if i % 6 == 2:
            layout = Layout(
                "xlsx",
                chinese=True,
                date_style="excel",
                title=month_title(month, "12351热线工单明细"),
            )
            name = f"hotline/hotline_{month:%Y-%m}.xlsx"
        else:
            layout = _CSV_STYLES[(i + 3) % len(_CSV_STYLES)]
            if i % 3 == 1:
                layout = replace(layout, twelve_hour=True)
            if i % 3 == 0:
                layout = replace(layout, apostrophes=("caller_phone",))
            name = f"hotline/hotline_{month:%Y-%m}.csv"
        writer.write(
            name,
            "hotline",
            hotline.hotline_text(calls, layout, rating_words=layout.chinese and i % 2 == 0),
            hotline.HEADERS,
            layout,
            hotline.CELL_TYPES,
            hotline.hotline_defects(month, layout),
            carried_calls=int(calls["carried"].sum()),
            status_updates=int(calls["update"].sum()),
        )


def _totals(files: dict[str, dict]) -> dict[str, dict]:
    totals: dict[str, dict] = {}
    for entry in files.values():
        total = totals.setdefault(entry["source"], {"files": 0, "rows": 0, "bad_rows": 0})
        total["files"] += 1
        total["rows"] += entry["rows"]
        total["bad_rows"] += sum(entry["bad_rows"].values())
    for total in totals.values():
        total["bad_share"] = round(total["bad_rows"] / total["rows"], 5) if total["rows"] else 0.0
    return totals
