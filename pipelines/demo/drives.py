"""Membership drives (入会活动) at delivery and courier platforms' depots.

Drives follow the outdoor workers; 拱辰街道 runs several every month and enrols 200+
workers a month, as the seed article reports.
"""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np
import polars as pl

from pipelines import vocabulary as vocab
from pipelines.demo.defects import Defect, negative
from pipelines.demo.exports import Layout, date_text, impossible_date, labels
from pipelines.demo.scales import Scale, rng_for
from pipelines.demo.stations import GONGCHEN

PLATFORMS = ["meituan", "eleme", "jd", "sf", "shansong", "lalamove", "didi"]
_PLATFORM_SHARE = [0.32, 0.2, 0.16, 0.14, 0.06, 0.06, 0.06]
_WORKER_OF = {
    "meituan": "food_delivery",
    "eleme": "food_delivery",
    "jd": "courier",
    "sf": "courier",
    "shansong": "courier",
    "lalamove": "truck_driver",
    "didi": "ride_hailing",
}
_VENUE = {
    "meituan": "美团外卖{s}站",
    "eleme": "饿了么{s}站点",
    "jd": "京东物流{s}营业部",
    "sf": "顺丰速运{s}营业点",
    "shansong": "闪送{s}服务点",
    "lalamove": "货拉拉{s}司机之家",
    "didi": "滴滴{s}司机服务站",
}

HEADERS = {
    "drive_id": ("活动编号", "drive_id"),
    "held_on": ("活动日期", "held_on"),
    "district": ("区", "district"),
    "subdistrict": ("街道", "subdistrict"),
    "community_code": ("社区代码", "community_code"),
    "venue": ("活动地点", "venue"),
    "organizer": ("主办单位", "organizer"),
    "platform": ("平台", "platform"),
    "worker_type": ("人员类型", "worker_type"),
    "reached": ("覆盖人数(人)", "reached"),
    "enrolled": ("入会人数(人)", "enrolled"),
}
CELL_TYPES = {"held_on": "date", "reached": "number", "enrolled": "number"}


def build_drives(scale: Scale, seed: int, communities: pl.DataFrame) -> pl.DataFrame:
    """Every drive of the scale's months, typed."""
    rng = rng_for(seed, "drives")
    weights = communities["outdoor_workers"].to_numpy().astype(float)
    gongchen = np.flatnonzero(communities["subdistrict_code"].to_numpy() == GONGCHEN)
    frames = []
    for month in scale.window:
        n = rng.poisson(scale.drives_per_month)
        rows = rng.choice(communities.height, size=n, p=weights / weights.sum())
        reached = np.clip(rng.lognormal(np.log(45), 0.6, n), 8, 400).astype(np.int64)
        enrolled = rng.binomial(reached, rng.uniform(0.15, 0.6, n))
        local = np.zeros(n, dtype=bool)
        if len(gongchen):
            # 拱辰: four to six depot drives a month, 200+ new members in all
            k = int(rng.integers(4, 7))
            rows = np.concatenate([rows, rng.choice(gongchen, size=k)])
            g_reached = rng.integers(70, 130, k)
            g_enrolled = np.maximum(
                (g_reached * rng.uniform(0.6, 0.8, k)).astype(np.int64), 210 // k + 1
            )
            reached = np.concatenate([reached, g_reached])
            enrolled = np.concatenate([enrolled, g_enrolled])
            local = np.concatenate([local, np.ones(k, dtype=bool)])
        where = communities[rows.tolist()]
        frames.append(_month_drives(rng, month, where, reached, enrolled, local))
    return pl.concat(frames)


def _month_drives(
    rng: np.random.Generator,
    month: date,
    where: pl.DataFrame,
    reached: np.ndarray,
    enrolled: np.ndarray,
    local: np.ndarray,
) -> pl.DataFrame:
    """A month's drives, numbered in date order. ``local`` marks drives the 拱辰 union
    reports itself: always with its subdistrict and community."""
    n = where.height
    days = calendar.monthrange(month.year, month.month)[1]
    platform = np.array(PLATFORMS)[rng.choice(len(PLATFORMS), size=n, p=_PLATFORM_SHARE)]
    subdistrict = where["subdistrict"].to_numpy()
    short = [s.removesuffix("街道").removesuffix("镇").removesuffix("乡") for s in subdistrict]
    by_district = (rng.random(n) < 0.3) & ~local
    unsaid = [pl.Series((rng.random(n) < share) & ~local) for share in (0.1, 0.15)]
    drives = pl.DataFrame(
        {
            "held_on": [
                date(month.year, month.month, int(d)) for d in rng.integers(1, days + 1, n)
            ],
            "district": where["district"],
            "subdistrict": where["subdistrict"],
            "community_code": where["community_code"],
            "venue": [_VENUE[p].format(s=s) for p, s in zip(platform, short, strict=True)],
            "organizer": np.where(by_district, where["district"].to_numpy(), subdistrict),
            "platform": platform,
            "worker_type": [_WORKER_OF[p] for p in platform],
            "reached": reached,
            "enrolled": np.minimum(enrolled, reached),
        }
    ).with_columns(
        # some reports leave out the subdistrict or the community
        pl.when(unsaid[0]).then(None).otherwise(pl.col("subdistrict")).alias("subdistrict"),
        pl.when(unsaid[1]).then(None).otherwise(pl.col("community_code")).alias("community_code"),
        pl.col("organizer") + "总工会",
    )
    drives = drives.sort("held_on", maintain_order=True)
    ids = pl.Series("drive_id", [f"RH{month:%Y%m}{i + 1:04d}" for i in range(n)])
    return drives.insert_column(0, ids)


def drives_text(drives: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    return drives.with_columns(
        date_text("held_on", layout).alias("held_on"),
        pl.col("platform").replace_strict(labels(vocab.PLATFORM, layout)),
        pl.col("worker_type").replace_strict(labels(vocab.WORKER_TYPE, layout)),
        pl.col("reached", "enrolled").cast(pl.String),
    )


def drives_defects(month: date, layout: Layout) -> list[Defect]:
    def fresh(rows: pl.DataFrame) -> pl.DataFrame:
        return rows.with_columns(pl.col("drive_id").str.replace(r"(\d{4})$", "9${1}"))

    def more_enrolled(rows, rng):
        return fresh(rows).with_columns(
            enrolled=(pl.col("reached").cast(pl.Int64) + 12).cast(pl.String)
        )

    return [
        Defect("enrolled_exceeds_reached", 3, more_enrolled),
        Defect("negative_value", 1, lambda rows, rng: negative("enrolled")(fresh(rows), rng)),
        Defect(
            "bad_date",
            1,
            lambda rows, rng: fresh(rows).with_columns(
                held_on=pl.lit(impossible_date(month.year, 2, 30, layout))
            ),
        ),
        Defect(
            "missing_value",
            1,
            lambda rows, rng: fresh(rows).with_columns(district=pl.lit(None, pl.String)),
        ),
    ]
