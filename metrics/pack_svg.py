"""Small SVG charts for the meeting pack: drawn here, inline in its HTML, vector in its PDF.

Like the pages' chart helpers (ui/charts.py) they compute nothing: each takes the numbers and the
words already written for the language. Colours are the pages' Okabe–Ito palette; meaning never
rests on colour alone (every bar and dot has its value written beside it, a second series is
drawn outlined, and the numbers are in the pack's appendix). Every text is XML-escaped.
"""

from __future__ import annotations

import math
from html import escape

# Okabe & Ito (2008), as ui/charts.py PALETTE.
BLUE, ORANGE, GREEN, VERMILION, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#595959"
TEXT = "#1A1A1A"
FONT = 11  # px in the chart's own units; the chart is scaled to the column's width


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-label="{escape(title)}" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="{FONT}" fill="{TEXT}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, words: str, anchor: str = "start", **attributes) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(words)}</text>'


def _nice_top(value: float) -> float:
    """A round axis end at or above the value (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= value)


def _count_ticks(highest: float) -> list[float]:
    """Whole-number gridlines from 0 to a round value at or above `highest`: 4 or 5 steps of
    1, 2, 5 (or 25, 250, …) × 10^n."""
    raw = max(highest, 1.0) / 4
    power = 10 ** math.floor(math.log10(raw))
    steps = [m * power for m in (1, 2, 2.5, 5, 10)]
    step = next(s for s in steps if s >= raw and s == int(s))
    top = step * math.ceil(max(highest, 1.0) / step)
    return [step * k for k in range(int(round(top / step)) + 1)]


def columns(
    categories: list[str],
    series: list[tuple[str, list[float], list[str]]],
    *,
    title: str,
    width: float = 640,
    height: float = 230,
) -> str:
    """Grouped columns: one group per category, one column per series (name, values, the
    values written). The first series is filled, the second outlined; a legend names both."""
    left, right, top, bottom = 34, 8, 30, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max((v for _, values, _ in series for v in values), default=0)
    ticks = _count_ticks(highest)
    axis_top = ticks[-1]
    group = plot_w / max(len(categories), 1)
    bar = min(18.0, group * 0.8 / max(len(series), 1))
    body = []
    for value in ticks:  # gridlines and their values (whole numbers: no decimal mark)
        y = top + plot_h - plot_h * value / axis_top
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#D9D9D9" stroke-width="0.6"/>'
        )
        body.append(_text(left - 4, y + 3.5, f"{value:.0f}", "end", fill=GREY, font_size=FONT - 2))
    styles = [
        {"fill": BLUE, "stroke": BLUE},
        {"fill": "#FCEBC7", "stroke": VERMILION},
    ]
    for n, category in enumerate(categories):
        x0 = left + n * group + (group - bar * len(series)) / 2
        for k, (_, values, written) in enumerate(series):
            value = values[n]
            h = plot_h * value / axis_top
            x, y = x0 + k * bar, top + plot_h - h
            style = styles[k % len(styles)]
            body.append(
                f'<rect x="{x + 0.8:.1f}" y="{y:.1f}" width="{bar - 1.6:.1f}" height="{h:.1f}" '
                f'fill="{style["fill"]}" stroke="{style["stroke"]}" stroke-width="1.2"/>'
            )
            body.append(_text(x + bar / 2, y - 3, written[n], "middle", font_size=FONT - 3))
        for line, words in enumerate(category.split("\n")):  # a second line: the year
            y = height - bottom + 14 + line * (FONT - 1)
            centre = left + n * group + group / 2
            body.append(_text(centre, y, words, "middle", font_size=FONT - 2))
    body.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="{TEXT}" stroke-width="0.8"/>'
    )
    x = left
    for k, (name, _, _) in enumerate(series):  # the legend, above the plot
        style = styles[k % len(styles)]
        body.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{style["fill"]}" '
            f'stroke="{style["stroke"]}" stroke-width="1.2"/>'
        )
        body.append(_text(x + 17, 16, name))
        x += 24 + 7.0 * len(name)
    return _svg(width, height, title, body)


def intervals(
    rows: list[tuple[str, float | None, float | None, float | None, str]],
    *,
    title: str,
    zero_label: str,
    tick=lambda value: f"{value:+g}",
    width: float = 640,
) -> str:
    """A change with its 95 % interval per row (label, change, low, high, the words written
    beside it): a dot on a line across the interval, and the line at zero. A row without a
    change (hidden) shows only its words. `tick` writes the axis's values."""
    label_w, words_w, top, row_h = 150, 250, 24, 30
    height = top + row_h * len(rows) + 22
    plot_l, plot_r = label_w, width - words_w
    ends = [abs(v) for _, c, lo, hi, _ in rows for v in (c, lo, hi) if v is not None]
    reach = _nice_top(max(ends, default=1.0))
    scale = (plot_r - plot_l) / (2 * reach)

    def x(value: float) -> float:
        return plot_l + (value + reach) * scale

    body = [
        f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top - 8}" y2="{height - 18}" '
        f'stroke="{GREY}" stroke-width="1" stroke-dasharray="3 2"/>',
        _text(x(0), top - 12, zero_label, "middle", fill=GREY, font_size=FONT - 2),
    ]
    for value in (-reach, -reach / 2, reach / 2, reach):
        body.append(_text(x(value), height - 6, tick(value), "middle", fill=GREY, font_size=9))
    for n, (label, change, low, high, words) in enumerate(rows):
        y = top + n * row_h + row_h / 2
        body.append(_text(4, y + 4, label))
        if change is not None:
            if low is not None and high is not None:
                body.append(
                    f'<line x1="{x(low):.1f}" x2="{x(high):.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                    f'stroke="{BLUE}" stroke-width="2.4"/>'
                )
                for end in (low, high):
                    body.append(
                        f'<line x1="{x(end):.1f}" x2="{x(end):.1f}" y1="{y - 5:.1f}" '
                        f'y2="{y + 5:.1f}" stroke="{BLUE}" stroke-width="1.6"/>'
                    )
            body.append(
                f'<circle cx="{x(change):.1f}" cy="{y:.1f}" r="4.5" fill="{TEXT}" '
                f'stroke="white" stroke-width="1"/>'
            )
        body.append(_text(plot_r + 10, y + 4, words, font_size=FONT - 1))
    return _svg(width, height, title, body)


def diverging(
    rows: list[tuple[str, float, str]],
    *,
    title: str,
    width: float = 640,
) -> str:
    """Horizontal bars either side of zero (label, value, the value written): rises to the
    right in green, falls to the left outlined in vermilion, each value written at the right."""
    label_w, top, row_h = 190, 8, 20
    height = top + row_h * len(rows) + 8
    plot_l, plot_r = label_w, width - 115
    reach = _nice_top(max((abs(v) for _, v, _ in rows), default=1.0))
    middle = (plot_l + plot_r) / 2
    scale = (plot_r - plot_l) / 2 / reach
    body = [
        f'<line x1="{middle:.1f}" x2="{middle:.1f}" y1="{top - 4}" y2="{height - 4}" '
        f'stroke="{TEXT}" stroke-width="0.8"/>'
    ]
    for n, (label, value, written) in enumerate(rows):
        y = top + n * row_h
        length = abs(value) * scale
        if value >= 0:
            x, fill, stroke = middle, GREEN, GREEN
        else:
            x, fill, stroke = middle - length, "#F9D9C7", VERMILION
        body.append(
            f'<rect x="{x:.1f}" y="{y + 3:.1f}" width="{max(length, 0.5):.1f}" '
            f'height="{row_h - 6}" fill="{fill}" stroke="{stroke}" stroke-width="1"/>'
        )
        body.append(_text(plot_r + 8, y + row_h / 2 + 4, written, font_size=FONT - 1))
        shown = label if len(label) <= 30 else label[:29] + "…"
        body.append(_text(4, y + row_h / 2 + 4, shown))
    return _svg(width, height, title, body)
