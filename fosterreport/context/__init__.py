"""The render context: everything the report templates see, built once per report.

:func:`build_context` turns the KPI results, the extracts' provenance and the config
into plain, already-formatted values — strings, :class:`Cell`, :class:`Table`,
:class:`Card`, :class:`ChartSpec`, :class:`Section` — so that the HTML and Markdown
templates only lay things out: they do no arithmetic and no formatting of their own, and
the two formats cannot disagree.

Figures become text only through :mod:`fosterreport.formatting`, via :class:`Figures`,
which also applies small-number suppression (``[publication] suppress_below``): a count
from 1 to n−1 prints as "c", and so does every rate, ratio, median, change, direction
and chart label built on a suppressed count. Narrative placeholders use the same
:class:`Figures`, so ``{{ kpi.enquiries }}`` reads exactly as the report's tables do.

Privacy: the context holds aggregates only. Nothing here reads an id column, and
warnings are summarised by file and rule (their messages, which may quote an id, are
never copied into the report).

The package is split along the grain of the report, each module building on the ones
before it and none importing this one:

- :mod:`~fosterreport.context.model`: the dataclasses templates see, and their numbering;
- :mod:`~fosterreport.context.words`: labels of breakdown keys and lists in words;
- :mod:`~fosterreport.context.figures`: :class:`Figures`, figures as text with suppression;
- :mod:`~fosterreport.context.tables`: :class:`TableBuilder`, the helpers every section
  builds with: measures and breakdown tables, cards, bar charts;
- one module of section builders per group of sections, each a function
  ``build(section, tables)`` that fills one :class:`Section` from the shared
  :class:`TableBuilder`: :mod:`~fosterreport.context.summary` (summary and scorecard),
  :mod:`~fosterreport.context.households` (households, children),
  :mod:`~fosterreport.context.recruitment` (recruitment, approvals),
  :mod:`~fosterreport.context.oversight` (panel, reviews, complaints, learning,
  Mockingbird), :mod:`~fosterreport.context.finance`;
- :mod:`~fosterreport.context.sections`: the section registry, each section declared
  once (id, title, files, KPIs, builder, starter narrative, template);
- :mod:`~fosterreport.context.appendices` (definitions, data quality) and
  :mod:`~fosterreport.context.cover` (cover page, title, logo, dates);
- this module: :func:`build_context`, which builds the registry's sections that have
  figures (those ``[report] sections`` keeps) and the furniture the config alone gives
  (the risk table, the appendices and background papers lists), assembles them into the
  one :class:`ReportContext`; and :func:`arrange`, which puts the sections in report
  order and numbers them and every table, again once the author's sections are added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from fosterreport import __version__
from fosterreport.context import appendices
from fosterreport.context.appendices import POLARITY_WORDS, UNIT_WORDS
from fosterreport.context.cover import build_cover, document_date, report_title
from fosterreport.context.figures import MINUS, Figures, format_value
from fosterreport.context.model import (
    Block, Card, Cell, ChartSpec, Cover, CoverContact, CoverField, Furniture, Narrative, ReportContext, Row,
    Section, Series, Table, number_sections,
)
from fosterreport.context import sections as registry
from fosterreport.context.sections import (
    APPENDICES, FURNITURE, IMPLICATION_TITLES, ReportSection, implication_id, unknown_templates,
)
from fosterreport.context.tables import TableBuilder
from fosterreport.context.words import (
    BREAKDOWN_CODES, BREAKDOWN_WORDS, VACANCY_LABELS, code_label, join_words, lower_first,
)

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.kpis.results import KpiResults
    from fosterreport.records import Extracts

__all__ = [
    "APPENDICES", "BREAKDOWN_CODES", "BREAKDOWN_WORDS", "Block", "Card", "Cell", "ChartSpec", "Cover",
    "CoverContact", "CoverField", "Furniture", "Figures", "MINUS", "Narrative", "POLARITY_WORDS", "ReportContext", "ReportSection", "Row",
    "SECTIONS", "SECTION_IDS", "Section", "Series", "Table", "TableBuilder", "UNIT_WORDS", "VACANCY_LABELS",
    "build_context", "code_label", "document_date", "format_value", "join_words", "lower_first",
    "arrange", "number_sections", "report_title",
]


def __getattr__(name: str):
    """``SECTIONS`` and ``SECTION_IDS`` are the registry's own
    (:mod:`fosterreport.context.sections`), looked up when asked for rather than copied
    here at import, so there is one list of sections even when it changes at run time."""
    if name in ("SECTIONS", "SECTION_IDS"):
        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# -- the whole context -----------------------------------------------------------------------


def _missing_files(extracts: "Extracts", names: Iterable[str]) -> list[str]:
    return [f"{name}.csv" for name in names if not extracts.has(name)]


def build_context(results: "KpiResults", extracts: "Extracts", config: "Config") -> ReportContext:
    """The one render context for every output format (see the module docstring); the
    author's narrative is merged in afterwards (:func:`fosterreport.build.report_context`)."""
    tables = TableBuilder(results, extracts, config)
    f = tables.f
    period = results.period
    sections: list[Section] = []
    left_out: list[str] = []
    omitted: list[str] = []
    chosen = config.report.sections
    for entry in registry.SECTIONS:
        if chosen is not None and entry.id not in chosen:
            omitted.append(entry.title)
            continue
        if entry.monthly and not results.months:
            if chosen is not None:  # asked for by name: say why it is not there
                left_out.append(f"{entry.title}: no figures could be computed month by month")
            continue
        if entry.kpis and not any(f.has(k) for k in entry.kpis):
            missing = _missing_files(extracts, entry.files) or ["no figures could be computed"]
            left_out.append(f"{entry.title}: {join_words(missing)} not supplied"
                            if missing[0].endswith(".csv") else f"{entry.title}: {missing[0]}")
            continue
        section = Section(entry.id, entry.title, template=entry.template_name)
        entry.build(section, tables)
        absent = _missing_files(extracts, entry.files)
        if absent:
            section.partial.append(f"Figures that need {join_words(absent)} are not shown: "
                                   f"{'the file was' if len(absent) == 1 else 'the files were'} not supplied.")
            left_out.append(f"{entry.title}: the parts built from {join_words(absent)} (not supplied)")
        sections.append(section)
    sections += config_furniture(config)

    context = ReportContext(
        cover=build_cover(config, extracts, period),
        period_label=period.label, previous_label=tables.previous_label,
        period_end=tables.end_words, sections=sections, definitions=appendices.definitions(tables),
        rules=appendices.rules(tables),
        data_quality=appendices.data_quality(tables), left_out=left_out, suppress_below=f.suppress_below,
        version=__version__, document_date=document_date(config, results), appendices=list(APPENDICES),
        omitted=omitted)
    arrange(context, config)
    context.data_quality["measures_left_out"] = list(results.left_out)
    if config.report.templates:
        templates = config.resolve(config.report.templates)
        if templates is not None and templates.is_dir():
            context.notices.extend(unknown_templates(templates))
    return context


# -- the furniture and the order ---------------------------------------------------------------


#: Columns of the risk table: (``[[report.risks]]`` key, header).
RISK_COLUMNS = (("description", "Description"), ("mitigation", "Action to avoid or mitigate the risk"),
                ("current", "Current risk"), ("residual", "Residual risk"))


def risk_table(config: "Config") -> Table | None:
    """``[[report.risks]]`` as a table, a row per risk; a column empty in every row is left out."""
    risks = config.report.risks
    if not risks:
        return None
    columns = [(key, head) for key, head in RISK_COLUMNS if any(getattr(r, key) for r in risks)]
    rows = [Row(r.risk, [Cell(getattr(r, key) or "", "text") for key, _ in columns]) for r in risks]
    return Table("risks", "Risks and their ratings", ["Risk", *[head for _, head in columns]], rows)


def config_furniture(config: "Config") -> list[Section]:
    """The sections the config alone can give: the risk implication's table (when risk is
    among ``[report] implications``), and the appendices and background papers lists (when
    set, even to ``[]``, which prints "None"). The narrative adds their text, and the other
    implications, later."""
    report = config.report
    out = []
    table = risk_table(config)
    if table is not None and "risk" in report.implications:
        section = Section(implication_id("risk"), IMPLICATION_TITLES["risk"], kind="implication")
        section.add("risks", table)
        out.append(section)
    for name, items in (("appendices", report.appendices), ("background-papers", report.background_papers)):
        if name.replace("-", "_") in report.model_fields_set or items:
            out.append(Section(name, FURNITURE[name], items=list(items), kind="end", template=registry.FURNITURE_TEMPLATE))
    return out


def _order(config: "Config", sections: list[Section]) -> list[Section]:
    """Report order: the body as ``[report] sections`` gives it (else the registry's order,
    then the author's sections by name), then the implications in ``[report] implications``
    order, then the appendices and background papers."""
    body = [s for s in sections if s.kind == "body"]
    chosen = config.report.sections
    if chosen is not None:
        rank = {name: index for index, name in enumerate(chosen)}
        body.sort(key=lambda s: rank.get(s.id, len(rank)))
    else:
        registry_rank = {sid: index for index, sid in enumerate(registry.SECTION_IDS)}
        body.sort(key=lambda s: (registry_rank.get(s.id, len(registry_rank)), s.id))
    implication_rank = {implication_id(n): i for i, n in enumerate(config.report.implications)}
    implications = sorted((s for s in sections if s.kind == "implication"),
                          key=lambda s: implication_rank.get(s.id, len(implication_rank)))
    end = sorted((s for s in sections if s.kind == "end"), key=lambda s: list(FURNITURE).index(s.id))
    return body + implications + end


def arrange(context: ReportContext, config: "Config") -> None:
    """Put the sections in report order and number them, their figures and tables, and
    the appendices' tables after them (called again when the narrative adds sections)."""
    context.sections = _order(config, context.sections)
    table_number = number_sections(context.sections)
    for table in context.definitions:
        table_number += 1
        table.number = table_number
    for key in ("files", "warnings", "restated"):
        if context.data_quality.get(key) is not None:
            table_number += 1
            context.data_quality[key].number = table_number
