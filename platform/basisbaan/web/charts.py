"""Charts drawn on the server as SVG, for pages and reports: no JavaScript, and the same input always gives
the same output (no random ids, no timestamps). Every chart is an image with a title and a description for
assistive technology (role="img", aria-labelledby), shows its category labels, axis and values as text,
and marks each series with a pattern as well as a colour (and a legend), so that colour is never the only
cue. Pages put the chart's data table right after it.

Only presentation attributes are used (no style attributes or <style> element): the pages' Content
Security Policy allows no inline styles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from flask_babel import gettext as _
from markupsafe import Markup, escape

Number = Decimal | float | int
TEXT = "#1a1a1a"  # on white: 17:1
MUTED = "#4b4b4b"  # "no data": 8.6:1
GRID = "#c8c8c8"
# (colour, pattern): every colour has at least 3:1 against white; series after the first are hatched.
SERIES_STYLES = (("#154273", None), ("#8a4500", "hatch"), ("#2e6b30", "dots"), ("#5c2d91", "cross"))
WIDTH, BAR, GAP, GROUP_GAP, FONT = 640, 18, 4, 14, 14
CHAR = 7.6  # an estimate of the width of a character at FONT, for laying out labels


def plain(value: Number) -> str:
    """A number without trailing zeros (2.50 -> 2.5, 100 -> 100); pages pass the reader's format instead."""
    return f"{Decimal(str(value)).normalize():f}"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _pattern(ident: str, colour: str, kind: str) -> str:
    marks = {"hatch": f'<rect width="3" height="6" fill="{colour}"/>',
             "dots": f'<circle cx="3" cy="3" r="1.6" fill="{colour}"/>',
             "cross": f'<rect width="2" height="6" fill="{colour}"/><rect width="6" height="2" fill="{colour}"/>'}
    rotate = ' patternTransform="rotate(45)"' if kind != "dots" else ""
    return (f'<pattern id="{ident}" width="6" height="6" patternUnits="userSpaceOnUse"{rotate}>'
            f'<rect width="6" height="6" fill="#ffffff"/>{marks[kind]}</pattern>')


def _fill(chart_id: str, index: int) -> tuple[str, str]:
    """The fill and stroke attributes of series `index`."""
    colour, kind = SERIES_STYLES[index % len(SERIES_STYLES)]
    fill = colour if kind is None else f"url(#{chart_id}-pattern-{index})"
    return f'fill="{fill}" stroke="{colour}" stroke-width="1.5"', colour


def _nice(largest: float) -> float:
    """A round maximum for the axis above `largest`: four steps of 1, 2, 2.5, 4 or 5 times a power of ten."""
    if largest <= 0:
        return 1.0
    if largest == int(largest) and largest <= 10:
        return largest
    power = Decimal(10) ** (Decimal(str(largest / 4)).adjusted())
    step = next(f * power for f in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(4), Decimal(5), Decimal(10))
                if f * power * 4 >= Decimal(str(largest)))
    return float(step * 4)


def _ticks(top: float) -> list[Decimal]:
    """Whole numbers up to a small whole maximum (a scale of 1 to 5), otherwise quarters of the maximum."""
    if top == int(top) and top <= 10:
        return [Decimal(i) for i in range(int(top) + 1)]
    return [(Decimal(str(top)) * i / 4).normalize() for i in range(5)]


def _open(chart_id: str, title: str, description: str, height: float) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{WIDTH}" '
            f'height="{_n(height)}" viewBox="0 0 {WIDTH} {_n(height)}" font-size="{FONT}" fill="{TEXT}" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>']


def bar_chart(title: str, description: str, categories: Sequence[str],
              series: Sequence[tuple[str, Sequence[Number | None]]], max_value: Number | None = None, *,
              chart_id: str = "chart", value_format: Callable[[Number], str] = plain) -> Markup:
    """Horizontal bars, grouped per category: one bar per series (name, a value per category). Bars start
    at 0 and run to `max_value` (default: the largest value); a missing value (None) reads "no data",
    never 0. `chart_id` prefixes the ids inside the chart: give each chart on a page its own."""
    chart_id = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id) or "chart"
    values = [float(v) for _name, vs in series for v in vs if v is not None]
    if not categories or not series:
        parts = _open(chart_id, title, description, 60)
        parts.append(f'<text x="12" y="36">{escape(_("No data"))}</text></svg>')
        return Markup("".join(parts))
    top = float(max_value) if max_value is not None else _nice(max(values, default=0.0))
    top = top if top > 0 else 1.0
    label_w = min(260.0, max(60.0, CHAR * max(len(str(c)) for c in categories))) + 12
    x0, plot_w = label_w, WIDTH - label_w - 72
    # The legend: swatch and name per series, wrapping onto a new line when the width is used up.
    legend, x, y = [], 0.0, 18.0
    for index, (name, _values) in enumerate(series):
        item_w = 28 + CHAR * len(str(name))
        if x and x + item_w > WIDTH:
            x, y = 0.0, y + 24
        attrs, _colour = _fill(chart_id, index)
        legend.append(f'<rect x="{_n(x + 1)}" y="{_n(y - 12)}" width="16" height="16" {attrs}/>'
                      f'<text x="{_n(x + 24)}" y="{_n(y + 1)}">{escape(name)}</text>')
        x += item_w + 20
    group_h = len(series) * BAR + (len(series) - 1) * GAP + GROUP_GAP
    plot_top = y + 20
    plot_bottom = plot_top + len(categories) * group_h
    height = plot_bottom + 30
    parts = _open(chart_id, title, description, height)
    patterns = [_pattern(f"{chart_id}-pattern-{i}", *SERIES_STYLES[i % len(SERIES_STYLES)])
                for i in range(len(series)) if SERIES_STYLES[i % len(SERIES_STYLES)][1]]
    if patterns:
        parts.append(f"<defs>{''.join(patterns)}</defs>")
    parts.extend(legend)
    for tick in _ticks(top):  # grid lines with their values under the axis
        tx = x0 + plot_w * float(tick) / top
        parts.append(f'<line x1="{_n(tx)}" y1="{_n(plot_top - 4)}" x2="{_n(tx)}" y2="{_n(plot_bottom)}" '
                     f'stroke="{GRID}" stroke-width="1"/>'
                     f'<text x="{_n(tx)}" y="{_n(plot_bottom + 18)}" text-anchor="middle">'
                     f'{escape(value_format(tick))}</text>')
    parts.append(f'<line x1="{_n(x0)}" y1="{_n(plot_top - 4)}" x2="{_n(x0)}" y2="{_n(plot_bottom)}" '
                 f'stroke="{TEXT}" stroke-width="1"/>')
    for row, category in enumerate(categories):
        group_y = plot_top + row * group_h
        middle = group_y + (group_h - GROUP_GAP) / 2
        parts.append(f'<text x="{_n(x0 - 8)}" y="{_n(middle + 5)}" text-anchor="end">{escape(category)}</text>')
        for index, (name, series_values) in enumerate(series):
            value = series_values[row] if row < len(series_values) else None
            bar_y = group_y + index * (BAR + GAP)
            if value is None:
                parts.append(f'<text class="chart-no-data" x="{_n(x0 + 6)}" y="{_n(bar_y + 14)}" '
                             f'fill="{MUTED}" font-style="italic">{escape(_("no data"))}</text>')
                continue
            width = plot_w * min(max(float(value), 0.0), top) / top
            attrs, _colour = _fill(chart_id, index)
            parts.append(f'<rect class="chart-bar" x="{_n(x0)}" y="{_n(bar_y)}" width="{_n(width)}" '
                         f'height="{BAR}" {attrs}><title>{escape(name)}: {escape(value_format(value))}</title></rect>'
                         f'<text x="{_n(x0 + width + 6)}" y="{_n(bar_y + 14)}">{escape(value_format(value))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
