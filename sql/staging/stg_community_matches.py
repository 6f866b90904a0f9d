"""Every community written in an export — a station's community code or name, a hotline
call's community — matched to the loaded communities by the data contract's three steps
(pipelines/ingest/communities.py): an official name, a short form (居民委员会/居委会 off,
村民委员会/村委会 → 村), a bare form (社区/村 off); a 12-digit code as a code; a step that finds
two communities ends the search (ambiguous). Matching when the warehouse is built, not
when a file is ingested, means a registry that arrives later still finds its
communities. Reads raw.stations, raw.hotline and staging.stg_communities; writes
staging.stg_community_matches (written, community_code, outcome: matched | unmatched |
ambiguous).
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.communities import CommunityMatcher
from pipelines.warehouse.models import Months

REFRESH = "whole"


def inputs(months: Months | None) -> dict[str, str]:
    return {
        "communities": "SELECT community_code, community_name FROM staging.stg_communities",
        "written": """
            SELECT DISTINCT written FROM (
                SELECT coalesce(community_code, community_name) AS written FROM raw.stations
                UNION ALL
                SELECT community FROM raw.hotline
            ) AS w WHERE written IS NOT NULL""",
    }


def compute(frames: dict[str, pl.DataFrame], months: Months | None) -> pl.DataFrame:
    matcher = CommunityMatcher(frames["communities"].rows())
    written = sorted(frames["written"]["written"].to_list())
    found = [matcher.match(w) for w in written]
    return pl.DataFrame(
        {
            "written": written,
            "community_code": [code for code, _ in found],
            "outcome": [outcome for _, outcome in found],
        },
        schema={"written": pl.String, "community_code": pl.String, "outcome": pl.String},
    )
