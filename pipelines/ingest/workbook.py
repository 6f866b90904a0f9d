"""Excel workbooks, XLSX and legacy XLS (Excel 97–2003), read by one set of rules.

Every sheet whose header matches the source is read, in sheet order; a sheet that does
not match is named in the file's message, and an empty sheet (old Excel made three) is
passed over. Cells are read as text by calamine (through fastexcel): an Excel date cell
as ``2023-05-06 00:00:00``, a number as its digits. calamine drops the empty rows above
a sheet's first filled cell; the row a person sees is restored from the file itself (the
sheet XML of an XLSX, the cell records of an XLS) so that row numbers are Excel's.

An XLSX is a zip of XML: before calamine unpacks it, its members are unpacked once here,
counting bytes and keeping none, and a workbook that unpacks to more than
:data:`UNPACKED_RATIO` times its size (and more than :data:`UNPACKED_FLOOR`) is refused
as a decompression bomb. The members' declared sizes are not trusted: a crafted zip lies.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import fastexcel
import polars as pl

from pipelines.ingest.headers import HEADER_SEARCH_ROWS, find_header
from pipelines.ingest.rows import data_rows, header_width
from pipelines.ingest.specs import SourceSpec
from pipelines.ingest.table import Part, Table, Unreadable, assemble, check_header


def _first_line(exc: Exception) -> str:
    # calamine's messages continue with a context trail naming absolute paths
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


#: an office workbook's XML unpacks to 5–20 times its zip; a bomb to thousands
UNPACKED_RATIO = 50
UNPACKED_FLOOR = 256 * 1024 * 1024


def check_unpacked_size(path: Path) -> None:
    """Refuse an XLSX that unpacks to far more than a workbook does (see module doc)."""
    limit = max(UNPACKED_FLOOR, UNPACKED_RATIO * path.stat().st_size)
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 20):
                        total += len(chunk)
                        if total > limit:
                            raise Unreadable(
                                f"{path.name}: unpacks to more than {limit // 2**20} MB "
                                "(a decompression bomb?); not read"
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise Unreadable(
            f"{path.name}: not a readable Excel workbook ({_first_line(exc)})"
        ) from None
    except NotImplementedError:  # a compression method zipfile lacks: calamine decides
        return


def read_workbook(path: Path, spec: SourceSpec, kind: str, batch_size: int) -> Table:
    """The matching sheets of a workbook as one table, or :class:`Unreadable`."""
    if kind == "xlsx":
        check_unpacked_size(path)
    try:
        book = fastexcel.read_excel(path)
        sheets = [
            (name, book.load_sheet(i, header_row=None, dtypes="string", whitespace_as_null=True))
            for i, name in enumerate(book.sheet_names)
        ]
        frames = [(name, sheet.to_polars()) for name, sheet in sheets]
    except Exception as exc:  # calamine raises several kinds for broken workbooks
        raise Unreadable(
            f"{path.name}: not a readable Excel workbook ({_first_line(exc)})"
        ) from None
    filled = [(no, name, frame) for no, (name, frame) in enumerate(frames) if frame.height]
    if not filled:
        raise Unreadable(f"{path.name}: every sheet is empty (no header row)")
    first_rows = first_filled_rows(path, kind)
    parts, notes, warnings, refusals = [], [], [], []
    for no, name, frame in filled:
        frame.columns = [f"c{i}" for i in range(frame.width)]
        found = find_header(spec, [list(row) for row in frame.head(HEADER_SEARCH_ROWS).iter_rows()])
        first_row = first_rows.get(name, 1)
        data = frame.slice(found.index + found.depth)
        if found.match.missing or found.match.duplicates:
            blank = pl.all_horizontal(pl.all().is_null())
            refusals.append((found, data.filter(~blank).height))
            missing = ", ".join(found.match.missing) or "none (duplicate columns)"
            warnings.append(f"sheet {name} not read (its header lacks: {missing})")
            continue
        data = data.with_columns(
            (pl.int_range(pl.len()) + first_row + found.index + found.depth).alias("_row_number")
        )
        width = max(frame.width, header_width(found.cells))
        parts.append(Part(found, _sheet_batches(data, width, found, name, no, batch_size)))
        where = f"header on row {first_row + found.index}" + (
            f"–{first_row + found.index + 1}" if found.depth == 2 else ""
        )
        notes.append(f"sheet {name}" + (f" ({where})" if found.index or found.depth > 1 else ""))
    if not parts:
        found, rows = refusals[0]
        check_header(path, found.match, found.cells, rows)
    return assemble(parts, notes, warnings)


def _sheet_batches(data: pl.DataFrame, width, found, name: str, no: int, batch_size: int):
    def batches(where: dict[int, int]) -> Iterator[pl.DataFrame]:
        rows = data_rows(data.lazy(), width, found, where, name, no).collect()
        for start in range(0, rows.height, batch_size):
            yield rows.slice(start, batch_size)

    return batches


def first_filled_rows(path: Path, kind: str) -> dict[str, int]:
    """Sheet name → the 1-based row of its first filled cell (1 where unknown)."""
    try:
        return _xlsx_first_rows(path) if kind == "xlsx" else _xls_first_rows(path.read_bytes())
    except (KeyError, zipfile.BadZipFile, OSError, struct.error, ValueError, IndexError):
        return {}


_FILLED_CELL = re.compile(r"<c\b[^>]*\br=\"[A-Z]+(\d+)\"[^>]*>(?:(?!</c>).)*?<(?:v|is)\b", re.S)


def _xlsx_first_rows(path: Path) -> dict[str, int]:
    firsts = {}
    with zipfile.ZipFile(path) as book:
        workbook = book.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = book.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        targets = {}
        for rel in re.findall(r"<Relationship\b[^>]*>", rels):
            rel_id, target = re.search(r'\bId="([^"]+)"', rel), re.search(r'Target="([^"]+)"', rel)
            if rel_id and target:
                targets[rel_id.group(1)] = target.group(1)
        for sheet in re.findall(r"<sheet\b[^>]*>", workbook):
            name = re.search(r'\bname="([^"]*)"', sheet)
            rel_id = re.search(r'r:id="([^"]+)"', sheet)
            if not (name and rel_id and rel_id.group(1) in targets):
                continue
            target = targets[rel_id.group(1)]
            member = target.lstrip("/") if target.startswith("/xl/") else f"xl/{target.lstrip('/')}"
            with book.open(member) as xml:
                text = xml.read(1 << 20).decode("utf-8", "replace")
            # the first cell with a value (<v>) or inline string (<is>)
            cell = _FILLED_CELL.search(text)
            firsts[_xml_text(name.group(1))] = int(cell.group(1)) if cell else 1
    return firsts


def _xml_text(text: str) -> str:
    entities = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'"}
    return re.sub(r"&(?:amp|lt|gt|quot|apos);", lambda m: entities[m.group(0)], text)


# --- XLS: the Workbook stream of the compound file, then its BIFF8 records ------------

_FREE_SECTOR = 0xFFFFFFFE  # end of a sector chain
#: BIFF8 records of cells that hold a value (BLANK and MULBLANK only carry a format)
_VALUE_CELLS = {0x0203, 0x027E, 0x00BD, 0x00FD, 0x0204, 0x00D6, 0x0006, 0x0205}
_BOUNDSHEET, _EOF = 0x0085, 0x000A


def _xls_first_rows(data: bytes) -> dict[str, int]:
    stream = _workbook_stream(data)
    sheets, offset = [], 0
    while offset + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, offset)
        if kind == _BOUNDSHEET:
            start, _, sheet_type, chars, flags = struct.unpack_from("<IBBBB", stream, offset + 4)
            raw = stream[offset + 12 : offset + 12 + chars * (2 if flags & 1 else 1)]
            name = raw.decode("utf-16-le" if flags & 1 else "latin-1")
            if sheet_type == 0:  # a worksheet
                sheets.append((name, start))
        offset += 4 + size
    firsts = {}
    for name, start in sheets:
        offset, first = start, 1
        while offset + 4 <= len(stream):
            kind, size = struct.unpack_from("<HH", stream, offset)
            if kind in _VALUE_CELLS:  # rows are stored in ascending order
                first = struct.unpack_from("<H", stream, offset + 4)[0] + 1
                break
            if kind == _EOF:
                break
            offset += 4 + size
        firsts[name] = first
    return firsts


def _workbook_stream(data: bytes) -> bytes:
    """The ``Workbook`` stream of an OLE2 compound file (the container of an XLS)."""
    sector = 1 << struct.unpack_from("<H", data, 30)[0]
    fat_count, dir_start = struct.unpack_from("<II", data, 44)
    mini_cutoff, _, _, difat_start, _ = struct.unpack_from("<IIIII", data, 56)
    fat_sectors = list(struct.unpack_from("<109I", data, 76))
    next_difat = difat_start
    while next_difat < _FREE_SECTOR and len(fat_sectors) < fat_count + 109:
        block = struct.unpack_from(f"<{sector // 4}I", data, (next_difat + 1) * sector)
        fat_sectors += block[:-1]
        next_difat = block[-1]
    fat: list[int] = []
    for n in fat_sectors[:fat_count]:
        fat += struct.unpack_from(f"<{sector // 4}I", data, (n + 1) * sector)

    def chain(start: int, table: list[int], limit: int) -> Iterator[int]:
        for _ in range(limit):
            if start >= _FREE_SECTOR - 1 or start >= len(table):
                return
            yield start
            start = table[start]

    def read(start: int) -> bytes:
        return b"".join(
            data[(n + 1) * sector : (n + 2) * sector] for n in chain(start, fat, len(fat))
        )

    directory = read(dir_start)
    entries = {}
    for at in range(0, len(directory) - 127, 128):
        name_size = struct.unpack_from("<H", directory, at + 64)[0]
        name = directory[at : at + max(name_size - 2, 0)].decode("utf-16-le", "replace")
        start, size = struct.unpack_from("<II", directory, at + 116)
        entries.setdefault(name, (start, size))
    start, size = entries.get("Workbook") or entries["Book"]
    if size < mini_cutoff:
        # a stream this small lives in the mini stream; Excel and other writers pad the
        # Workbook stream past it, so such a file is not worth a second reader
        raise ValueError("Workbook stream in the mini stream")
    return read(start)[:size]
