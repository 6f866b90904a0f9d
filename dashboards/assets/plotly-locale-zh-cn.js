/* Plotly's own words in Chinese (the chart toolbar, hints, hover labels) and Chinese
   names of months and days, served from the dashboard's assets (never a CDN).

   The locale is registered whether plotly.js has loaded yet or not: plotly.js reads
   window.PlotlyLocales when it loads. wsiPlotLocale(lang) makes it the charts' locale
   ("en" keeps plotly's English); the shell calls it whenever the language changes.
   A test checks that every phrase plotly.js localises has a translation here. */
(function () {
  var locale = {
    moduleType: "locale",
    name: "zh-CN",
    dictionary: {
      "Autoscale": "自动缩放",
      "Box Select": "矩形框选",
      "Click to enter Colorscale title": "点击输入色标标题",
      "Click to enter Component A title": "点击输入分量A标题",
      "Click to enter Component B title": "点击输入分量B标题",
      "Click to enter Component C title": "点击输入分量C标题",
      "Click to enter Plot subtitle": "点击输入图表副标题",
      "Click to enter Plot title": "点击输入图表标题",
      "Click to enter X axis title": "点击输入X轴标题",
      "Click to enter Y axis title": "点击输入Y轴标题",
      "Click to enter radial axis title": "点击输入径向轴标题",
      "Compare data on hover": "悬停时比较数据",
      "Double-click on legend to isolate one trace": "双击图例只显示这一项",
      "Double-click to zoom back out": "双击恢复原来的缩放",
      "Download plot": "下载图表",
      "Download plot as JSON": "以 JSON 下载图表",
      "Download plot as a PNG": "下载图表为 PNG 图片",
      "Draw circle": "画圆",
      "Draw closed freeform": "画封闭的任意形状",
      "Draw line": "画线",
      "Draw open freeform": "画开放的任意线条",
      "Draw rectangle": "画矩形",
      "Erase active shape": "删除选中的形状",
      "Image download succeeded": "图片已下载",
      "JSON download succeeded": "JSON 已下载",
      "Lasso Select": "套索选择",
      "Orbital rotation": "轨道旋转",
      "Pan": "平移",
      "Preparing image - this may take a few seconds": "正在生成图片，请稍候",
      "Produced with Plotly.js": "由 Plotly.js 生成",
      "Reset": "重置",
      "Reset axes": "重置坐标轴",
      "Reset camera to default": "相机恢复默认",
      "Reset camera to last save": "相机恢复上次保存",
      "Reset view": "重置视图",
      "Reset views": "重置所有视图",
      "Share chart...": "分享图表…",
      "Show closest data on hover": "悬停时显示最近的数据",
      "Sorry, there was a problem downloading your JSON file!": "抱歉，JSON 文件下载出错！",
      "Sorry, there was a problem downloading your image!": "抱歉，图片下载出错！",
      "Toggle Spike Lines": "显示或隐藏参考线",
      "Toggle show closest data on hover": "切换悬停时显示最近的数据",
      "Turntable rotation": "转盘旋转",
      "Zoom": "缩放",
      "Zoom in": "放大",
      "Zoom out": "缩小",
      "close:": "收盘：",
      "concentration:": "浓度：",
      "high:": "最高：",
      "incoming flow count:": "流入数：",
      "kde:": "核密度：",
      "low:": "最低：",
      "lower fence:": "下限：",
      "max:": "最大值：",
      "mean ± σ:": "均值 ± σ：",
      "mean:": "均值：",
      "median:": "中位数：",
      "min:": "最小值：",
      "new text": "新文本",
      "open:": "开盘：",
      "outgoing flow count:": "流出数：",
      "q1:": "下四分位数：",
      "q3:": "上四分位数：",
      "source:": "来源：",
      "target:": "目标：",
      "trace": "数据系列",
      "upper fence:": "上限："
    },
    format: {
      days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
      shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
      months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月",
               "十月", "十一月", "十二月"],
      shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月",
                    "11月", "12月"],
      date: "%Y-%m-%d",
      year: "%Y年",
      month: "%Y年%-m月",
      dayMonth: "%-m月%-d日",
      dayMonthYear: "%Y年%-m月%-d日",
      decimal: ".",
      thousands: ",",
      grouping: [3],
      currency: ["¥", ""]
    }
  };
  if (typeof window.Plotly === "undefined") {
    window.PlotlyLocales = window.PlotlyLocales || [];
    window.PlotlyLocales.push(locale);
  } else {
    window.Plotly.register(locale);
  }

  window.wsiPlotLocale = function (lang) {
    var name = lang === "en" ? "en-US" : "zh-CN";
    window.wsiLang = lang === "en" ? "en" : "zh";  // AG Grid's words read it (below)
    var apply = function () {
      if (window.Plotly && window.Plotly.setPlotConfig) {
        window.Plotly.setPlotConfig({locale: name});
      } else {
        setTimeout(apply, 20);  // plotly.js is still loading
      }
    };
    apply();
    return name;
  };
  // AG Grid asks for each of its words when it shows it (getLocaleText): Chinese from
  // the dictionary the grid carries (dashboards/i18n/grid.py), English as AG Grid has it
  window.dashAgGridFunctions = window.dashAgGridFunctions || {};
  window.dashAgGridFunctions.wsiLocaleText = function (params, zh) {
    var text = window.wsiLang === "en" || !(params.key in zh) ? params.defaultValue : zh[params.key];
    var values = params.variableValues || [];
    var i = 0;
    return String(text).replace(/\$\{variable\}/g, function () { return values[i++]; });
  };

  // the shell's clientside callback (a named function: no inline script for the CSP)
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.wsi = {plotLocale: window.wsiPlotLocale};
})();
