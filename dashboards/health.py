"""Is the dashboard able to serve, and is its data as recent as it should be?

- ``/healthz``, for a monitor, a load balancer or ``curl`` after an upgrade: no sign-in
  and no figures. ``200 {"status": "ok", ...}`` when the serving snapshot exists and
  answers a query, with when it was built, its age in seconds and whether its data is
  behind; ``503 {"status": "unavailable", "reason": ...}`` otherwise.
- :func:`freshness`: the one rule for "behind", shared by ``/healthz`` and the banner
  on every page (:mod:`dashboards.components.freshness`). The newest complete month of
  the snapshot is compared with the current month in Beijing: in June, May's figures
  are expected; the data is behind when the newest complete month lags the current
  month by more than ``WSI_DATA_LAG_MONTHS`` (default 1) months.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from dash import Dash
from flask import Response, jsonify

from dashboards.auth.web import public
from dashboards.data.snapshot import newest, settings, shift
from pipelines.serving import NoSnapshot

log = logging.getLogger(__name__)
BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Freshness:
    #: the snapshot's newest complete month (None: it has none)
    latest: date | None
    #: the newest complete month expected today (the month before the current one)
    expected: date
    #: whether ``latest`` lags more than the allowed months behind the current month
    behind: bool


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from ``earlier``'s month to ``later``'s (days ignored)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def today_in_beijing() -> date:
    return datetime.now(BEIJING).date()


def freshness(latest: date | None, today: date, allowed_lag_months: int) -> Freshness:
    """How the newest complete month ``latest`` compares with what ``today`` expects."""
    this_month = today.replace(day=1)
    expected = shift(this_month, -1)
    behind = latest is None or months_between(latest, this_month) > allowed_lag_months
    return Freshness(latest, expected, behind)


def snapshot_freshness(today: date | None = None) -> Freshness:
    """:func:`freshness` of the newest serving snapshot (raises ``NoSnapshot`` without
    one), also while a city user views an earlier one."""
    rows = newest(settings()).query(
        "SELECT value FROM snapshot_info WHERE key = 'latest_complete_month'"
    )
    value = rows["value"][0] if rows.height else ""
    latest = date.fromisoformat(value[:10]) if value else None
    return freshness(latest, today or today_in_beijing(), settings().data_lag_months)


def status() -> tuple[dict, int]:
    """The body and HTTP status of ``/healthz``."""
    try:
        rows = newest(settings()).query("SELECT value FROM snapshot_info WHERE key = 'built_at'")
        built_at = datetime.fromisoformat(rows["value"][0]) if rows.height else None
        behind = snapshot_freshness().behind
    except NoSnapshot:
        return {"status": "unavailable", "reason": "no snapshot has been published"}, 503
    except Exception as error:  # any failure to read it: report, never crash the check
        log.exception("health check: the snapshot cannot be read")
        reason = f"the snapshot cannot be read: {type(error).__name__}"
        return {"status": "unavailable", "reason": reason}, 503
    body: dict = {"status": "ok", "data_behind": behind}
    if built_at is not None:
        if built_at.tzinfo is None:  # written in Beijing time by the pipeline
            built_at = built_at.replace(tzinfo=BEIJING)
        body["snapshot_built_at"] = built_at.isoformat()
        body["snapshot_age_seconds"] = int((datetime.now(BEIJING) - built_at).total_seconds())
    return body, 200


def register_health(app: Dash) -> None:
    """Add ``/healthz`` to the app's server (public: it shows no data)."""

    @public
    def healthz() -> Response:
        body, code = status()
        response = jsonify(body)
        response.status_code = code
        return response

    prefix = app.config.routes_pathname_prefix
    app.server.add_url_rule(f"{prefix}healthz", "wsi_healthz", healthz)
