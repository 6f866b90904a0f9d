"""The station registry (驿站台账), modelled on the seed article.

拱辰街道 (房山区) has 100+ stations at demo scale — among them 伊林郡社区 and 智汇雅苑社区,
a 党群服务中心 and two malls (华冠, 天街); 王辛庄镇 (平谷区) has six stations that passed
验收 in the last months; 龙潭街道 (东城区) has a station in a restaurant. The rest spread over
the scale's communities in proportion to their outdoor workers.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from pipelines import vocabulary as vocab
from pipelines.demo.defects import Defect
from pipelines.demo.exports import Layout, date_text, impossible_date, labels
from pipelines.demo.geography import jitter
from pipelines.demo.names import NameMatcher
from pipelines.demo.scales import EXPORT_DAY, FIRST_MONTH, Scale, rng_for

DISTRICT_PREFIX = {
    "东城区": "DC",
    "西城区": "XC",
    "朝阳区": "CY",
    "丰台区": "FT",
    "石景山区": "SJS",
    "海淀区": "HD",
    "门头沟区": "MTG",
    "房山区": "FS",
    "通州区": "TZ",
    "顺义区": "SY",
    "昌平区": "CP",
    "大兴区": "DX",
    "怀柔区": "HR",
    "平谷区": "PG",
    "密云区": "MY",
    "延庆区": "YQ",
}
#: the seed article's subdistricts get their initials in station ids, as offices do
SUBDISTRICT_PREFIX = {"拱辰街道": "GC", "王辛庄镇": "WXZ", "龙潭街道": "LT"}
GONGCHEN, WANGXINZHUANG, LONGTAN = "110111011000", "110117110000", "110101014000"
YILINJUN, ZHIHUIYAYUAN = "110111011032", "110111011034"

AMENITIES = [t.code for t in vocab.SEVEN_AMENITIES.terms]
EXTRAS = [t.code for t in vocab.EXTRA_AMENITIES.terms]
#: how often each of the seven is the one missing at a station below standard
_MISSING_WEIGHT = np.array([0.5, 2.0, 0.5, 1.5, 2.5, 1.0, 3.0])
_HOSTS = {
    "community": ("{c}党群服务站", "{o}"),
    "mall": ("华冠购物中心({s}店)", "物美超市({s}店)", "永辉超市({s}店)", "万达广场({s})"),
    "bank": ("中国工商银行{s}支行", "中国建设银行{s}支行", "北京银行{s}支行", "邮储银行{s}支行"),
    "fuel": ("中国石化{s}加油站", "中国石油{s}加油站"),
    "restaurant": ("庆丰包子铺({s}店)", "南城香({s}店)", "和合谷({s}店)"),
    "depot": ("美团外卖{s}站点", "京东物流{s}营业部", "顺丰速运{s}营业点", "中国邮政{s}揽投部"),
}
_HOST_SHARE = {
    "community": 0.45,
    "mall": 0.12,
    "bank": 0.15,
    "fuel": 0.08,
    "restaurant": 0.08,
    "depot": 0.12,
}
_TYPE_SHARE = {
    "warm_station": 0.55,
    "outdoor_service_station": 0.30,
    "workers_home": 0.08,
    "reading_room": 0.03,
    "mother_infant_room": 0.02,
    "other": 0.02,
}
_OPEN_HOURS = {
    "08:00-20:00": 0.5,
    "09:00-18:00": 0.2,
    "24小时": 0.15,
    "07:00-22:00": 0.1,
    "全天": 0.05,
}


def build_stations(scale: Scale, seed: int, communities: pl.DataFrame) -> pl.DataFrame:
    """The registry as of the export day, typed (dates as dates, flags as booleans).

    Besides the contract's columns: subdistrict, district, written_by_name (the row
    names its community instead of giving the code), tally (the station keeps a daily
    tally book rather than one row per visit) and weight (its share of usage)."""
    rng = rng_for(seed, "stations")
    by_code = {row["community_code"]: row for row in communities.iter_rows(named=True)}
    subdistricts = set(communities["subdistrict_code"].to_list())
    plan: list[dict] = []
    if GONGCHEN in subdistricts:
        plan += _gongchen(scale, communities, rng)
    if scale.other_seed_places and WANGXINZHUANG in subdistricts:
        plan += _wangxinzhuang(communities, rng)
    if scale.other_seed_places and LONGTAN in subdistricts:
        plan.append(
            {
                "community": "110101014002",
                "host": "restaurant",
                "host_org": "庆丰包子铺(龙潭店)",
                "opened_on": date(2024, 6, 18),
                "standard": True,
            }
        )
    plan += _elsewhere(scale.stations - len(plan), communities, rng)

    rows = []
    sequence: dict[str, int] = {}
    for item in plan:
        community = by_code[item["community"]]
        rows.append(_station(item, community, sequence, rng))
    dates = {"opened_on": pl.Date, "closed_on": pl.Date, "accepted_on": pl.Date}
    stations = pl.DataFrame(rows, infer_schema_length=None, schema_overrides=dates)
    lat, lon = jitter(rng, stations["lat"].to_numpy(), stations["lon"].to_numpy(), 400.0)
    matcher = NameMatcher(
        zip(communities["community_code"], communities["community_name"], strict=True)
    )
    # about one row in twelve names its community (short form) instead of giving the code;
    # only names that match exactly one community, so the row still loads
    by_name = rng.random(stations.height) < 1 / 12
    matchable = np.array(
        [
            matcher.match(n) == c
            for n, c in zip(stations["community_name"], stations["community_code"], strict=True)
        ]
    )
    seed_by_name = stations["community_code"].is_in([YILINJUN]).to_numpy()
    return stations.with_columns(
        lat=pl.Series(np.round(lat, 6)),
        lon=pl.Series(np.round(lon, 6)),
        written_by_name=pl.Series((by_name & matchable) | seed_by_name),
    )


def _gongchen(scale: Scale, communities: pl.DataFrame, rng: np.random.Generator) -> list[dict]:
    opened = date(2023, 4, 20)
    featured = [
        {
            "community": "110111011003",
            "host": "community",
            "host_org": "拱辰街道党群服务中心",
            "opened_on": opened,
            "type": "warm_station",
        },
        {
            "community": "110111011004",
            "host": "mall",
            "host_org": "华冠购物中心(拱辰店)",
            "opened_on": opened,
            "type": "outdoor_service_station",
        },
        {
            "community": "110111011018",
            "host": "mall",
            "host_org": "龙湖房山天街",
            "opened_on": date(2023, 9, 1),
            "type": "outdoor_service_station",
        },
        {
            "community": YILINJUN,
            "host": "community",
            "host_org": "伊林郡社区党群服务站",
            "opened_on": opened,
            "type": "warm_station",
        },
        {
            "community": ZHIHUIYAYUAN,
            "host": "community",
            "host_org": "智汇雅苑社区党群服务站",
            "opened_on": opened,
            "type": "warm_station",
        },
    ]
    for item in featured:
        item["standard"] = True
        item["accepted_on"] = item["opened_on"] + timedelta(days=45)
    local = communities.filter(pl.col("subdistrict_code") == GONGCHEN)
    return featured + _spread(
        scale.gongchen_stations - len(featured), local, rng, before_window=0.7
    )


def _wangxinzhuang(communities: pl.DataFrame, rng: np.random.Generator) -> list[dict]:
    villages = communities.filter(pl.col("subdistrict_code") == WANGXINZHUANG).sort(
        "outdoor_workers", descending=True
    )
    picked = villages["community_code"].head(6).to_list()
    return [
        {
            "community": code,
            "host": "community",
            "opened_on": date(2026, 3 + i // 2, 10 + 3 * i),
            "accepted_on": date(2026, 8 + i // 2, 12 + i),
            "standard": True,
        }
        for i, code in enumerate(picked)
    ]


def _elsewhere(n: int, communities: pl.DataFrame, rng: np.random.Generator) -> list[dict]:
    others = communities.filter(~pl.col("subdistrict_code").is_in([GONGCHEN, WANGXINZHUANG]))
    return _spread(n, others, rng, before_window=0.45)


def _spread(
    n: int, communities: pl.DataFrame, rng: np.random.Generator, before_window: float
) -> list[dict]:
    """n stations in communities chosen in proportion to their outdoor workers."""
    if n <= 0:
        return []
    weights = communities["outdoor_workers"].to_numpy().astype(float)
    codes = communities["community_code"].to_numpy()
    picked = rng.choice(codes, size=n, p=weights / weights.sum())
    hosts = rng.choice(list(_HOST_SHARE), size=n, p=list(_HOST_SHARE.values()))
    old = rng.random(n) < before_window
    before = (date(2019, 6, 1) - FIRST_MONTH).days + rng.integers(
        0, (FIRST_MONTH - date(2019, 6, 1)).days, n
    )
    within = rng.integers(0, (EXPORT_DAY - FIRST_MONTH).days - 10, n)
    offsets = np.where(old, before, within)
    return [
        {
            "community": str(code),
            "host": str(host),
            "opened_on": FIRST_MONTH + timedelta(days=int(d)),
        }
        for code, host, d in zip(picked, hosts, offsets, strict=True)
    ]


def _station(
    item: dict, community: dict, sequence: dict[str, int], rng: np.random.Generator
) -> dict:
    subdistrict = community["subdistrict"]
    prefix = SUBDISTRICT_PREFIX.get(subdistrict, community["subdistrict_code"][6:9])
    series = f"{DISTRICT_PREFIX[community['district']]}-{prefix}"
    sequence[series] = sequence.get(series, 0) + 1
    short_sub = (
        subdistrict.removesuffix("街道").removesuffix("地区").removesuffix("镇").removesuffix("乡")
    )
    host = item["host"]
    host_org = item.get("host_org") or str(rng.choice(_HOSTS[host])).format(
        c=community["short_name"], o=community["community_name"], s=short_sub
    )
    station_type = item.get("type") or str(
        rng.choice(list(_TYPE_SHARE), p=list(_TYPE_SHARE.values()))
    )
    if host in ("mall", "depot", "fuel") and station_type in ("reading_room", "mother_infant_room"):
        station_type = "outdoor_service_station"
    label = "户外劳动者服务站" if station_type == "outdoor_service_station" else "暖心驿站"
    opened_on: date = item["opened_on"]
    closed_on = None
    if rng.random() < 0.03 and opened_on < date(2026, 6, 1):
        closed_on = min(
            opened_on + timedelta(days=int(rng.integers(90, 500))), EXPORT_DAY - timedelta(days=3)
        )
        closed_on = max(closed_on, FIRST_MONTH + timedelta(days=int(rng.integers(0, 600))))
    accepted_on = item.get("accepted_on")
    if accepted_on is None and rng.random() < 0.9:
        accepted_on = opened_on + timedelta(days=int(rng.integers(20, 120)))
        if accepted_on > EXPORT_DAY:
            accepted_on = None
    flags = _amenities(rng, item.get("standard", False), host)
    community_workers = community["outdoor_workers"]
    place = f"{community['district']}{subdistrict}{community['short_name']}"
    return {
        "station_id": f"{series}-{sequence[series]:04d}",
        "station_name": f"{host_org}{label}",
        "station_type": station_type,
        "host_org": host_org,
        "address": f"北京市{place}{int(rng.integers(1, 60))}号",
        "community_code": community["community_code"],
        "community_name": community["short_name"],
        "lat": community["lat"],
        "lon": community["lon"],
        "opened_on": opened_on,
        "closed_on": closed_on if closed_on and closed_on > opened_on else None,
        "seats": int(np.clip(rng.lognormal(np.log(8), 0.5), 2, 40)),
        "open_hours": str(rng.choice(list(_OPEN_HOURS), p=list(_OPEN_HOURS.values()))),
        "accepted_on": accepted_on,
        **flags,
        "subdistrict": subdistrict,
        "district": community["district"],
        "tally": bool(rng.random() < 0.45),
        "weight": float(community_workers * rng.lognormal(0.0, 0.5)),
    }


def _amenities(rng: np.random.Generator, standard: bool, host: str) -> dict[str, bool]:
    """About seven stations in ten have all seven amenities; the others lack one to three."""
    have = np.ones(len(AMENITIES), dtype=bool)
    if not standard and rng.random() < 0.3:
        k = int(rng.choice([1, 2, 3], p=[0.6, 0.3, 0.1]))
        have[
            rng.choice(
                len(AMENITIES), size=k, replace=False, p=_MISSING_WEIGHT / _MISSING_WEIGHT.sum()
            )
        ] = False
    extras = rng.random(len(EXTRAS)) < np.array(
        [0.6, 0.08, 0.5 if host in ("mall", "fuel", "depot") else 0.2]
    )
    return {
        **dict(zip(AMENITIES, have.tolist(), strict=True)),
        **dict(zip(EXTRAS, extras.tolist(), strict=True)),
    }


HEADERS = {
    "station_id": "驿站编号",
    "station_name": "驿站名称",
    "station_type": "驿站类型",
    "host_org": "依托单位",
    "address": "详细地址",
    "community_code": "社区代码",
    "community_name": "所属社区",
    "lat": "纬度",
    "lon": "经度",
    "opened_on": "启用日期",
    "closed_on": "停用日期",
    "seats": "座位数(个)",
    "open_hours": "开放时间",
    "accepted_on": "验收日期",
    "has_shelter": "避暑取暖",
    "has_toilet": "卫生间",
    "has_water": "饮用水",
    "has_charging": "充电设备",
    "has_epidemic_kit": "防疫物品",
    "has_first_aid": "医药箱",
    "has_rain_gear": "雨具",
    "has_microwave": "微波炉",
    "has_haircut": "理发",
    "has_parking": "停车位",
}
CELL_TYPES = {
    "lat": "number",
    "lon": "number",
    "opened_on": "date",
    "closed_on": "date",
    "accepted_on": "date",
    "seats": "number",
}


def stations_text(stations: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """The registry as the office's spreadsheet holds it: 有/无 for the amenities, the
    community by code (and short name), or by name alone on some rows."""
    flags = [*AMENITIES, *EXTRAS]
    return stations.select(
        "station_id",
        "station_name",
        pl.col("station_type").replace_strict(labels(vocab.STATION_TYPE, layout)),
        "host_org",
        "address",
        pl.when(~pl.col("written_by_name")).then("community_code").alias("community_code"),
        "community_name",
        *[pl.col(c).cast(pl.String) for c in ("lat", "lon")],
        *[date_text(c, layout).alias(c) for c in ("opened_on", "closed_on")],
        pl.col("seats").cast(pl.String),
        "open_hours",
        date_text("accepted_on", layout).alias("accepted_on"),
        *[pl.when(pl.col(c)).then(pl.lit("有")).otherwise(pl.lit("无")).alias(c) for c in flags],
    )


def stations_defects(layout: Layout) -> list[Defect]:
    """A station entered twice, and new rows typed wrong (each under a fresh id)."""

    def fresh(rows: pl.DataFrame) -> pl.DataFrame:
        return rows.with_columns(pl.col("station_id").str.replace(r"-(\d{4})$", "-9$1"))

    def swapped(rows, rng):
        return fresh(rows).with_columns(lat=pl.col("lon"), lon=pl.col("lat"))

    def unknown(rows, rng):
        return fresh(rows).with_columns(
            community_code=pl.lit(None, pl.String), community_name=pl.lit("待定小区")
        )

    def bad_date(rows, rng):
        return fresh(rows).with_columns(opened_on=pl.lit(impossible_date(2025, 6, 31, layout)))

    return [
        Defect("duplicate_id", 2, lambda rows, rng: rows),
        Defect(
            "missing_value",
            1,
            lambda rows, rng: fresh(rows).with_columns(opened_on=pl.lit(None, pl.String)),
        ),
        Defect("swapped_coordinates", 1, swapped),
        Defect("unknown_community", 1, unknown),
        Defect("bad_date", 1, bad_date),
    ]
