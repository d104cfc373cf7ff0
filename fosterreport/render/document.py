"""The one render path: a render context to HTML, PDF, Markdown and Word, for every report.

The council report (:func:`fosterreport.build.render_outputs`) and the regional report
(:func:`fosterreport.region.build.render_region`) differ in their context and their
templates (``report.html`` / ``report.md.j2``, ``region.html`` / ``region.md.j2``), not
in how they are drawn and rendered: charts first (the HTML embeds them, the PDF is the
HTML through WeasyPrint, the ``.docx`` is the HTML walked into Word's own structures
with PNG copies of the same charts), then each requested format, in memory, as bytes. Writing the
files is the caller's (:mod:`fosterreport.render.write`), so that a failure anywhere
leaves the output folder as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.context import ChartSpec
    from fosterreport.render.printer import Printer

#: Every format a report can be rendered in, in the order they are rendered.
FORMATS = ("html", "pdf", "md", "docx")
#: The formats rendered when none are asked for (Word only on request: it is the slowest
#: after the PDF and not every council takes it).
DEFAULT_FORMATS = ("html", "pdf", "md")


@dataclass
class Rendered:
    """A report rendered: each requested format's bytes, the PDF's page count, WeasyPrint's
    warnings (as notices for the author) and the seconds each stage took."""

    outputs: dict[str, bytes] = field(default_factory=dict)
    pages: int | None = None
    notices: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: What the caller's ``meanwhile`` gave (see :func:`render_document`).
    meanwhile: Any = None


def excluded_folders(config: "Config") -> tuple[Path, ...]:
    """The folders the PDF may never read from: the ``[data] path`` (the extracts')."""
    data_folder = config.resolve(config.data.path) if config.data.path else None
    return (data_folder,) if data_folder else ()


def draw_charts(charts: Iterable["ChartSpec"]) -> None:
    """Draw every chart, setting its ``src`` (a data: URI), the regional funnel comparison
    among them (each kind is drawn as :data:`fosterreport.render.svg_charts.KINDS` says)."""
    from fosterreport.render.charts import data_uri, render_svg

    for spec in charts:
        spec.src = data_uri(render_svg(spec))


def chart_pngs(charts: Iterable["ChartSpec"]) -> dict[str, bytes]:
    """Each drawn chart as PNG (Word takes no SVG), keyed by the ``src`` the HTML's
    ``img`` carries, so the Word document finds each chart's picture from the HTML."""
    from fosterreport.render.charts import render_png

    return {spec.src: render_png(spec) for spec in charts}


def render_document(context: Any, config: "Config", formats: Iterable[str] = DEFAULT_FORMATS, *,
                    template: str = "report", progress: Callable[[str], None] | None = None,
                    printer: "Printer | None" = None, meanwhile: Callable[[], Any] | None = None) -> Rendered:
    """Render ``context`` with ``<template>.html`` and ``<template>.md.j2`` in ``formats``.

    ``progress(stage)`` hears each stage as it starts: ``charts``, ``HTML``, ``PDF``,
    ``Markdown``, ``Word`` (the charts and the HTML are drawn for the PDF and Word too). Raises
    :class:`~fosterreport.exceptions.RenderError` naming the template or file at fault.
    With a :class:`~fosterreport.render.printer.Printer`, the PDF is laid out there while
    the Markdown and Word are rendered here (same bytes as in-process), and then
    ``meanwhile``, the caller's own work that needs no PDF (the KPI JSON), before the PDF
    is waited for; without a printer ``meanwhile`` is run last. What it gives is
    ``Rendered.meanwhile``.
    """
    from fosterreport.render.html import render_html
    from fosterreport.render.markdown import render_markdown

    formats = tuple(formats)
    step = progress or (lambda stage: None)
    rendered = Rendered()

    def timed(stage: str, work: Callable[[], Any]) -> Any:
        step(stage)
        started = time.perf_counter()
        result = work()
        rendered.timings[stage] = time.perf_counter() - started
        return result

    if "html" in formats or "pdf" in formats or "docx" in formats:
        timed("charts", lambda: draw_charts(context.charts))
        html = timed("HTML", lambda: render_html(context, config, template=f"{template}.html"))
        if "html" in formats:
            rendered.outputs["html"] = html.encode("utf-8")
    if "pdf" in formats:
        excluded = excluded_folders(config)
        if printer is not None:
            step("PDF")
            started = time.perf_counter()
            printer.submit(html, Path(config.base), excluded)
        else:
            from fosterreport.render.pdf import render_pdf

            pdf, rendered.pages, warnings = timed("PDF", lambda: render_pdf(html, Path(config.base), excluded=excluded))
            rendered.notices.extend(f"PDF: {warning}" for warning in warnings)
            rendered.outputs["pdf"] = pdf
    if "md" in formats:
        from fosterreport.render.safe_markdown import inert_markdown

        markdown = timed("Markdown", lambda: inert_markdown(
            render_markdown(context, config, template=f"{template}.md.j2")))
        rendered.outputs["md"] = markdown.encode("utf-8")
    if "docx" in formats:
        from fosterreport.render.docx import render_docx

        docx, notices = timed("Word", lambda: render_docx(html, chart_pngs(context.charts)))
        rendered.notices.extend(f"Word: {notice}" for notice in notices)
        rendered.outputs["docx"] = docx
    if meanwhile is not None:
        rendered.meanwhile = meanwhile()
    if "pdf" in formats and printer is not None:
        pdf, rendered.pages, warnings = printer.result()
        rendered.timings["PDF"] = time.perf_counter() - started  # (the Markdown and Word meanwhile)
        rendered.notices[:0] = [f"PDF: {warning}" for warning in warnings]
        rendered.outputs = {kind: (pdf if kind == "pdf" else rendered.outputs[kind]) for kind in FORMATS
                            if kind == "pdf" or kind in rendered.outputs}
    return rendered
