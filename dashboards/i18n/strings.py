"""UI strings (labels, titles, messages) in Chinese and English, by key."""

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
    # 选址规划 Siting
    "page.siting": ("选址规划", "Siting"),
    "siting.controls": ("规划条件", "Plan settings"),
    "siting.k": ("新增驿站数 k", "New stations k"),
    "siting.radius": ("服务半径（米）", "Service radius (m)"),
    "siting.budget": ("预算（与预计费用同单位，可空）", "Budget (units of est. cost, optional)"),
    "siting.district": ("区", "District"),
    "siting.city": ("全市", "Whole city"),
    "siting.centroids": (
        "把未覆盖社区的中心点也作为候选点位",
        "Also consider uncovered community centroids as sites",
    ),
    "siting.run": ("计算规划", "Plan"),
    "siting.map": ("规划点位与新增覆盖的社区", "Planned sites and the communities they add"),
    "siting.table": ("规划点位（按新增覆盖排序）", "Planned sites (by marginal gain)"),
    "siting.summary": (
        "{scope}：今日覆盖 {today:,} / {total:,} 名户外劳动者（{rate_today}）；"
        "按规划新增 {sites} 个驿站后覆盖 {after:,}（{rate_after}），新增 {new:,}。"
        "总费用 {cost:,.2f}。{quality}（{seconds:.1f} 秒）",
        "{scope}: {today:,} of {total:,} outdoor workers covered today ({rate_today}); "
        "with the {sites} planned stations {after:,} ({rate_after}), {new:,} more. "
        "Total cost {cost:,.2f}. {quality} ({seconds:.1f} s)",
    ),
    "siting.proven": ("已证明为最优方案", "Proven optimal"),
    "siting.gap": (
        "时间限制内未证明最优，最优性差距 ≤ {gap}",
        "Not proven optimal within the time limit; gap ≤ {gap}",
    ),
    "siting.not_allowed": (
        "选址规划按区或全市进行，您的账号范围不足一个区。",
        "Siting plans a district or the city; your account's scope is smaller.",
    ),
    "legend.covered_today": ("今日已覆盖社区", "Covered today"),
    "legend.new_covered": ("规划后新增覆盖", "Newly covered by the plan"),
    "legend.still_uncovered": ("仍未覆盖", "Still uncovered"),
    "legend.planned": ("规划点位", "Planned site"),
    "legend.stations": ("现有驿站", "Existing stations"),
}
