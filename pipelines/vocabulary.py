"""The one vocabulary: every enumeration with its English code, Chinese and English labels
and the synonyms people write in exports.

Ingestion maps written values to codes with :func:`lookup`; SQL seeds and the dashboard
take labels from here, so a label is changed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    code: str
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Enumeration:
    name: str
    terms: tuple[Term, ...]
    #: the code an unknown value loads as (None: an unknown value is rejected)
    fallback: str | None = "other"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def label(self, code: str | None, lang: str = "zh") -> str:
        for term in self.terms:
            if term.code == code:
                return term.zh if lang == "zh" else term.en
        return code or ""

    def labels(self, lang: str = "zh") -> dict[str, str]:
        return {t.code: (t.zh if lang == "zh" else t.en) for t in self.terms}


def _norm(value: str) -> str:
    return "".join(value.split()).casefold()


def lookup(enum: Enumeration, written: str) -> str | None:
    """The code for a written value (Chinese label, English code or label, synonym),
    or None when nothing matches."""
    key = _norm(written)
    for term in enum.terms:
        if key in {_norm(term.code), _norm(term.zh), _norm(term.en), *map(_norm, term.synonyms)}:
            return term.code
    return None


STATION_TYPE = Enumeration(
    "station_type",
    (
        Term("warm_station", "暖心驿站", "Warm station"),
        Term("outdoor_service_station", "户外劳动者服务站", "Outdoor workers' station"),
        Term("workers_home", "职工之家", "Workers' home"),
        Term("reading_room", "职工书屋", "Reading room"),
        Term("mother_infant_room", "母婴关爱室", "Mother and infant room"),
        Term("other", "其他", "Other"),
    ),
)

SERVICE = Enumeration(
    "service",
    (
        Term("water", "饮水", "Drinking water", ("接水",)),
        Term("charging", "充电", "Charging"),
        Term("meal_heating", "热饭", "Meal heating", ("加热", "微波炉")),
        Term("rest", "休息", "Rest", ("歇脚",)),
        Term("toilet", "如厕", "Toilet"),
        Term("shelter", "避暑取暖", "Shelter from heat and cold"),
        Term("first_aid", "医药急救", "First aid", ("医药箱",)),
        Term("rain_gear", "雨具借用", "Rain gear", ("借雨具",)),
        Term("haircut", "理发", "Haircut"),
        Term("counselling", "咨询", "Counselling"),
        Term("other", "其他", "Other"),
    ),
)

WORKER_TYPE = Enumeration(
    "worker_type",
    (
        Term("food_delivery", "外卖骑手", "Food delivery rider", ("外卖", "外卖小哥")),
        Term("courier", "快递员", "Courier", ("快递", "快递小哥")),
        Term("ride_hailing", "网约车司机", "Ride-hailing driver"),
        Term("truck_driver", "货车司机", "Truck driver"),
        Term("sanitation", "环卫工人", "Sanitation worker"),
        Term("other", "其他", "Other"),
    ),
)

CHANNEL = Enumeration(
    "channel",
    (
        Term("phone", "电话", "Phone"),
        Term("wechat", "微信群", "WeChat group"),
        Term("walk_in", "现场", "Walk-in"),
        Term("other", "其他", "Other"),
    ),
)

CATEGORY = Enumeration(
    "category",
    (
        Term("psychological", "心理咨询", "Psychological counselling"),
        Term("legal", "法律咨询", "Legal counselling"),
        Term("join_union", "入会", "Joining a union"),
        Term("found_union", "建会", "Founding a union"),
        Term("assistance", "救助", "Assistance"),
        Term("other", "其他", "Other"),
    ),
)

STATUS = Enumeration(
    "status",
    (
        Term("resolved", "已办结", "Resolved"),
        Term("in_progress", "办理中", "In progress"),
        Term("referred", "已转办", "Referred"),
    ),
    fallback=None,
)

PLATFORM = Enumeration(
    "platform",
    (
        Term("meituan", "美团", "Meituan"),
        Term("eleme", "饿了么", "Ele.me"),
        Term("jd", "京东", "JD"),
        Term("sf", "顺丰", "SF Express"),
        Term("shansong", "闪送", "Shansong"),
        Term("lalamove", "货拉拉", "Lalamove"),
        Term("didi", "滴滴", "Didi"),
        Term("other", "其他", "Other"),
    ),
)

SITE_TYPE = Enumeration(
    "site_type",
    (
        Term("party_service_center", "党群服务中心", "Party-masses service centre"),
        Term("mall", "商场", "Mall"),
        Term("community_space", "社区用房", "Community space"),
        Term("company_depot", "企业站点", "Company depot"),
        Term("fuel_station", "加油站", "Fuel station"),
        Term("other", "其他", "Other"),
    ),
)

#: the seven standard amenities (七有), in the order of the standard
SEVEN_AMENITIES = Enumeration(
    "amenity",
    (
        Term("has_shelter", "避暑取暖", "Shelter"),
        Term("has_toilet", "卫生间", "Toilet"),
        Term("has_water", "饮用水", "Drinking water"),
        Term("has_charging", "充电", "Charging"),
        Term("has_epidemic_kit", "防疫物品", "Epidemic supplies"),
        Term("has_first_aid", "医疗急救包", "First-aid kit"),
        Term("has_rain_gear", "雨具", "Rain gear"),
    ),
    fallback=None,
)

EXTRA_AMENITIES = Enumeration(
    "extra_amenity",
    (
        Term("has_microwave", "微波炉", "Microwave"),
        Term("has_haircut", "理发", "Haircut"),
        Term("has_parking", "专用停车位", "Parking"),
    ),
    fallback=None,
)

#: weather warning signals (预警信号) of the meteorological service, by colour
WARNING = Enumeration(
    "warning",
    (
        Term("none", "无", "None", ("无预警", "-")),
        Term("blue", "蓝色", "Blue", ("蓝", "蓝色预警")),
        Term("yellow", "黄色", "Yellow", ("黄", "黄色预警")),
        Term("orange", "橙色", "Orange", ("橙", "橙色预警")),
        Term("red", "红色", "Red", ("红", "红色预警")),
    ),
    fallback=None,
)

WARNING_TYPE = Enumeration(
    "warning_type",
    (
        Term("heat", "高温", "Heat"),
        Term("cold", "寒潮", "Cold wave", ("低温", "寒冷")),
        Term("rain", "暴雨", "Rainstorm", ("大雨", "降雨")),
        Term("wind", "大风", "Gale"),
        Term("other", "其他", "Other"),
    ),
)

#: hotline satisfaction written as words
SATISFACTION_WORDS = {"满意": 5, "基本满意": 3, "不满意": 1}

SCOPE_LEVEL = Enumeration(
    "scope_level",
    (
        Term("city", "全市", "City"),
        Term("district", "区", "District"),
        Term("subdistrict", "街道(乡镇)", "Subdistrict"),
        Term("community", "社区", "Community"),
        Term("station", "驿站", "Station"),
    ),
    fallback=None,
)

#: what produced a row of demand_forecast (docs/forecast.md): the pooled model, or the
#: baseline published where the backtest found the model no better
FORECAST_MODEL = Enumeration(
    "forecast_model",
    (
        Term("pooled_weather", "汇总模型（含天气）", "Pooled model with weather"),
        Term("pooled", "汇总模型（无天气数据）", "Pooled model (no weather data)"),
        Term("seasonal_naive", "照搬去年同月（基准）", "Same month last year (baseline)"),
        Term("last_value", "照搬上月（基准）", "Last month repeated (baseline)"),
    ),
    fallback=None,
)

#: where a forecast month's weather came from (forecast_weather.basis)
WEATHER_BASIS = Enumeration(
    "weather_basis",
    (
        Term("normal", "气候常年值", "Climate normal"),
        Term("forecast", "天气预报文件", "Weather forecast file"),
        Term("mixed", "部分天气预报、其余常年值", "Forecast file in part, normal for the rest"),
    ),
    fallback=None,
)

ALL = {
    e.name: e
    for e in (
        STATION_TYPE,
        SERVICE,
        WORKER_TYPE,
        CHANNEL,
        CATEGORY,
        STATUS,
        PLATFORM,
        SITE_TYPE,
        SEVEN_AMENITIES,
        EXTRA_AMENITIES,
        SCOPE_LEVEL,
        WARNING,
        WARNING_TYPE,
        FORECAST_MODEL,
        WEATHER_BASIS,
    )
}
