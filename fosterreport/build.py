"""Building the report: compute, lay out, render every format in memory, then write.

:func:`build_report` is what ``fosterreport build`` calls once the extracts are loaded
and validated. Nothing is written until every requested output has been rendered, and
then all files are written atomically (:mod:`fosterreport.render.write`): a failure at
any stage leaves the output folder as it was.

Outputs, for period slug ``2022-23``::

    fostering-report-2022-23.html   the primary, accessible, self-contained report
    fostering-report-2022-23.pdf    the same HTML through WeasyPrint (tagged PDF/UA-1)
    fostering-report-2022-23.md     GitHub-flavoured Markdown
    fostering-report-2022-23.docx   the same HTML as a Word document (on request)
    kpis-2022-23.json               every KPI in the stable JSON shape of cli.md
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from fosterreport.exceptions import UsageError
from fosterreport.render.document import DEFAULT_FORMATS, FORMATS

if TYPE_CHECKING:
    from fosterreport.render.printer import Printer
    from fosterreport.config import Config
    from fosterreport.context import ReportContext
    from fosterreport.kpis.results import KpiResults
    from fosterreport.periods import Period
    from fosterreport.records import Extracts

#: Stages reported to ``progress`` in order (load and validate are the caller's).
STAGES = ("compute", "charts", "HTML", "PDF", "Markdown", "Word", "write")
REPORT_STEM = "fostering-report"


@dataclass
class BuildResult:
    paths: list[Path]
    pages: int | None = None
    timings: dict[str, float] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    outputs: dict[Path, bytes] = field(default_factory=dict)


def kpis_json(text: str) -> bytes:
    """``kpis-<period>.json`` from its text, as :func:`fosterreport.kpis.export.json_text`
    writes it for a council and a region alike (markup characters already escaped)."""
    return text.encode("utf-8")


def output_paths(out_dir: Path, period: "Period", formats: Iterable[str] = DEFAULT_FORMATS) -> dict[str, Path]:
    """The file each of ``formats`` is written to, and the KPI JSON's (always written)."""
    out_dir = Path(out_dir)
    paths = {kind: out_dir / f"{REPORT_STEM}-{period.slug}.{kind}" for kind in FORMATS if kind in formats}
    return {**paths, "json": out_dir / f"kpis-{period.slug}.json"}


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    chosen = []
    for item in formats:
        for name in str(item).split(","):
            name = name.strip().lower()
            if not name:
                continue
            if name not in FORMATS:
                raise UsageError(f"unknown format '{name}' (choose from {', '.join(FORMATS)})")
            if name not in chosen:
                chosen.append(name)
    if not chosen:
        raise UsageError(f"no output format chosen (choose from {', '.join(FORMATS)})")
    return tuple(chosen)


def report_context(results: "KpiResults", extracts: "Extracts", config: "Config", *,
                   narrative_folder: Path | None = None) -> "ReportContext":
    """The council report's render context: the figures laid out
    (:func:`fosterreport.context.build_context`) with the author's narrative merged in
    (:func:`fosterreport.render.narrative.add_narratives`), from ``narrative_folder`` or
    else the config's ``[report] narrative`` folder."""
    from fosterreport.context import build_context
    from fosterreport.context.sections import check_sections
    from fosterreport.render.narrative import add_narratives

    folder = narrative_folder if narrative_folder is not None else config.resolve(config.report.narrative)
    check_sections(config, folder)  # a name in [report] sections that names nothing: exit 2
    context = build_context(results, extracts, config)
    add_narratives(context, results, config, folder)
    return context


def render_outputs(results: "KpiResults", extracts: "Extracts", config: "Config", out_dir: Path,
                   formats: Iterable[str] = DEFAULT_FORMATS,
                   progress: Callable[[str], None] | None = None, printer: "Printer | None" = None) -> BuildResult:
    """Every output rendered in memory (nothing written), through the one render path
    (:func:`fosterreport.render.document.render_document`)."""
    from fosterreport.render.document import render_document

    formats = check_formats(formats)
    paths = output_paths(out_dir, results.period, formats)
    from fosterreport.kpis.export import to_json_text

    context = report_context(results, extracts, config)
    rendered = render_document(
        context, config, formats, template="report", progress=progress, printer=printer,
        # while the PDF is laid out; suppressed by the config's threshold, so that the JSON
        # withholds exactly what the report does
        meanwhile=lambda: kpis_json(to_json_text(results, config.publication.suppress_below)))
    outputs = {paths[kind]: data for kind, data in rendered.outputs.items()}
    outputs[paths["json"]] = rendered.meanwhile
    return BuildResult(list(outputs), rendered.pages, rendered.timings, [*context.notices, *rendered.notices],
                       outputs)


def check_council_named(config: "Config", extracts: "Extracts") -> None:
    """A report from real data names its council: there is no default one to print."""
    if config.council(extracts.is_sample).name is None:
        from fosterreport.exceptions import ConfigError

        raise ConfigError(f"{config.source or 'fosterreport.toml'}: [authority] name is not set: a report built "
                          f"from real data must name its council (name = \"…\" under [authority])")


def report_kpis(extracts: "Extracts", period: "Period", config: "Config", trend_years: int | None = None):
    """The KPIs a report shows: with the trend of ``trend_years`` (else ``[report]
    trend_years``), and month by month the figures of the month-by-month section when the
    report has it. A council's report built in a region is computed by this too."""
    from fosterreport.context.months import month_kpis
    from fosterreport.context.months import wanted as months_wanted
    from fosterreport.kpis import compute_kpis

    return compute_kpis(extracts, period, config,
                        trend=config.report.trend_years if trend_years is None else trend_years,
                        months=month_kpis(config) if months_wanted(config, period) else False)


def build_report_detailed(extracts: "Extracts", config: "Config", period: "Period", out_dir: Path | str,
                          formats: Iterable[str] = DEFAULT_FORMATS,
                          progress: Callable[[str], None] | None = None,
                          trend_years: int | None = None, printer: "Printer | None" = None) -> BuildResult:
    """:func:`build_report`, returning pages, stage timings and notices as well.

    ``trend_years`` (``build --trend N``) overrides the config's ``[report] trend_years``;
    a :class:`~fosterreport.render.printer.Printer` prints the PDF in its own process."""
    from fosterreport.render.write import check_folder, write_atomically

    formats = check_formats(formats)
    check_council_named(config, extracts)
    extracts.check_has_records()
    check_folder(Path(out_dir))  # an unwritable folder fails now, not after the PDF
    step = progress or (lambda stage: None)
    step("compute")
    started = time.perf_counter()
    results = report_kpis(extracts, period, config, trend_years)
    computed = time.perf_counter() - started
    result = render_outputs(results, extracts, config, Path(out_dir), formats, progress, printer)
    result.timings = {"compute": computed, **result.timings}
    step("write")
    started = time.perf_counter()
    write_atomically(result.outputs)
    result.timings["write"] = time.perf_counter() - started
    return result


def build_report(extracts: "Extracts", config: "Config", period: "Period", out_dir: Path | str,
                 formats: Iterable[str] = DEFAULT_FORMATS,
                 progress: Callable[[str], None] | None = None, trend_years: int | None = None) -> list[Path]:
    """Compute the KPIs (with a trend of ``trend_years``, else ``[report] trend_years``), render ``formats`` and write them with
    ``kpis-<period>.json`` into ``out_dir``; return the paths written.

    ``progress(stage)`` is called as each stage starts (see :data:`STAGES`). Raises
    :class:`~fosterreport.exceptions.RenderError` (nothing written) when rendering fails.
    """
    return build_report_detailed(extracts, config, period, out_dir, formats, progress, trend_years).paths


def measure_build(data: Path | str | None = None, year: str | int | None = None,
                  config_path: Path | str | None = None, repeat: int = 3) -> dict:
    """Time ``build`` (HTML + PDF + Markdown + JSON) against WeasyPrint alone rendering
    the same HTML, in one process after a warm-up run (so imports count for neither).

    Returns ``{"pages", "build_seconds", "weasyprint_seconds", "ratio", "stages"}``;
    the best of ``repeat`` runs of each. For ``benchmarks/`` scripts.
    """
    import tempfile

    from fosterreport.config import load_config
    from fosterreport.periods import latest_period, make_period, parse_year
    from fosterreport.records import load_extracts
    from fosterreport.render.pdf import PDF_VARIANT

    config = load_config(Path(config_path) if config_path else None)
    if data is None:
        from fosterreport.embedded import sample_folder

        data = sample_folder()
    best_build, best_pdf, stages, pages = float("inf"), float("inf"), {}, None
    with tempfile.TemporaryDirectory() as out:
        for _ in range(repeat + 1):  # the first run warms imports and caches
            started = time.perf_counter()
            extracts = load_extracts(Path(data), config)
            period = make_period(parse_year(str(year))) if year else latest_period(extracts.newest_date)
            result = build_report_detailed(extracts, config, period, out)
            elapsed = time.perf_counter() - started
            if elapsed < best_build:
                best_build, stages, pages = elapsed, dict(result.timings), result.pages
        html = output_paths(Path(out), period)["html"].read_text(encoding="utf-8")
        from weasyprint import HTML

        for _ in range(repeat + 1):
            started = time.perf_counter()
            HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)
            best_pdf = min(best_pdf, time.perf_counter() - started)
    return {"pages": pages, "build_seconds": round(best_build, 3), "weasyprint_seconds": round(best_pdf, 3),
            "ratio": round(best_build / best_pdf, 3), "stages": {k: round(v, 3) for k, v in stages.items()}}
