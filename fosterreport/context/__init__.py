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
- :mod:`~fosterreport.context.tables`: measures and breakdown tables, cards, bar charts;
- one module per group of sections: :mod:`~fosterreport.context.summary` (summary and
  scorecard), :mod:`~fosterreport.context.households` (households, children),
  :mod:`~fosterreport.context.recruitment` (recruitment, approvals),
  :mod:`~fosterreport.context.oversight` (panel, reviews, complaints, learning,
  Mockingbird), :mod:`~fosterreport.context.finance`;
- :mod:`~fosterreport.context.appendices` (definitions, data quality) and
  :mod:`~fosterreport.context.cover` (cover page, title, logo, dates);
- this module: which sections the report has, and :func:`build_context`, which assembles
  them into the one :class:`ReportContext`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from fosterreport import __version__
from fosterreport.context.appendices import POLARITY_WORDS, UNIT_WORDS, Appendices
from fosterreport.context.cover import build_cover, document_date, report_title
from fosterreport.context.figures import MINUS, RATE_PARTS, Figures, format_value
from fosterreport.context.finance import FinanceSections
from fosterreport.context.households import HouseholdSections
from fosterreport.context.model import (
    Block, Card, Cell, ChartSpec, Cover, Narrative, ReportContext, Row, Section, Series, Table,
    number_sections,
)
from fosterreport.context.oversight import OversightSections
from fosterreport.context.recruitment import RecruitmentSections
from fosterreport.context.summary import SummarySections
from fosterreport.context.words import (
    BREAKDOWN_CODES, BREAKDOWN_WORDS, VACANCY_LABELS, code_label, join_words, lower_first,
)

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.kpis.results import KpiResults
    from fosterreport.records import Extracts

__all__ = [
    "BREAKDOWN_CODES", "BREAKDOWN_WORDS", "Block", "Builder", "Card", "Cell", "ChartSpec", "Cover",
    "Figures", "MINUS", "Narrative", "POLARITY_WORDS", "RATE_PARTS", "ReportContext", "Row",
    "SECTIONS", "SECTION_IDS", "Section", "Series", "Table", "UNIT_WORDS", "VACANCY_LABELS",
    "build_context", "code_label", "document_date", "format_value", "join_words", "lower_first",
    "number_sections", "report_title",
]


# -- report sections: which KPIs and files each one needs --------------------------------

#: (id, title, the files it is built from, the KPIs whose presence makes it present)
SECTIONS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("summary", "Summary", ("households",), ()),
    ("households", "Households and places", ("households", "placements", "holds"),
     ("households_end",)),
    ("recruitment", "Recruitment", ("enquiries",), ("enquiries",)),
    ("approvals", "Approvals and deregistrations", ("households",), ("approvals", "deregistrations")),
    ("children", "Children placed", ("placements",), ("children_in_care_end",)),
    ("panel", "Fostering panel", ("panel",), ("panel_sittings", "panel_items")),
    ("reviews", "Reviews and supervision", ("reviews", "visits"),
     ("reviews_due", "supervision_visits", "unannounced_visit_rate")),
    ("complaints", "Complaints and allegations", ("complaints", "allegations"),
     ("complaints", "allegations")),
    ("learning", "Learning and development", ("training",), ("training_sessions",)),
    ("mockingbird", "Mockingbird", ("mockingbird",), ("mockingbird_constellations_end",)),
    ("finance", "Finance", ("budget", "placements"), ("budget", "outturn")),
    ("scorecard", "Performance scorecard", (), ()),
]
SECTION_IDS = [s[0] for s in SECTIONS]


class Builder(SummarySections, HouseholdSections, RecruitmentSections, OversightSections,
              FinanceSections, Appendices):
    """Builds the sections and appendices: one method per section id in :data:`SECTIONS`
    (from the section modules), on the shared :class:`~fosterreport.context.tables.TableBuilder`."""


# -- the whole context -----------------------------------------------------------------------


def _missing_files(extracts: "Extracts", names: Iterable[str]) -> list[str]:
    return [f"{name}.csv" for name in names if not extracts.has(name)]


def build_context(results: "KpiResults", extracts: "Extracts", config: "Config") -> ReportContext:
    """The one render context for every output format (see the module docstring); the
    author's narrative is merged in afterwards (:func:`fosterreport.build.report_context`)."""
    builder = Builder(results, extracts, config)
    f = builder.f
    period = results.period
    sections: list[Section] = []
    left_out: list[str] = []
    for section_id, title, files, kpis in SECTIONS:
        if kpis and not any(f.has(k) for k in kpis):
            missing = _missing_files(extracts, files) or ["no figures could be computed"]
            left_out.append(f"{title}: {join_words(missing)} not supplied"
                            if missing[0].endswith(".csv") else f"{title}: {missing[0]}")
            continue
        section = Section(section_id, title)
        getattr(builder, section_id)(section)
        absent = _missing_files(extracts, files if section_id != "summary" else ())
        if absent:
            section.partial.append(f"Figures that need {join_words(absent)} are not shown: "
                                   f"{'the file was' if len(absent) == 1 else 'the files were'} not supplied.")
            left_out.append(f"{title}: the parts built from {join_words(absent)} (not supplied)")
        sections.append(section)
    table_number = number_sections(sections)
    definitions = builder.definitions()
    for table in definitions:
        table_number += 1
        table.number = table_number
    quality = builder.data_quality()
    for key in ("files", "warnings"):
        if quality[key] is not None:
            table_number += 1
            quality[key].number = table_number

    context = ReportContext(
        cover=build_cover(config, extracts, period),
        period_label=period.label, previous_label=builder.previous_label,
        period_end=builder.end_words, sections=sections, definitions=definitions, rules=builder.rules(),
        data_quality=quality, left_out=left_out, suppress_below=f.suppress_below, version=__version__,
        document_date=document_date(config, results))
    context.data_quality["measures_left_out"] = list(results.left_out)
    return context
