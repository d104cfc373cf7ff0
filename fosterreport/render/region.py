"""The regional report's own chart: the funnel comparison, as small multiples.

Everything else about the regional report is drawn and rendered as the council report
is, through :func:`fosterreport.render.document.render_document` (which calls
:func:`funnel_svg` for a chart of kind ``funnels``); its context comes from
:mod:`fosterreport.region.context`. The panels use the council charts' style and give
the same stable SVG bytes.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fosterreport.context import ChartSpec


def funnel_svg(spec: "ChartSpec") -> bytes:
    """The funnel comparison as SVG, for the HTML and PDF."""
    from fosterreport.render.charts import draw

    return draw(_funnels, spec, "svg")


def funnel_png(spec: "ChartSpec") -> bytes:
    """The same chart as PNG, for the Word document."""
    from fosterreport.render.charts import draw

    return draw(_funnels, spec, "png")


def _funnels(spec: "ChartSpec"):
    """Small multiples, three to a row: each panel one funnel, stages top to bottom."""
    from matplotlib.figure import Figure

    from fosterreport.render.chart_style import BLUE, GREEN, INK
    from fosterreport.render.charts import WIDTH

    columns = 3
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
