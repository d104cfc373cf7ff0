"""Charts as SVG (drawn directly, :mod:`fosterreport.render.svg_charts`) and as PNG for
Word (drawn with matplotlib), with stable bytes.

The report context describes each chart as a :class:`~fosterreport.context.ChartSpec`
(kind, labels, numbers and the texts printed on them, already suppressed); this module
only draws. Every chart becomes an ``<img alt="…" src="data:image/svg+xml;base64,…">``
in the HTML: WeasyPrint 70 gives an ``/Alt`` to the PDF Figure of an ``img`` (not of
an inline ``svg``), and its numbers are also in the table printed right after it.

Word takes no SVG, so the same figures are also drawn as PNG (:func:`render_png`) for
the ``.docx`` with matplotlib, in the same colours (:mod:`fosterreport.render.chart_style`),
the regional report's funnel comparison among them.

Stable bytes: a fixed resolution, no software or date chunk, and no pyplot global state.
"""

from __future__ import annotations

import io
import math
import textwrap
from typing import TYPE_CHECKING, Any, Callable

from fosterreport.render import svg_charts
from fosterreport.render.chart_style import BLUE, FUNNEL_COLUMNS, GREEN, GREY, INK, RED
from fosterreport.render.svg_charts import data_uri  # noqa: F401  (the charts' data: URIs, said once there)

if TYPE_CHECKING:
    from fosterreport.context import ChartSpec

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": GREY,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.8,
    "path.simplify": True,
}

#: Width of the printable column of an A4 page with 2 cm margins, in inches.
WIDTH = 6.5


def _figure(height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH, height), layout="constrained")


#: Resolution of the PNG copies the Word document carries (Word takes no SVG): 200 dots
#: per inch, sharp when printed, about 100 kB a chart.
PNG_DPI = 200


def draw(make_figure: Callable[["ChartSpec"], Any], spec: "ChartSpec") -> bytes:
    """``make_figure(spec)`` drawn in the house style as PNG bytes with no software or date
    chunk, at a fixed resolution: stable bytes, for Word (the HTML and PDF take SVG)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    with matplotlib.rc_context(RC):
        buffer = io.BytesIO()
        make_figure(spec).savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None})
        return buffer.getvalue()


def _hbar(spec: "ChartSpec"):
    labels = spec.labels
    values = spec.series[0].values
    texts = spec.series[0].texts
    fig = _figure(0.9 + 0.32 * len(labels))
    ax = fig.add_subplot()
    positions = list(range(len(labels)))[::-1]  # first label at the top
    heights = [0 if v is None else v for v in values]
    ax.barh(positions, heights, color=BLUE, height=0.62)
    top = max([h for h in heights if h] or [1])
    for y, h, text in zip(positions, heights, texts):
        ax.text(h + top * 0.01, y, text, va="center", ha="left", fontsize=9, color=INK)
    ax.set_yticks(positions, labels)
    ax.set_xlim(0, top * 1.15)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.xaxis.grid(True, color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if spec.x_label:
        ax.set_xlabel(spec.x_label)
    return fig


def _trend(spec: "ChartSpec"):
    """Two panels, one above the other: a line of the stock (households at the end of
    each year), then grouped bars of the flows (approvals and deregistrations), told
    apart by fill and hatching as well as colour, each bar labelled with its number."""
    years = spec.labels
    stock, *flows = spec.series
    fig = _figure(4.6)
    top_ax, bottom_ax = fig.subplots(2, 1, height_ratios=[1, 1.3])
    xs = list(range(len(years)))

    points = [(x, v) for x, v in zip(xs, stock.values) if v is not None]
    if points:
        top_ax.plot([p[0] for p in points], [p[1] for p in points], color=BLUE, marker="o", linewidth=2)
    for x, v, text in zip(xs, stock.values, stock.texts):
        top_ax.annotate(text, (x, v or 0), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8)
    high = max([v for v in stock.values if v] or [1])
    top_ax.set_ylim(0, high * 1.25)
    top_ax.set_xticks(xs, years)
    top_ax.set_xlim(-0.5, len(xs) - 0.5)
    top_ax.set_title(stock.name, fontsize=9, loc="left")
    top_ax.yaxis.grid(True, color="#dddddd", linewidth=0.6)
    top_ax.set_axisbelow(True)

    width = 0.8 / max(len(flows), 1)
    styles = [(GREEN, None), (RED, "////")]
    high = max([v for s in flows for v in s.values if v] or [1])
    for i, series in enumerate(flows):
        colour, hatch = styles[i % len(styles)]
        offsets = [x - 0.4 + width * (i + 0.5) for x in xs]
        heights = [0 if v is None else v for v in series.values]
        bottom_ax.bar(offsets, heights, width=width * 0.92, color="white" if hatch else colour,
                      edgecolor=colour, hatch=hatch, linewidth=1, label=series.name)
        for x, h, text in zip(offsets, heights, series.texts):
            bottom_ax.text(x, h + high * 0.02, text, ha="center", va="bottom", fontsize=8)
    bottom_ax.set_xticks(xs, years)
    bottom_ax.set_xlim(-0.5, len(xs) - 0.5)
    bottom_ax.set_ylim(0, high * 1.2)
    bottom_ax.set_title(" and ".join(s.name.lower() if n else s.name for n, s in enumerate(flows)),
                        fontsize=9, loc="left")
    bottom_ax.legend(frameon=False, fontsize=8, loc="lower left", bbox_to_anchor=(0.55, 1.0),
                     ncols=len(flows), borderaxespad=0.2)
    bottom_ax.yaxis.grid(True, color="#dddddd", linewidth=0.6)
    bottom_ax.set_axisbelow(True)
    return fig


def _funnels(spec: "ChartSpec"):
    """The regional report's small multiples for Word, three to a row: each panel one
    council's funnel on its own scale, stages top to bottom (the SVG: :func:`svg_charts.funnels_svg`)."""
    from matplotlib.figure import Figure

    columns = FUNNEL_COLUMNS
    rows = math.ceil(len(spec.labels) / columns)
    fig = Figure(figsize=(WIDTH, 0.3 + 1.45 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False)
    stages = [series.name for series in spec.series]
    positions = list(range(len(stages)))[::-1]
    for index, ax in enumerate(axes.flat):
        if index >= len(spec.labels):
            ax.axis("off")
            continue
        heights = [series.values[index] or 0 for series in spec.series]
        top = max(heights) or 1
        colours = [BLUE] * (len(stages) - 1) + [GREEN]
        ax.barh(positions, heights, color=colours, height=0.66)
        for y, h, series in zip(positions, heights, spec.series):
            ax.text(h + top * 0.03, y, series.texts[index], va="center", ha="left", fontsize=7, color=INK)
        ax.set_xlim(0, top * 1.35)
        ax.set_yticks(positions, stages if index % columns == 0 else [""] * len(stages), fontsize=7)
        ax.set_xticks([])
        ax.tick_params(axis="y", length=0)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(side == "left")
        ax.set_title("\n".join(textwrap.wrap(spec.labels[index], 30)[:2]), fontsize=7.5, loc="left")
    return fig


KINDS = {"hbar": _hbar, "trend": _trend, "funnels": _funnels}


def render_svg(spec: "ChartSpec") -> bytes:
    """The chart's SVG bytes (same spec, same bytes), drawn without matplotlib
    (:mod:`fosterreport.render.svg_charts`): the HTML and PDF's copy."""
    return svg_charts.KINDS[spec.kind](spec)


def render_png(spec: "ChartSpec") -> bytes:
    """The same chart as PNG bytes, for the Word document (same spec, same bytes)."""
    return draw(KINDS[spec.kind], spec)


def render_charts(charts: list["ChartSpec"]) -> None:
    """Draw every chart of the context, setting its ``src`` (a data: URI)."""
    for spec in charts:
        spec.src = data_uri(render_svg(spec))
