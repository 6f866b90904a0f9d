"""The inline SVG charts: sizes proportional to values, labels escaped, nothing external."""

import re

from pipelines.report.charts import WIDTH, bar_chart, column_chart
from pipelines.report.formatting import count


def _widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]


def test_bars_are_proportional_to_the_values() -> None:
    svg = bar_chart([("饮水", 100), ("充电", 50), ("休息", 0)], count, title="t", label_chars=6)
    longest, half, zero = _widths(svg)
    assert half == longest / 2
    assert zero == 0
    assert ">100</text>" in svg and ">50</text>" in svg and ">0</text>" in svg


def test_labels_are_escaped_and_long_ones_shortened() -> None:
    svg = bar_chart([("<b>很长很长很长的驿站名称</b>", 1)], count, title="a&b", label_chars=6)
    assert "<b>" not in svg
    assert "&lt;b&gt;很长…" in svg  # the full name stays in the hover title
    assert 'aria-label="a&amp;b"' in svg


def test_columns_highlight_the_last_month_and_skip_missing_values() -> None:
    svg = column_chart([("1月", 10), ("2月", None), ("3月", 20)], count, title="t")
    assert svg.startswith(f'<svg class="chart" viewBox="0 0 {WIDTH} 160"')
    heights = [float(h) for h in re.findall(r'height="([\d.]+)" fill', svg)]
    assert heights[0] * 2 == heights[2] and heights[1] == 0
    assert svg.count('fill="#c0392b"') == 1  # only the report's month is highlighted
    assert ">10</text>" in svg and ">20</text>" in svg


def test_no_data_draws_nothing() -> None:
    assert bar_chart([], count, title="t") == ""
    assert column_chart([], count, title="t") == ""
