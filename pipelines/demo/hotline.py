"""Hotline tickets (12351 热线工单), exported month by month.

Each month's export lists the calls received that month with their status at the end
of the month, plus the calls of earlier months that were still open at the previous
export, with their newer status (same call_id) — ticket exports do that. Resolution
times have a long tail, so recent calls form an open backlog. Callers name their
community in their own words: official names, short names, a code, or something that
matches nothing (``不详``, a street address).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, datetime

import numpy as np
import polars as pl

from pipelines import vocabulary as vocab
from pipelines.demo.defects import Defect
from pipelines.demo.exports import Layout, datetime_text, impossible_date, labels
from pipelines.demo.scales import Scale, rng_for
from pipelines.demo.usage import _PHONE_PREFIXES, WORKER_TYPES

CATEGORIES = [t.code for t in vocab.CATEGORY.terms]
_CATEGORY_SHARE = [0.12, 0.30, 0.25, 0.05, 0.18, 0.10]
_ROUTED_TO = {
    "psychological": ("职工心理服务中心", "区总工会职工服务中心"),
    "legal": ("法律服务中心", "区总工会权益保障部", "劳动争议调解中心"),
    "join_union": ("街道总工会", "区总工会组织部"),
    "found_union": ("区总工会组织部", "街道总工会"),
    "assistance": ("区总工会帮扶中心", "街道总工会"),
    "other": ("12351热线中心", "区总工会办公室"),
}
CHANNELS = [t.code for t in vocab.CHANNEL.terms]
_CHANNEL_SHARE = [0.7, 0.2, 0.08, 0.02]
_RATING_SHARE = [0.07, 0.05, 0.13, 0.20, 0.55]  # 1 … 5
_NOWHERE = (
    "不详",
    "外地",
    "未知",
    "拱辰大街12号院",
    "长阳镇某小区",
    "建国路88号",
    "朝阳路附近",
    "没说",
)

HEADERS = {
    "call_id": ("工单编号", "call_id"),
    "received_at": ("来电时间", "received_at"),
    "channel": ("渠道", "channel"),
    "category": ("诉求类别", "category"),
    "caller_phone": ("来电号码", "caller_phone"),
    "community": ("所属社区", "community"),
    "worker_type": ("人员类型", "worker_type"),
    "routed_to": ("转办部门", "routed_to"),
    "status": ("办理状态", "status"),
    "resolved_at": ("办结时间", "resolved_at"),
    "satisfaction": ("满意度", "satisfaction"),
}
CELL_TYPES = {"received_at": "datetime", "resolved_at": "datetime", "satisfaction": "number"}


def hotline_months(
    scale: Scale, seed: int, communities: pl.DataFrame
) -> Iterator[tuple[date, pl.DataFrame]]:
    """Each month's export, typed, with ``carried`` (the call was listed in an earlier
    export) and ``update`` (an earlier row of a call whose status changed this month)."""
    rng = rng_for(seed, "hotline")
    per_month = scale.calls / scale.months
    still_open = None
    for month in scale.window:
        calls = _new_calls(rng, month, rng.poisson(per_month), communities)
        if still_open is not None:
            calls = pl.concat([still_open.with_columns(carried=pl.lit(True)), calls])
        export_at = datetime(
            month.year, month.month, calendar.monthrange(month.year, month.month)[1], 23, 59, 59
        )
        calls = _status_at(calls, export_at)
        still_open = calls.filter(pl.col("status") != "resolved").drop("status", "resolved_at")
        yield month, _with_status_updates(calls, rng)


def _new_calls(
    rng: np.random.Generator, month: date, n: int, communities: pl.DataFrame
) -> pl.DataFrame:
    days = calendar.monthrange(month.year, month.month)[1]
    # office hours mostly; some calls and messages late in the evening
    hour = rng.choice(24, size=n, p=_hour_share())
    seconds = np.sort(rng.integers(0, days, n) * 86_400 + hour * 3_600 + rng.integers(0, 3_600, n))
    received = (np.datetime64(month, "s") + seconds.astype("timedelta64[s]")).astype(
        "datetime64[us]"
    )
    category = rng.choice(len(CATEGORIES), size=n, p=_CATEGORY_SHARE)
    # hours to resolve: median about a day, a long tail of weeks, a few stuck for months
    hours = rng.lognormal(np.log(20), 1.2, n) * np.where(rng.random(n) < 0.03, 30, 1)
    routes = [_ROUTED_TO[CATEGORIES[c]] for c in category]
    pick = rng.random(n)
    caller = rng.integers(0, 10**10, n)
    phone = _PHONE_PREFIXES[caller % len(_PHONE_PREFIXES)] * 100_000_000 + caller % 100_000_000
    rating = rng.choice(5, size=n, p=_RATING_SHARE) + 1
    return pl.DataFrame(
        {
            "call_id": [f"GD{month:%Y%m}{i + 1:06d}" for i in range(n)],
            "received_at": received,
            "channel": np.array(CHANNELS)[rng.choice(4, size=n, p=_CHANNEL_SHARE)],
            "category": np.array(CATEGORIES)[category],
            "caller_phone": np.where(rng.random(n) < 0.9, phone.astype(str), ""),
            "community": _community_text(rng, n, communities),
            "worker_type": np.array([*WORKER_TYPES, ""])[
                np.where(
                    rng.random(n) < 0.2,
                    6,
                    rng.choice(6, size=n, p=[0.45, 0.25, 0.08, 0.04, 0.12, 0.06]),
                )
            ],
            "routed_to": [r[int(p * len(r))] for r, p in zip(routes, pick, strict=True)],
            "referred": rng.random(n) < 0.4,
            "hours_to_resolve": hours,
            "satisfaction": np.where(rng.random(n) < 0.75, rating, 0),
            "carried": np.zeros(n, dtype=bool),
        }
    ).with_columns(pl.col("caller_phone", "worker_type").replace("", None))


def _hour_share() -> np.ndarray:
    share = np.array([0.2] * 7 + [1.0] * 12 + [0.6] * 3 + [0.3] * 2)
    return share / share.sum()


def _community_text(rng: np.random.Generator, n: int, communities: pl.DataFrame) -> np.ndarray:
    """How callers name their community: official name, short name, code, blank, or
    something that matches nothing."""
    weights = communities["outdoor_workers"].to_numpy().astype(float)
    row = rng.choice(communities.height, size=n, p=weights / weights.sum())
    how = rng.choice(5, size=n, p=[0.42, 0.33, 0.08, 0.09, 0.08])
    official = communities["community_name"].to_numpy()[row]
    short = communities["short_name"].to_numpy()[row]
    code = communities["community_code"].to_numpy()[row]
    nowhere = np.array(_NOWHERE)[rng.integers(0, len(_NOWHERE), n)]
    return np.select([how == 0, how == 1, how == 2, how == 3], [official, short, code, ""], nowhere)


def _status_at(calls: pl.DataFrame, export_at: datetime) -> pl.DataFrame:
    done_at = pl.col("received_at") + pl.duration(
        seconds=(pl.col("hours_to_resolve") * 3600).round(0)
    )
    resolved = done_at <= export_at
    return calls.with_columns(
        status=pl.when(resolved)
        .then(pl.lit("resolved"))
        .when("referred")
        .then(pl.lit("referred"))
        .otherwise(pl.lit("in_progress")),
        resolved_at=pl.when(resolved).then(done_at),
    )


def _with_status_updates(calls: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """A ticket system lists a call once per status change: some calls referred and then
    resolved this month appear twice, the 已转办 row first."""
    calls = calls.with_columns(update=pl.lit(False))
    changed = (
        (calls["status"] == "resolved")
        & calls["referred"]
        & pl.Series(rng.random(calls.height) < 0.08)
    )
    earlier = calls.filter(changed).with_columns(
        status=pl.lit("referred"), resolved_at=pl.lit(None, pl.Datetime("us")), update=pl.lit(True)
    )
    order = pl.concat([earlier, calls]).with_columns(pl.col("update").not_().alias("_last"))
    return order.sort("received_at", "call_id", "_last", maintain_order=True).drop("_last")


def hotline_text(calls: pl.DataFrame, layout: Layout, rating_words: bool) -> pl.DataFrame:
    rated = (pl.col("status") == "resolved") & (pl.col("satisfaction") > 0)
    words = pl.col("satisfaction").replace_strict(
        {5: "满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "不满意"}, default=None
    )
    return calls.select(
        "call_id",
        datetime_text("received_at", layout).alias("received_at"),
        pl.col("channel").replace_strict(labels(vocab.CHANNEL, layout)),
        pl.col("category").replace_strict(labels(vocab.CATEGORY, layout)),
        "caller_phone",
        pl.col("community").replace("", None),
        pl.col("worker_type").replace_strict(labels(vocab.WORKER_TYPE, layout), default=None),
        # in a CSV some notes run over two lines of their cell (Alt+Enter in Excel)
        pl.when(pl.lit(layout.kind == "csv") & pl.col("call_id").str.ends_with("3"))
        .then(pl.col("routed_to") + "\n（已电话回访）")
        .otherwise(pl.col("routed_to"))
        .alias("routed_to"),
        pl.col("status").replace_strict(labels(vocab.STATUS, layout)),
        datetime_text("resolved_at", layout).alias("resolved_at"),
        pl.when(rated)
        .then(words if rating_words else pl.col("satisfaction").cast(pl.String))
        .alias("satisfaction"),
    )


def hotline_defects(month: date, layout: Layout) -> list[Defect]:
    """Bad calls get a fresh ticket number, so they never collide with a real call."""
    resolved = labels(vocab.STATUS, layout)["resolved"]

    def fresh(rows: pl.DataFrame) -> pl.DataFrame:
        # GD202508 0 01234 → GD202508 9 01234: one per source row, never a real number
        # (a month's sequence stays below 900,000)
        return rows.with_columns(
            call_id=pl.col("call_id").str.slice(0, 8) + "9" + pl.col("call_id").str.slice(9)
        )

    def bad_date(rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        text = impossible_date(month.year, 2, 30, layout) + " 10:15:00"
        return fresh(rows).with_columns(
            received_at=pl.lit(text), resolved_at=pl.lit(None, pl.String)
        )

    def before(rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
        earlier = f"{month.year:04d}-{month.month:02d}-01 08:00:00"
        text = (
            impossible_date(month.year, month.month, 1, layout) + " 08:00:00"
            if layout.kind == "csv"
            else earlier
        )
        rows = fresh(rows).with_columns(status=pl.lit(resolved), resolved_at=pl.lit(text))
        return rows.with_columns(received_at=pl.lit(text.replace("08:00:00", "09:30:00")))

    return [
        Defect(
            "missing_value",
            2,
            lambda rows, rng: fresh(rows).with_columns(category=pl.lit(None, pl.String)),
        ),
        Defect("bad_date", 1, bad_date),
        Defect("resolved_before_received", 2, before),
        Defect(
            "missing_resolved_at",
            2,
            lambda rows, rng: fresh(rows).with_columns(
                status=pl.lit(resolved), resolved_at=pl.lit(None, pl.String)
            ),
        ),
    ]
