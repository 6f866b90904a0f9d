"""Readers: a landing file (CSV in any of its real-world shapes, or XLSX) as a header row
and batches of text cells.

Text files are checked in one pass that also computes the content hash: strict UTF-8
(with or without BOM) first, then strict GB18030 (which covers GBK and GB2312, the
default of Excel on a Chinese Windows). A file that is neither, mixes both, or holds
binary bytes is refused with a reason, never decoded with replacement characters; a
UTF-16 file with a BOM (Excel's "Unicode text") is read too. GB18030 and UTF-16 text is
transcoded to a temporary UTF-8 file in chunks so that the CSV reader streams it like
any other. The delimiter (comma, semicolon, tab, bar) is sniffed from the first rows:
the one under which a header row is found wins. XLSX: the first sheet, whole (a sheet
holds at most about a million rows); GeoJSON: one row per feature.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from pipelines.ingest.headers import HEADER_SEARCH_ROWS, HeaderMatch, find_header, match_header
from pipelines.ingest.specs import SourceSpec

CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}


class Unreadable(Exception):
    """The file cannot be read as a table of this source; the message says why."""

    def __init__(self, reason: str, rows_read: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.rows_read = rows_read


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


@dataclass
class Table:
    """A file's header and its data rows, as text, in batches."""

    header: HeaderMatch
    #: the header cells as written, by position
    header_cells: list[str]
    batches: Iterator[pl.DataFrame]  # columns c<position> (text) and _row_number
    notes: list[str] = field(default_factory=list)


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


def _head_rows(text_path: Path, delimiter: str) -> list[list[str]]:
    with text_path.open(encoding="utf-8-sig", newline="") as f:
        head = f.read(1 << 16)
    if len(head) == 1 << 16:  # the last line may be cut: leave it out
        head = head[: head.rfind("\n") + 1] or head
    reader = csv.reader(io.StringIO(head), delimiter=delimiter)
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) >= HEADER_SEARCH_ROWS:
            break
    return rows


def _count_csv_rows(text_path: Path, delimiter: str, skip: int, width: int) -> int:
    schema = {f"c{i}": pl.String for i in range(max(width, 1))}
    frame = pl.scan_csv(
        text_path,
        separator=delimiter,
        has_header=False,
        skip_rows=skip,
        schema=schema,
        truncate_ragged_lines=True,
        missing_columns="insert",
        infer_schema=False,
    )
    return int(
        frame.filter(~pl.all_horizontal(pl.all().is_null())).select(pl.len()).collect().item()
    )


def _check_header(path: Path, header: HeaderMatch, cells: list[str], rows: int) -> None:
    if header.missing:
        raise Unreadable(
            f"{path.name}: required column missing: {', '.join(header.missing)}"
            f" (headers found: {', '.join(c for c in cells if c) or 'none'})",
            rows,
        )
    if header.duplicates:
        said = "; ".join(f"{' and '.join(w)} all mean {c}" for c, w in header.duplicates.items())
        raise Unreadable(f"{path.name}: duplicate columns: {said}; keep one of each", rows)


def read_csv(
    path: Path, spec: SourceSpec, facts: FileFacts, workdir: Path, batch_size: int
) -> Table:
    if facts.problem:
        raise Unreadable(f"{path.name}: {facts.problem}")
    transcode = facts.encoding in ("gb18030", "utf-16")
    text_path = _transcode(path, facts.encoding, workdir) if transcode else path
    candidates = []
    for delimiter in DELIMITERS:
        rows = _head_rows(text_path, delimiter)
        if not rows or not any(any(c.strip() for c in row) for row in rows):
            raise Unreadable(f"{path.name}: the file is empty (no header row)")
        index, header = find_header(spec, rows)
        candidates.append((not header.missing, len(header.columns), delimiter, index, header, rows))
        if not header.missing:
            break
    ok, _, delimiter, index, header, rows = max(candidates, key=lambda c: (c[0], c[1]))
    cells = rows[index]
    if cells and cells[0].startswith("\ufeff"):
        cells[0] = cells[0][1:]
    schema = {f"c{i}": pl.String for i in range(len(cells))}
    if not ok or header.duplicates:
        _check_header(
            path, header, cells, _count_csv_rows(text_path, delimiter, index + 1, len(cells))
        )
    scan = pl.scan_csv(
        text_path,
        separator=delimiter,
        has_header=False,
        skip_rows=index + 1,
        schema=schema,
        truncate_ragged_lines=True,
        missing_columns="insert",
        infer_schema=False,
        quote_char='"',
    )
    first_data_line = index + 2  # 1-based line of the first row under the header
    batches = (
        batch.with_columns(
            (pl.col("_i") + first_data_line).cast(pl.Int32).alias("_row_number")
        ).drop("_i")
        for batch in scan.with_row_index("_i").collect_batches(chunk_size=batch_size)
    )
    notes = [
        f"encoding {facts.encoding.removesuffix('-sig')}"
        + (" with BOM" if facts.encoding == "utf-8-sig" else "")
    ]
    if delimiter != ",":
        notes.append(f"{_DELIMITER_NAMES[delimiter]}-separated")
    if index:
        notes.append(f"header on line {index + 1}")
    return Table(header, cells, batches, notes)


def _first_sheet_row(path: Path) -> int:
    """1-based row of the first filled cell of the first sheet: calamine drops the empty
    rows above it, and row numbers must be those a person sees in Excel."""
    try:
        with zipfile.ZipFile(path) as book:
            workbook = book.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = book.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            rel_id = re.search(r"<sheet\b[^>]*\br:id=\"([^\"]+)\"", workbook)
            target = rel_id and re.search(
                rf"<Relationship\b[^>]*Id=\"{re.escape(rel_id.group(1))}\"[^>]*Target=\"([^\"]+)\""
                rf"|<Relationship\b[^>]*Target=\"([^\"]+)\"[^>]*Id=\"{re.escape(rel_id.group(1))}\"",
                rels,
            )
            name = (target.group(1) or target.group(2)) if target else "worksheets/sheet1.xml"
            name = name.lstrip("/") if name.startswith("/xl/") else f"xl/{name.lstrip('/')}"
            with book.open(name.lstrip("/")) as sheet:
                text = sheet.read(1 << 20).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return 1
    # the first cell with a value (<v>) or inline string (<is>)
    filled = re.search(r"<c\b[^>]*\br=\"[A-Z]+(\d+)\"[^>]*>(?:(?!</c>).)*?<(?:v|is)\b", text, re.S)
    return int(filled.group(1)) if filled else 1


def _first_line(exc: Exception) -> str:
    # calamine's messages continue with a context trail naming absolute paths
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def read_xlsx(path: Path, spec: SourceSpec, facts: FileFacts, batch_size: int) -> Table:
    try:
        book = fastexcel.read_excel(path)
        sheet = book.load_sheet(0, header_row=None, dtypes="string")
        frame = sheet.to_polars()
        sheet_name = book.sheet_names[0]
    except Exception as exc:  # calamine raises several kinds for broken workbooks
        raise Unreadable(
            f"{path.name}: not a readable Excel workbook ({_first_line(exc)})"
        ) from None
    if frame.height == 0:
        raise Unreadable(f"{path.name}: the first sheet is empty (no header row)")
    frame.columns = [f"c{i}" for i in range(frame.width)]
    top = [list(row) for row in frame.head(HEADER_SEARCH_ROWS).iter_rows()]
    index, header = find_header(spec, top)
    cells = [c if c is not None else "" for c in top[index]]
    data = frame.slice(index + 1)
    first_row = _first_sheet_row(path) if facts.kind == "xlsx" else 1
    if header.missing or header.duplicates:
        blank = pl.all_horizontal(pl.all().is_null())
        _check_header(path, header, cells, data.filter(~blank).height)
    data = (
        data.with_row_index("_i")
        .with_columns((pl.col("_i") + first_row + index + 1).cast(pl.Int32).alias("_row_number"))
        .drop("_i")
    )
    batches = (data.slice(start, batch_size) for start in range(0, data.height, batch_size))
    notes = [f"sheet {sheet_name}"]
    if len(book.sheet_names) > 1:
        notes.append(f"{len(book.sheet_names) - 1} more sheet(s) ignored")
    if index:
        notes.append(f"header on row {first_row + index}")
    return Table(header, cells, batches, notes)


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
    header = match_header(spec, names)
    _check_header(path, header, names, len(features))
    columns = {
        f"c{i}": [_feature_cell(feature, name) for feature in features]
        for i, name in enumerate(names)
    }
    frame = pl.DataFrame(columns, schema={c: pl.String for c in columns}).with_columns(
        pl.int_range(1, len(features) + 1, dtype=pl.Int32).alias("_row_number")
    )
    return Table(header, names, iter([frame]), [f"{len(features)} features"])


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
        return read_xlsx(path, spec, facts, batch_size)
    if path.suffix.lower() in (".xlsx", ".xls"):
        raise Unreadable(f"{path.name}: named {path.suffix} but not an Excel workbook")
    return read_csv(path, spec, facts, workdir, batch_size)
