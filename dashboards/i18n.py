"""The dashboard's words in Chinese and English.

UI strings, column headings and the "how is this computed" texts (from metrics.md)
live here; enumeration labels (services, categories, platforms, amenities …) come from
``pipelines/vocabulary.py`` through :func:`label`, so a label is changed in one place.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.vocabulary import ALL

LANGS = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("暖心驿站数据平台", "Warm Station Insights"),
    "app.lang_toggle": ("English", "中文"),
    "app.built_at": ("数据更新于", "Data as of"),
    "nodata.title": ("还没有数据", "No data yet"),
    "nodata.body": (
        "数据管道尚未发布快照。请先运行数据管道：",
        "The pipeline has not published a snapshot yet. Run the pipeline first:",
    ),
    "nodata.after": (
        "完成后刷新本页即可，无需重启看板。",
        "Then reload this page; the dashboard does not need a restart.",
    ),
    "page.overview": ("月度概览", "Overview"),
    "page.coverage": ("覆盖缺口", "Coverage"),
    "page.demand": ("服务需求", "Demand"),
    "page.hotline": ("热线", "Hotline"),
    "page.membership": ("入会", "Membership"),
    "page.stations": ("驿站", "Stations"),
    "page.quality": ("数据质量", "Data quality"),
    "filter.month": ("月份", "Month"),
    "filter.district": ("区", "District"),
    "filter.subdistrict": ("街道(乡镇)", "Subdistrict"),
    "filter.community": ("社区", "Community"),
    "filter.all_city": ("全市", "Whole city"),
    "filter.all": ("全部", "All"),
    "how": ("如何计算", "How is this computed"),
    "download.xlsx": ("下载 Excel", "Download Excel"),
    "download.csv": ("下载 CSV", "Download CSV"),
    "mom": ("环比", "MoM"),
    "yoy": ("同比", "YoY"),
    "no_change": ("无上期数据", "no earlier month"),
    "empty": ("暂无数据", "No data"),
    # overview
    "overview.kpis": ("核心指标", "Key figures"),
    "overview.trends": ("近24个月趋势", "Last 24 months"),
    "overview.rankings": ("排名", "Rankings"),
    "overview.rank_by": ("排序指标", "Rank by"),
    "overview.reports": ("月度报告下载", "Monthly report"),
    "overview.no_report": (
        "本月报告尚未生成（由数据管道生成）。",
        "This month's report has not been generated yet (the pipeline writes it).",
    ),
    "overview.rank_districts": ("各区排名", "Districts"),
    "overview.rank_subdistricts": ("各街道(乡镇)排名", "Subdistricts"),
    # coverage
    "coverage.map": ("社区覆盖地图", "Communities and stations"),
    "coverage.radius": ("服务半径（米）", "Service radius (m)"),
    "coverage.gaps": ("覆盖缺口最大的社区", "Largest coverage gaps"),
    "coverage.summary": (
        "半径 {r:,} 米：覆盖户外劳动者 {covered:,} / {total:,} 人（{rate}），"
        "未覆盖社区 {gaps:,} 个",
        "Radius {r:,} m: {covered:,} of {total:,} outdoor workers covered ({rate}); "
        "{gaps:,} communities uncovered",
    ),
    "legend.standard": ("七有达标驿站", "Station meeting the standard"),
    "legend.nonstandard": ("未达标驿站", "Station below the standard"),
    "legend.communities": ("社区（颜色：未覆盖人数）", "Communities (colour: uncovered workers)"),
    "legend.covered": ("已覆盖社区", "Covered community"),
    # demand
    "demand.per_community": ("各社区服务需求", "Demand per community"),
    "demand.measure": ("指标", "Measure"),
    "demand.per_1000": ("每千名户外劳动者", "per 1,000 outdoor workers"),
    "demand.absolute": ("总数", "totals"),
    "demand.service_mix": ("服务项目构成", "Service mix"),
    "demand.worker_mix": ("服务对象构成", "Who visits"),
    "demand.heatmap": ("服务时段（星期 × 小时）", "When (weekday × hour)"),
    "demand.seasons": ("季节分布", "Seasons"),
    "demand.crowded": ("拥挤驿站（每座位每日人次）", "Crowded stations (visits per seat per day)"),
    "demand.heatmap_parent": (
        "社区没有按时段统计，显示所属街道。",
        "Hours are not published per community; its subdistrict is shown.",
    ),
    # hotline
    "hotline.categories": ("各类诉求来电", "Calls by category"),
    "hotline.performance": ("办结率与办结时长", "Resolution rate and time"),
    "hotline.backlog": ("积压工单与满意度", "Backlog and satisfaction"),
    "hotline.routing": ("转办部门", "Routing departments"),
    "hotline.unassigned": ("未归属社区的来电", "Calls without a community"),
    "hotline.not_routed": ("未转办", "Not routed"),
    # membership
    "membership.by_platform": ("各平台入会情况", "By platform"),
    "membership.by_month": ("每月入会活动", "Drives per month"),
    "membership.cumulative": ("累计入会人数", "Cumulative enrolment"),
    "membership.table": ("入会活动明细", "Drives table"),
    # stations
    "stations.registry": ("驿站台账", "Station registry"),
    "stations.missing": ("缺少设施", "Missing amenity"),
    "stations.any": ("不限", "Any"),
    "stations.count": ("共 {n:,} 个驿站", "{n:,} stations"),
    # quality
    "quality.files": ("已载入与被拒文件", "Files loaded and rejected"),
    "quality.by_reason": ("隔离行（按原因）", "Quarantined rows by reason"),
    "quality.rows": ("隔离行明细", "Quarantined rows"),
    "quality.city_only": (
        "数据质量仅对市级用户开放。",
        "Data quality is shown to city-level users only.",
    ),
    "quality.rows_shown": (
        "显示 {shown:,} 行，共 {total:,} 行——全部行请下载",
        "showing {shown:,} of {total:,} rows — download for all",
    ),
    "quality.balanced": ("行数核对", "Row accounting"),
    "quality.equation": (
        "每个文件：读取行数 = 载入行数 + 隔离行数 + 被覆盖行数",
        "Per file: rows read = rows loaded + rows quarantined + rows superseded",
    ),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "season.spring": ("春（3–5月）", "Spring (Mar–May)"),
    "season.summer": ("夏（6–8月）", "Summer (Jun–Aug)"),
    "season.autumn": ("秋（9–11月）", "Autumn (Sep–Nov)"),
    "season.winter": ("冬（12–2月）", "Winter (Dec–Feb)"),
    "unknown": ("未知", "Unknown"),
}

WEEKDAYS = {
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}

#: column headings of tables and downloads (and figure axis titles)
COLUMNS: dict[str, tuple[str, str]] = {
    "month": ("月份", "Month"),
    "scope_code": ("区划代码", "Code"),
    "scope_name": ("名称", "Name"),
    "active_stations": ("在用驿站", "Active stations"),
    "standard_stations": ("七有达标驿站", "Stations meeting the standard"),
    "accepted_stations": ("已验收驿站", "Accepted stations"),
    "standard_rate": ("达标率", "Standard rate"),
    "visits": ("服务人次", "Visits"),
    "unique_workers": ("服务人数", "Unique workers"),
    "visits_per_station_day": ("站均日服务人次", "Visits per station per day"),
    "calls": ("热线来电", "Calls"),
    "resolved": ("已办结", "Resolved"),
    "resolution_rate": ("办结率", "Resolution rate"),
    "median_resolution_hours": ("办结时长中位数（小时）", "Median hours to resolve"),
    "avg_satisfaction": ("平均满意度", "Average satisfaction"),
    "backlog": ("积压工单", "Backlog"),
    "drives": ("入会活动", "Drives"),
    "reached": ("覆盖人数", "Reached"),
    "enrolled": ("入会人数", "Enrolled"),
    "enrollment_rate": ("入会率", "Enrolment rate"),
    "outdoor_workers": ("户外劳动者", "Outdoor workers"),
    "covered_workers": ("已覆盖劳动者", "Covered workers"),
    "coverage_rate": ("覆盖率", "Coverage rate"),
    "standard_coverage_rate": ("达标驿站覆盖率", "Standard coverage rate"),
    "communities": ("社区数", "Communities"),
    "covered_communities": ("已覆盖社区", "Covered communities"),
    "community_code": ("社区代码", "Community code"),
    "community_name": ("社区", "Community"),
    "subdistrict": ("街道(乡镇)", "Subdistrict"),
    "district": ("区", "District"),
    "lat": ("纬度", "Latitude"),
    "lon": ("经度", "Longitude"),
    "nearest_station_m": ("最近驿站距离（米）", "Nearest station (m)"),
    "nearest_station_name": ("最近驿站", "Nearest station"),
    "stations_within_r": ("半径内驿站数", "Stations within radius"),
    "covered": ("已覆盖", "Covered"),
    "standard_covered": ("达标驿站覆盖", "Covered by a standard station"),
    "uncovered_workers": ("未覆盖劳动者", "Uncovered workers"),
    "visits_per_1000_workers": ("每千人服务人次", "Visits per 1,000 workers"),
    "calls_per_1000_workers": ("每千人来电", "Calls per 1,000 workers"),
    "enrolled_per_1000_workers": ("每千人入会", "Enrolled per 1,000 workers"),
    "station_id": ("驿站编号", "Station id"),
    "station_name": ("驿站名称", "Station"),
    "station_type": ("驿站类型", "Type"),
    "host_org": ("依托单位", "Host"),
    "address": ("地址", "Address"),
    "opened_on": ("启用日期", "Opened"),
    "closed_on": ("停用日期", "Closed"),
    "accepted_on": ("验收日期", "Accepted on"),
    "seats": ("座位数", "Seats"),
    "open_hours": ("开放时间", "Opening hours"),
    "meets_standard": ("七有达标", "Meets the standard"),
    "missing_amenities": ("缺少几项", "Amenities missing"),
    "active": ("本月在用", "Active this month"),
    "accepted": ("已验收", "Accepted"),
    "visits_per_seat_day": ("每座位每日人次", "Visits per seat per day"),
    "service": ("服务项目", "Service"),
    "worker_type": ("人员类型", "Worker type"),
    "category": ("诉求类别", "Category"),
    "routed_to": ("转办部门", "Department"),
    "platform": ("平台", "Platform"),
    "cumulative": ("累计入会", "Cumulative enrolled"),
    "path": ("文件", "File"),
    "source": ("数据源", "Source"),
    "status": ("状态", "Status"),
    "rows_read": ("读取行数", "Rows read"),
    "rows_loaded": ("载入行数", "Rows loaded"),
    "rows_quarantined": ("隔离行数", "Rows quarantined"),
    "rows_superseded": ("被覆盖行数", "Rows superseded"),
    "balanced": ("行数平衡", "Balanced"),
    "message": ("说明", "Message"),
    "ingested_at": ("载入时间", "Loaded at"),
    "row_number": ("行号", "Row"),
    "column_name": ("列", "Column"),
    "reason": ("原因", "Reason"),
    "raw_values": ("原始值", "Original values"),
    "rows": ("行数", "Rows"),
    "city": ("全市来电", "City calls"),
    "districts": ("各区合计", "Sum of districts"),
    "unassigned": ("未归属社区", "Unassigned"),
    "weekday": ("星期", "Weekday"),
    "hour": ("小时", "Hour"),
    "season": ("季节", "Season"),
    "season_year": ("年度", "Year"),
}

#: "how is this computed", from metrics.md (one text per figure or table)
HELP: dict[str, tuple[str, str]] = {
    "kpis": (
        "在用驿站：启用日期不晚于月末且未在月初前停用。服务人次：当月服务记录人次之和；服务人数："
        "当月不同人员标识数。办结率 = 已办结 / 当月来电。入会率 = 入会人数 / 覆盖人数。覆盖率 = "
        "半径内有在用驿站的社区的户外劳动者 / 全部户外劳动者。环比、同比均由月度指标表计算，"
        "相对变化 0.082 即 +8.2%。",
        "Active station: opened by the month's last day and not closed before its first day. "
        "Visits: sum of visits in the month; unique workers: distinct pseudonymised worker ids. "
        "Resolution rate = resolved / calls received in the month. Enrolment rate = enrolled / "
        "reached. Coverage rate = outdoor workers of communities with an active station within "
        "the radius / all outdoor workers. Month-on-month and year-on-year changes come from "
        "kpi_monthly; a relative change of 0.082 is +8.2%.",
    ),
    "trends": (
        "每月的服务人次、热线来电、入会人数与覆盖率，取自月度指标表（kpi_monthly）。",
        "Visits, calls, enrolled and coverage rate per month, from kpi_monthly.",
    ),
    "ranking": (
        "各区、各街道（乡镇）当月的覆盖率、服务人次和办结率；办结率 = 已办结 / 当月来电，"
        "无来电时为空。",
        "Each district's and subdistrict's coverage rate, visits and resolution rate in the "
        "month; resolution rate = resolved / calls, blank without calls.",
    ),
    "coverage": (
        "社区质心与在用驿站之间的大圆距离（haversine，地球半径 6,371,008.8 米）不超过半径即为覆盖。"
        "未覆盖人数 = 未覆盖社区的户外劳动者人数。拖动滑块按所选半径即时重算；发布数据的默认半径为"
        " 1,000 米（“15分钟服务圈”）。",
        "A community is covered when an active station lies within the radius of its centroid "
        "(great-circle distance, haversine, Earth radius 6,371,008.8 m). Uncovered workers = the "
        "outdoor workers of uncovered communities. The slider recomputes at any radius; the "
        "published figures use the default 1,000 m (the '15-minute circle').",
    ),
    "gaps": (
        "按未覆盖户外劳动者人数从多到少排列；最近驿站距离为到当月最近在用驿站的大圆距离。",
        "Uncovered outdoor workers, largest first; the nearest distance is to the nearest "
        "station active in the month (great-circle).",
    ),
    "demand": (
        "社区服务人次 = 该社区驿站的服务人次；来电 = 匹配到该社区的来电；"
        "入会 = 在该社区举办活动的入会人数。"
        "每千人指标 = 数值 × 1000 / 户外劳动者人数，便于大小社区比较。",
        "Visits at the community's stations, calls from it and enrolment at its drives; per "
        "1,000 = value × 1,000 / its outdoor workers, so that large and small communities "
        "compare.",
    ),
    "mix": (
        "当月服务人次按服务项目、人员类型分组求和。",
        "The month's visits summed by service and by worker type.",
    ),
    "heatmap": (
        "有具体时间的服务记录按星期与小时求和（只有日期的日汇总记录不计入）。",
        "Visits with a time of day, summed by weekday and hour (daily tallies without a time "
        "are not included).",
    ),
    "seasons": (
        "各季节服务人次之和：春 3–5 月，夏 6–8 月，秋 9–11 月，冬 12–2 月"
        "（冬季计入其 12 月所在年度）。",
        "Visits per season: spring Mar–May, summer Jun–Aug, autumn Sep–Nov, winter Dec–Feb "
        "(counted in the year of its December).",
    ),
    "crowded": (
        "每座位每日人次 = 当月服务人次 / (座位数 × 当月天数)，只计座位数已知的在用驿站。",
        "Visits per seat per day = the month's visits / (seats × days in the month), for "
        "active stations whose seats are known.",
    ),
    "hotline": (
        "来电 = 受理时间在当月的工单；办结率 = 其中已办结 / 来电；办结时长中位数 = 当月受理且已办结"
        "工单的（办结时间 − 受理时间）中位数，单位小时。",
        "Calls = tickets received in the month; resolution rate = resolved of those / calls; "
        "median hours = median of (resolved − received) over the month's resolved calls.",
    ),
    "backlog": (
        "月末积压 = 截至当月受理、状态仍未办结的工单数；满意度为当月有评价工单的平均分（1–5）。",
        "Backlog at month end = calls received up to the month whose status is not resolved; "
        "satisfaction = mean score (1–5) of the month's calls that have one.",
    ),
    "routing": (
        "当月来电按转办部门计数；未填写转办部门的显示为“未转办”。",
        "The month's calls by the department they were routed to; blank is 'not routed'.",
    ),
    "unassigned": (
        "未能匹配到社区的来电只计入全市：未归属 = 全市来电 − 各区来电之和。",
        "Calls whose community is unknown count in the city only: unassigned = city calls − "
        "the sum of the districts' calls.",
    ),
    "drives": (
        "入会活动数、覆盖人数、入会人数为当月举办活动的计数与合计；入会率 = 入会人数 / 覆盖人数。"
        "活动归属其社区，否则街道，否则区。",
        "Drives, reached and enrolled are the count and sums over drives held in the month; "
        "enrolment rate = enrolled / reached. A drive belongs to its community, else its "
        "subdistrict, else its district.",
    ),
    "cumulative": (
        "自首个发布月份起每月入会人数的累计。",
        "Enrolled per month, added up from the first published month.",
    ),
    "stations": (
        "七有达标：避暑取暖、卫生间、饮用水、充电、防疫物品、医疗急救包、雨具七项齐全。已验收：验收日期"
        "不晚于所选月份月末。服务人次为所选月份。",
        "Meets the standard (七有): all seven of shelter, toilet, drinking water, charging, "
        "epidemic supplies, first-aid kit and rain gear. Accepted: accepted on or before the "
        "selected month's end. Visits are the selected month's.",
    ),
    "quality": (
        "每个已载入文件都满足：读取行数 = 载入行数 + 隔离行数 + 被覆盖行数。无法读取的文件标记为"
        "“rejected”并说明原因；隔离行保留文件、行号、列、原因与原始值，修正后重新放入即可。",
        "Every loaded file satisfies rows read = loaded + quarantined + superseded. A file that "
        "cannot be read is 'rejected' with its reason; a quarantined row keeps its file, row "
        "number, column, reason and original values, so the export can be fixed and dropped "
        "again.",
    ),
}


def t(key: str, lang: str | None = "zh", **fmt: object) -> str:
    """The UI string ``key`` in ``lang`` (Chinese for anything but "en")."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def column(name: str, lang: str | None = "zh") -> str:
    pair = COLUMNS.get(name)
    return name if pair is None else pair[1 if lang == "en" else 0]


def help_text(key: str, lang: str | None = "zh") -> str:
    return HELP[key][1 if lang == "en" else 0]


def label(enumeration: str, code: str | None, lang: str | None = "zh") -> str:
    """An enumeration code's label from the one vocabulary (None: "unknown")."""
    if code is None:
        return t("unknown", lang)
    return ALL[enumeration].label(code, "en" if lang == "en" else "zh")


#: table columns holding codes of an enumeration of the vocabulary
ENUM_COLUMNS = {"platform": "platform", "category": "category", "service": "service",
                "worker_type": "worker_type", "station_type": "station_type",
                "site_type": "site_type"}  # fmt: skip


def label_codes(df: pl.DataFrame, lang: str | None = "zh") -> pl.DataFrame:
    """The table with enumeration codes replaced by their labels (tables and downloads
    are read by people; the codes stay in the snapshot for machines)."""
    present = [c for c in df.columns if c in ENUM_COLUMNS and df.schema[c] == pl.String]
    return df.with_columns(
        pl.col(c).map_elements(lambda v, e=ENUM_COLUMNS[c]: label(e, v, lang),
                               return_dtype=pl.String, skip_nulls=False)
        for c in present
    )  # fmt: skip


def month_label(month: date, lang: str | None = "zh") -> str:
    return f"{month:%b %Y}" if lang == "en" else f"{month.year}年{month.month}月"


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"
