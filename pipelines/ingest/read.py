"""Readers: a landing file (CSV in any of its real-world shapes, or XLSX) as a header row
and batches of text cells.

Text files are checked in one pass that also computes the content hash: strict UTF-8
(with or without BOM) first, then strict GB18030 (which covers GBK and GB2312, the
default of Excel on a Chinese Windows). A file that is neither, mixes both, or holds
binary bytes is refused with a reason, never decoded with replacement characters; a
UTF-16 file with a BOM (Excel's "Unicode text") is read too. GB18030 and UTF-16 text is
transcoded to a temporary UTF-8 file in chunks so that the CSV reader streams it like
any other. The delimiter (comma, semicolon, tab, bar) is the one Excel's ``sep=`` hint
on the first line names, or else is sniffed from the first rows: the one under which a
header row is found wins. Workbooks (XLSX, XLS): see :mod:`pipelines.ingest.workbook`;
GeoJSON: one row per feature. Every reader hands its rows through
:func:`pipelines.ingest.rows.data_rows`, so blank rows, totals, footers and cells beyond
the header are treated alike in every kind of file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.ingest.headers import HEADER_SEARCH_ROWS, HeaderFound, find_header, match_header
from pipelines.ingest.rows import data_rows
from pipelines.ingest.specs import SourceSpec
from pipelines.ingest.table import Part, Table, Unreadable, assemble, check_header
from pipelines.ingest.workbook import read_workbook

__all__ = ["FileFacts", "Table", "Unreadable", "inspect_bytes", "open_table"]

CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
#: Excel's hint on a CSV's first line: ``sep=;`` (a tab written as itself or as ``\t``)
_SEP_HINT = re.compile(r'^"?sep=(\\t|[^"\r\n])"?\r?\n?$')
#: columns read beyond a CSV header's width, where cells a stray delimiter shifted land
SPARE_COLUMNS = 8


@dataclass(frozen=True)
class FileFacts:
    """What one pass over the bytes tells: content hash, size and text encoding."""

    sha256: str
    size: int
    kind: str  # csv | xlsx | xls
    encoding: str | None  # utf-8 | utf-8-sig | gb18030 | utf-16 for csv
    problem: str | None = None  # why the bytes cannot be text, when they cannot


def inspect_bytes(path: Path) -> FileFacts:
    """Hash the file and find its kind and encoding in one pass over its bytes."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    size, head, utf8_ok, non_ascii_before, binary = 0, b"", True, False, False
    lines_before = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            if size == 0:
                head = chunk[:8]
            if b"\x00" in chunk:
                binary = True
            if utf8_ok:
                try:
                    utf8.decode(chunk)
                    non_ascii_before = non_ascii_before or not chunk.isascii()
                    lines_before += chunk.count(b"\n")
                except UnicodeDecodeError as exc:
                    utf8_ok = False
                    good = chunk[: exc.start]
                    last_line_start = good.rfind(b"\n") + 1
                    non_ascii_before = non_ascii_before or not good[:last_line_start].isascii()
                    lines_before += good.count(b"\n")
            size += len(chunk)
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_ok = False
    sha = digest.hexdigest()
    if head.startswith(_XLSX_MAGIC):
        return FileFacts(sha, size, "xlsx", None)
    if head.startswith(_XLS_MAGIC):
        return FileFacts(sha, size, "xls", None)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated
        return FileFacts(sha, size, "csv", "utf-16")
    if binary:
        return FileFacts(sha, size, "csv", None, "not a text file: it holds binary bytes")
    if utf8_ok:
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        return FileFacts(sha, size, "csv", encoding)
    if non_ascii_before:
        return FileFacts(
            sha,
            size,
            "csv",
            None,
            f"mixed encodings: lines 1–{lines_before} are UTF-8 but line "
            f"{lines_before + 1} is not; save the whole file in one encoding",
        )
    return FileFacts(sha, size, "csv", "gb18030")


def _transcode(path: Path, encoding: str, workdir: Path) -> Path:
    """Strictly decode ``path`` and write it as UTF-8; refuse undecodable bytes."""
    target = workdir / (path.stem + ".utf8.csv")
    decoder = codecs.getincrementaldecoder(encoding)()
    what = "neither UTF-8 nor GB18030" if encoding == "gb18030" else f"not valid {encoding}"
    line = 1
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as out:
        while chunk := source.read(CHUNK):
            try:
                out.write(decoder.decode(chunk))
            except UnicodeDecodeError as exc:
                line += chunk.count(b"\n", 0, exc.start)
                raise Unreadable(
                    f"{path.name}: {what} text: undecodable bytes on line {line}"
                ) from None
            line += chunk.count(b"\n")
        try:
            out.write(decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            raise Unreadable(f"{path.name}: {what} text: the file ends mid-character") from None
    return target


def _first_text_line(text_path: Path) -> str:
    with text_path.open(encoding="utf-8-sig", newline="") as f:
        return f.readline(256)


def _head_rows(text_path: Path, delimiter: str) -> list[list[str]]:
    with text_path.open(encoding="utf-8-sig", newline="") as f:
        head = f.read(1 << 16)
    if len(head) == 1 << 16:  # the last line may be cut: leave it out
        head = head[: head.rfind("\n") + 1] or head
    reader = csv.reader(io.StringIO(head), delimiter=delimiter)
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) > HEADER_SEARCH_ROWS + 1:  # a sep= line, ten rows and the one below
            break
    return rows


def _scan(text_path: Path, delimiter: str, skip: int, width: int) -> pl.LazyFrame:
    """The records after the first ``skip``, as text cells ``c0…``; a record's row number
    counts records (a quoted cell may hold a line break), as Excel numbers rows."""
    return pl.scan_csv(
        text_path,
        separator=delimiter,
        has_header=False,
        skip_rows=skip,
        schema={f"c{i}": pl.String for i in range(max(width, 1))},
        # more cells than the header and its spare columns: refused, never cut off
        truncate_ragged_lines=False,
        missing_columns="insert",
        infer_schema=False,
        quote_char='"',
    )


def _sniff(text_path: Path, spec: SourceSpec) -> tuple[str, int, list[list[str]]]:
    """(delimiter, lines before the table, its first rows): Excel's ``sep=`` hint names
    the delimiter and is no row of the table; else the delimiter under which a header is
    found (or that matches most columns) wins."""
    hint = _SEP_HINT.match(_first_text_line(text_path))
    if hint:
        delimiter = "\t" if hint.group(1) == "\\t" else hint.group(1)
        return delimiter, 1, _head_rows(text_path, delimiter)[1:]
    candidates = []
    for delimiter in DELIMITERS:
        rows = _head_rows(text_path, delimiter)
        found = find_header(spec, rows)
        candidates.append((not found.match.missing, len(found.match.columns), delimiter, rows))
        if not found.match.missing:
            break
    _, _, delimiter, rows = max(candidates, key=lambda c: (c[0], c[1]))
    return delimiter, 0, rows


def read_csv(
    path: Path, spec: SourceSpec, facts: FileFacts, workdir: Path, batch_size: int
) -> Table:
    if facts.problem:
        raise Unreadable(f"{path.name}: {facts.problem}")
    transcode = facts.encoding in ("gb18030", "utf-16")
    text_path = _transcode(path, facts.encoding, workdir) if transcode else path
    delimiter, hint_lines, rows = _sniff(text_path, spec)
    if not any(any(c.strip() for c in row) for row in rows):
        raise Unreadable(f"{path.name}: the file is empty (no header row)")
    found = find_header(spec, rows)
    if found.cells and found.cells[0].startswith("\ufeff"):
        found.cells[0] = found.cells[0][1:]
    header_rows = rows[found.index : found.index + found.depth]
    width = max(len(r) for r in header_rows) + SPARE_COLUMNS
    skip = hint_lines + found.index + found.depth
    if found.match.missing or found.match.duplicates:
        blank = pl.all_horizontal(pl.all().is_null())
        counted = _scan(text_path, delimiter, skip, width).with_columns(
            pl.lit(0).alias("_row_number")
        )
        try:
            rows_read = int(counted.filter(~blank).select(pl.len()).collect().item())
        except pl.exceptions.ComputeError:
            rows_read = 0
        check_header(path, found.match, found.cells, rows_read)
    # Excel does not show the sep= line: the header's row is counted without it
    first_data_row = found.index + found.depth + 1

    def batches(where: dict[int, int]) -> Iterator[pl.DataFrame]:
        scan = _scan(text_path, delimiter, skip, width).with_row_index("_i")
        scan = scan.with_columns((pl.col("_i") + first_data_row).alias("_row_number"))
        try:
            yield from data_rows(scan, width, found, where).collect_batches(chunk_size=batch_size)
        except pl.exceptions.ComputeError as exc:
            if "more fields" not in str(exc):
                raise
            raise Unreadable(
                f"{path.name}: a row has more than {SPARE_COLUMNS} cells beyond the header's "
                f"{width - SPARE_COLUMNS} columns; is the delimiter right?"
            ) from None

    notes = [
        f"encoding {facts.encoding.removesuffix('-sig')}"
        + (" with BOM" if facts.encoding == "utf-8-sig" else "")
    ]
    if delimiter != ",":
        notes.append(f"{_DELIMITER_NAMES[delimiter]}-separated")
    if hint_lines:
        notes.append("sep= line")
    if found.index or found.depth > 1:
        line = hint_lines + found.index + 1
        notes.append(f"header on line {line}" + (f"–{line + 1}" if found.depth > 1 else ""))
    return assemble([Part(found, batches)], notes, [])


def read_geojson(path: Path, spec: SourceSpec) -> Table:
    """A GeoJSON FeatureCollection as a table: one row per feature (its row number is
    the feature's number), its properties as cells and its geometry as GeoJSON text."""
    try:
        collection = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Unreadable(f"{path.name}: not GeoJSON ({exc})") from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise Unreadable(f"{path.name}: not a GeoJSON FeatureCollection")
    features = [f for f in collection.get("features") or [] if isinstance(f, dict)]
    names = sorted({k for f in features for k in (f.get("properties") or {})} | {"geometry"})
    found = HeaderFound(0, names, match_header(spec, names))
    check_header(path, found.match, names, len(features))
    columns = {
        f"c{i}": [_feature_cell(feature, name) for feature in features]
        for i, name in enumerate(names)
    }
    frame = pl.DataFrame(columns, schema={c: pl.String for c in columns}).with_columns(
        pl.int_range(1, len(features) + 1, dtype=pl.Int32).alias("_row_number")
    )

    def batches(where: dict[int, int]) -> Iterator[pl.DataFrame]:
        yield data_rows(frame.lazy(), len(names), found, where).collect()

    return assemble([Part(found, batches)], [f"{len(features)} features"], [])


def _feature_cell(feature: dict, name: str) -> str | None:
    if name == "geometry":
        geometry = feature.get("geometry")
        return None if geometry is None else json.dumps(geometry, ensure_ascii=False)
    value = (feature.get("properties") or {}).get(name)
    # GeoJSON numbers are typed: a code written as a number keeps its digits
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return None if value is None else str(value)


def open_table(
    path: Path, spec: SourceSpec, facts: FileFacts, workdir: Path, batch_size: int = 500_000
) -> Table:
    """The file as a table of ``spec``'s source, or :class:`Unreadable`."""
    if facts.size == 0:
        raise Unreadable(f"{path.name}: the file is empty")
    if path.suffix.lower() == ".geojson":
        return read_geojson(path, spec)
    if facts.kind in ("xlsx", "xls"):
        return read_workbook(path, spec, facts.kind, batch_size)
    if path.suffix.lower() in (".xlsx", ".xls"):
        raise Unreadable(f"{path.name}: named {path.suffix} but not an Excel workbook")
    return read_csv(path, spec, facts, workdir, batch_size)
