"""What the report templates see: plain dataclasses of already-formatted text.

The HTML and Markdown templates only lay out these objects (cells, rows, tables, cards,
chart specs, sections, the cover and the whole :class:`ReportContext`); they do no
arithmetic and no formatting, so the two formats cannot disagree. This module is the
lowest of the package: it imports nothing from the rest of it, so every other module
(and :mod:`fosterreport.region.context`, which reuses these shapes) can build on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Cell:
    """One table cell: its text and how to show it.

    ``kind`` is ``num`` (right-aligned figure), ``text``, ``rag`` (badge: word and
    colour, ``key`` = green/amber/red), ``dir`` (arrow and word, ``key`` = direction) or
    ``spark`` (a small trend line of ``points``, None where a figure is not shown;
    ``text`` is the line in characters, for Markdown and Word, and ``key`` its words).
    """

    text: str
    kind: str = "num"
    key: str | None = None
    points: tuple[float | None, ...] = ()


@dataclass
class Row:
    header: str
    cells: list[Cell]
    total: bool = False
    #: An identifier printed under the header in code type (a KPI id).
    code: str | None = None


@dataclass
class Table:
    id: str
    caption: str
    head: list[str]  # the first is the header of the row-header column
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    number: int = 0
    #: A wide table (many columns) gets a smaller font in print.
    wide: bool = False
    #: Extra CSS class for a kind of table (``definitions``, ``files``).
    style: str = ""

    @property
    def label(self) -> str:
        return f"Table {self.number}: {self.caption}"

    @property
    def keep(self) -> bool:
        """Short tables of figures are kept on one page (long or wordy ones may break, their
        header row repeated). A short word in a cell ("n/a" for a missing target) is not
        wordy; a definition or a file's checksum is."""
        return len(self.rows) <= 14 and not any(
            c.kind == "code" or (c.kind == "text" and len(c.text) > 20) for r in self.rows for c in r.cells)

    @property
    def numeric(self) -> list[bool]:
        """Per column: does it hold figures (right-aligned) rather than text?"""
        flags = [False] + [True] * (len(self.head) - 1)
        for row in self.rows:
            for index, cell in enumerate(row.cells, start=1):
                if index < len(flags) and cell.kind in ("text", "code"):
                    flags[index] = False
        return flags


@dataclass
class Card:
    """A headline figure with its comparison (summary section)."""

    id: str
    label: str
    value: str
    previous: str
    previous_label: str
    change: str
    direction: Cell
    rag: Cell | None = None
    note: str | None = None


@dataclass
class Series:
    name: str
    values: list[float | None]  # None: suppressed or not available (nothing drawn)
    texts: list[str]  # what is printed on or beside each bar


@dataclass
class ChartSpec:
    id: str
    kind: str  # "hbar" | "trend" | "funnels" (the regional report)
    title: str
    alt: str
    labels: list[str]
    series: list[Series]
    table: Table
    x_label: str = ""
    number: int = 0
    #: Set by :func:`fosterreport.render.charts.render_charts`: a data: URI.
    src: str | None = None

    @property
    def label(self) -> str:
        return f"Figure {self.number}: {self.title}"


@dataclass
class Narrative:
    html: str = ""  # sanitised HTML (marked safe by the renderer)
    md: str = ""  # Markdown with raw HTML removed
    source: str | None = None


@dataclass
class Block:
    kind: str  # "table" | "chart"
    key: str
    item: Any
    heading: str | None = None


@dataclass
class Section:
    id: str
    title: str
    number: int = 0
    narrative: Narrative = field(default_factory=Narrative)
    facts: list[str] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, ChartSpec] = field(default_factory=dict)
    #: Parts of this section left out because a file they need is absent.
    partial: list[str] = field(default_factory=list)
    #: Charts and tables in print order, each with an optional sub-heading.
    blocks: list["Block"] = field(default_factory=list)
    #: The name of its template in ``sections/`` (no extension): from the section registry.
    template: str = ""
    #: A list the section prints after its narrative (the appendices, the background papers);
    #: ``None``: no list; empty: the list says "None".
    items: list[str] | None = None
    #: What the section is: ``body`` (built-in or the author's), ``implication`` or ``end``
    #: (the appendices and background papers).
    kind: str = "body"

    def add(self, key: str, item: "Table | ChartSpec | None", heading: str | None = None) -> None:
        """Append a table or chart (``None`` is skipped) under an optional sub-heading."""
        if item is None:
            return
        if isinstance(item, ChartSpec):
            self.charts[key] = item
            self.blocks.append(Block("chart", key, item, heading))
        else:
            self.tables[key] = item
            self.blocks.append(Block("table", key, item, heading))

    @property
    def anchor(self) -> str:
        return f"s-{self.id}"

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass
class CoverContact:
    """A report author or contact officer, as printed."""

    name: str
    role: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass
class CoverField:
    """One row of the cover's report details: its key (``[report] cover``), its header,
    and its text, or for ``contacts`` the officers."""

    key: str
    label: str
    text: str = ""
    contacts: list[CoverContact] = field(default_factory=list)


@dataclass
class Furniture:
    """A titled piece of the cover from the narrative (brief summary, reasons)."""

    title: str
    narrative: Narrative = field(default_factory=Narrative)


@dataclass
class Cover:
    authority: str
    service: str
    committee: str
    meeting_date: str
    title: str  # "Fostering Service Annual Report 2022/23"
    period_words: str  # "1 April 2022 to 31 March 2023"
    author: str
    status: str
    recommendation: Narrative
    logo_src: str | None = None
    logo_alt: str = ""
    sample_notice: str | None = None
    #: The report details, in the order ``[report] cover`` gives, unset ones left out.
    fields: list[CoverField] = field(default_factory=list)
    #: "Recommendation" or "Recommendations" (a numbered list from recommendations.md).
    recommendation_title: str = "Recommendation"
    #: ``narrative/brief-summary.md`` and ``narrative/reasons.md``, when there.
    brief_summary: Furniture | None = None
    reasons: Furniture | None = None


@dataclass
class ReportContext:
    cover: Cover
    period_label: str
    previous_label: str
    period_end: str
    sections: list[Section]
    definitions: list[Table]
    rules: list[str]
    data_quality: dict[str, Any]
    left_out: list[str]
    suppress_below: int
    version: str
    lang: str = "en-GB"
    #: ISO date used for the PDF's metadata (meeting date or SOURCE_DATE_EPOCH).
    document_date: str = ""
    #: Notices for the author (stderr), not part of the report.
    notices: list[str] = field(default_factory=list)
    #: The appendices after the sections (:data:`fosterreport.context.sections.APPENDICES`):
    #: each has an ``id`` (its template), an ``anchor`` and a ``title``.
    appendices: list[Any] = field(default_factory=list)
    #: Titles of the sections left out by ``[report] sections`` (named in Appendix B).
    omitted: list[str] = field(default_factory=list)

    @property
    def suppression(self) -> str:
        if not self.suppress_below:
            return "none: every figure is published as computed."
        return (f"counts from 1 to {self.suppress_below - 1} are shown as \u201cc\u201d, and so is any "
                f"rate, ratio, median, change or direction built on one.")

    @property
    def charts(self) -> list[ChartSpec]:
        return [chart for section in self.sections for chart in section.charts.values()]

    @property
    def contents(self) -> list[tuple[str, str]]:
        """(anchor, heading) of every section and appendix, in report order."""
        return [(s.anchor, s.heading) for s in self.sections] + [(a.anchor, a.title) for a in self.appendices]


def number_sections(sections: list[Section]) -> int:
    """Number the sections 1, 2, … and, in print order, their figures and tables (a
    chart's data table takes the next table number too); returns the last table number,
    so that appendix tables can carry on from it."""
    table_number = figure_number = 0
    for number, section in enumerate(sections, start=1):
        section.number = number
        for block in section.blocks:
            if block.kind == "chart":
                figure_number += 1
                block.item.number = figure_number
                table_number += 1
                block.item.table.number = table_number
            else:
                table_number += 1
                block.item.number = table_number
    return table_number
