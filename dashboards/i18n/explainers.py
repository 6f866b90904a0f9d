"""The "how is this computed" texts, from metrics.md: one per figure or table."""

HELP: dict[str, tuple[str, str]] = {
    "kpis": (
        "在用驿站：启用日期不晚于月末且未在月初前停用。服务人次：当月服务记录人次之和；服务人数："
        "当月不同人员标识数。办结率 = 已办结 / 当月来电。入会率 = 入会人数 / 覆盖人数。覆盖率 = "
        "半径内有在用驿站的社区的户外劳动者 / 全部户外劳动者。环比、同比均由月度指标表计算，"
        "相对变化 0.082 即 +8.2%。"
        "卡片边框：绿色为达到目标，红色为未达标。环比只在“大幅变化”时着色（变差为红、变好为绿），"
        "其余为灰色。按期办结率 = 受理满 7 日的工单中 7 日（168 小时）内办结的比例，"
        "不因最新月份工单尚在办理期内而偏低；最新月份的热线数字标为“暂定”。排名为在同级（同一上级下）中的名次，"
        "并列出上级（全市或本区）的数值。",
        "Active station: opened by the month's last day and not closed before its first day. "
        "Visits: sum of visits in the month; unique workers: distinct pseudonymised worker ids. "
        "Resolution rate = resolved / calls received in the month. Enrolment rate = enrolled / "
        "reached. Coverage rate = outdoor workers of communities with an active station within "
        "the radius / all outdoor workers. Month-on-month and year-on-year changes come from "
        "kpi_monthly; a relative change of 0.082 is +8.2%. "
        "A card's edge: green when the figure meets its target, red when it misses it. A "
        "month-on-month change is coloured only when it is a large move (red the bad way, green "
        "the good way), else grey. On-time resolution rate = of the calls at least 7 days old, "
        "those resolved within 168 hours: it does not fall in the newest month just because "
        "calls are still open; hotline figures of that month are marked provisional. The rank "
        "is among the peers (same level, same parent), beside the parent's figure.",
    ),
    "trends": (
        "每月的服务人次、热线来电、入会人数与覆盖率，取自月度指标表（kpi_monthly）。",
        "Visits, calls, enrolled and coverage rate per month, from kpi_monthly.",
    ),
    "ranking": (
        "当月的覆盖率、七有达标率、服务人次或按期办结率（受理满 7 日的来电中 7 日内办结的比例，"
        "无此类来电时为空）。第一张图为本范围与同级（同一上级下）的比较，本范围以深色标出，虚线为"
        "上级的数值，点线为目标；第二张图为本范围下一级的排名。点击条形进入该范围。",
        "The month's coverage rate, standard rate, visits or on-time resolution rate (of the "
        "calls at least 7 days old, those resolved within 7 days; blank without such calls). "
        "The first chart compares this scope (dark) with its peers (same level, same parent), "
        "the dashed line is the parent's figure, the dotted one the target; the second ranks "
        "the scopes one level down. Click a bar to open that scope.",
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
        "来电 = 受理时间在当月的工单；办结率 = 其中已办结 / 来电；按期办结率 = 受理已满 7 日的"
        "来电中 7 日（168 小时）内办结的比例，最新月份也可与之前比较；办结时长中位数 = 当月受理"
        "且已办结工单的（办结时间 − 受理时间）中位数，单位小时。",
        "Calls = tickets received in the month; resolution rate = resolved of those / calls; "
        "on-time resolution rate = of the calls at least 7 days old, those resolved within 168 "
        "hours, comparable in the newest month too; median hours = median of (resolved − "
        "received) over the month's resolved calls.",
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
        "不晚于所选月份月末。服务人次为所选月份。地图按七有情况着色：齐全、缺 1 项、缺 2 项及以上，"
        "本月未在用的为灰色；悬停可见所缺设施。",
        "Meets the standard (七有): all seven of shelter, toilet, drinking water, charging, "
        "epidemic supplies, first-aid kit and rain gear. Accepted: accepted on or before the "
        "selected month's end. Visits are the selected month's. The map colours each station by "
        "its 七有: all seven, one missing, two or more missing, grey when not active in the "
        "month; hover to see what it lacks.",
    ),
    "quality": (
        "每个已载入文件都满足：读取行数 = 载入行数 + 隔离行数 + 被覆盖行数 + 跳过的合计与表尾行。"
        "无法读取的文件标记为“已拒收”并说明原因；隔离行保留文件、行号、列、原因与原始值，修正后重新放入即可。",
        "Every loaded file satisfies rows read = loaded + quarantined + superseded + skipped "
        "totals and footers. A file that "
        "cannot be read is 'rejected' with its reason; a quarantined row keeps its file, row "
        "number, column, reason and original values, so the export can be fixed and dropped "
        "again.",
    ),
    "siting": (
        "最大覆盖选址：在候选点位中选出至多 k 个（或总预计费用不超过预算），使新覆盖的户外劳动者"
        "最多。需求为各社区在所选半径下、按最新发布月份在用驿站计算的未覆盖劳动者（现有驿站固定）。"
        "方案相同时取总费用较低者，再按点位编号排序后逐个比较。求解器为 HiGHS 整数规划，"
        "在时间限制内证明最优，否则给出最优性差距。费用未知的点位（含社区中心点）按候选点位预计"
        "费用的中位数计。点位按边际新增覆盖排序。必建点位先建，其余点位是对剩余需求的最优方案；排除点位"
        "不会入选。按预测人次规划时，未覆盖社区的权重 = 未覆盖人数 × 所在区已覆盖劳动者人均预测人次"
        "（取整），同一区内系数相同。k ≤ 0、半径超出允许范围、预算为负时提示错误，不会改用默认值。"
        "方案只保存规划条件，仅本人可见，打开时按当天数据和本人权限重新计算。",
        "Maximal covering location: choose at most k candidate sites (or stay within the budget "
        "of estimated cost) to cover the most outdoor workers not covered today. Demand is each "
        "community's uncovered workers at the chosen radius, given the stations active in the "
        "latest published month (today's stations are fixed). Ties go to the lower total cost, "
        "then to the sorted list of site ids compared in order. HiGHS solves the integer "
        "programme and proves the plan optimal within the time limit, else states the gap. A "
        "site without a cost (community centroids too) counts at the median estimated cost of "
        "the candidate sites. Sites are listed by marginal gain. Pinned sites are built first "
        "and the rest is the best plan for the demand they leave; excluded sites are never "
        "chosen. Weighed by forecast visits, an uncovered community counts its uncovered "
        "workers × its district's forecast visits per covered worker (rounded), one figure "
        "per district. k ≤ 0, a radius out of range or a negative budget is refused with a "
        "message, never replaced by a default. Scenarios keep the settings only, are seen "
        "by their owner only, and are planned again on the day's data when opened.",
    ),
    # --- leadership (issue 16): the headline, targets, standing and provisional figures
    "attention": (
        "本月需关注的句子来自 attention_monthly：低于目标（七有达标率、覆盖率、按期办结率，目标见 "
        "targets.toml）、环比大幅变化（比率 ≥ 5 个百分点，人数、人次 ≥ 20%，上月不少于 100）、"
        "比同级中位数低 ≥ 10 个百分点、驿站上月有 ≥ 30 人次本月无记录、积压工单连续两月上升。"
        "先列本范围的，再按类别汇总下一级；点击句子打开对应页面。",
        "The sentences come from attention_monthly: a figure below its target (standard rate, "
        "coverage rate, on-time resolution rate; targets in targets.toml), a large month-on-"
        "month move (≥ 5 points for a rate, ≥ 20 % of at least 100 for a count), ≥ 10 points "
        "below the peers' median, a station silent after ≥ 30 visits, a backlog rising two "
        "months running. This scope's first, then one per kind for the scopes one level down; "
        "a sentence opens its page.",
    ),
    # 需求预测 Demand forecast (issue 18), from docs/forecast.md
    "forecast": (
        "预测从最近一个完整月份起，给出今后 1–3 个月每个驿站的服务人次；社区、街道(乡镇)、区和全"
        "市是其驿站"
        "预测之和（自下而上，所以各级相加一致）。模型：log(人次 / 营业天数) = 驿站水平 + 月份季节"
        "项 + "
        "β × 天气。季节项和天气系数 β 由全部驿站共同估计（每个驿站只有约 24 个月的数据，单独估计"
        "季节"
        "并不可靠）；驿站水平按近期加权（半衰期 6 个月），跟得上驿站的增长或减少。天气是当月高温日"
        "（最高气温 ≥35℃）、酷热日（≥37℃）、寒冷日（最高气温 <0℃）和降雨日（≥10 毫米）所占的比例。"
        "营业天数来自驿站台账：月中开业或已登记停用的驿站按实际天数计。预测值是均值。80% 区间"
        "（p10–p90）和 95% 区间（p2.5–p97.5）来自该层级回测误差的分布（小驿站和大驿站分档计算），"
        "历史太短、无法回测时不给区间。某一层级、某一提前月数上模型没有胜过基准时，发布的是基准预"
        "测，"
        "“预测方法”一栏会写明。最近一个完整月份之后才开业的驿站还没有历史，不在预测之内。",
        "The forecast starts from the last complete month and gives each station's visits for "
        "the next 1–3 months; a community, subdistrict, district or the city is the sum of its "
        "stations' forecasts (bottom-up, so the levels add up). The model: log(visits / open "
        "days) = the station's level + a season term for the calendar month + β × weather. "
        "The season and the weather effect β are estimated once from all stations together "
        "(about 24 months per station are too few for a season of its own); each station's "
        "level weights recent months more (half-life 6 months), so a growing or fading "
        "station is followed. Weather is the share of the month's days that were hot (max "
        "≥ 35 ℃), very hot (≥ 37 ℃), cold (max < 0 ℃) and rainy (≥ 10 mm). Open days come from "
        "the station registry: a station opening mid-month, or with a recorded closure, counts "
        "its actual days. The forecast is a mean. The 80 % range (p10–p90) and the 95 % range "
        "(p2.5–p97.5) come from the spread of the level's backtest errors (small and large "
        "stations separately); without a backtest (too little history) there is no range. "
        "Where the model did not beat a baseline at a level and horizon, the baseline is "
        "published instead, and the Method column says so. A station opening after the last "
        "complete month has no history yet and is not forecast.",
    ),
    "forecast_backtest": (
        "滚动起点回测：取最近 6 个月中每个之前至少有 12 个月数据的月份作为起点，只用起点及以前的"
        "数据"
        "重新拟合，预测之后 1–3 个月，并与实际比较（未来天气按常年值，与正式预测一样）。MASE = 平"
        "均绝对"
        "误差 ÷ 回测之前历史中“照搬去年同月”的平均绝对误差；三种方法用同一个分母，所以可以直接比"
        "较："
        "MASE 越低越好，0.5 就是误差为该分母的一半。两种基准：照搬去年同月（季节朴素法）和照搬上月"
        "（末值法）。每一层级和提前月数选平均 MASE 最低的方法发布（相同时选模型）。覆盖率：实际值"
        "落在"
        "区间内的比例；检验每个起点时，区间只用其他起点的误差来定（留一法），不用它自己的。区和全"
        "市只有"
        "几十个或几个误差，覆盖率仅供参考。",
        "A rolling-origin backtest: each of the last 6 months that has at least 12 months of "
        "history before it is an origin; the model is refitted on the data up to the origin "
        "only, forecasts 1–3 months ahead, and is compared with what happened (future weather "
        "at the climate normal, as the live forecast assumes). MASE = mean absolute error ÷ "
        "the mean absolute error of 'same month last year' over the history before the "
        "backtest; all three methods share that divisor, so they compare directly: lower is "
        "better, and 0.5 is half that typical error. The baselines: same month last year "
        "(seasonal naive) and last month repeated (last value). For each level and horizon "
        "the method with the lowest mean MASE is published (ties go to the model). Coverage: "
        "the share of actual values inside the range; each origin is judged with a range "
        "built from the other origins' errors only (leave one origin out). Districts and the "
        "city have only dozens or a handful of errors: read their coverage as indicative.",
    ),
    "forecast_weather": (
        "未来月份的天气按各区该月份的气候常年值：历年同月高温、酷热、寒冷、降雨日所占比例的平均（"
        "该区"
        "没有观测时用全市的）。天气数据只有两年时，常年值就是两个值的平均，较粗略，随着数据积累会"
        "自动"
        "改善。如果天气文件里已有未来日期的预报，就用预报的那些天，其余天数按常年值（“部分天气预"
        "报”）；"
        "实测数据到达后自动替换预报。没有任何天气文件时，模型不含天气项，按普通月份预测。",
        "The weather of a forecast month is the district's climate normal for that calendar "
        "month: the mean share of hot, very hot, cold and rainy days over the observed years "
        "(the city's where the district has none). With two years of weather the normal is "
        "the mean of two values: rough, and it improves as the history grows. When a weather "
        "export holds rows for days still to come (a forecast), those days are used and the "
        "normal fills the rest of the month ('forecast file in part'); the observations "
        "replace them when they arrive. Without any weather file the model has no weather "
        "term and forecasts an ordinary month.",
    ),
}
