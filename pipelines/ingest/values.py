"""Cell values as people write them, parsed by the data contract's rules.

Every parser is a polars expression over a text column that has already been folded
(:func:`fold`: trimmed, full-width folded, blank → null) and gives the parsed value, or
null where the text cannot be read; the engine then says why (``bad_date``, …). Working
on whole columns keeps a 10-million-row file out of per-row Python.
"""

from __future__ import annotations

import polars as pl

#: full-width ASCII (U+FF01–U+FF5E) and the ideographic space fold to their ASCII forms
FULL_WIDTH = {chr(0xFF01 + i): chr(0x21 + i) for i in range(94)} | {"\u3000": " "}
_SPACES = " \t\r\n\u00a0\u3000\ufeff"

TRUE_WORDS = ("是", "有", "√", "✓", "✔", "y", "yes", "true", "1", "对")
FALSE_WORDS = ("否", "无", "×", "✗", "✘", "n", "no", "false", "0", "没有")

#: dates: y-m-d with - / . 年月日 separators, or yyyymmdd; then an optional time, 24-hour
#: or 12-hour with 上午/下午 (or AM/PM) before it or AM/PM after it (``2024/5/6 下午 3:20:00``)
_DATE_TIME = (
    r"^(\d{4})(?:[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{2})(\d{2}))"
    r"(?:(?:\s*(上午|下午|[AaPp]\.?[Mm]\.?)\s*|\s+|T)(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?"
    r"(?:\s*([AaPp])\.?[Mm]\.?)?)?$"
)
#: a HYPERLINK formula as an export writes it; the cell shows its label (else its URL)
_HYPERLINK = r'(?i)^=HYPERLINK\(\s*"([^"]*)"\s*(?:[,;]\s*"([^"]*)"\s*)?\)$'
_EXCEL_EPOCH = pl.datetime(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31


def fold(text: pl.Expr, ascii_only: bool = False, apostrophes: bool = False) -> pl.Expr:
    """Trimmed text with full-width characters folded to ASCII; blank becomes null.
    ``ascii_only``: the caller knows the column is plain ASCII, so there is nothing to
    fold (most cells of a big file are ids, times and numbers). ``apostrophes``: some
    cells start with ``'``, Excel's mark of a number stored as text, which is not part
    of the value (``'110111001001``)."""
    folded = text if ascii_only else text.str.replace_many(FULL_WIDTH)
    folded = folded.str.strip_chars(_SPACES)
    if apostrophes:
        marked = folded.str.contains(r"^'[-+.]?\d")
        folded = pl.when(marked).then(folded.str.slice(1)).otherwise(folded)
    return pl.when(folded.str.len_bytes() > 0).then(folded)


def has_apostrophes(cells: pl.Series) -> bool:
    """Whether any cell of a text column starts with an apostrophe (or its full-width form)."""
    return bool(cells.str.starts_with("'").any() or cells.str.starts_with("＇").any())


def is_ascii(cells: pl.Series) -> bool:
    """Whether a text column holds only ASCII (cheap: byte and character counts agree)."""
    return cells.str.len_bytes().sum() == cells.str.len_chars().sum()


def parse_text(folded: pl.Expr) -> pl.Expr:
    """Text as shown in a spreadsheet: a ``=HYPERLINK(url, label)`` cell reads as its label."""
    link = folded.str.extract_groups(_HYPERLINK)
    shown = pl.coalesce(link.struct.field("2"), link.struct.field("1"))
    return pl.when(shown.is_not_null()).then(shown).otherwise(folded)


def _number_text(folded: pl.Expr) -> pl.Expr:
    # thousands separators and digit-group spaces are not part of the number
    return folded.str.replace_all(r"[,\s']", "")


def parse_int(folded: pl.Expr) -> pl.Expr:
    """``1,234``, ``1 234``, ``１２３``, ``12.0`` → integer; anything else → null."""
    text = _number_text(folded)
    whole = text.str.extract(r"^([+-]?\d+)(?:\.0*)?$", 1)
    return whole.cast(pl.Int64, strict=False)


def parse_float(folded: pl.Expr) -> pl.Expr:
    """Decimal numbers (also with thousands separators); inf/nan are not numbers."""
    text = _number_text(folded)
    number = text.str.extract(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$", 1)
    return number.cast(pl.Float64, strict=False)


def parse_rate(folded: pl.Expr) -> pl.Expr:
    """A rate: ``85%`` → 0.85, a plain number as written (``0.85``)."""
    percent = folded.str.extract(r"^(.*?)\s*%$", 1)
    return (
        pl.when(percent.is_not_null())
        .then(parse_float(percent) / 100)
        .otherwise(parse_float(folded))
    )


def parse_bool(folded: pl.Expr) -> pl.Expr:
    """是/否, 有/无, √/×, ✓/✗, Y/N, yes/no, true/false, 1/0 → boolean; others → null."""
    key = folded.str.to_lowercase().str.replace(r"^(\d)\.0*$", "$1")
    return (
        pl.when(key.is_in(TRUE_WORDS))
        .then(pl.lit(True))
        .when(key.is_in(FALSE_WORDS))
        .then(pl.lit(False))
    )


def parse_code(folded: pl.Expr) -> pl.Expr:
    """A 12-digit division code; a code a spreadsheet stored as a number (``…001.0``)
    reads as its digits."""
    digits = folded.str.replace(r"^(\d+)\.0*$", "$1")
    return pl.when(digits.str.contains(r"^\d{12}$")).then(digits)


def parse_datetime(folded: pl.Expr, excel_serials: bool = False) -> pl.Expr:
    """A date or datetime in any of the contract's styles → naive datetime (Asia/Shanghai
    wall-clock time, as written). ``excel_serials``: a bare number is an Excel serial
    day (XLSX only; in a CSV ``45123`` is not a date)."""
    parts = folded.str.extract_groups(_DATE_TIME)

    def part(name: str, default: str = "0") -> pl.Expr:
        return parts.struct.field(name).fill_null(default).str.zfill(2)

    month = pl.coalesce(parts.struct.field("2"), parts.struct.field("4")).str.zfill(2)
    day = pl.coalesce(parts.struct.field("3"), parts.struct.field("5")).str.zfill(2)
    # 12-hour clock: 1–12 only; 12 AM is midnight, 12 PM noon
    said = pl.coalesce(parts.struct.field("6"), parts.struct.field("10"))
    meridiem = said.replace({"上午": "a", "下午": "p"}).str.slice(0, 1).str.to_lowercase()
    clock = parts.struct.field("7").fill_null("0").cast(pl.Int32, strict=False)
    hour = (
        pl.when(meridiem.is_null())
        .then(clock)
        .when(clock.is_between(1, 12))
        .then(clock % 12 + pl.when(meridiem == "p").then(12).otherwise(0))
    )
    canonical = pl.concat_str(
        parts.struct.field("1"),
        pl.lit("-"),
        month,
        pl.lit("-"),
        day,
        pl.lit(" "),
        hour.cast(pl.String).str.zfill(2),
        pl.lit(":"),
        part("8"),
        pl.lit(":"),
        part("9"),
    )
    written = canonical.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_unit="us")
    if not excel_serials:
        return written
    serial = folded.str.extract(r"^(\d+(?:\.\d+)?)$", 1).cast(pl.Float64, strict=False)
    in_range = (serial >= 1) & (serial <= _EXCEL_MAX_SERIAL)
    # whole milliseconds: a serial's binary fraction would otherwise leave 13:45:09.999999
    millis = (serial * 86_400_000).round(0).cast(pl.Int64)
    from_serial = _EXCEL_EPOCH + pl.duration(milliseconds=millis)
    return pl.when(written.is_not_null()).then(written).when(in_range).then(from_serial)


#: the shapes most exports use, tried first with polars' native parser: the general
#: expression above costs ~10x more, so it only sees what these leave unread. A format
#: is only applied to cells of its exact shape (below), where it reads what the general
#: parser reads (a test holds them together)
_FAST_FORMATS = (
    *(
        f"%Y{sep}%m{sep}%d{time}"
        for sep in "-/."
        for time in (" %H:%M:%S", " %H:%M", "T%H:%M:%S", "T%H:%M", "")
    ),
    *(f"%Y年%m月%d日{time}" for time in (" %H:%M:%S", " %H:%M", "")),
    *(f"%Y%m%d{time}" for time in (" %H:%M:%S", " %H:%M", "")),
    # 12-hour clocks as Excel writes them (上午/下午 become AM/PM first, see parse_moments)
    *(
        f"%Y{sep}%m{sep}%d{time}"
        for sep in "/-"
        for time in (" %p %I:%M:%S", " %p %I:%M", " %I:%M:%S %p", " %I:%M %p")
    ),
)
_FAST_SHAPE = (
    r"^(?:\d{4}(?:-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2}|\.\d{1,2}\.\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|(?:\d{4}年\d{1,2}月\d{1,2}日|\d{8})(?: \d{1,2}:\d{2}(?::\d{2})?)?"
    r"|\d{4}(?:-\d{1,2}-\d{1,2}|/\d{1,2}/\d{1,2})"
    r"(?: [AP]M \d{1,2}:\d{2}(?::\d{2})?| \d{1,2}:\d{2}(?::\d{2})? [AP]M))$"
)
#: Excel's Chinese 12-hour marks, as the fast formats' %p reads them
_HALF_DAYS = {"上午 ": "AM ", "下午 ": "PM "}
#: about how many cells of a batch the formats are tried on to rank them for the batch
_SAMPLE = 200


def _ranked_formats(folded: pl.Series, styles: list[str]) -> list[str]:
    """The fast formats, those that read a sample of the batch first (most cells
    first), then those that read earlier batches, then the rest."""
    present = folded.drop_nulls()
    # spread over the column: an export often starts with one style (daily tallies)
    sample = present.gather_every(max(1, len(present) // _SAMPLE))
    sample = sample.filter(sample.str.contains(_FAST_SHAPE))
    counts = {}
    if len(sample):
        for fmt in (*styles, *(f for f in _FAST_FORMATS if f not in styles)):
            read = sample.str.to_datetime(fmt, strict=False, time_unit="us").is_not_null()
            if n := int(read.sum()):
                counts[fmt] = n
                sample = sample.filter(~read)
                if not len(sample):
                    break
    seen = sorted(counts, key=lambda f: -counts[f])
    return [*seen, *(f for f in (*styles, *_FAST_FORMATS) if f not in seen)]


def parse_moments(
    folded: pl.Series, excel_serials: bool = False, styles: list[str] | None = None
) -> pl.Series:
    """:func:`parse_datetime` of a whole column, fast for the common shapes: each
    format is tried only on the cells the previous ones left unread, in the order a
    sample of the column ranks them (a file nearly always keeps one or two styles).

    ``styles``: the formats that read earlier batches; they are tried next after the
    sample's, and the list is extended in place with the formats this batch needed."""
    written = folded
    if folded.str.contains("午", literal=True).any():
        folded = folded.str.replace_many(_HALF_DAYS)
    order = list(dict.fromkeys(_ranked_formats(folded, styles or [])))
    shaped = folded.str.contains(_FAST_SHAPE).fill_null(False)
    first = folded.str.to_datetime(order[0], strict=False, time_unit="us")
    result = pl.select(pl.when(shaped).then(first)).to_series().alias(folded.name)
    used: dict[str, int] = {order[0]: len(result) - result.null_count()}
    present = len(folded) - folded.null_count()
    if used[order[0]] < present:
        fast = (shaped & result.is_null()).arg_true()
        for fmt in order[1:]:
            if fast.is_empty():
                break
            parsed = folded.gather(fast).str.to_datetime(fmt, strict=False, time_unit="us")
            read = parsed.is_not_null()
            used[fmt] = int(read.sum())
            result.scatter(fast.filter(read), parsed.filter(read))
            fast = fast.filter(~read)
        rest = (folded.is_not_null() & result.is_null()).arg_true()
        if not rest.is_empty():
            cells = written.gather(rest).to_frame("cell")
            parsed = cells.select(parse_datetime(pl.col("cell"), excel_serials)).to_series()
            read = parsed.is_not_null()
            result.scatter(rest.filter(read), parsed.filter(read))
    if styles is not None:
        ranked = sorted((f for f, n in used.items() if n), key=lambda f: -used[f])
        styles.extend(f for f in ranked if f not in styles)
    return result


def has_time(folded: pl.Expr, excel_serials: bool = False) -> pl.Expr:
    """Whether a written datetime carries a time of day. A bare date is a daily tally;
    in XLSX a date cell comes through at midnight and counts as a bare date."""
    written = folded.str.contains(r"\d{1,2}:\d{1,2}")
    if not excel_serials:
        return written
    midnight = folded.str.contains(r"[ T]0?0:0?0(?::0?0(?:\.0*)?)?$")
    serial_with_fraction = folded.str.contains(r"^\d+\.\d*[1-9]")
    return (written & ~midnight) | serial_with_fraction


def parse_date(folded: pl.Expr, excel_serials: bool = False) -> pl.Expr:
    """A date in any of the contract's styles; a datetime is a date only at midnight
    (an XLSX date cell or ``2023-05-06 00:00``), otherwise null."""
    moment = parse_datetime(folded, excel_serials)
    return pl.when(moment.dt.time() == pl.time(0)).then(moment.dt.date())


def parse_rating(folded: pl.Expr, words: dict[str, int]) -> pl.Expr:
    """A satisfaction score: a number, or a word such as 满意; range checked by the caller."""
    by_word = folded.replace_strict(words, default=None, return_dtype=pl.Int64)
    return pl.coalesce(by_word, parse_int(folded))
