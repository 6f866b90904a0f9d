"""Charts for the monthly report, drawn as inline SVG.

Static SVG needs no JavaScript, so the HTML stays small and offline, and headless
chromium prints every chart without waiting for scripts to run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

WIDTH = 680  # px: the A4 text width at 96 dpi with the report's margins
BAR = "#c0392b"
MUTED = "#e6b0aa"
TEXT = "#333"
FONT = "font-family:inherit;font-size:12px"


def _label(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    items: Sequence[tuple[str, float]],
    write: Callable[[float], str],
    *,
    title: str,
    label_chars: int = 12,
) -> str:
    """Horizontal bars, largest first as given, each with its label and written value."""
    if not items:
        return ""
    row_height, top = 24, 6
    label_width = 14 * label_chars
    value_width = 90
    plot_width = WIDTH - label_width - value_width
    largest = max(value for _, value in items) or 1
    height = top + row_height * len(items)
    parts = []
    for i, (name, value) in enumerate(items):
        y = top + i * row_height
        length = max(plot_width * value / largest, 1 if value else 0)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" style="{FONT}" '
            f'fill="{TEXT}"><title>{escape(name)}</title>{escape(_label(name, label_chars))}'
            "</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="16" '
            f'fill="{BAR}" rx="2"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" style="{FONT}" '
            f'fill="{TEXT}">{escape(write(value))}</text>'
        )
    return _svg(title, height, "".join(parts))


def column_chart(
    items: Sequence[tuple[str, float | None]],
    write: Callable[[float], str],
    *,
    title: str,
    width: int = WIDTH,
    height: int = 160,
    label_px: int = 12,
    value_px: int = 10,
) -> str:
    """Vertical columns over time, the last (the report's month) highlighted; ``width``,
    ``height`` and the font sizes in px of the drawing (the month card draws it large)."""
    if not items:
        return ""
    top, bottom = round(value_px * 2), round(label_px * 1.85)
    plot_height = height - top - bottom
    slot = width / len(items)
    largest = max((value or 0 for _, value in items), default=0) or 1
    parts = []
    for i, (name, value) in enumerate(items):
        x = i * slot
        bar_height = plot_height * (value or 0) / largest
        y = top + plot_height - bar_height
        colour = BAR if i == len(items) - 1 else MUTED
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{bar_height:.1f}" fill="{colour}" rx="2"/>'
            f'<text x="{x + slot / 2:.1f}" y="{height - round(label_px * 0.67)}" '
            f'text-anchor="middle" style="font-family:inherit;font-size:{label_px}px" '
            f'fill="{TEXT}">{escape(name)}</text>'
        )
        if value is not None:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{y - value_px / 2:.1f}" text-anchor="middle" '
                f'style="font-family:inherit;font-size:{value_px}px" fill="{TEXT}">'
                f"{escape(write(value))}</text>"
            )
    return _svg(title, height, "".join(parts), width)


def _svg(title: str, height: int, body: str, width: int = WIDTH) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}">{body}</svg>'
    )
