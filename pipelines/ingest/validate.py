"""One batch of text cells → typed clean rows and quarantined rows, by a source's spec.

Everything is a polars expression over whole columns. Totals and footer rows (marked by
the reader, see :mod:`pipelines.ingest.rows`) are counted and set aside. Each other row
gets the first problem found, in the order: cells beyond the header, the columns in spec
order (blank required value, unreadable value, value out of its range), coordinates,
one-of groups, the spec's row checks, the district (matched to the divisions
reference), then, for a steward's upload, the scope (:mod:`.scope_check`). These are the
value checks: a row needs nothing but itself (and who uploaded it) to pass them.
What needs other files — station ids and community names against the loaded
registries, repeated keys, which file's row wins — is settled when the warehouse is
built (``pipelines/warehouse/raw.py`` and ``sql/staging``), so that the order files
arrive in never changes a figure.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import polars as pl

from pipelines import vocabulary as vocab
from pipelines.ingest import coords, privacy, values
from pipelines.ingest.communities import DistrictMatcher
from pipelines.ingest.headers import HeaderMatch
from pipelines.ingest.scope_check import ScopeCheck
from pipelines.ingest.specs import BOOKKEEPING, Column, SourceSpec

#: reason codes of the data contract, plus the two this engine adds (documented here)
REASONS = {
    "missing_value": "a required cell is blank",
    "bad_date": "a date or datetime that no accepted style reads",
    "bad_number": "a number that cannot be read",
    "negative_value": "a count below zero",
    "out_of_range": "a value outside its allowed range (visits < 1, satisfaction not 1–5)",
    "bad_enum": "a value outside a closed list (hotline status)",
    "bad_coordinates": "coordinates outside mainland China's bounding box",
    "swapped_coordinates": "latitude and longitude written the wrong way round",
    # settled when the warehouse is built:
    "unknown_station": "a station id that is not in the station registry",
    "unknown_community": "a community that matches no loaded community (or several)",
    "duplicate_id": "the id repeats an earlier row of the same file",
    "enrolled_exceeds_reached": "a drive enrolled more people than it reached",
    "resolved_before_received": "a call resolved before it was received",
    "missing_resolved_at": "a resolved call without a resolution time",
    "extra_cells": "more filled cells than the header has columns (a stray delimiter)",
    # added by this engine:
    "bad_boolean": "a yes/no cell that is none of the accepted words",
    "bad_code": "a division code that is not 12 digits",
    "unknown_district": "a district that matches no district of the divisions reference",
    # a steward's upload: on ingestion for rows that write their place, in staging for
    # usage (by its station)
    "out_of_scope": "a row outside the scope of the steward who uploaded the file",
}
_SEP = "\t"
QUARANTINE_SCHEMA = {
    "path": pl.String,
    "source": pl.String,
    "row_number": pl.Int32,
    "column_name": pl.String,
    "reason": pl.String,
    "raw_values": pl.String,
    "sheet": pl.String,  # the workbook's sheet; NULL for a text file
}


@dataclass
class Context:
    """What checking a file's rows needs to know beyond the rows themselves."""

    spec: SourceSpec
    path: str
    file_mtime: datetime
    crs: str = "wgs84"
    excel: bool = False
    pseudonyms: privacy.Pseudonymiser | None = None
    #: the divisions reference's districts, for a spec with a district column
    districts: DistrictMatcher | None = None
    #: date column → the formats its earlier batches were written in (see parse_moments)
    moment_styles: dict[str, list[str]] = field(default_factory=dict)
    #: the scope of the district or subdistrict steward who uploaded the file
    scope: ScopeCheck | None = None


@dataclass
class Tally:
    """Counts for the file's message, summed over its batches."""

    rows_read: int = 0
    #: totals and footer rows: read, never loaded, never bad
    rows_skipped: int = 0
    reasons: Counter = field(default_factory=Counter)
    #: column → unknown values loaded as the enumeration's fallback (value → count)
    fallbacks: dict[str, Counter] = field(default_factory=dict)


#: the reader's bookkeeping columns every checked row carries along
_CARRIED = ("_row_number", "_sheet", "_read_order", "_extra")


def _casts(cells: pl.Series, dtype: pl.DataType) -> bool:
    """Whether polars' own cast reads every cell of the column: then the general parser
    (thousands separators, ``12.0``, …), ten times slower, is not needed."""
    cast = cells.cast(dtype, strict=False)
    if dtype == pl.Float64:
        cast = cast.filter(cast.is_finite())  # "inf" and "nan" are not numbers here
    return cells.null_count() == len(cells) - len(cast) + cast.null_count()


def _moment(name: str) -> str:
    return f"_moment_{name}"


def _problem(condition: pl.Expr, column: str, reason: str) -> pl.Expr:
    return pl.when(condition).then(pl.lit(f"{column}{_SEP}{reason}"))


def _enum_codes(folded: pl.Series, enum: vocab.Enumeration) -> dict[str, str | None]:
    return {v: vocab.lookup(enum, v) for v in folded.drop_nulls().unique().to_list()}


def _typed(col: Column, folded: pl.Expr, frame: pl.DataFrame, ctx: Context, tally: Tally):
    """The typed value of one column and its problems, as (expression, [(cond, reason)])."""
    present = folded.is_not_null()
    cells = frame.get_column(col.name)
    if col.type == "int":
        value = folded.cast(pl.Int64) if _casts(cells, pl.Int64) else values.parse_int(folded)
        problems = [(present & value.is_null(), "bad_number")]
        if not col.allow_negative:
            problems.append((value < 0, "negative_value"))
        if col.minimum is not None:
            problems.append((value < col.minimum, "out_of_range"))
    elif col.type == "float":
        if _casts(cells, pl.Float64):
            value = folded.cast(pl.Float64)
        else:
            value = values.parse_rate(folded) if col.rate else values.parse_float(folded)
        problems = [(present & value.is_null(), "bad_number")]
    elif col.type == "bool":
        value = values.parse_bool(folded)
        problems = [(present & value.is_null(), "bad_boolean")]
    elif col.type in ("date", "datetime"):
        moment = pl.col(_moment(col.name))  # parsed beforehand, see check_batch
        if col.type == "date":  # a datetime is a date only at midnight
            value = pl.when(moment.dt.time() == pl.time(0)).then(moment.dt.date())
        else:
            value = moment
        problems = [(present & value.is_null(), "bad_date")]
    elif col.type == "code":
        value = values.parse_code(folded)
        problems = [(present & value.is_null(), "bad_code")]
    elif col.type == "rating":
        value = values.parse_rating(folded, vocab.SATISFACTION_WORDS)
        problems = [
            (present & value.is_null(), "bad_number"),
            ((value < 1) | (value > 5), "out_of_range"),
        ]
        value = value.cast(pl.Int8, strict=False)
    elif col.type == "enum":
        assert col.enum is not None
        codes = _enum_codes(cells, col.enum)
        unknown = [v for v, code in codes.items() if code is None]
        value = folded.replace_strict(codes, default=None, return_dtype=pl.String)
        if col.enum.fallback is None:
            problems = [(present & value.is_null(), "bad_enum")]
        else:
            problems = []
            value = pl.when(present).then(value.fill_null(pl.lit(col.enum.fallback)))
            if unknown:
                counts = (
                    frame.get_column(col.name)
                    .filter(frame.get_column(col.name).is_in(unknown))
                    .value_counts()
                )
                fallback = tally.fallbacks.setdefault(col.name, Counter())
                for written, count in counts.iter_rows():
                    fallback[written] += count
    else:
        formulas = cells.str.starts_with("=").any()
        value = values.parse_text(folded) if formulas else folded
        problems = []
    if col.default is not None:
        value = value.fill_null(pl.lit(col.default))
    elif col.required:
        problems.insert(0, (~present, "missing_value"))
    return value.alias(col.name), [(c, col.name, r) for c, r in problems]


def _coordinate_problems(spec: SourceSpec) -> list[pl.Expr]:
    if spec.coordinates is None:
        return []
    lat_name, lon_name = spec.coordinates
    lat, lon = pl.col(lat_name), pl.col(lon_name)

    def inside(la: pl.Expr, lo: pl.Expr) -> pl.Expr:
        lat_lo, lat_hi = coords.LAT_RANGE
        lon_lo, lon_hi = coords.LON_RANGE
        return la.is_between(lat_lo, lat_hi) & lo.is_between(lon_lo, lon_hi)

    return [
        _problem(~inside(lat, lon) & inside(lon, lat), lat_name, "swapped_coordinates"),
        _problem(~inside(lat, lon), lat_name, "bad_coordinates"),
    ]


def check_batch(
    batch: pl.DataFrame, header: HeaderMatch, header_cells: list[str], ctx: Context, tally: Tally
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split one batch into (clean rows for ``raw.<source>``, rows for ``meta.quarantine``)."""
    spec = ctx.spec
    tally.rows_read += batch.height
    skipped = batch.get_column("_skip")
    if skipped.any():
        tally.rows_skipped += int(skipped.sum())
        batch = batch.filter(~skipped)
    by_name = {name: f"c{p}" for p, name in header.columns.items()}

    def folded_cells(name: str) -> pl.Expr:
        cells = batch.get_column(by_name[name])
        return values.fold(
            pl.col(by_name[name]), values.is_ascii(cells), values.has_apostrophes(cells)
        )

    folded = (
        batch.lazy()
        .select(
            *_CARRIED,
            *[
                folded_cells(c.name).alias(c.name)
                if c.name in by_name
                else pl.lit(None, pl.String).alias(c.name)
                for c in spec.columns
            ],
        )
        .collect()
    )
    folded = folded.with_columns(
        values.parse_moments(
            folded.get_column(c.name), ctx.excel, ctx.moment_styles.setdefault(c.name, [])
        ).alias(_moment(c.name))
        for c in spec.columns
        if c.type in ("date", "datetime")
    )
    # shifted cells make every other verdict on the row meaningless
    typed_exprs, problems = [], [_problem(pl.col("_extra") > 0, "", "extra_cells")]
    for col in spec.columns:
        expr, col_problems = _typed(col, pl.col(col.name), folded, ctx, tally)
        typed_exprs.append(expr)
        problems += [_problem(cond, name, reason) for cond, name, reason in col_problems]
    extra = []
    if spec.date_only_flag:
        source_col, flag = spec.date_only_flag
        extra.append((~values.has_time(pl.col(source_col), ctx.excel)).alias(flag))
    # lazy: the parsers share sub-expressions that polars then computes once
    typed = (
        folded.lazy()
        .with_columns(*extra)
        .with_columns(*typed_exprs, pl.coalesce(problems).alias("_problem"))
        .collect()
    )
    later = _coordinate_problems(spec)
    for group in spec.one_of:
        blank = pl.all_horizontal(pl.col(list(group)).is_null())
        later.append(_problem(blank, "/".join(group), "missing_value"))
    later += [_problem(check.fails(), check.column, check.reason) for check in spec.checks]
    typed = typed.with_columns(
        pl.coalesce("_problem", *later).alias("_problem") if later else pl.col("_problem")
    )
    typed = _match_districts(typed, ctx)
    typed = _check_scope(typed, ctx)
    is_clean = pl.col("_problem").is_null()
    clean, bad = typed.filter(is_clean), typed.filter(~is_clean)
    for reason in bad.get_column("_problem").str.split_exact(_SEP, 1).struct.field("field_1"):
        tally.reasons[reason] += 1
    return _clean_rows(clean, ctx), _quarantine_rows(bad, batch, header, header_cells, ctx)


def _match_districts(typed: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """The district code of each row (``district_code``); an unmatched one is quarantined."""
    column = ctx.spec.district_column
    if column is None or ctx.districts is None:
        return typed
    written = typed.get_column(column)
    codes = written.replace_strict(
        {v: ctx.districts.match(v) for v in written.drop_nulls().unique().to_list()},
        default=None,
        return_dtype=pl.String,
    )
    unknown = pl.when(written.is_not_null() & codes.is_null()).then(
        pl.lit(f"{column}{_SEP}unknown_district")
    )
    return typed.with_columns(
        pl.coalesce(pl.col("_problem"), unknown).alias("_problem"), codes.alias("district_code")
    )


def _check_scope(typed: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """A steward's row outside their scope, by the places it writes, is quarantined."""
    columns = ctx.spec.place_columns
    if ctx.scope is None or not columns or typed.is_empty():
        return typed
    outside = pl.when(ctx.scope.outside(typed, columns)).then(
        pl.lit(f"{columns[0]}{_SEP}out_of_scope")
    )
    return typed.with_columns(pl.coalesce(pl.col("_problem"), outside).alias("_problem"))


def _clean_rows(clean: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    spec = ctx.spec
    if spec.coordinates and ctx.crs != "wgs84" and clean.height:
        lat_name, lon_name = spec.coordinates
        lat, lon = coords.to_wgs84(
            clean.get_column(lat_name).to_numpy(), clean.get_column(lon_name).to_numpy(), ctx.crs
        )
        clean = clean.with_columns(
            pl.Series(lat_name, np.asarray(lat)), pl.Series(lon_name, np.asarray(lon))
        )
    personal = [c.name for c in spec.columns if c.personal]
    if personal and clean.height:
        clean = clean.with_columns(ctx.pseudonyms(clean.get_column(c)) for c in personal)
    names = [c.name for c in spec.columns] + [name for name, _ in spec.extra_columns]
    month = (
        pl.col(spec.month_column).cast(pl.Date).dt.truncate("1mo")
        if spec.month_column
        else pl.lit(None, pl.Date)
    )
    bookkeeping = {
        "_path": pl.lit(ctx.path),
        "_row_number": pl.col("_row_number").cast(pl.Int32),
        "_sheet": pl.col("_sheet"),
        "_read_order": pl.col("_read_order"),
        "_month": month,
        "_scope": pl.lit(ctx.scope.prefix if ctx.scope else None, pl.String),
    }
    assert list(bookkeeping) == [name for name, _ in BOOKKEEPING]
    return clean.select(*names, *[e.alias(n) for n, e in bookkeeping.items()])


def _quarantine_rows(
    bad: pl.DataFrame,
    batch: pl.DataFrame,
    header: HeaderMatch,
    header_cells: list[str],
    ctx: Context,
) -> pl.DataFrame:
    spec = ctx.spec
    if bad.is_empty():
        return pl.DataFrame(schema=QUARANTINE_SCHEMA)
    original = batch.join(bad.select("_read_order", "_problem"), on="_read_order", how="inner")
    personal = {c.name for c in spec.columns if c.personal}
    # a stray delimiter shifts a personal cell right, under another header
    shifted = original.get_column("_extra") > 0
    cells, right_of_personal = [], False
    for position, name in header.columns.items():
        cell = original.get_column(f"c{position}")
        if name in personal:
            cell = ctx.pseudonyms(cell)
        elif right_of_personal and shifted.any():
            cell = cell.zip_with(~shifted, ctx.pseudonyms(cell))
        right_of_personal = right_of_personal or name in personal
        # unknown extra columns, and cells beyond the header, stay out: they may hold
        # personal data nobody declared
        cells.append(cell.alias(header_cells[position] or name))
    raw_values = (
        pl.DataFrame(cells).select(pl.struct(pl.all()).struct.json_encode()).to_series()
        if cells
        else pl.Series([None] * original.height, dtype=pl.String)
    )
    problem = original.get_column("_problem").str.split_exact(_SEP, 1)
    return pl.DataFrame(
        {
            "path": pl.Series([ctx.path] * original.height, dtype=pl.String),
            "source": pl.Series([spec.name] * original.height, dtype=pl.String),
            "row_number": original.get_column("_row_number").cast(pl.Int32),
            "column_name": problem.struct.field("field_0").replace("", None),
            "reason": problem.struct.field("field_1"),
            "raw_values": raw_values,
            "sheet": original.get_column("_sheet"),
        }
    )
