"""The landing sources (six exports and the optional weather), declared: columns,
Chinese headers, types, enumerations, keys.

This file is the data contract (docs/data-contract.md) in code. The ingestion engine
reads these specs and nothing else source-specific, so adding a header alias or a column
is a one-line change here. Each source lands in ``raw.<source>`` with its canonical
columns plus the bookkeeping columns of :data:`BOOKKEEPING`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from pipelines import vocabulary as vocab

ColumnType = Literal["text", "code", "int", "float", "bool", "date", "datetime", "enum", "rating"]

SQL_TYPES: dict[str, str] = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "enum": "VARCHAR",
    "rating": "TINYINT",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False
    enum: vocab.Enumeration | None = None
    #: personal data: pseudonymised with HMAC-SHA256 on ingestion, never stored in clear
    personal: bool = False
    #: integers: whether negative values are allowed
    allow_negative: bool = False
    #: integers: minimum allowed value (e.g. visits >= 1)
    minimum: int | None = None
    #: value used when the cell is blank
    default: object = None
    #: floats: a rate, which may be written as a percentage (``85%`` → 0.85)
    rate: bool = False
    #: a column that is only loaded, never shown (e.g. the text a community was written as)
    description: str = ""


@dataclass(frozen=True)
class RowCheck:
    """A rule across the typed columns of one row: a row where ``fails()`` is true is
    quarantined with ``reason`` against ``column``."""

    reason: str
    column: str
    fails: Callable[[], pl.Expr]


@dataclass(frozen=True)
class SourceSpec:
    name: str
    columns: tuple[Column, ...]
    #: key column, or columns (weather: date and district); None without a key (usage)
    key: str | tuple[str, ...] | None = None
    #: inside one file, a repeated key: "first" row wins (others quarantined as
    #: duplicate_id) or "last" row wins (earlier ones superseded, as a ticket system
    #: lists a call once per status change)
    duplicate_policy: Literal["first", "last"] = "first"
    #: groups of columns of which at least one must be present and filled
    one_of: tuple[tuple[str, ...], ...] = ()
    #: names of (lat, lon) columns validated and converted as coordinates
    coordinates: tuple[str, str] | None = None
    #: column holding a community written as code or name (with the other columns of its
    #: one-of group), matched to the loaded communities when the warehouse is built
    community_column: str | None = None
    description: str = ""
    extra_columns: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    #: rules across columns, checked after every value parsed
    checks: tuple[RowCheck, ...] = ()
    #: (datetime column, boolean extra column) set true where only a date was written
    date_only_flag: tuple[str, str] | None = None
    #: column holding a station id that must be in the station registry (checked when
    #: the warehouse is built)
    station_column: str | None = None
    #: one of the exports of the data contract (False: optional extra data)
    export: bool = True
    #: column holding a district written as a name (朝阳区, 朝阳) or a code, matched to the
    #: districts of the divisions reference into the extra column ``district_code`` on
    #: ingestion; a row that matches none is quarantined (``unknown_district``)
    district_column: str | None = None
    #: the date or datetime column whose month a row falls in (event sources): the raw
    #: layer stores it as ``_month``, so a month's rows are found without reading others
    month_column: str | None = None
    #: columns that say where a row is — a community (code or name), else a subdistrict
    #: and district — against which an upload by a district or subdistrict steward is
    #: checked on ingestion (``out_of_scope``, :mod:`pipelines.ingest.scope_check`)
    place_columns: tuple[str, ...] = ()

    @property
    def steward_scoped(self) -> bool:
        """Whether a district or subdistrict steward may upload this source: its rows
        can be placed inside a scope (by a place column, or by their station)."""
        return bool(self.place_columns or self.station_column)

    @property
    def key_columns(self) -> tuple[str, ...]:
        if self.key is None:
            return ()
        return (self.key,) if isinstance(self.key, str) else self.key

    @property
    def key_sql(self) -> str:
        """The key as one SQL value: the column, or the columns as text joined by ``|``."""
        if len(self.key_columns) == 1:
            return self.key_columns[0]
        return "(" + " || '|' || ".join(f"{c}::VARCHAR" for c in self.key_columns) + ")"

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _flags() -> tuple[Column, ...]:
    aliases = {
        "has_shelter": ("避暑取暖", "室内避暑取暖场所"),
        "has_toilet": ("卫生间", "厕所"),
        "has_water": ("饮用水", "免费饮用水", "饮水"),
        "has_charging": ("充电", "共享充电设备", "充电设备"),
        "has_epidemic_kit": ("防疫物品",),
        "has_first_aid": ("医疗急救包", "急救包", "医药箱"),
        "has_rain_gear": ("雨具",),
        "has_microwave": ("微波炉", "热饭"),
        "has_haircut": ("理发",),
        "has_parking": ("专用停车位", "停车位"),
    }
    # blank = false for amenity flags (data contract, "Booleans")
    return tuple(Column(name, "bool", names, default=False) for name, names in aliases.items())


COMMUNITIES = SourceSpec(
    "communities",
    (
        Column("community_code", "code", ("社区代码", "统计用区划代码", "区划代码"), required=True),
        Column("community_name", "text", ("社区名称", "社区", "村/社区"), required=True),
        Column("subdistrict", "text", ("街道", "街道(乡镇)", "乡镇", "所属街道"), required=True),
        Column("district", "text", ("区", "所属区", "区县"), required=True),
        Column("lat", "float", ("纬度",), required=True),
        Column("lon", "float", ("经度",), required=True),
        Column("residents", "int", ("常住人口",)),
        Column(
            "outdoor_workers",
            "int",
            ("户外劳动者人数", "新就业形态劳动者人数", "户外劳动者数"),
            required=True,
        ),
    ),
    key="community_code",
    coordinates=("lat", "lon"),
    description="Reference: one row per community (社区/村) with its centroid and workers.",
)

STATIONS = SourceSpec(
    "stations",
    (
        Column("station_id", "text", ("驿站编号", "编号"), required=True),
        Column("station_name", "text", ("驿站名称", "名称"), required=True),
        Column(
            "station_type", "enum", ("驿站类型", "类型"), required=True, enum=vocab.STATION_TYPE
        ),
        Column("host_org", "text", ("依托单位", "承建单位")),
        Column("address", "text", ("地址", "详细地址")),
        Column("community_code", "code", ("社区代码",)),
        Column("community_name", "text", ("所属社区", "社区名称")),
        Column("lat", "float", ("纬度",), required=True),
        Column("lon", "float", ("经度",), required=True),
        Column("opened_on", "date", ("启用日期", "建成日期", "投用日期"), required=True),
        Column("closed_on", "date", ("停用日期", "关闭日期")),
        Column("seats", "int", ("座位数", "座位")),
        Column("open_hours", "text", ("开放时间",)),
        Column("accepted_on", "date", ("验收日期", "验收通过日期")),
        *_flags(),
    ),
    key="station_id",
    one_of=(("community_code", "community_name"),),
    coordinates=("lat", "lon"),
    community_column="community_code",
    place_columns=("community_code", "community_name"),
    description="The station registry (驿站台账), one row per station as of the export.",
)

USAGE = SourceSpec(
    "usage",
    (
        Column("station_id", "text", ("驿站编号",), required=True),
        Column("occurred_at", "datetime", ("服务时间", "时间", "日期", "服务日期"), required=True),
        Column("service", "enum", ("服务项目", "服务类型"), required=True, enum=vocab.SERVICE),
        Column("worker_type", "enum", ("人员类型", "劳动者类型", "职业"), enum=vocab.WORKER_TYPE),
        Column("visits", "int", ("人次", "次数", "数量"), minimum=1, default=1),
        Column("worker_ref", "text", ("人员标识", "手机号", "会员号"), personal=True),
    ),
    description="Station usage (驿站服务记录): one row per visit, or per daily tally.",
    # is_tally: occurred_at was written as a bare date (a daily tally)
    extra_columns=(("is_tally", "BOOLEAN"),),
    date_only_flag=("occurred_at", "is_tally"),
    station_column="station_id",
    month_column="occurred_at",
)

HOTLINE = SourceSpec(
    "hotline",
    (
        Column("call_id", "text", ("工单编号", "编号"), required=True),
        Column("received_at", "datetime", ("来电时间", "受理时间"), required=True),
        Column("channel", "enum", ("渠道", "来源"), enum=vocab.CHANNEL),
        Column("category", "enum", ("诉求类别", "类别"), required=True, enum=vocab.CATEGORY),
        Column("caller_phone", "text", ("来电号码", "联系电话"), personal=True),
        Column("community", "text", ("所属社区", "社区")),
        Column("worker_type", "enum", ("人员类型",), enum=vocab.WORKER_TYPE),
        Column("routed_to", "text", ("转办部门", "承办部门")),
        Column("status", "enum", ("办理状态", "状态"), required=True, enum=vocab.STATUS),
        Column("resolved_at", "datetime", ("办结时间",)),
        Column("satisfaction", "rating", ("满意度",)),
    ),
    key="call_id",
    duplicate_policy="last",
    community_column="community",
    place_columns=("community",),
    month_column="received_at",
    description="Hotline tickets (热线工单), one row per call or message.",
    checks=(
        RowCheck(
            "missing_resolved_at",
            "resolved_at",
            lambda: (pl.col("status") == "resolved") & pl.col("resolved_at").is_null(),
        ),
        RowCheck(
            "resolved_before_received",
            "resolved_at",
            lambda: pl.col("resolved_at") < pl.col("received_at"),
        ),
    ),
)

DRIVES = SourceSpec(
    "drives",
    (
        Column("drive_id", "text", ("活动编号",), required=True),
        Column("held_on", "date", ("活动日期", "日期"), required=True),
        Column("district", "text", ("区",), required=True),
        Column("subdistrict", "text", ("街道", "乡镇")),
        Column("community_code", "code", ("社区代码",)),
        Column("venue", "text", ("活动地点", "地点")),
        Column("organizer", "text", ("组织单位", "主办单位")),
        Column("platform", "enum", ("平台", "企业"), enum=vocab.PLATFORM),
        Column("worker_type", "enum", ("人员类型",), enum=vocab.WORKER_TYPE),
        Column("reached", "int", ("覆盖人数", "参与人数"), required=True),
        Column("enrolled", "int", ("入会人数", "新入会人数"), required=True),
    ),
    key="drive_id",
    month_column="held_on",
    place_columns=("community_code", "subdistrict", "district"),
    description="Membership drives (入会活动), one row per drive.",
    checks=(
        RowCheck(
            "enrolled_exceeds_reached", "enrolled", lambda: pl.col("enrolled") > pl.col("reached")
        ),
    ),
)

CANDIDATE_SITES = SourceSpec(
    "candidate_sites",
    (
        Column("site_id", "text", ("点位编号",), required=True),
        Column("site_name", "text", ("点位名称", "名称"), required=True),
        Column("site_type", "enum", ("点位类型", "类型"), enum=vocab.SITE_TYPE),
        Column("lat", "float", ("纬度",), required=True),
        Column("lon", "float", ("经度",), required=True),
        Column("community_code", "code", ("社区代码",)),
        Column("est_cost", "float", ("预计费用", "建设费用")),
        Column("seats", "int", ("座位数",)),
        Column("address", "text", ("地址", "详细地址")),
    ),
    key="site_id",
    coordinates=("lat", "lon"),
    description="Candidate sites (候选点位) where a new station could open.",
)

WEATHER = SourceSpec(
    "weather",
    (
        Column("date", "date", ("日期", "观测日期"), required=True),
        Column("district", "text", ("区", "区县"), required=True),
        Column("temp_max", "float", ("最高气温", "日最高气温"), required=True),
        Column("temp_min", "float", ("最低气温", "日最低气温")),
        Column("precipitation_mm", "float", ("降水量", "日降水量")),
        Column("warning", "enum", ("预警", "预警信号"), enum=vocab.WARNING),
        Column("warning_type", "enum", ("预警类型",), enum=vocab.WARNING_TYPE),
    ),
    # a later export (a corrected observation, or the observation replacing a forecast
    # row for the same day) wins; the district is keyed by its code, so 朝阳区 and 朝阳
    # written in two files are the same district
    key=("date", "district_code"),
    district_column="district",
    month_column="date",
    description="Optional daily weather (气象观测) per district: temperature, rain, warnings.",
    extra_columns=(("district_code", "VARCHAR"),),
    checks=(
        RowCheck("out_of_range", "temp_max", lambda: ~pl.col("temp_max").is_between(-40, 50)),
        RowCheck("out_of_range", "temp_min", lambda: ~pl.col("temp_min").is_between(-40, 50)),
        RowCheck("out_of_range", "temp_min", lambda: pl.col("temp_min") > pl.col("temp_max")),
        RowCheck("negative_value", "precipitation_mm", lambda: pl.col("precipitation_mm") < 0),
    ),
)

#: optional community boundaries, ``landing/boundaries/*.geojson``: a FeatureCollection
#: whose features carry ``properties.community_code``; one row per feature, the geometry
#: kept as GeoJSON text. Not one of the exports (``export=False``).
BOUNDARIES = SourceSpec(
    "boundaries",
    (
        Column("community_code", "code", ("社区代码",), required=True),
        Column("geometry", "text", required=True),
    ),
    key="community_code",
    export=False,
    description="Community boundaries (GeoJSON polygons), one row per community.",
    checks=(
        RowCheck(
            "bad_coordinates",
            "geometry",
            lambda: (
                ~pl.col("geometry").str.json_path_match("$.type").is_in(["Polygon", "MultiPolygon"])
            ),
        ),
    ),
)


#: every source the engine ingests: the one list of sources
SPECS: dict[str, SourceSpec] = {
    spec.name: spec
    for spec in (
        COMMUNITIES,
        STATIONS,
        USAGE,
        HOTLINE,
        DRIVES,
        CANDIDATE_SITES,
        WEATHER,
        BOUNDARIES,
    )
}
#: the sources union offices export (docs/data-contract.md, "Sources")
EXPORTS: tuple[str, ...] = tuple(name for name, spec in SPECS.items() if spec.export)


#: bookkeeping columns every raw row carries
BOOKKEEPING: tuple[tuple[str, str], ...] = (
    ("_path", "VARCHAR"),  # the landing file, relative to <data>/landing
    ("_row_number", "INTEGER"),  # the line a person sees in Excel / an editor
    ("_sheet", "VARCHAR"),  # the workbook's sheet the row is on; NULL for a text file
    # the row's place in the file, sheet by sheet (sheet number × 2^20 + row number): a
    # row's identity within its file, as row numbers repeat from sheet to sheet
    ("_read_order", "BIGINT"),
    ("_month", "DATE"),  # the first day of the row's month (event sources), else NULL
    # the leading digits of the uploading steward's scope (6 a district's, 9 a
    # subdistrict's); NULL when no district or subdistrict steward uploaded the file.
    # Usage rows are checked against it where the station registry is known (staging)
    ("_scope", "VARCHAR"),
)


def raw_columns(spec: SourceSpec) -> list[tuple[str, str]]:
    """(name, SQL type) of a source's raw rows: its columns, extras and bookkeeping."""
    return [
        *((c.name, SQL_TYPES[c.type]) for c in spec.columns),
        *spec.extra_columns,
        *BOOKKEEPING,
    ]
