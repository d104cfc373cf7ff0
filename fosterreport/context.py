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
"""

from __future__ import annotations

import base64
import mimetypes
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from fosterreport import __version__, codes
from fosterreport.exceptions import ConfigError
from fosterreport.formatting import (
    NOT_AVAILABLE, SUPPRESSED, format_change, format_date, format_direction,
)
from fosterreport.formatting import format_value as _format_value
from fosterreport.kpis.results import RATE_PARTS as _RATE_PARTS

#: The report writes negative figures with a true minus sign, as format_change does.
MINUS = "\u2212"


def format_value(value, unit: str, **options) -> str:
    """:func:`fosterreport.formatting.format_value` with the report's minus sign."""
    return _format_value(value, unit, minus=MINUS, **options)

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.kpis.results import KpiResults, KpiValue
    from fosterreport.records import Extracts


# -- what templates see -----------------------------------------------------------------


@dataclass
class Cell:
    """One table cell: its text and how to show it.

    ``kind`` is ``num`` (right-aligned figure), ``text``, ``rag`` (badge: word and
    colour, ``key`` = green/amber/red) or ``dir`` (arrow and word, ``key`` = direction).
    """

    text: str
    kind: str = "num"
    key: str | None = None


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
        """Short tables of figures are kept on one page (long or wordy ones may break)."""
        return len(self.rows) <= 14 and not any(c.kind in ("text", "code") for r in self.rows for c in r.cells)

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
    kind: str  # "hbar" | "trend"
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
        items = [(s.anchor, s.heading) for s in self.sections]
        items.append(("appendix-a", "Appendix A: Definitions"))
        items.append(("appendix-b", "Appendix B: Data quality and provenance"))
        return items


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

#: The counts each rate, ratio or median is built from (for suppression): declared with
#: the suppression rule itself, in :mod:`fosterreport.kpis.results`.
RATE_PARTS = _RATE_PARTS

#: breakdown name -> code list (labels for table rows); some depend on the KPI.
BREAKDOWN_CODES: dict[str, Any] = {
    "household_type": codes.HouseholdType,
    "household_type_sought": codes.HouseholdType,
    "reason": codes.DeregistrationReason,
    "hold_reason": codes.HoldReason,
    "provider": codes.Provider,
    "closed_reason": codes.ClosedReason,
    "item_type": codes.PanelItem,
    "complainant": codes.Complainant,
    "category": codes.AllegationCategory,
    "mode": codes.TrainingMode,
    "role": codes.MockingbirdRole,
}
VACANCY_LABELS = {
    "PRIMARY": "Primary (no child placed in the household)",
    "SECONDARY": "Secondary (the household has a child placed)",
}
BREAKDOWN_WORDS = {
    "household_type": "household type", "household_type_sought": "household type sought",
    "reason": "reason", "hold_reason": "reason", "vacancy": "vacancy", "provider": "provider",
    "source": "source", "closed_reason": "reason", "item_type": "item", "outcome": "outcome",
    "complainant": "complainant", "category": "category", "mode": "mode", "role": "role",
    "line": "budget line",
}
POLARITY_WORDS = {"higher": "higher", "lower": "lower", "neutral": "no better direction"}
UNIT_WORDS = {"count": "count", "rate": "percentage", "ratio": "ratio", "number": "number",
              "days": "days", "money": "pounds"}


def code_label(kpi_id: str, breakdown: str, code: str) -> str:
    """The words a committee reads for a key (``CONNECTED`` → Connected persons), from
    the catalogue's breakdowns; a budget line is its own label."""
    from fosterreport.kpis.catalogue import BY_ID

    kpi = BY_ID.get(kpi_id)
    if kpi is not None:
        try:
            return kpi.breakdown(breakdown).label(code)
        except KeyError:
            pass
    if breakdown == "vacancy":
        return VACANCY_LABELS.get(code, code)
    code_list = BREAKDOWN_CODES.get(breakdown)
    if code_list is not None and code in code_list.__members__:
        return code_list[code].label
    return str(code)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def join_words(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


# -- figures as text, with suppression --------------------------------------------------


class Figures:
    """Every KPI figure as report text: value, previous, change, direction, breakdowns.

    ``which`` is ``"value"`` or ``"previous"``. What is withheld is decided by
    :class:`fosterreport.kpis.results.Suppression` (counts from 1 to n−1, and rates,
    ratios and medians built on them), the same object the KPI JSON and CSV ask, so the
    report and the files published beside it withhold exactly the same figures.
    """

    def __init__(self, results: "KpiResults", suppress_below: int = 0):
        self.results = results
        self.suppress_below = suppress_below
        #: The one decision of what is withheld, shared with the JSON and CSV outputs.
        self.suppression = results.suppression(suppress_below)

    # raw access ---------------------------------------------------------------------

    def has(self, kpi_id: str) -> bool:
        return kpi_id in self.results.values

    def kv(self, kpi_id: str) -> "KpiValue | None":
        return self.results.values.get(kpi_id)

    def unit(self, kpi_id: str) -> str:
        return self.results.values[kpi_id].kpi.unit

    def label(self, kpi_id: str) -> str:
        kv = self.kv(kpi_id)
        return kv.kpi.label if kv else kpi_id

    def raw(self, kpi_id: str, which: str = "value", breakdown: str | None = None,
            code: str | None = None):
        kv = self.kv(kpi_id)
        if kv is None:
            return None
        if breakdown is None:
            return kv.value if which == "value" else kv.previous
        source = kv.by if which == "value" else kv.previous_by
        return (source or {}).get(breakdown, {}).get(code)

    def codes(self, kpi_id: str, breakdown: str) -> list[str]:
        kv = self.kv(kpi_id)
        if kv is None:
            return []
        keys = list((kv.by or {}).get(breakdown, {}))
        for key in (kv.previous_by or {}).get(breakdown, {}):
            if key not in keys:
                keys.append(key)
        return keys

    def breakdown_of(self, kpi_id: str, code: str) -> str | None:
        """Which breakdown of ``kpi_id`` has the key ``code`` (first match)."""
        kv = self.kv(kpi_id)
        if kv is None:
            return None
        for name, values in (kv.by or {}).items():
            if code in values:
                return name
        return None

    # suppression ------------------------------------------------------------------------

    def _small(self, count) -> bool:
        return self.suppression.small(count)

    def suppressed(self, kpi_id: str, which: str = "value", breakdown: str | None = None,
                   code: str | None = None) -> bool:
        return self.suppression.withheld(kpi_id, which, breakdown, code)

    # text ----------------------------------------------------------------------------

    def text(self, kpi_id: str, which: str = "value", breakdown: str | None = None,
             code: str | None = None) -> str:
        if not self.has(kpi_id):
            return NOT_AVAILABLE
        if self.suppressed(kpi_id, which, breakdown, code):
            return SUPPRESSED
        return format_value(self.raw(kpi_id, which, breakdown, code), self.unit(kpi_id),
                            suppress_below=self.suppress_below)

    def change(self, kpi_id: str) -> str:
        if not self.has(kpi_id):
            return NOT_AVAILABLE
        if self.suppression.change_withheld(kpi_id):
            return SUPPRESSED
        return format_change(self.kv(kpi_id).change, self.unit(kpi_id))

    def direction(self, kpi_id: str) -> Cell:
        if not self.has(kpi_id):
            return Cell(NOT_AVAILABLE, "dir", "n/a")
        if self.suppression.change_withheld(kpi_id):
            return Cell(SUPPRESSED, "dir", "n/a")
        direction = self.kv(kpi_id).direction or "n/a"
        return Cell(format_direction(direction), "dir", direction)

    def target(self, kpi_id: str, target) -> str:
        return NOT_AVAILABLE if target is None else format_value(target, self.unit(kpi_id))

    def rag(self, rag: str | None) -> Cell:
        if not rag:
            return Cell(NOT_AVAILABLE, "text")
        return Cell(rag.capitalize(), "rag", rag)

    def benchmark(self, kpi_id: str) -> str:
        kv = self.kv(kpi_id)
        if kv is None or kv.benchmark is None:
            return NOT_AVAILABLE
        return format_value(kv.benchmark.value, kv.kpi.unit)

    def trend_text(self, point, kpi_id: str) -> str:
        """A value of one trend year, with the same suppression rules."""
        value = point.values.get(kpi_id)
        kv = self.kv(kpi_id)
        unit = kv.kpi.unit if kv else ("rate" if kpi_id.endswith("_rate") else "count")
        if self.suppression.trend_withheld(point, kpi_id):
            return SUPPRESSED
        return format_value(value, unit, suppress_below=self.suppress_below)

    def chart_value(self, text: str, value) -> float | None:
        """What a chart draws: nothing for a suppressed or missing figure."""
        if text in (SUPPRESSED, NOT_AVAILABLE) or value is None:
            return None
        return float(value)


# -- building blocks ----------------------------------------------------------------------


class Builder:
    """Builds the sections; holds the figures, the labels and the running numbers."""

    def __init__(self, results: "KpiResults", extracts: "Extracts", config: "Config"):
        self.results = results
        self.extracts = extracts
        self.config = config
        self.f = Figures(results, config.publication.suppress_below)
        self.period = results.period
        self.label = self.period.label
        self.previous_label = self.period.previous().label
        self.end_words = format_date(self.period.end)
        self.start_words = format_date(self.period.start - timedelta(days=1))

    def one(self, kpi_id: str, singular: str, plural: str, which: str = "value") -> str:
        """``singular`` when the figure is exactly 1 (and published), else ``plural``."""
        value = self.f.raw(kpi_id, which)
        return singular if value == 1 and not self.f.suppressed(kpi_id, which) else plural

    # generic tables -------------------------------------------------------------------

    def measures_table(self, table_id: str, caption: str, ids: Iterable[str], *,
                       targets: bool = True, benchmarks: bool = True) -> Table | None:
        """One row per KPI: value, previous, change, direction (+ target, RAG, benchmark)."""
        ids = [i for i in ids if self.f.has(i)]
        if not ids:
            return None
        show_targets = targets and any(self.f.kv(i).target is not None for i in ids)
        show_bench = benchmarks and any(self.f.kv(i).benchmark is not None for i in ids)
        head = ["Measure", self.label, self.previous_label, "Change", "Direction"]
        if show_targets:
            head += ["Target", "RAG"]
        if show_bench:
            head += ["Benchmark"]
        rows, notes = [], []
        for kpi_id in ids:
            kv = self.f.kv(kpi_id)
            cells = [Cell(self.f.text(kpi_id)), Cell(self.f.text(kpi_id, "previous")),
                     Cell(self.f.change(kpi_id)), self.f.direction(kpi_id)]
            if show_targets:
                cells += [Cell(self.f.target(kpi_id, kv.target)), self.f.rag(kv.rag)]
            if show_bench:
                cells += [Cell(self.f.benchmark(kpi_id))]
                if kv.benchmark is not None:
                    source = f"; {kv.benchmark.source}" if getattr(kv.benchmark, "source", None) else ""
                    notes.append(f"Benchmark for {lower_first(kv.kpi.label)}: {kv.benchmark.label}{source}.")
            label = kv.kpi.label + (f" ({kv.note})" if kv.note else "")
            rows.append(Row(label, cells))
        return Table(table_id, caption, head, rows, notes, wide=len(head) > 6)

    def breakdown_table(self, table_id: str, caption: str, kpi_id: str, breakdown: str, *,
                        header: str | None = None, columns: list[tuple[str, str, str]] | None = None,
                        previous: bool = True, total: bool = True, keep_zero: bool = False,
                        note_zero: bool = True) -> Table | None:
        """One row per code of ``breakdown``; ``columns`` = [(heading, kpi id, which)].

        Rows that are zero in every column are left out (and a note says so) unless
        ``keep_zero``. The total row is the KPI's own value, never a sum made here.
        """
        if not self.f.has(kpi_id) or breakdown not in (self.f.kv(kpi_id).by or {}):
            return None
        if columns is None:
            columns = [(self.label, kpi_id, "value")]
            if previous:
                columns.append((self.previous_label, kpi_id, "previous"))
        columns = [c for c in columns if self.f.has(c[1])]
        head = [header or BREAKDOWN_WORDS.get(breakdown, breakdown).capitalize()] + [c[0] for c in columns]
        rows, dropped = [], 0
        for code in self.f.codes(kpi_id, breakdown):
            raws = [self.f.raw(k, w, breakdown, code) for _, k, w in columns]
            if not keep_zero and all(not r for r in raws):
                dropped += 1
                continue
            rows.append(Row(code_label(kpi_id, breakdown, code),
                            [Cell(self.f.text(k, w, breakdown, code)) for _, k, w in columns]))
        if total:
            rows.append(Row("Total", [Cell(self.f.text(k, w)) for _, k, w in columns], total=True))
        notes = []
        if dropped and note_zero:
            notes.append(f"{BREAKDOWN_WORDS.get(breakdown, breakdown).capitalize()} values with none "
                         f"in any column are not shown.")
        return Table(table_id, caption, head, rows, notes, wide=len(head) > 6)

    def card(self, kpi_id: str) -> Card | None:
        kv = self.f.kv(kpi_id)
        if kv is None:
            return None
        return Card(kpi_id, kv.kpi.label, self.f.text(kpi_id), self.f.text(kpi_id, "previous"),
                    self.previous_label, self.f.change(kpi_id), self.f.direction(kpi_id),
                    self.f.rag(kv.rag) if kv.rag else None, kv.note)

    def hbar(self, chart_id: str, title: str, rows: list[tuple[str, str, Any]], table: Table,
             x_label: str = "") -> ChartSpec:
        labels = [r[0] for r in rows]
        texts = [r[1] for r in rows]
        values = [self.f.chart_value(t, v) for _, t, v in rows]
        alt = f"Bar chart. {title}: " + "; ".join(f"{lbl} {t}" for lbl, t in zip(labels, texts)) + "."
        if self.f.suppress_below and SUPPRESSED in texts:
            alt += f" c = fewer than {self.f.suppress_below}, not published."
        return ChartSpec(chart_id, "hbar", title, alt, labels, [Series(title, values, texts)], table,
                         x_label=x_label)

    # sections -----------------------------------------------------------------------------

    def summary(self, s: Section) -> None:
        f = self.f
        for kpi_id in ("households_end", "approvals", "deregistrations", "net_change",
                       "enquiry_to_approval_rate", "occupancy_rate", "budget_variance"):
            card = self.card(kpi_id)
            if card:
                s.cards.append(card)
        if f.has("households_end"):
            s.facts.append(
                f"On {self.end_words} the service had {f.text('households_end')} fostering households, "
                f"against {f.text('households_end', 'previous')} a year earlier: {f.text('approvals')} were "
                f"approved and {f.text('deregistrations')} deregistered during {self.label}.")

    def households(self, s: Section) -> None:
        f = self.f
        bd = "household_type"
        types = [c for c in f.codes("households_end", bd)
                 if any(f.raw(k, "value", bd, c) for k in ("households_end", "approved_places_end",
                                                            "children_placed_end"))]
        parts = [f"{f.text('households_end', 'value', bd, c)} {lower_first(code_label('households_end', bd, c))}"
                 for c in types]
        sentence = f"On {self.end_words} there were {f.text('households_end')} fostering households"
        if parts:
            sentence += f" ({join_words(parts)})"
        if f.has("approved_places_end"):
            sentence += f", approved for {f.text('approved_places_end')} places"
        if f.has("children_placed_end"):
            sentence += f", with {f.text('children_placed_end')} children placed with them"
        s.facts.append(sentence + ".")
        if f.has("occupancy_rate") and f.has("utilisation_rate"):
            s.facts.append(
                f"{f.text('places_filled_end')} of the approved places "
                f"{self.one('places_filled_end', 'was', 'were')} filled (occupancy "
                f"{f.text('occupancy_rate')}), and there were {f.text('utilisation_rate')} children placed "
                f"per household (utilisation).")

        columns = [("Households", "households_end", "value"),
                   ("Approved places", "approved_places_end", "value"),
                   ("Children placed", "children_placed_end", "value"),
                   ("Places filled", "places_filled_end", "value"),
                   ("Occupancy", "occupancy_rate", "value"),
                   ("Children per household", "utilisation_rate", "value")]
        caption = ("Fostering households, approved places and children placed by household type"
                   if f.has("children_placed_end") else "Fostering households and approved places by household type")
        s.add("by_type", self.breakdown_table(
            "households-by-type", f"{caption}, {self.end_words}",
            "households_end", bd, header="Type of fostering household", columns=columns))

        if f.has("places_vacant_end") and f.has("places_on_hold_end"):
            lines = [("Places filled", "places_filled_end", None, None, False)]
            for kind in ("PRIMARY", "SECONDARY"):
                lines.append((f"Vacant: {lower_first(VACANCY_LABELS[kind])}", "places_vacant_end", "vacancy",
                              kind, False))
            for kind in ("PRIMARY", "SECONDARY"):
                lines.append((f"On hold: {lower_first(VACANCY_LABELS[kind])}", "places_on_hold_end", "vacancy",
                              kind, False))
            lines.append(("Approved places", "approved_places_end", None, None, True))
            rows = [Row(name, [Cell(f.text(kid, "value", bd_, code)), Cell(f.text(kid, "previous", bd_, code))],
                        total=total) for name, kid, bd_, code, total in lines]
            s.add("places", Table(
                "places", f"Approved places by use, {self.end_words}",
                ["Places", self.label, self.previous_label], rows,
                ["Approved places = places filled + vacant places + places on hold. A primary vacancy "
                 "is in a household with no child placed; a secondary vacancy is a spare place in a "
                 "household that already has a child placed."]), heading="Vacancies and places on hold")
        s.add("on_hold", self.breakdown_table(
            "households-on-hold", f"Households on hold by reason, {self.end_words}",
            "households_on_hold_end", "hold_reason", header="Reason for hold"))
        s.add("measures", self.measures_table(
            "households-measures", f"Households and places: all measures, {self.label}",
            ["households_start", "households_end", "approved_places_end", "children_placed_end",
             "places_filled_end", "occupancy_rate", "utilisation_rate", "places_vacant_end",
             "places_on_hold_end", "households_on_hold_end", "over_capacity_households_end"]),
            heading="All measures")

    def recruitment(self, s: Section) -> None:
        f = self.f
        stages = [("Enquiries", "enquiries", None), ("Initial visits", "initial_visits", "enquiry_to_visit_rate"),
                  ("Applications", "applications", "enquiry_to_application_rate"),
                  ("Approvals", "approvals_from_enquiries", "enquiry_to_approval_rate")]
        stages = [st for st in stages if f.has(st[1])]
        s.facts.append(
            f"In {self.label} there {self.one('enquiries', 'was', 'were')} {f.text('enquiries')} "
            f"{self.one('enquiries', 'enquiry', 'enquiries')}, {f.text('initial_visits')} initial "
            f"{self.one('initial_visits', 'visit', 'visits')}, {f.text('applications')} "
            f"{self.one('applications', 'application', 'applications')} and "
            f"{f.text('approvals_from_enquiries')} {self.one('approvals_from_enquiries', 'approval', 'approvals')} "
            f"from enquiries: an enquiry-to-approval rate of {f.text('enquiry_to_approval_rate')}, "
            f"against {f.text('enquiry_to_approval_rate', 'previous')} in {self.previous_label}.")
        kv = f.kv("enquiry_to_approval_rate")
        if kv is not None and kv.benchmark is not None:
            s.facts.append(f"The benchmark for the enquiry-to-approval rate is "
                           f"{f.benchmark('enquiry_to_approval_rate')}: {kv.benchmark.label}.")
        if f.has("assessments_in_progress_end"):
            s.facts.append(f"On {self.end_words}, {f.text('assessments_in_progress_end')} "
                           f"{self.one('assessments_in_progress_end', 'assessment was', 'assessments were')} "
                           f"in progress.")
        rows = [Row(name, [Cell(f.text(kid)), Cell(f.text(rate) if rate else "100.0%"),
                           Cell(f.text(kid, "previous"))]) for name, kid, rate in stages]
        funnel_table = Table("funnel", f"Recruitment funnel, {self.label}",
                             ["Stage", self.label, "Share of enquiries", self.previous_label], rows,
                             ["Each stage counts the enquiries that reached it in the period (same-period "
                              "counts, as councils and The Fostering Network quote them)."])
        s.add("funnel", self.hbar(
            "funnel", f"Recruitment funnel, {self.label}",
            [(name, f.text(kid), f.raw(kid)) for name, kid, _ in stages], funnel_table,
            x_label="Number in the period"), heading="From enquiry to approval")
        s.add("conversion", self.measures_table(
            "conversion", f"Conversion rates, {self.label}",
            ["enquiry_to_visit_rate", "enquiry_to_application_rate", "application_to_approval_rate",
             "enquiry_to_approval_rate", "cohort_approval_rate"]))
        s.add("sources", self.breakdown_table("enquiry-sources", f"Enquiries by source, {self.label}",
                                              "enquiries", "source", header="Source of enquiry"),
              heading="Where enquiries came from")
        s.add("sought", self.breakdown_table(
            "enquiries-by-type", f"Enquiries by household type sought, {self.label}",
            "enquiries", "household_type_sought", header="Household type sought"))
        timeliness = self.measures_table(
            "timeliness", f"Timeliness of assessments, {self.label}",
            ["median_days_enquiry_to_approval", "median_days_application_to_approval",
             "assessments_within_timescale_rate"])
        if timeliness:
            timeliness.notes.append(f"On time: approved within {self.config.rules.assessment_timescale_months} "
                                    f"calendar months of application.")
        s.add("timeliness", timeliness, heading="Timeliness")
        s.add("in_progress", self.breakdown_table(
            "in-progress", f"Assessments in progress by household type sought, {self.end_words}",
            "assessments_in_progress_end", "household_type_sought", header="Household type sought"),
            heading="Assessments in progress and withdrawals")
        s.add("withdrawals", self.breakdown_table("withdrawals", f"Withdrawals by reason, {self.label}",
                                                  "withdrawals", "closed_reason", header="Reason"))
        rows = [r for r in self.results.scorecard
                if r.kpi.id in ("approvals", "approvals_from_enquiries", "enquiries",
                                "enquiry_to_approval_rate", "enquiry_to_application_rate")]
        if rows:
            s.add("targets", self.scorecard_table(
                "recruitment-targets", f"Recruitment and approvals against targets, {self.label}", rows),
                heading="Against targets")

    def approvals(self, s: Section) -> None:
        f = self.f
        bd = "household_type"
        s.facts.append(
            f"During {self.label}, {f.text('approvals')} {self.one('approvals', 'household was', 'households were')} "
            f"approved and {f.text('deregistrations')} {self.one('deregistrations', 'was', 'were')} deregistered, "
            f"a net change of {f.text('net_change')}"
            + (f"; the deregistration rate was {f.text('deregistration_rate')}" if f.has("deregistration_rate") else "")
            + ".")
        columns = [(f"Households {self.start_words}", "households_start", "value"),
                   ("Approved", "approvals", "value"), ("Deregistered", "deregistrations", "value"),
                   ("Net change", "net_change", "value"),
                   (f"Households {self.end_words}", "households_end", "value"),
                   ("Deregistration rate", "deregistration_rate", "value")]
        table = self.breakdown_table("movement-by-type",
                                     f"Approvals and deregistrations by household type, {self.label}",
                                     "approvals", bd, header="Type of fostering household", columns=columns)
        if table:
            table.notes.append("Households at the end = households at the start + approved − deregistered. "
                               "Deregistration rate = deregistered ÷ (households at the start + approved).")
        s.add("by_type", table)
        if f.has("deregistrations"):
            reason_codes = f.codes("deregistrations", "reason")
            reason_table = self.breakdown_table(
                "deregistration-reasons", f"Deregistrations by reason, {self.label}",
                "deregistrations", "reason", header="Reason for deregistration", keep_zero=True)
            if reason_table:
                chart_rows = [(code_label("deregistrations", "reason", code),
                               f.text("deregistrations", "value", "reason", code),
                               f.raw("deregistrations", "value", "reason", code)) for code in reason_codes]
                s.add("reasons", self.hbar(
                    "deregistration-reasons", f"Deregistrations by reason, {self.label}", chart_rows,
                    reason_table, x_label="Households deregistered"), heading="Why households left")
        trend = [p for p in self.results.trend if p.values]
        if len(trend) >= 2:
            years = [p.period.label for p in trend]
            keys = [("households_end", "Households at end of year"), ("approvals", "Approvals"),
                    ("deregistrations", "Deregistrations")]
            series = []
            for kpi_id, name in keys:
                texts = [f.trend_text(p, kpi_id) for p in trend]
                series.append(Series(name, [f.chart_value(t, p.values.get(kpi_id)) for t, p in zip(texts, trend)],
                                     texts))
            head = ["Financial year", "Households at end", "Approvals", "Deregistrations", "Net change",
                    "Deregistration rate"]
            rows = [Row(p.period.label, [Cell(f.trend_text(p, k)) for k in
                                         ("households_end", "approvals", "deregistrations", "net_change",
                                          "deregistration_rate")]) for p in trend]
            span = f"{years[0]} to {years[-1]}"
            table = Table("trend", f"Households, approvals and deregistrations, {span}", head, rows)
            alt = (f"Line chart and bar chart, {span}. "
                   + " ".join(f"{se.name}: " + "; ".join(f"{y} {t}" for y, t in zip(years, se.texts)) + "."
                              for se in series))
            s.add("trend", ChartSpec("trend", "trend", f"Households, approvals and deregistrations, {span}",
                                     alt, years, series, table), heading=f"Trend, {span}")
            reasons = [c.value for c in codes.DeregistrationReason]
            if any("reason" in p.by.get("deregistrations", {}) for p in trend):
                present = [c for c in reasons
                           if any(p.by.get("deregistrations", {}).get("reason", {}).get(c) for p in trend)]
                rows = []
                for p in trend:
                    by = p.by.get("deregistrations", {}).get("reason", {})
                    rows.append(Row(p.period.label, [
                        Cell(SUPPRESSED if f.suppression.trend_withheld(p, "deregistrations", "reason", c)
                             else format_value(by.get(c, 0), "count"))
                        for c in present]))
                if present:
                    s.add("reasons_trend", Table(
                        "deregistration-reasons-trend", f"Deregistrations by reason, {span}",
                        ["Financial year"] + [codes.DeregistrationReason(c).label for c in present], rows,
                        ["Reasons with no deregistrations in any year are not shown."], wide=len(present) > 5))

    def children(self, s: Section) -> None:
        f = self.f
        bd = "provider"
        s.facts.append(
            f"On {self.end_words}, {f.text('children_in_care_end')} "
            f"{self.one('children_in_care_end', 'child was', 'children were')} in care (main placements): "
            f"{f.text('children_in_care_end', 'value', bd, 'IN_HOUSE')} were placed with the council's own "
            f"foster carers and {f.text('children_in_care_end', 'value', bd, 'IFA')} with independent "
            f"fostering agencies. {f.text('fostered_share')} of children in care were fostered, and "
            f"{f.text('in_house_share')} of fostered children were placed in-house.")
        table = self.breakdown_table("children-by-provider",
                                     f"Children in care by placement provider, {self.end_words}",
                                     "children_in_care_end", bd, header="Provider", total=True)
        if table:
            shown = [c for c in f.codes("children_in_care_end", bd)
                     if f.raw("children_in_care_end", "value", bd, c) or f.raw("children_in_care_end", "previous", bd, c)]
            rows = [(code_label("children_in_care_end", bd, c), f.text("children_in_care_end", "value", bd, c),
                     f.raw("children_in_care_end", "value", bd, c)) for c in shown]
            s.add("providers", self.hbar("children-by-provider",
                                         f"Children in care by placement provider, {self.end_words}",
                                         rows, table, x_label="Children (main placements)"))
        s.add("measures", self.measures_table("children-measures", f"Children placed: measures, {self.label}",
                                              ["children_in_care_end", "fostered_share", "in_house_share",
                                               "children_placed_in_period", "average_children_placed"]))
        s.add("average", self.breakdown_table(
            "average-children", f"Average number of children placed in-house by household type, {self.label}",
            "average_children_placed", "household_type", header="Type of fostering household"))

    def panel(self, s: Section) -> None:
        f = self.f
        s.facts.append(
            f"In {self.label} the fostering panel sat on {f.text('panel_sittings')} "
            f"{self.one('panel_sittings', 'occasion', 'occasions')} and heard "
            f"{f.text('panel_items')} {self.one('panel_items', 'item', 'items')}; {f.text('inquorate_sittings')} "
            f"{self.one('inquorate_sittings', 'sitting was', 'sittings were')} inquorate.")
        s.add("items", self.breakdown_table("panel-items", f"Summary of panel business, {self.period.in_words}",
                                            "panel_items", "item_type", header="Items at panel"))
        s.add("outcomes", self.breakdown_table("panel-outcomes", f"Panel items by outcome, {self.label}",
                                               "panel_items", "outcome", header="Outcome"))
        s.add("measures", self.measures_table("panel-measures", f"Panel sittings, {self.label}",
                                              ["panel_sittings", "panel_items", "inquorate_sittings"]))

    def reviews(self, s: Section) -> None:
        f = self.f
        if f.has("reviews_due"):
            s.facts.append(
                f"{f.text('reviews_due')} {self.one('reviews_due', 'review', 'reviews')} of approval fell due "
                f"in {self.label}; {f.text('reviews_on_time_rate')} were completed on time, and "
                f"{f.text('reviews_overdue_end')} {self.one('reviews_overdue_end', 'was', 'were')} overdue on "
                f"{self.end_words}.")
        if f.has("supervision_timeliness_rate"):
            s.facts.append(
                f"{f.text('supervision_timeliness_rate')} of households had supervision contact at least every "
                f"{self.config.rules.supervision_interval_days} days, and {f.text('unannounced_visit_rate')} "
                f"of households approved all year had at least one unannounced visit.")
        s.add("measures", self.measures_table(
            "oversight", f"Reviews, supervision and visits, {self.label}",
            ["reviews_due", "reviews_on_time_rate", "reviews_overdue_end", "supervision_visits",
             "supervision_timeliness_rate", "unannounced_visit_rate"]))

    def complaints(self, s: Section) -> None:
        f = self.f
        if f.has("complaints"):
            s.facts.append(f"{f.text('complaints')} {self.one('complaints', 'complaint was', 'complaints were')} "
                           f"received in {self.label}; {f.text('complaints_upheld')} "
                           f"{self.one('complaints_upheld', 'was', 'were')} upheld in whole or in part.")
            s.add("complainant", self.breakdown_table(
                "complaints-by-complainant", f"Complaints by complainant, {self.label}", "complaints",
                "complainant", header="Complainant",
                columns=[("Complaints", "complaints", "value"),
                         ("Upheld or partly upheld", "complaints_upheld", "value"),
                         (f"Complaints {self.previous_label}", "complaints", "previous")]),
                heading="Complaints")
            s.add("complaint_outcome", self.breakdown_table(
                "complaints-by-outcome", f"Complaints by outcome, {self.label}", "complaints", "outcome",
                header="Outcome"))
        if f.has("allegations"):
            s.facts.append(
                f"{f.text('allegations')} {self.one('allegations', 'allegation', 'allegations')} concerning "
                f"{f.text('households_with_allegations')} fostering "
                f"{self.one('households_with_allegations', 'household', 'households')} "
                f"{self.one('allegations', 'was', 'were')} referred to the Designated Officer (LADO); "
                f"{f.text('allegations_substantiated')} {self.one('allegations_substantiated', 'was', 'were')} "
                f"substantiated and {f.text('allegations_nfa_rate')} led to no further action.")
            first = True
            for key, bd, words in (("allegation_source", "source", "source"),
                                   ("allegation_category", "category", "category"),
                                   ("allegation_outcome", "outcome", "outcome")):
                table = self.breakdown_table(f"allegations-by-{bd}", f"Allegations by {words}, {self.label}",
                                             "allegations", bd, header=words.capitalize())
                s.add(key, table, heading="Allegations" if first and table else None)
                first = first and not table
        s.add("measures", self.measures_table(
            "complaints-measures", f"Complaints and allegations: measures, {self.label}",
            ["complaints", "complaints_upheld", "allegations", "allegations_substantiated",
             "allegations_nfa_rate", "households_with_allegations"]), heading="All measures")

    def learning(self, s: Section) -> None:
        f = self.f
        s.facts.append(
            f"During {self.label}, {f.text('training_sessions')} learning "
            f"{self.one('training_sessions', 'session was', 'sessions were')} held; "
            f"{f.text('carers_trained')} carers attended at least one ({f.text('training_attendances')} "
            f"attendances in all).")
        s.add("measures", self.measures_table("learning-measures", f"Learning and development, {self.label}",
                                              ["training_sessions", "carers_trained", "training_attendances"]))
        s.add("mode", self.breakdown_table("sessions-by-mode", f"Learning sessions by mode, {self.label}",
                                           "training_sessions", "mode", header="Mode"))

    def mockingbird(self, s: Section) -> None:
        f = self.f
        s.facts.append(
            f"On {self.end_words} there {self.one('mockingbird_constellations_end', 'was', 'were')} "
            f"{f.text('mockingbird_constellations_end')} Mockingbird "
            f"{self.one('mockingbird_constellations_end', 'constellation', 'constellations')} with "
            f"{f.text('mockingbird_households_end')} member "
            f"{self.one('mockingbird_households_end', 'household', 'households')}: "
            f"{f.text('mockingbird_share')} of all fostering households.")
        s.add("roles", self.breakdown_table(
            "mockingbird-roles", f"Mockingbird member households by role, {self.end_words}",
            "mockingbird_households_end", "role", header="Role", keep_zero=True))
        s.add("measures", self.measures_table("mockingbird-measures", f"Mockingbird, {self.label}",
                                              ["mockingbird_constellations_end", "mockingbird_households_end",
                                               "mockingbird_share"]))

    def finance(self, s: Section) -> None:
        f = self.f
        kv = f.kv("outturn")
        forecast = bool(kv and kv.note and "forecast" in kv.note)
        word = "forecast outturn" if forecast else "outturn"
        variance = f.kv("budget_variance")
        value = variance.value if variance is not None else None
        verdict = "" if not value else (", an underspend" if value < 0 else ", an overspend")
        s.facts.append(
            f"The {self.label} budget was {f.text('budget')} against {'a' if forecast else 'an'} {word} of "
            f"{f.text('outturn')}: a variance of {f.text('budget_variance')} "
            f"({f.text('budget_variance_rate')} of the budget){verdict}.")
        if f.has("cost_per_placement_week"):
            funded = (f" The budget was set to fund {f.text('funded_placements')} placements on average."
                      if f.has("funded_placements") and f.raw("funded_placements") is not None else "")
            s.facts.append(f"The cost per in-house placement week was {f.text('cost_per_placement_week')}."
                           + funded)
        table = self.breakdown_table(
            "budget-lines", f"Budget and {word} by line, {self.label}", "budget", "line", header="Budget line",
            columns=[("Budget", "budget", "value"),
                     ("Forecast outturn" if forecast else "Outturn", "outturn", "value"),
                     ("Variance", "budget_variance", "value")], note_zero=False)
        if table:
            table.notes.append("Variance = outturn − budget; a negative variance is an underspend.")
            if forecast:
                table.notes.append("The outturn includes forecast figures (rows marked as a forecast in "
                                   "budget.csv).")
        s.add("lines", table)
        s.add("measures", self.measures_table("finance-measures", f"Finance: measures, {self.label}",
                                              ["budget", "outturn", "budget_variance", "budget_variance_rate",
                                               "funded_placements", "cost_per_placement_week"]))

    def scorecard_table(self, table_id: str, caption: str, rows_in) -> Table:
        f = self.f
        rows = []
        for row in rows_in:
            kpi_id, _, code = row.key.partition(".")
            breakdown = f.breakdown_of(kpi_id, code) if code else None
            label = row.kpi.label
            if code:
                label += f": {lower_first(code_label(kpi_id, breakdown or '', code))}"
            if f.has(kpi_id) and (breakdown or not code):
                value = f.text(kpi_id, "value", breakdown, code or None)
                previous = f.text(kpi_id, "previous", breakdown, code or None)
            else:
                value = format_value(row.value, row.kpi.unit, suppress_below=f.suppress_below)
                previous = format_value(row.previous, row.kpi.unit, suppress_below=f.suppress_below)
            hidden = SUPPRESSED in (value, previous)
            direction = (Cell(SUPPRESSED, "dir", "n/a") if hidden else
                         Cell(format_direction(row.direction), "dir", row.direction or "n/a"))
            rows.append(Row(label, [Cell(value), Cell(format_value(row.target, row.kpi.unit)),
                                    f.rag(row.rag), Cell(previous), direction]))
        r = self.config.rules
        return Table(table_id, caption, ["Measure", self.label, "Target", "RAG", self.previous_label,
                                         "Direction"], rows,
                     [f"RAG: Green = on or better than target, or short of it by at most "
                      f"{format_value(r.rag_green_tolerance, 'rate')} of the target; Amber = short by up to "
                      f"{format_value(r.rag_red_threshold, 'rate')}; Red = short by more."])

    def scorecard(self, s: Section) -> None:
        if self.results.scorecard:
            s.add("scorecard", self.scorecard_table(
                "scorecard", f"Performance scorecard, {self.label}", self.results.scorecard))
        else:
            s.facts.append("No targets are set, so there are no RAG ratings: targets are added under "
                           "[targets] in fosterreport.toml (for example approvals.MAINSTREAM = 35).")


    # appendices -------------------------------------------------------------------------------

    def definitions(self) -> list[Table]:
        from fosterreport.kpis.catalogue import CATALOGUE, SECTIONS as CATALOGUE_TITLES

        tables = []
        by_section: dict[str, list] = {}
        for kpi in CATALOGUE:
            by_section.setdefault(kpi.section, []).append(kpi)
        for section, kpis in by_section.items():
            rows = []
            for kpi in kpis:
                bds = ", ".join(BREAKDOWN_WORDS.get(b, b) for b in (kpi.breakdowns or ()))
                rows.append(Row(kpi.label, [
                    Cell(kpi.definition + (f" By {bds}." if bds else ""), "text"),
                    Cell(UNIT_WORDS.get(kpi.unit, kpi.unit), "text"),
                    Cell(POLARITY_WORDS.get(kpi.polarity, kpi.polarity), "text")], code=kpi.id))
            title = CATALOGUE_TITLES.get(section, section.capitalize())
            tables.append(Table(f"definitions-{section}", f"Definitions: {title}",
                                ["Measure (id)", "Definition", "Unit", "Better when"], rows,
                                style="definitions"))
        return tables

    def rules(self) -> list[str]:
        r = self.config.rules
        rules = [
            f"The period is {self.period.in_words} ({self.label}); the previous period, for comparison, "
            f"is {self.period.previous().in_words} ({self.previous_label}).",
            f"Snapshot figures (\u201con {self.end_words}\u201d) count what was active on the last day of the "
            f"period; the start snapshot is the day before the period starts ({self.start_words}). A household "
            f"is active on a day when it was approved on or before that day and not deregistered by it.",
            "Rates are shown as percentages to one decimal place, children per household to two decimal "
            "places, money in whole pounds. A rate whose denominator is zero is shown as n/a.",
            f"Direction of travel compares each figure with the previous period: \u25b2 improved or "
            f"\u25bc declined according to whether a higher or lower value is better, \u25ac similar when the "
            f"change is within {format_value(r.similar_tolerance, 'rate')} of the previous value; measures "
            f"with no better direction say up or down.",
            f"RAG ratings appear only where a target is set: Green when on or better than target or short of "
            f"it by at most {format_value(r.rag_green_tolerance, 'rate')} of the target, Amber when short by "
            f"up to {format_value(r.rag_red_threshold, 'rate')}, Red when short by more. Every rating is "
            f"printed as a word as well as a colour.",
            f"Assessments are on time when approved within {r.assessment_timescale_months} calendar months "
            f"of application; supervision is timely when no gap between contacts exceeds "
            f"{r.supervision_interval_days} days.",
        ]
        if self.f.suppress_below:
            rules.append(
                f"Small numbers are suppressed: counts from 1 to {self.f.suppress_below - 1} are shown as "
                f"\u201cc\u201d, and so is any rate, ratio, median, change or direction built on such a count.")
        return rules

    def data_quality(self) -> dict[str, Any]:
        from fosterreport.problems import RULES

        # Row and warning counts are counts of records too: a complaints.csv of 3 rows says
        # as much as the complaints KPI, so they are suppressed like it.
        below = self.f.suppress_below
        files = []
        for name in sorted(self.extracts.files):
            info = self.extracts.files[name]
            files.append(Row(Path(info.path).name if info.path else f"{name}.csv", [
                Cell(format_value(info.rows, "count", suppress_below=below)),
                Cell(format_date(info.first_date) if info.first_date else NOT_AVAILABLE, "text"),
                Cell(format_date(info.last_date) if info.last_date else NOT_AVAILABLE, "text"),
                Cell(info.encoding or NOT_AVAILABLE, "text"),
                Cell(info.sha256, "code")]))
        files_table = Table("files", "Files read", ["File", "Rows", "Earliest date", "Latest date",
                                                    "Encoding", "SHA-256"], files,
                            ["SHA-256 identifies the exact file read: anyone holding the same extract "
                             "can check it gives the same figures."], wide=True, style="files")
        warnings = Counter()
        for problem in self._warnings():
            warnings[(problem.file, problem.rule)] += 1
        warning_rows = [Row(file, [Cell(rule, "code"), Cell(format_value(count, "count", suppress_below=below)),
                                   Cell(RULES.get(rule, ""), "text")])
                        for (file, rule), count in sorted(warnings.items())]
        warnings_table = Table("warnings", "Warnings in the extracts, by file and rule",
                               ["File", "Rule", "Rows", "What it means"], warning_rows,
                               ["Run `fosterreport validate` for the line of each warning."]) if warning_rows else None
        return {"files": files_table, "warnings": warnings_table,
                "warning_count": format_value(sum(warnings.values()), "count", suppress_below=below)}

    def _warnings(self) -> list:
        seen = list(getattr(self.extracts.problems, "warnings", []) or [])
        for problem in self.results.warnings or []:
            if problem not in seen:
                seen.append(problem)
        return seen


# -- the whole context -----------------------------------------------------------------------


def _missing_files(extracts: "Extracts", names: Iterable[str]) -> list[str]:
    return [f"{name}.csv" for name in names if not extracts.has(name)]


def _logo(config: "Config") -> str | None:
    """The logo as a data: URI. It must be an SVG, PNG or JPEG file inside the project
    folder (after following symlinks): a path such as ``../../etc/passwd`` is a
    configuration error (exit 2), and nothing outside the project is read."""
    if not config.report.logo:
        return None
    where = f"{config.source or 'fosterreport.toml'}: [report] logo {config.report.logo!r}"
    base = Path(config.base).resolve()
    path = config.resolve(config.report.logo)
    if path is None or not path.is_relative_to(base):
        raise ConfigError(f"{where} must be inside the project folder {base}")
    if not path.is_file():
        raise ConfigError(f"{where}: file not found: {path}")
    kind = mimetypes.guess_type(path.name)[0]
    if kind not in ("image/svg+xml", "image/png", "image/jpeg"):
        raise ConfigError(f"{where}: use an SVG, PNG or JPEG file")
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def report_title(config: "Config", period) -> str:
    """The configured title; the default one says "Quarterly" for a quarter."""
    from fosterreport.config import ReportSettings

    title = config.report.title
    if period.quarter is not None and title == ReportSettings().title:
        title = "Fostering Service Quarterly Report"
    return title


def document_date(config: "Config", results: "KpiResults") -> str:
    """The date pinned into the PDF's metadata: SOURCE_DATE_EPOCH, else the meeting
    date, else the day after the period ends — never "now"."""
    import os
    from datetime import datetime, timezone

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    day = config.report.meeting_date or (results.period.end + timedelta(days=1))
    return f"{day.isoformat()}T00:00:00Z"


def build_context(results: "KpiResults", extracts: "Extracts", config: "Config", *,
                  narrative_folder: Path | None = None) -> ReportContext:
    """The one render context for every output format (see the module docstring)."""
    from fosterreport.render.narrative import load_narratives

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
    for number, section in enumerate(sections, start=1):
        section.number = number
    table_number = figure_number = 0
    for section in sections:
        for block in section.blocks:
            if block.kind == "chart":
                figure_number += 1
                block.item.number = figure_number
                table_number += 1
                block.item.table.number = table_number
            else:
                table_number += 1
                block.item.number = table_number
    definitions = builder.definitions()
    for table in definitions:
        table_number += 1
        table.number = table_number
    quality = builder.data_quality()
    for key in ("files", "warnings"):
        if quality[key] is not None:
            table_number += 1
            quality[key].number = table_number

    title = f"{report_title(config, period)} {period.label}"
    context = ReportContext(
        cover=Cover(
            authority=config.authority.name, service=config.authority.service,
            committee=config.report.committee,
            meeting_date=format_date(config.report.meeting_date) if config.report.meeting_date else "to be confirmed",
            title=title, period_words=period.in_words, author=config.report.author,
            status=config.report.status, recommendation=Narrative(),
            logo_src=_logo(config), logo_alt=f"{config.authority.name} logo",
            sample_notice=("This report was built from the embedded sample data: a fictional council. "
                           "Its figures describe no real service.") if extracts.is_sample else None),
        period_label=period.label, previous_label=builder.previous_label,
        period_end=builder.end_words, sections=sections, definitions=definitions, rules=builder.rules(),
        data_quality=quality, left_out=left_out, suppress_below=f.suppress_below, version=__version__,
        document_date=document_date(config, results))
    context.data_quality["measures_left_out"] = list(results.left_out)

    folder = narrative_folder if narrative_folder is not None else config.resolve(config.report.narrative)
    narratives, recommendation, notices = load_narratives(folder, f, context)
    for section in sections:
        if section.id in narratives:
            section.narrative = narratives[section.id]
    context.cover.recommendation = recommendation
    context.notices.extend(notices)
    return context
