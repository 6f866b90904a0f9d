"""The station registry with each station's state and visits in a month."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboards.data.snapshot import as_month, query
from dashboards.viewer import Viewer
from pipelines.scope import prefix_of
from pipelines.vocabulary import EXTRA_AMENITIES, SEVEN_AMENITIES


def station_registry(
    viewer: Viewer, scope: str | None, month: date | str, missing: str | None = None
) -> pl.DataFrame:
    """The registry with the month's state and visits; ``missing`` keeps the stations
    that lack that amenity (one of the ``has_*`` columns)."""
    amenities = (*SEVEN_AMENITIES.codes, *EXTRA_AMENITIES.codes)
    condition = f"AND NOT coalesce(s.{missing}, false)" if missing in amenities else ""
    return query(
        f"""SELECT s.station_id, s.station_name, s.station_type, s.district, s.subdistrict,
                  s.community_name, s.meets_standard, s.missing_amenities,
                  {", ".join("s." + a for a in amenities)},
                  coalesce(m.active, false) AS active, coalesce(m.accepted, false) AS accepted,
                  s.accepted_on, s.opened_on, s.closed_on,
                  coalesce(m.visits, 0) AS visits, m.visits_per_seat_day, s.seats,
                  s.open_hours, s.host_org, s.address, s.lat, s.lon
        FROM stations s LEFT JOIN station_monthly m
            ON m.station_id = s.station_id AND m.month = $m
        WHERE starts_with(s.community_code, $prefix) {condition}
        ORDER BY s.station_id""",
        m=as_month(month),
        prefix=prefix_of(viewer.allowed(scope)),
    )

