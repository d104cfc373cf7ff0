"""The report's charts as SVG, drawn directly: bars, lines, labels and a grid; and the
monthly data set's sparklines.

The charts of the HTML and the PDF are simple (horizontal bars with their numbers; a
line of the households over the years above grouped bars of approvals and
deregistrations), and matplotlib took about 0.4 s of every build to import and lay them
out, a fifth of the time a build adds to WeasyPrint's own. Here each is a few dozen SVG
elements, written in a few milliseconds. The Word document takes PNG, which matplotlib
still draws from the same :class:`~fosterreport.context.ChartSpec`
(:func:`fosterreport.render.charts.render_png`), in the same colours.

Text stays text (``<text>`` in DejaVu Sans, which WeasyPrint finds like the page's own
text); a label's width is estimated from its characters (0.6 em each, wider than
DejaVu Sans's average), so nothing is cut off. Same spec, same bytes: no ids but fixed
ones, no dates, numbers printed to one decimal.

A sparkline (:func:`sparkline_uri`) is a few points and no axes: its numbers are in the
same row of the table. It is an ``img`` of a ``data:`` URI with its words as ``alt``, as
the charts are, so the PDF tags it as a figure with a text alternative.
"""

from __future__ import annotations

import base64
import math
import textwrap
from typing import TYPE_CHECKING, Iterable
from xml.sax.saxutils import escape

from fosterreport.render.chart_style import BLUE, FUNNEL_COLUMNS, GREEN, GREY, GRID, INK, RED

if TYPE_CHECKING:
    from fosterreport.context import ChartSpec

#: The printable width of an A4 page with 2 cm margins (6.5 in) in CSS pixels.
WIDTH = 624
FONT = 12  # px: 9 pt
SMALL = 10.7  # px: 8 pt
CHARACTER = 0.6  # em: an upper bound of DejaVu Sans's average advance
BOLD = 0.68  # em: the same of DejaVu Sans Bold


def text_width(text: str, size: float = FONT) -> float:
    return len(text) * CHARACTER * size


def nice_step(top: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) giving about ``ticks`` grid lines up to ``top``."""
    raw = max(top, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, words: str, *, anchor: str = "start", size: float = FONT,
          weight: str | None = None, colour: str = INK, baseline: str = "central") -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}" '
            f'dominant-baseline="{baseline}" fill="{colour}"{bold}>{escape(words)}</text>')


def data_uri(svg: bytes) -> str:
    """An image's ``data:`` URI: how every chart and sparkline reaches the HTML and PDF."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _document(height: float, body: list[str], defs: str = "") -> bytes:
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{_n(height)}" '
            f'viewBox="0 0 {WIDTH} {_n(height)}" font-family="DejaVu Sans, sans-serif">'
            f"{defs}{''.join(body)}</svg>\n").encode("utf-8")


def _grid_x(x0: float, x1: float, y0: float, y1: float, top: float, scale: float) -> list[str]:
    """Vertical grid lines with their numbers below, from 0 to ``top``."""
    step, parts, value = nice_step(top), [], 0.0
    while value <= top + 1e-9:
        x = x0 + value * scale
        parts.append(f'<line x1="{_n(x)}" y1="{_n(y0)}" x2="{_n(x)}" y2="{_n(y1)}" stroke="{GRID}" '
                     f'stroke-width="0.8"/>')
        parts.append(_text(x, y1 + 10, _n(value), anchor="middle", size=SMALL))
        value += step
    return parts


def hbar_svg(spec: "ChartSpec") -> bytes:
    """Horizontal bars, first label at the top, each bar's number at its end; nothing is
    drawn for a withheld or missing figure (its text, "c" or "n/a", stands alone)."""
    series = spec.series[0]
    row, top_margin = 26.0, 6.0
    label_width = min(max((text_width(label) for label in spec.labels), default=0) + 10, WIDTH * 0.45)
    value_room = max((text_width(text) for text in series.texts), default=0) + 12
    x0, x1 = label_width, WIDTH - value_room
    top = max([value for value in series.values if value] or [1])
    scale = (x1 - x0) / top
    plot_bottom = top_margin + row * len(spec.labels)
    body = _grid_x(x0, x1, top_margin, plot_bottom, top, scale)
    for index, (label, value, words) in enumerate(zip(spec.labels, series.values, series.texts)):
        middle = top_margin + row * index + row / 2
        body.append(_text(x0 - 8, middle, label, anchor="end"))
        length = (value or 0) * scale
        if length > 0:
            body.append(f'<rect x="{_n(x0)}" y="{_n(middle - row * 0.31)}" width="{_n(length)}" '
                        f'height="{_n(row * 0.62)}" fill="{BLUE}"/>')
        body.append(_text(x0 + length + 4, middle, words))
    body.append(f'<line x1="{_n(x0)}" y1="{_n(top_margin)}" x2="{_n(x0)}" y2="{_n(plot_bottom)}" '
                f'stroke="{GREY}" stroke-width="1"/>')
    height = plot_bottom + 22
    if spec.x_label:
        body.append(_text((x0 + x1) / 2, height + 6, spec.x_label, anchor="middle"))
        height += 18
    return _document(height + 4, body)


HATCH = ('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
         f'patternTransform="rotate(45)"><rect width="6" height="6" fill="white"/>'
         f'<line x1="0" y1="0" x2="0" y2="6" stroke="{RED}" stroke-width="1.6"/></pattern></defs>')


def trend_svg(spec: "ChartSpec") -> bytes:
    """Two panels, one above the other: a line of the stock (households at the end of
    each year) with each point's number, then grouped bars of the flows (approvals and
    deregistrations) told apart by fill and hatching as well as colour, each bar
    labelled with its number, and a legend."""
    years = spec.labels
    stock, *flows = spec.series
    left, right = 40.0, WIDTH - 10.0
    slot = (right - left) / max(len(years), 1)
    centres = [left + slot * (index + 0.5) for index in range(len(years))]
    body: list[str] = []

    def axis(y_top: float, y_bottom: float, high: float, title: str) -> float:
        """The panel's title, horizontal grid with numbers, and year labels; its scale."""
        body.append(_text(left, y_top - 12, title, weight="bold"))
        scale = (y_bottom - y_top) / high
        step, value = nice_step(high, 4), 0.0
        while value <= high + 1e-9:
            y = y_bottom - value * scale
            body.append(f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" stroke="{GRID}" '
                        f'stroke-width="0.8"/>')
            body.append(_text(left - 6, y, _n(value), anchor="end", size=SMALL))
            value += step
        body.append(f'<line x1="{_n(left)}" y1="{_n(y_bottom)}" x2="{_n(right)}" y2="{_n(y_bottom)}" '
                    f'stroke="{GREY}" stroke-width="1"/>')
        for x, year in zip(centres, years):
            body.append(_text(x, y_bottom + 11, year, anchor="middle", size=SMALL))
        return scale

    # the stock: a line through the years that have a figure
    top_y, bottom_y = 28.0, 108.0
    high = max([value for value in stock.values if value] or [1]) * 1.25
    scale = axis(top_y, bottom_y, high, stock.name)
    points = [(x, bottom_y - value * scale) for x, value in zip(centres, stock.values) if value is not None]
    if len(points) > 1:
        body.append(f'<polyline points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in points)}" fill="none" '
                    f'stroke="{BLUE}" stroke-width="2.5" stroke-linejoin="round"/>')
    for x, y in points:
        body.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{BLUE}"/>')
    for x, value, words in zip(centres, stock.values, stock.texts):
        body.append(_text(x, bottom_y - (value or 0) * scale - 12, words, anchor="middle", size=SMALL))

    # the flows: grouped bars, solid green and hatched red
    top_y, bottom_y = 150.0, 242.0
    high = max([value for s in flows for value in s.values if value] or [1]) * 1.2
    title = " and ".join(s.name.lower() if n else s.name for n, s in enumerate(flows))
    scale = axis(top_y, bottom_y, high, title)
    width = slot * 0.8 / max(len(flows), 1)
    styles = [(GREEN, GREEN), (RED, "url(#hatch)")]
    for number, flow in enumerate(flows):
        edge, fill = styles[number % len(styles)]
        for x, value, words in zip(centres, flow.values, flow.texts):
            middle = x - slot * 0.4 + width * (number + 0.5)
            height = (value or 0) * scale
            if height > 0:
                body.append(f'<rect x="{_n(middle - width * 0.46)}" y="{_n(bottom_y - height)}" '
                            f'width="{_n(width * 0.92)}" height="{_n(height)}" fill="{fill}" stroke="{edge}" '
                            f'stroke-width="1"/>')
            body.append(_text(middle, bottom_y - height - 7, words, anchor="middle", size=SMALL))
    legend_x = right
    for number, flow in reversed(list(enumerate(flows))):  # right-aligned, in the series' order
        edge, fill = styles[number % len(styles)]
        legend_x -= text_width(flow.name, SMALL) + 4
        body.append(_text(legend_x, top_y - 12, flow.name, size=SMALL))
        legend_x -= 18
        body.append(f'<rect x="{_n(legend_x)}" y="{_n(top_y - 18)}" width="12" height="12" fill="{fill}" '
                    f'stroke="{edge}" stroke-width="1"/>')
        legend_x -= 14
    return _document(bottom_y + 26, body, HATCH)


def funnels_svg(spec: "ChartSpec") -> bytes:
    """The regional report's small multiples, three to a row: each panel one council's
    funnel on its own scale, stages top to bottom (the last, approvals, in green), each bar
    with its number; the stages are named at the left of each row. ``spec.labels`` are the
    panels' titles, ``spec.series`` the stages."""
    columns, line, bar_row = FUNNEL_COLUMNS, 13.0, 15.0
    stages = [series.name for series in spec.series]
    label_width = max((text_width(stage, SMALL) for stage in stages), default=0) + 8
    panel = (WIDTH - label_width) / columns
    title_chars = max(int((panel - 12) / (BOLD * SMALL)), 8)  # (a title wider than its panel is wrapped)
    row_height = 2 * line + bar_row * len(stages) + 14
    body: list[str] = []
    for index, title in enumerate(spec.labels):
        row, column = divmod(index, columns)
        x0, y0 = label_width + panel * column, 4 + row_height * row
        for number, words in enumerate(textwrap.wrap(title, title_chars)[:2]):
            body.append(_text(x0, y0 + line * (number + 0.5), words, size=SMALL, weight="bold"))
        heights = [series.values[index] or 0 for series in spec.series]
        texts = [series.texts[index] for series in spec.series]
        room = max((text_width(words, SMALL) for words in texts), default=0) + 6
        scale = (panel - room - 10) / (max(heights) or 1)
        top = y0 + 2 * line + 2
        for stage, (name, height, words) in enumerate(zip(stages, heights, texts)):
            middle = top + bar_row * stage + bar_row / 2
            if column == 0:
                body.append(_text(x0 - 6, middle, name, anchor="end", size=SMALL))
            length = height * scale
            if length > 0:
                colour = GREEN if stage == len(stages) - 1 else BLUE
                body.append(f'<rect x="{_n(x0)}" y="{_n(middle - bar_row * 0.33)}" width="{_n(length)}" '
                            f'height="{_n(bar_row * 0.66)}" fill="{colour}"/>')
            body.append(_text(x0 + length + 3, middle, words, size=SMALL))
        body.append(f'<line x1="{_n(x0)}" y1="{_n(top)}" x2="{_n(x0)}" y2="{_n(top + bar_row * len(stages))}" '
                    f'stroke="{GREY}" stroke-width="1"/>')
    rows = math.ceil(len(spec.labels) / columns)
    return _document(8 + row_height * rows, body)


KINDS = {"hbar": hbar_svg, "trend": trend_svg, "funnels": funnels_svg}


SPARK_WIDTH, SPARK_HEIGHT, SPARK_MARGIN = 60, 16, 2


def sparkline_svg(points: Iterable[float | None]) -> str:
    """The SVG of ``points`` (each 0–1, or None for a gap) spread evenly across the width;
    a point alone between gaps is a dot, and the last month a larger one."""
    points = list(points)
    step = (SPARK_WIDTH - 2 * SPARK_MARGIN) / max(len(points) - 1, 1)
    runs, run = [], []
    for index, value in enumerate(points):
        if value is None:
            if run:
                runs.append(run)
            run = []
            continue
        run.append((SPARK_MARGIN + index * step, SPARK_MARGIN + (1 - value) * (SPARK_HEIGHT - 2 * SPARK_MARGIN)))
    if run:
        runs.append(run)
    shapes = []
    for line in runs:
        if len(line) == 1:
            x, y = line[0]
            shapes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.5" fill="{BLUE}"/>')
        else:
            coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
            shapes.append(f'<polyline points="{coordinates}" fill="none" stroke="{BLUE}" stroke-width="1.5" '
                          f'stroke-linejoin="round" stroke-linecap="round"/>')
    if runs:  # the last month stands out, as on the data set's printed lines
        x, y = runs[-1][-1]
        shapes.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{BLUE}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" '
            f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}">{"".join(shapes)}</svg>')


def sparkline_uri(points: Iterable[float | None]) -> str:
    """:func:`sparkline_svg` as a ``data:`` URI for an ``img`` (the charts' own)."""
    return data_uri(sparkline_svg(points).encode("utf-8"))
