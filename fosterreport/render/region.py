"""The regional report drawn and rendered: HTML, tagged PDF, Markdown and its JSON.

The context comes from :mod:`fosterreport.region.context`; the templates are
``templates/region.html`` and ``templates/region.md.j2``, rendered like the council
report's (sandboxed, overridable by name, PDF/UA-1 through the same restricted
WeasyPrint call). The funnel comparison's small multiples are drawn here, with the
council charts' style and the same stable SVG bytes.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.context import ChartSpec
    from fosterreport.region.figures import RegionResults

STEM = "regional-report"


def output_paths(out_dir: Path, period) -> dict[str, Path]:
    out_dir = Path(out_dir)
    return {"html": out_dir / f"{STEM}-{period.slug}.html", "pdf": out_dir / f"{STEM}-{period.slug}.pdf",
            "md": out_dir / f"{STEM}-{period.slug}.md", "json": out_dir / f"region-kpis-{period.slug}.json"}


@dataclass
class RenderedRegion:
    outputs: dict[Path, bytes] = field(default_factory=dict)
    pages: int | None = None
    notices: list[str] = field(default_factory=list)


# -- drawing and rendering ---------------------------------------------------------------------


def funnel_svg(spec: "ChartSpec") -> bytes:
    """Small multiples, three to a row: each panel one funnel, stages top to bottom."""
    import io

    import matplotlib
    from matplotlib.figure import Figure

    from fosterreport.render.charts import BLUE, GREEN, INK, RC, WIDTH

    matplotlib.use("Agg", force=False)
    with matplotlib.rc_context(RC):
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
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "fosterreport"})
        return buffer.getvalue()


def draw_charts(charts: list["ChartSpec"]) -> None:
    from fosterreport.render.charts import data_uri, render_svg

    for spec in charts:
        spec.src = data_uri(funnel_svg(spec) if spec.kind == "funnels" else render_svg(spec))


def render_region(region: "RegionResults", config: "Config", out_dir: Path, formats: Iterable[str],
                  stage=None) -> RenderedRegion:
    """Every requested format of the regional report and its JSON, in memory (nothing written)."""
    import re

    from fosterreport.build import kpis_json
    from fosterreport.region.export import to_json_text as region_json_text
    from fosterreport.region.context import build_region_context
    from fosterreport.render.templates import render

    step = stage or (lambda name: None)
    paths = output_paths(out_dir, region.period)
    rendered = RenderedRegion()
    context = build_region_context(region, config)
    if "html" in formats or "pdf" in formats:
        step("charts")
        draw_charts(context.charts)
        step("HTML")
        html = render(config, "html", "region.html", report=context)
        html = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", html))
        if "html" in formats:
            rendered.outputs[paths["html"]] = html.encode("utf-8")
    if "pdf" in formats:
        from fosterreport.render.pdf import render_pdf

        step("PDF")
        pdf, rendered.pages, warnings = render_pdf(html, Path(config.base))
        rendered.notices.extend(f"PDF: {warning}" for warning in warnings)
        rendered.outputs[paths["pdf"]] = pdf
    if "md" in formats:
        step("Markdown")
        text_md = render(config, "md", "region.md.j2", report=context)
        text_md = re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+\n", "\n", text_md))
        rendered.outputs[paths["md"]] = (text_md.strip() + "\n").encode("utf-8")
    rendered.outputs[paths["json"]] = kpis_json(region_json_text(region))
    return rendered
