"""Data quality: the landing files and their rejected rows (city viewers only: files are
not inside any one scope)."""

from __future__ import annotations

import polars as pl

from dashboards.data.snapshot import query
from dashboards.viewer import Viewer


def ingest_files(viewer: Viewer) -> pl.DataFrame:
    """Every landing file with its counts, the row-accounting check (NULL for a
    rejected file) and its message."""
    if not viewer.is_city:
        return pl.DataFrame()
    return query(
        """SELECT path, source, status, rows_read, rows_loaded, rows_quarantined,
                  rows_superseded, rows_skipped,
                  -- the equation holds for files that were read; a rejected file loads nothing
                  CASE WHEN status = 'loaded' THEN
                      rows_read = rows_loaded + rows_quarantined + rows_superseded
                                  + rows_skipped END
                      AS balanced,
                  message, ingested_at
        FROM ingest_files ORDER BY source, path"""
    )


def quarantine_summary(viewer: Viewer) -> pl.DataFrame:
    """Quarantined rows by source, month, column and reason."""
    if not viewer.is_city:
        return pl.DataFrame()
    return query(
        """SELECT source, month, column_name, reason, sum(rows) AS rows
        FROM quarantine_summary GROUP BY ALL
        ORDER BY source, month NULLS LAST, rows DESC, reason"""
    )


def quarantine_rows(viewer: Viewer, path: str | None = None) -> pl.DataFrame:
    """The rejected rows (optionally of one file) with their original values."""
    if not viewer.is_city:
        return pl.DataFrame()
    return query(
        """SELECT path, source, row_number, column_name, reason, raw_values FROM quarantine
        WHERE $path IS NULL OR path = $path ORDER BY path, row_number, column_name""",
        path=path,
    )


#: the most quarantined rows the data-quality page sends to the browser (the download
#: has them all)
QUARANTINE_SHOWN = 1000


def quarantine_rows_shown(
    viewer: Viewer, limit: int = QUARANTINE_SHOWN
) -> tuple[pl.DataFrame, int]:
    """The first ``limit`` rejected rows, the most recently ingested files' first and
    then by row number, and the number of all rejected rows."""
    if not viewer.is_city:
        return pl.DataFrame(), 0
    shown = query(
        """SELECT q.path, q.source, q.row_number, q.column_name, q.reason, q.raw_values
        FROM quarantine q LEFT JOIN ingest_files f ON f.path = q.path
        ORDER BY f.ingested_at DESC NULLS LAST, q.path, q.row_number, q.column_name
        LIMIT $limit""",
        limit=limit,
    )
    total = query("SELECT count(*) AS n FROM quarantine")["n"].item()
    return shown, int(total)

