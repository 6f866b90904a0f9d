"""The file registry (published): what loaded from each landing file, what was rejected
and why (data contract "Nothing lost": rows_read = rows_loaded + rows_quarantined +
rows_superseded + rows_skipped, rows_skipped being totals and footer rows), for the data
stewards. A file's value checks come from its lake record (meta.files, meta.quarantine);
what the warehouse settles comes from the raw views and staging: rows another file's (or
a later row's) version of the same key superseded, repeated ids (duplicate_id), stations
whose community matches none and usage whose station is not in the registry. The
message says what was quarantined and why, unknown enumeration values loaded as
``other`` and communities that matched none.
"""

from __future__ import annotations

import json
from collections import Counter

import polars as pl

from pipelines.ingest import engine
from pipelines.ingest.specs import SPECS
from pipelines.warehouse.models import Months

REFRESH = "whole"
#: sources whose rows may be superseded or repeat an id
KEYED = [name for name, spec in SPECS.items() if spec.key is not None]
#: (source, the SQL of its community as written) for sources matched to communities
COMMUNITY_TEXT = {
    "stations": "coalesce(r.community_code, r.community_name)",
    "hotline": "r.community",
}


def inputs(months: Months | None) -> dict[str, str]:
    states = "\nUNION ALL\n".join(
        f"SELECT _path AS path, _state AS state, count(*) AS n FROM raw.{name} GROUP BY ALL"
        for name in KEYED
    )
    communities = "\nUNION ALL\n".join(
        f"""SELECT r._path AS path, coalesce(m.outcome, 'unmatched') AS outcome, count(*) AS n
            FROM raw.{name} AS r
            LEFT JOIN staging.stg_community_matches AS m ON m.written = {text}
            WHERE {text} IS NOT NULL GROUP BY ALL"""
        for name, text in COMMUNITY_TEXT.items()
    )
    return {
        "files": "SELECT * FROM meta.files ORDER BY source, path",
        "states": states,
        "reasons": """
            SELECT path, reason, count(*) AS n FROM meta.quarantine GROUP BY ALL
            UNION ALL
            SELECT path, reason, count(*) FROM staging.stg_station_rejects GROUP BY ALL
            UNION ALL
            SELECT path, reason, count(*) FROM staging.stg_usage_rejects GROUP BY ALL
            -- in a known order: reasons quarantining as many rows are listed by name
            ORDER BY path, reason""",
        "communities": communities,
    }


def _by_path(frame: pl.DataFrame, key: str) -> dict[str, Counter]:
    found: dict[str, Counter] = {}
    for path, name, n in frame.select("path", key, "n").iter_rows():
        found.setdefault(path, Counter())[name] += n
    return found


def compute(frames: dict[str, pl.DataFrame], months: Months | None) -> pl.DataFrame:
    states = _by_path(frames["states"], "state")
    reasons = _by_path(frames["reasons"], "reason")
    communities = _by_path(frames["communities"], "outcome")
    rows = []
    for f in frames["files"].iter_rows(named=True):
        path = f["path"]
        if f["status"] != "loaded":
            counts = {"rows_loaded": 0, "rows_quarantined": 0, "rows_superseded": 0}
            message = f["message"]
        else:
            state = states.get(path) or Counter(kept=f["rows_valid"])
            said = reasons.get(path, Counter())
            duplicates = state["duplicate_id"]
            refused = sum(n for r, n in said.items() if r != "duplicate_id") - f["rows_invalid"]
            counts = {
                "rows_loaded": state["kept"] - refused,
                "rows_quarantined": f["rows_invalid"] + duplicates + refused,
                "rows_superseded": state["superseded"],
            }
            fallbacks = json.loads(f["fallbacks"])
            message = engine.message(
                json.loads(f["warnings"]),
                Counter({r: n for r, n in said.items() if r != "duplicate_id"}),
                {column: Counter(values) for column, values in fallbacks.items()},
                communities.get(path),
                duplicates,
            )
        rows.append(
            {
                "path": path,
                "source": f["source"],
                "sha256": f["sha256"],
                "status": f["status"],
                "rows_read": f["rows_read"],
                **counts,
                "rows_skipped": f["rows_skipped"],
                "message": message,
                "ingested_at": f["ingested_at"],
                "uploaded_by": f["uploaded_by"],
            }
        )
    schema = {
        "path": pl.String, "source": pl.String, "sha256": pl.String, "status": pl.String,
        "rows_read": pl.Int64, "rows_loaded": pl.Int64, "rows_quarantined": pl.Int64,
        "rows_superseded": pl.Int64, "rows_skipped": pl.Int64, "message": pl.String,
        "ingested_at": pl.Datetime("us"), "uploaded_by": pl.String,
    }  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")
