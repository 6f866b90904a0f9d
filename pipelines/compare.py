"""Two serving snapshots compared table by table: what "the same figures" means when an
incremental refresh is checked against a full one, or one engine against another.

Every published table's rows are read and sorted; what legitimately differs between two
refreshes of the same files is left out — when the snapshot was built (``snapshot_info``'s
``built_at``), when each file was read (``ingested_at``) and the fingerprints of those rows
(``snapshot_state``). Floats agree to a relative or absolute 1e-9.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb

#: tables that describe the build, not the figures
IGNORED_TABLES = frozenset({"snapshot_state"})
#: columns that record when something was read, not what
IGNORED_COLUMNS = frozenset({"ingested_at"})
TOLERANCE = 1e-9


def snapshot_rows(path: Path) -> dict[str, list[tuple]]:
    """Every published table of the snapshot at ``path``: its rows, sorted."""
    found: dict[str, list[tuple]] = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        for table in sorted(set(tables) - IGNORED_TABLES):
            columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
            kept = ", ".join(c for c in columns if c not in IGNORED_COLUMNS)
            where = " WHERE key <> 'built_at'" if table == "snapshot_info" else ""
            rows = con.execute(f"SELECT {kept} FROM {table}{where}").fetchall()
            found[table] = sorted(rows, key=repr)
    return found


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return a == b


def differences(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> list[str]:
    """What differs between two :func:`snapshot_rows` results, one line per table (an
    empty list: the same figures)."""
    found = [f"{t}: only in the first" for t in sorted(a.keys() - b.keys())]
    found += [f"{t}: only in the second" for t in sorted(b.keys() - a.keys())]
    for table in sorted(a.keys() & b.keys()):
        rows_a, rows_b = a[table], b[table]
        if len(rows_a) != len(rows_b):
            found.append(f"{table}: {len(rows_a):,} rows against {len(rows_b):,}")
            continue
        for x, y in zip(rows_a, rows_b, strict=True):
            if len(x) != len(y) or not all(map(_same, x, y)):
                found.append(f"{table}: first difference {x!r} against {y!r}"[:400])
                break
    return found
