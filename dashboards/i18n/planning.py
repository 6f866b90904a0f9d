"""UI strings of the planners' pages (选址规划, the station map, coverage's radius) and of
what every download says about itself, in Chinese and English, by key (part of
:data:`dashboards.i18n.strings.STRINGS`)."""

PLANNING: dict[str, tuple[str, str]] = {
    # 选址规划 Siting
    "page.siting": ("选址规划", "Siting"),
    "siting.controls": ("规划条件", "Plan settings"),
    "siting.scope": ("规划范围", "Plan for"),
    "siting.k": ("新增驿站数上限 k", "At most k new stations"),
    "siting.radius": ("服务半径（米）", "Service radius (m)"),
    "siting.budget": ("预算（万元，可空）", "Budget (10,000 CNY, optional)"),
    "siting.weight": ("需求权重", "Weigh demand by"),
    "siting.weight.workers": ("未覆盖户外劳动者人数", "Uncovered outdoor workers"),
    "siting.weight.forecast": ("预测服务人次", "Forecast visits"),
    "siting.pin": ("必建点位", "Pinned sites (must build)"),
    "siting.exclude": ("排除点位", "Excluded sites"),
    "siting.pinned": ("必建", "pinned"),
    "siting.city": ("全市", "Whole city"),
    "siting.centroids": (
        "把未覆盖社区的中心点也作为候选点位",
        "Also consider uncovered community centroids as sites",
    ),
    "siting.run": ("计算规划", "Plan"),
    "siting.map": ("规划点位与新增覆盖的社区", "Planned sites and the communities they add"),
    "siting.table": ("规划点位（按新增覆盖排序）", "Planned sites (by marginal gain)"),
    "siting.print": ("打印版方案（PDF）", "Printable plan (PDF)"),
    "siting.print_title": ("选址规划方案", "Siting plan"),
    "siting.summary": (
        "{scope}（{month}在用驿站）：今日覆盖 {today:,} / {total:,} 名户外劳动者（{rate_today}）；"
        "按规划新增 {sites} 个驿站后覆盖 {after:,}（{rate_after}），新增 {new:,}。"
        "总费用 {cost:,.2f} 万元。{quality}（{seconds:.1f} 秒）",
        "{scope} (stations active in {month}): {today:,} of {total:,} outdoor workers covered "
        "today ({rate_today}); with the {sites} planned stations {after:,} ({rate_after}), "
        "{new:,} more. Total cost {cost:,.2f} × 10,000 CNY. {quality} ({seconds:.1f} s)",
    ),
    "siting.visits": (
        "按预测，新增覆盖的社区在{first}至{last}约有 {visits:,} 人次到访。",
        " By the forecast, the newly covered communities would make about {visits:,} visits "
        "from {first} to {last}.",
    ),
    "siting.proven": ("已证明为最优方案", "Proven optimal"),
    "siting.gap": (
        "时间限制内未证明最优，最优性差距 ≤ {gap}",
        "Not proven optimal within the time limit; gap ≤ {gap}",
    ),
    "siting.error.no_limit": ("请填写 k 或预算（或两者）。", "Give k, a budget, or both."),
    "siting.error.k_not_positive": (
        "k 须为不小于 1 的整数（现为 {k}）。",
        "k must be a whole number of at least 1 (got {k}).",
    ),
    "siting.error.radius_out_of_range": (
        "服务半径须在 {low:,.0f} 至 {high:,.0f} 米之间（现为 {radius}）。",
        "The radius must lie between {low:,.0f} and {high:,.0f} m (got {radius}).",
    ),
    "siting.error.budget_negative": (
        "预算不能为负数（现为 {budget}）。",
        "The budget must not be negative (got {budget}).",
    ),
    "siting.error.unknown_weight": ("未知的需求权重：{weight}。", "Unknown weight: {weight}."),
    "siting.error.unknown_scope": ("找不到规划范围：{scope}。", "Unknown area: {scope}."),
    "siting.error.ambiguous_scope": (
        "“{scope}”对应多个街道，请写成“区名/街道名”。",
        "{scope!r} names several subdistricts; write district/subdistrict.",
    ),
    "siting.error.unknown_site": (
        "点位 {site} 不在本规划范围的候选点位中。",
        "Site {site} is not a candidate of this plan.",
    ),
    "siting.error.pinned_and_excluded": (
        "点位 {site} 不能既必建又排除。",
        "Site {site} cannot be both pinned and excluded.",
    ),
    "siting.error.too_many_pinned": (
        "必建点位有 {pinned} 个，超过 k = {k}。",
        "{pinned} sites are pinned, more than k = {k}.",
    ),
    "siting.error.pinned_over_budget": (
        "必建点位共需 {cost:,.2f} 万元，超过预算 {budget:,.2f} 万元。",
        "The pinned sites cost {cost:,.2f}, more than the budget of {budget:,.2f}.",
    ),
    "siting.error.no_forecast": (
        "快照中没有需求预测，请按未覆盖人数规划。",
        "The snapshot has no demand forecast: weigh by uncovered workers instead.",
    ),
    "siting.scenarios_title": ("方案保存与对比", "Scenarios"),
    "siting.scenario_name": ("方案名称", "Scenario name"),
    "siting.save": ("保存当前方案", "Save this plan"),
    "siting.scenarios": ("我的方案", "My scenarios"),
    "siting.open": ("打开", "Open"),
    "siting.delete": ("删除", "Delete"),
    "siting.compare_a": ("方案甲", "Scenario A"),
    "siting.compare_b": ("方案乙", "Scenario B"),
    "siting.compare": ("对比", "Compare"),
    "siting.compare_summary": (
        "{a}：新增覆盖 {workers_a:,} 人，{sites_a} 个点位，{cost_a:,.2f} 万元；"
        "{b}：新增覆盖 {workers_b:,} 人，{sites_b} 个点位，{cost_b:,.2f} 万元；"
        "共同点位 {common} 个。",
        "{a}: {workers_a:,} more workers covered, {sites_a} sites, {cost_a:,.2f} × 10,000 CNY; "
        "{b}: {workers_b:,}, {sites_b} sites, {cost_b:,.2f}; {common} sites in common.",
    ),
    "siting.scenario.option": ("{name}（{month}数据）", "{name} (data of {month})"),
    "siting.scenario.saved": ("已保存方案“{name}”。", "Saved scenario {name!r}."),
    "siting.scenario.deleted": ("已删除方案“{name}”。", "Deleted scenario {name!r}."),
    "siting.scenario.no_name": ("请先填写方案名称。", "Name the scenario first."),
    "siting.scenario.too_many": (
        "方案已达上限（50 个），请先删除不用的方案。",
        "You have 50 scenarios, the most allowed: delete one first.",
    ),
    "siting.scenario.bad_user": ("当前账号不能保存方案。", "This account cannot save scenarios."),
    "legend.covered_today": ("今日已覆盖社区", "Covered today"),
    "legend.new_covered": ("规划后新增覆盖", "Newly covered by the plan"),
    "legend.still_uncovered": ("仍未覆盖", "Still uncovered"),
    "legend.planned": ("规划点位", "Planned site"),
    "legend.stations": ("现有驿站", "Existing stations"),
    "legend.inactive": ("本月未在用", "Not active this month"),
    "legend.one_missing": ("缺 1 项", "One amenity missing"),
    "legend.several_missing": ("缺 2 项及以上", "Two or more missing"),
    # the stations page's map
    "stations.map": ("驿站分布与七有达标情况", "Stations and their 七有 amenities"),
    "stations.meets": ("七有齐全", "All seven amenities"),
    "stations.lacks": ("缺少：{items}", "Lacks: {items}"),
    # downloads: what a file says about itself
    "download.about_sheet": ("说明", "About"),
    "download.rank_peers": ("同级排名", "Peers ranked"),
    "download.rank_inside": ("下辖区域排名", "Areas inside ranked"),
    "download.scope": ("范围", "Scope"),
    "download.month": ("数据月份", "Data month"),
    "download.rows": ("行数", "Rows"),
    "download.built_at": ("数据快照时间", "Snapshot built"),
    "download.exported_at": ("导出时间", "Exported"),
    "param.radius_m": ("服务半径（米）", "Service radius (m)"),
    "param.missing": ("缺少设施", "Missing amenity"),
    # a dropdown's own words
    "dropdown.select_all": ("全选", "Select all"),
    "dropdown.deselect_all": ("全部取消", "Deselect all"),
    "dropdown.selected_count": ("已选 {num_selected} 项", "{num_selected} selected"),
    "dropdown.search": ("搜索", "Search"),
    "dropdown.clear_search": ("清除搜索", "Clear search"),
    "dropdown.clear_selection": ("清除选择", "Clear selection"),
    "dropdown.no_options_found": ("没有匹配的选项", "No options found"),
    "coverage.radius_invalid": (
        "服务半径须在 {low:,.0f} 至 {high:,.0f} 米之间（现为 {radius}）。",
        "The radius must lie between {low:,.0f} and {high:,.0f} m (got {radius}).",
    ),
}
