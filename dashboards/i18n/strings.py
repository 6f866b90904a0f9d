"""UI strings (labels, titles, messages) in Chinese and English, by key; the planners'
pages' and the downloads' are in :mod:`.planning`."""

from dashboards.i18n.planning import PLANNING
from dashboards.i18n.upload import UPLOAD_STRINGS

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
    "hotline.performance": ("按期办结率与办结时长", "On-time resolution rate and time"),
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
        "每个文件：读取行数 = 载入行数 + 隔离行数 + 被覆盖行数 + 跳过的合计与表尾行",
        "Per file: rows read = rows loaded + rows quarantined + rows superseded + total and "
        "footer rows skipped",
    ),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "season.spring": ("春（3–5月）", "Spring (Mar–May)"),
    "season.summer": ("夏（6–8月）", "Summer (Jun–Aug)"),
    "season.autumn": ("秋（9–11月）", "Autumn (Sep–Nov)"),
    "season.winter": ("冬（12–2月）", "Winter (Dec–Feb)"),
    "unknown": ("未知", "Unknown"),
    # --- leadership (issue 16): the overview's headline, KPI cards, rankings, briefs, cards
    "overview.attention": ("本月需关注", "What needs attention"),
    "overview.rank_peers": ("{level}排名", "{level} ranked"),
    "overview.rank_inside": ("{parent}内{level}排名", "{level} of {parent} ranked"),
    "overview.drill_hint": ("点击条形可进入该范围", "Click a bar to open that scope"),
    "overview.brief": ("本范围月度简报（HTML）", "Brief of this scope (HTML)"),
    "overview.card": ("微信月报卡片（PNG）", "WeChat month card (PNG)"),
    "overview.card_failed": (
        "卡片未能生成：服务器上没有可用的 chromium。",
        "The card could not be drawn: no chromium on the server.",
    ),
    "overview.file_html": ("简报 HTML", "brief (HTML)"),
    "overview.file_pdf": ("简报 PDF", "brief (PDF)"),
    "overview.file_png": ("微信卡片 PNG", "WeChat card (PNG)"),
    "overview.other_reports": (
        "其他 {n} 个范围的报告与卡片",
        "Reports and cards of {n} more scopes",
    ),
    "overview.no_ranking": ("社区以下没有排名。", "Nothing is ranked below a community."),
    "level.district": ("各区", "Districts"),
    "level.subdistrict": ("各街道(乡镇)", "Subdistricts"),
    "level.community": ("各社区", "Communities"),
    "kpi.rank": ("第 {rank} / {peers}", "{rank} of {peers}"),
    "kpi.provisional": ("暂定", "provisional"),
    "kpi.target_met": ("目标 ≥ {target}，已达标", "Target ≥ {target}: met"),
    "kpi.target_missed": ("目标 ≥ {target}，未达标", "Target ≥ {target}: missed"),
    "rank.target": ("目标", "Target"),
    "filter.fold": ("筛选：月份与范围", "Month and scope"),
    # 需求预测 Demand forecast (issue 18): the section on the demand page
    "forecast.title": ("需求预测", "Demand forecast"),
    "forecast.station": ("驿站", "Station"),
    "forecast.all_stations": ("全部驿站（所选区划）", "All stations (the scope picked)"),
    "forecast.pick_district": ("先选择区，再选驿站", "Pick a district to choose a station"),
    "forecast.backtest": ("预测准确度（回测）", "How accurate (backtest)"),
    "forecast.weather": ("天气假设", "Weather assumed"),
    "forecast.history": ("历史服务人次", "Visits (history)"),
    "forecast.central": ("预测值", "Forecast"),
    "forecast.band80": ("80% 区间", "80% range"),
    "forecast.band95": ("95% 区间", "95% range"),
    "forecast.marker": ("预测", "Forecast"),
    "forecast.off_chart": (
        "95% 区间的上沿超出图表（见上方数字）",
        "The 95% range runs off the chart (numbers above)",
    ),
    "forecast.hover_range": ("80% 区间 {low}–{high}", "80% range {low}–{high}"),
    "forecast.hover_no_range": ("无区间", "no range"),
    "forecast.not_published": (
        "本快照没有需求预测：它发布于预测功能之前。重新运行数据管道后即可看到。",
        "This snapshot has no forecast: it was published before the forecast existed. Run "
        "the pipeline again to see one.",
    ),
    "forecast.none": (
        "{name}没有预测：预测只针对在最近一个完整月份（{origin}）营业且之后仍营业的驿站及其所在区"
        "划。",
        "No forecast for {name}: only stations open in the last complete month ({origin}) "
        "and after it, and the scopes they lie in, are forecast.",
    ),
    "forecast.intro": (
        "{name}：根据截至 {origin}（最近一个完整月份）的数据，预计今后的服务人次如下。"
        "预测与页面上方所选的月份无关。",
        "{name}: visits expected in the coming months, from the data up to {origin} (the "
        "last complete month). The forecast does not depend on the month picked above.",
    ),
    "forecast.month_line": (
        "{month}：约 {p50} 人次，80% 可能在 {p10}–{p90} 之间，95% 可能在 {p2_5}–{p97_5} 之间",
        "{month}: about {p50} visits; 80% likely between {p10} and {p90}, 95% between "
        "{p2_5} and {p97_5}",
    ),
    "forecast.month_line_no_range": (
        "{month}：约 {p50} 人次（没有区间：历史只有 {months} 个月，还不足以检验{ahead}的预测，"
        "准确度未知）",
        "{month}: about {p50} visits (no range: {months} months of history are too few to "
        "test a forecast {ahead}, so its accuracy is unknown)",
    ),
    "forecast.month_baseline": ("——{model}", " — {model}"),
    "forecast.method": ("预测方法：{model}。", "Method: {model}."),
    "forecast.baseline_notice": (
        "注意：在{level}，回测中本模型没有胜过简单的基准方法，因此 {months} 显示的就是基准预测本"
        "身，"
        "而不是模型预测。",
        "Note: at the {level} level the model did not beat a simple baseline in the "
        "backtest, so the forecast shown for {months} is the baseline itself, not the model.",
    ),
    "forecast.no_backtest": (
        "没有回测：历史只有 {months} 个月，而每个回测起点之前需要至少 {need} 个月的数据。"
        "因此预测的准确度未知，也不给出区间。",
        "No backtest: there are {months} months of history, and each backtest origin needs "
        "{need} months before it. The forecast's accuracy is therefore unknown, and it is "
        "shown without ranges.",
    ),
    "forecast.backtest_intro": (
        "用过去 {window} 个月检验：在其中每个月只用当时已有的数据重新预测今后 1–3 个月，再与实际"
        "比较。",
        "Tested on the last {window} months: at each of them the forecast was made again "
        "from the data known then, 1–3 months ahead, and compared with what happened.",
    ),
    "forecast.backtest_mean": ("{n} 个{levels}的平均结果：", "Mean over the {n} {levels}:"),
    "forecast.levels.city": ("全市", "city"),
    "forecast.levels.district": ("区", "districts"),
    "forecast.levels.subdistrict": ("街道(乡镇)", "subdistricts"),
    "forecast.levels.community": ("社区", "communities"),
    "forecast.levels.station": ("驿站", "stations"),
    "forecast.backtest_single": ("{name}的结果：", "For {name}:"),
    "forecast.horizon": ("提前 {h} 个月", "{h} months ahead"),
    "forecast.horizon_one": ("提前 1 个月", "1 month ahead"),
    "forecast.horizon_tick": ("提前{h}个月", "+{h} mo"),
    "forecast.error_vs": (
        "误差比“照搬去年同月”{sn}，比“照搬上月”{lv}",
        "errors {sn} than repeating the same month last year, {lv} than repeating last month",
    ),
    "forecast.smaller": ("小 {p}", "{p} smaller"),
    "forecast.larger": ("大 {p}", "{p} larger"),
    "forecast.no_mase": (
        "误差无法与基准比较（历史不足一年零一个月）",
        "errors cannot be compared with the baselines (under 13 months of history)",
    ),
    "forecast.coverage": (
        "80% 区间包含了 {c80} 的实际值（应约为 80%），95% 区间包含了 {c95}（应约为 95%）",
        "the 80% range held the actual visits {c80} of the time (it should be about 80%), "
        "the 95% range {c95} (about 95%)",
    ),
    "forecast.not_beaten": (
        "本模型没有胜过基准，所以显示的是{model}",
        "the model did not beat the baseline, so the forecast shown is {model}",
    ),
    "forecast.own": (
        "{name}自身（提前 1 个月，{origins} 个检验月）：{errors}。",
        "{name} itself (1 month ahead, {origins} test months): {errors}.",
    ),
    "forecast.mase_axis": ("平均误差 MASE（越低越好）", "Mean error, MASE (lower is better)"),
    "forecast.coverage_axis": (
        "落在区间内的比例（虚线：应有比例）",
        "Inside the range (dotted: target)",
    ),
    "forecast.the_model": ("本模型", "The model"),
    "forecast.seasonal_naive": ("照搬去年同月", "Same month last year"),
    "forecast.last_value": ("照搬上月", "Last month repeated"),
    "forecast.no_weather": (
        "没有天气数据：预测假设今后各月天气正常，不考虑高温、寒冷和降雨的影响。",
        "No weather data: the forecast assumes an ordinary month, without the effect of heat, "
        "cold or rain.",
    ),
    "forecast.weather_intro_district": (
        "预测假设的{district}天气（天数）：",
        "The weather the forecast assumed in {district} (days):",
    ),
    "forecast.and": ("、", ", "),
    "forecast.sep": ("；", "; "),
    "forecast.item": ("{horizon}：{text}。", "{horizon}: {text}."),
    "forecast.weather_intro_city": (
        "预测假设的天气（全市 {n} 个区的平均天数）：",
        "The weather the forecast assumed (days, the mean over the city's {n} districts):",
    ),
    "forecast.weather_line": (
        "{month}：{basis}{detail}——高温日（≥35℃）{hot}，其中 37℃ 以上 {very_hot}；寒冷日（<0℃）{c"
        "old}；"
        "降雨日（≥10 毫米）{rainy}",
        "{month}: {basis}{detail} — hot days (≥ 35 ℃) {hot}, of which ≥ 37 ℃ {very_hot}; cold "
        "days (< 0 ℃) {cold}; rainy days (≥ 10 mm) {rainy}",
    ),
    "forecast.normal_years": ("（{n} 年观测的平均）", " (the mean of {n} observed years)"),
    "forecast.normal_one_year": ("（仅 1 年观测）", " (one observed year only)"),
    "forecast.normal_none": (
        "（该月份尚无观测，按没有高温、寒冷、降雨的普通月份计）",
        " (this calendar month has not been observed yet: counted as a month without heat, "
        "cold or rain)",
    ),
    "forecast.hot_days": ("高温日（≥35℃）", "Hot days (≥ 35 ℃)"),
    "forecast.very_hot_days": ("酷热日（≥37℃）", "Very hot days (≥ 37 ℃)"),
    "forecast.cold_days": ("寒冷日（<0℃）", "Cold days (< 0 ℃)"),
    "forecast.rainy_days": ("降雨日（≥10毫米）", "Rainy days (≥ 10 mm)"),
    "forecast.days_axis": ("天数", "Days"),
    # -- operations (issue 20): the banner shown while the data is behind ------------
    "stale.behind": (
        "数据可能不是最新：最新的完整月份是 {latest}，按日期现在应已有 {expected} 的数据。"
        "请联系数据管理员检查导出文件和数据管道。",
        "The data may be out of date: the newest complete month is {latest}, but {expected} "
        "is due by now. Ask the data steward to check the exports and the pipeline.",
    ),
    "stale.no_complete_month": (
        "数据中还没有完整的月份（按日期现在应已有 {expected} 的数据）。",
        "The data holds no complete month yet ({expected} is due by now).",
    ),
    # -- operations (issue 20): the snapshot a city user views ------------------------
    "snapshot.label": ("数据快照", "Snapshot"),
    "snapshot.newest": ("最新", "newest"),
    "snapshot.viewing": (
        "正在查看 {published} 发布的历史数据快照，不是最新数据；其他用户看到的仍是最新快照。"
        "在右上角“数据快照”中选择“最新”即可返回。",
        "You are viewing the snapshot published {published}, not the newest one; everyone "
        "else sees the newest. Choose “newest” under Snapshot (top right) to go back.",
    ),
    "snapshot.gone": (
        "您选择的历史快照已不再保留，现显示最新快照。",
        "The earlier snapshot you chose is no longer kept: this is the newest one.",
    ),
    **PLANNING,
}

# the 数据上报 page and the audit log (dashboards/i18n/upload.py)
STRINGS |= UPLOAD_STRINGS
