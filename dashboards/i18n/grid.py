"""AG Grid's own words in Chinese: its filters, menus, pagination, overlays and screen-
reader labels. English is AG Grid's default, so English mode passes no words.

The keys are those the bundled AG Grid (dash-ag-grid's community build) asks its locale
for; a test reads them from the bundle and fails when one is missing here. ``${variable}``
is AG Grid's placeholder for a value it fills in.
"""

from __future__ import annotations

GRID_ZH: dict[str, str] = {
    # filters
    "applyFilter": "应用", "clearFilter": "清除", "resetFilter": "重置", "cancelFilter": "取消",
    "textFilter": "文本筛选", "numberFilter": "数字筛选", "bigintFilter": "大整数筛选",
    "dateFilter": "日期筛选", "setFilter": "列表筛选", "filterOoo": "筛选…", "empty": "请选择",
    "equals": "等于", "notEqual": "不等于", "lessThan": "小于", "greaterThan": "大于",
    "inRange": "介于", "inRangeStart": "从", "inRangeEnd": "到", "lessThanOrEqual": "小于等于",
    "greaterThanOrEqual": "大于等于", "contains": "包含", "notContains": "不包含",
    "startsWith": "开头是", "endsWith": "结尾是", "blank": "为空", "notBlank": "不为空",
    "before": "早于", "after": "晚于", "andCondition": "且", "orCondition": "或",
    "dateFormatOoo": "年-月-日", "true": "是", "false": "否", "blanks": "（空白）",
    # the summary of an active filter
    "filterSummaryInactive": "为（全部）", "filterSummaryContains": "包含",
    "filterSummaryNotContains": "不包含", "filterSummaryTextEquals": "等于",
    "filterSummaryTextNotEqual": "不等于", "filterSummaryStartsWith": "开头是",
    "filterSummaryEndsWith": "结尾是", "filterSummaryBlank": "为空",
    "filterSummaryNotBlank": "不为空", "filterSummaryEquals": "=", "filterSummaryNotEqual": "≠",
    "filterSummaryGreaterThan": ">", "filterSummaryGreaterThanOrEqual": "≥",
    "filterSummaryLessThan": "<", "filterSummaryLessThanOrEqual": "≤",
    "filterSummaryInRange": "介于", "filterSummaryInRangeValues": "（${variable} 至 ${variable}）",
    "filterSummaryTextQuote": "“${variable}”",
    # relative dates
    "yesterday": "昨天", "today": "今天", "tomorrow": "明天", "last7Days": "最近7天",
    "lastWeek": "上周", "thisWeek": "本周", "nextWeek": "下周", "last30Days": "最近30天",
    "lastMonth": "上月", "thisMonth": "本月", "nextMonth": "下月", "last90Days": "最近90天",
    "lastQuarter": "上季度", "thisQuarter": "本季度", "nextQuarter": "下季度",
    "lastYear": "去年", "thisYear": "今年", "yearToDate": "今年至今", "nextYear": "明年",
    "last6Months": "最近6个月", "last12Months": "最近12个月", "last24Months": "最近24个月",
    # validation
    "minDateValidation": "日期须晚于 ${variable}", "maxDateValidation": "日期须早于 ${variable}",
    "strictMinValueValidation": "须大于 ${variable}",
    "strictMaxValueValidation": "须小于 ${variable}",
    "minValueValidation": "须大于或等于 ${variable}",
    "maxValueValidation": "须小于或等于 ${variable}",
    "maxLengthValidation": "不超过 ${variable} 个字符", "invalidDate": "日期无效",
    "invalidNumber": "数字无效", "invalidBigInt": "大整数无效",
    "invalidSelectionValidation": "选择无效。", "tooltipValidationErrorSeparator": "。",
    # overlays, rows, pages
    "loadingOoo": "加载中…", "loadingError": "错误", "noRowsToShow": "暂无数据",
    "noMatchingRows": "没有符合条件的行", "exportingOoo": "导出中…", "rowDragRow": "行",
    "rowDragRows": "行", "pageSizeSelectorLabel": "每页行数：", "firstPage": "第一页",
    "previousPage": "上一页", "page": "第", "of": "页，共", "nextPage": "下一页",
    "lastPage": "最后一页", "more": "更多", "to": "至", "pageLastRowUnknown": "?",
    "thousandSeparator": ",", "decimalSeparator": ".",
    # screen readers
    "ariaChecked": "已选中", "ariaUnchecked": "未选中", "ariaIndeterminate": "部分选中",
    "ariaColumnCellSelection": "按回车键切换选中本列所有可见单元格",
    "ariaColumnFiltered": "已筛选的列",
    "ariaColumnGroupCellSelection": "按回车键切换选中本列组所有可见单元格",
    "ariaColumnGroupCellSelectionAndExpansion":
        "按回车键切换选中本列组所有可见单元格；按 ALT+回车键展开或收起本列组",
    "ariaColumnGroupExpansion": "按回车键展开或收起本列组",
    "ariaDateFilterInput": "日期筛选输入框", "ariaDeferSkeletonCellLoading": "单元格加载中",
    "ariaFilterColumn": "按 CTRL+回车键打开筛选", "ariaFilterFromValue": "筛选起始值",
    "ariaFilterInput": "筛选输入框", "ariaFilterMenuOpen": "打开筛选菜单",
    "ariaFilterToValue": "筛选结束值", "ariaFilterValue": "筛选值",
    "ariaFilteringOperator": "筛选条件", "ariaHasNote": "此单元格有备注。",
    "ariaHeaderSelection": "带表头选择的列", "ariaInputEditor": "输入编辑器",
    "ariaLabelColumnFilter": "列筛选", "ariaLabelColumnMenu": "列菜单",
    "ariaLabelTooltip": "提示", "ariaMenuColumn": "按 ALT+下箭头打开列菜单",
    "ariaPageSizeSelectorLabel": "每页行数", "ariaPendingChange": "待保存的修改",
    "ariaRowSelectAll": "按空格键切换全选", "ariaSkeletonCellLoading": "行数据加载中",
    "ariaSkeletonCellLoadingFailed": "行加载失败", "ariaSortableColumn": "按回车键排序",
    "ariaSortableColumnWithCellSelection": "按 ALT+回车键排序",
    "ariaToggleCellValue": "按空格键切换单元格的值",
}  # fmt: skip
