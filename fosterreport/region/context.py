"""The regional report's render context: every figure already text, tables and charts.

Like :mod:`fosterreport.context` for one council, :func:`build_region_context` turns
:class:`~fosterreport.region.figures.RegionResults` into plain values (the council
report's :class:`~fosterreport.context.Table`, :class:`~fosterreport.context.ChartSpec`
and :class:`~fosterreport.context.Section`), so that ``templates/region.html`` and
``templates/region.md.j2`` only lay things out and the formats cannot disagree. Figures
become text here, through :func:`fosterreport.context.format_value`; whether a figure is
suppressed was decided once, in :mod:`fosterreport.region.figures`.

The funnel comparison is small multiples: one panel per council (and the region first),
each on its own scale, so a small council's funnel has the same shape on the page as a
large one's; every bar carries its number, and the numbers are in the table after it
(:func:`fosterreport.render.svg_charts.funnels_svg` draws it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Iterable

from fosterreport import __version__
from fosterreport.context import (
    Cell, ChartSpec, Row, Section, Series, Table, format_value, join_words, number_sections,
)
from fosterreport.context.recruitment import FUNNEL as COUNCIL_FUNNEL
from fosterreport.kpis.catalogue import AGGREGATIONS
from fosterreport.formatting import NOT_AVAILABLE, SUPPRESSED, format_change, format_date, format_direction
from fosterreport.text import strip_controls

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.region.figures import CouncilFigure, RegionKpi, RegionResults

HEADLINES = ("households_end", "approvals", "deregistrations", "net_change", "deregistration_rate", "enquiries",
             "approvals_from_enquiries", "enquiry_to_approval_rate", "occupancy_rate", "mockingbird_share")
#: The funnel's stages, the council report's (:data:`fosterreport.context.recruitment.FUNNEL`).
FUNNEL = tuple((stage, kpi_id) for stage, kpi_id, _ in COUNCIL_FUNNEL)


def _titles() -> dict[str, str]:
    from fosterreport.kpis.catalogue import SECTIONS

    return {"summary": "Summary", "councils": "Councils and their data", "trend": "The region's trend",
            "funnels": "Recruitment funnels compared", "breakdowns": "Breakdowns by council",
            **{sid: f"{title}: councils compared" for sid, title in SECTIONS.items()}}


#: The regional report's sections in order, by id (a narrative file's name): their headings.
SECTION_TITLES: dict[str, str] = _titles()


@dataclass
class RegionCover:
    authority: str  # the hub's name; ``cover.status`` feeds the stylesheet's running head
    committee: str
    meeting_date: str
    title: str
    period_words: str
    author: str
    status: str
    councils: str


@dataclass
class RegionContext:
    cover: RegionCover
    period_label: str
    previous_label: str
    sections: list[Section]
    definitions: Table
    rules: list[str]
    version: str = __version__
    lang: str = "en-GB"
    document_date: str = ""

    @property
    def contents(self) -> list[tuple[str, str]]:
        return [(s.anchor, s.heading) for s in self.sections] + [("appendix-a", "Appendix A: How the figures are made")]

    @property
    def charts(self) -> list[ChartSpec]:
        return [chart for section in self.sections for chart in section.charts.values()]


# -- figures as text -----------------------------------------------------------------------


def text(value, unit: str, suppressed: bool = False) -> str:
    return SUPPRESSED if suppressed else format_value(value, unit)


def distance_text(entry: "RegionKpi", figure: "CouncilFigure") -> str:
    if figure.suppressed or entry.suppressed:
        return SUPPRESSED
    unit = "number" if entry.kpi.unit == "count" else entry.kpi.unit
    return format_change(figure.distance, unit)


def rank_text(figure: "CouncilFigure") -> str:
    if figure.suppressed:
        return SUPPRESSED
    return NOT_AVAILABLE if figure.rank is None else f"{figure.rank}{'=' if figure.tied else ''}"


def change_cell(entry: "RegionKpi") -> tuple[Cell, Cell]:
    if entry.suppressed or entry.previous_suppressed:
        return Cell(SUPPRESSED), Cell(SUPPRESSED, "dir", "n/a")
    return (Cell(format_change(entry.change, entry.kpi.unit)),
            Cell(format_direction(entry.direction), "dir", entry.direction or "n/a"))


# -- the context ---------------------------------------------------------------------------


class RegionReport:
    """Builds the regional report's sections from :class:`RegionResults`."""

    def __init__(self, region: "RegionResults", config: "Config"):
        self.region = region
        self.config = config
        self.label = region.period.label
        self.previous_label = region.period.previous().label
        self.names = {council.key: council.name for council in region.councils}
        #: A trend of financial years, or of same-length periods before a custom one.
        self.year_heading = "Period" if region.period.custom else "Financial year"
        #: When the previous figures are from: a year earlier, or the end of the period before a custom one.
        self.earlier = region.period.before_words
        from fosterreport.context import Figures

        #: The regional figures as report text, withheld by the region's threshold: the
        #: council report's own :class:`~fosterreport.context.Figures` (targets, RAG too).
        self.figures = Figures(region.combined, region.suppress_below) if region.combined is not None else None

    def value(self, kpi_id: str, which: str = "value") -> str:
        entry = self.region.values.get(kpi_id)
        if entry is None:
            return NOT_AVAILABLE
        if which == "previous":
            return text(entry.previous, entry.kpi.unit, entry.previous_suppressed)
        return text(entry.value, entry.kpi.unit, entry.suppressed)

    def reporting(self, entry: "RegionKpi") -> str:
        built = len(self.region.built)
        return f"{len(entry.councils)}" if len(entry.councils) == built else f"{len(entry.councils)} of {built}"

    def measures(self, table_id: str, caption: str, ids: Iterable[str]) -> Table | None:
        rows = []
        for kpi_id in ids:
            entry = self.region.values.get(kpi_id)
            if entry is None:
                continue
            change, moved = change_cell(entry)
            label = entry.kpi.label + (f" ({entry.note})" if entry.note else "")
            rows.append((entry, Row(label, [Cell(self.value(kpi_id)), Cell(self.value(kpi_id, "previous")), change,
                                            moved, Cell(self.reporting(entry))])))
        head = ["Measure", self.label, self.previous_label, "Change", "Direction", "Councils"]
        notes = ["Councils: how many councils the regional figure is made from."]
        if any(entry.target is not None for entry, _ in rows):  # as the council report: only where targets are set
            head[2:2] = ["Target", "RAG"]
            for entry, row in rows:
                row.cells[1:1] = [Cell(self.figures.target(entry.kpi.id, entry.target)),
                                  self.figures.rag(entry.rag, entry.kpi.id)]
            notes.append(self.rag_note())
        return Table(table_id, caption, head, [row for _, row in rows], notes) if rows else None

    def rag_note(self) -> str:
        rules = self.config.rules
        return (f"Target: the region's own ([targets] of the hub's fosterreport.toml). RAG: Green = on or better "
                f"than target, or short of it by at most {format_value(rules.rag_green_tolerance, 'rate')} of the "
                f"target; Amber = short by up to {format_value(rules.rag_red_threshold, 'rate')}; Red = short by "
                f"more.")

    def scorecard(self) -> Table | None:
        """Every ``[targets]`` key of the region's config, as the council report's scorecard."""
        from fosterreport.context.tables import TableBuilder

        combined = self.region.combined
        if combined is None or not combined.scorecard:
            return None
        publication = self.config.publication.model_copy(update={"suppress_below": self.region.suppress_below})
        builder = TableBuilder(combined, None, self.config.model_copy(update={"publication": publication}))
        return builder.scorecard_table("region-scorecard", f"The region against its targets, {self.label}",
                                       combined.scorecard)

    def breakdowns(self, s: Section) -> None:
        """Each of :data:`~fosterreport.region.figures.BREAKDOWNS`: councils as rows, keys as
        columns, the region's row last; withheld cells (decided in :mod:`.figures`) print "c"."""
        for found in self.region.breakdowns:
            axis = found.kpi.breakdown(found.name)
            unit = found.kpi.unit
            rows = [Row(self.names[key], [Cell(text(cell.value, unit, cell.suppressed)) for cell in line.values()])
                    for key, line in found.councils.items()]
            rows.append(Row(f"Region ({len(found.councils)} councils)",
                            [Cell(text(cell.value, unit, cell.suppressed)) for cell in found.region.values()],
                            total=True))
            notes = ["The region's row adds up the councils' figures key by key."]
            hidden = any(cell.suppressed for line in [found.region, *found.councils.values()] for cell in line.values())
            if hidden:
                notes.append("c: a small number, not published, or a figure that would give one away (Appendix A).")
            table_id = f"by-{found.kpi.id}-{found.name}".replace("_", "-")
            s.add(found.key, Table(table_id, f"{found.kpi.label} by {axis.title.lower()}, {self.label}, by council",
                                   ["Council", *(axis.label(code) for code in found.codes)], rows, notes, wide=True),
                  heading=f"{found.kpi.label} by {axis.title.lower()}")

    def comparison(self, entry: "RegionKpi") -> Table:
        kpi, sums = entry.kpi, entry.sums
        best = "highest" if kpi.polarity == "higher" else "lowest"
        head = ["Council", self.label] + (["Share of region", "Difference from the average council"] if sums
                                          else ["Difference from the region"]) + ([f"Rank (1 = {best})"]
                                                                                  if entry.ranked else [])
        rows = []
        for key, figure in entry.councils.items():
            cells = [Cell(text(figure.value, kpi.unit, figure.suppressed))]
            if sums:
                cells.append(Cell(SUPPRESSED if figure.suppressed or entry.suppressed
                                  else format_value(figure.share, "rate")))
            cells.append(Cell(distance_text(entry, figure)))
            if entry.ranked:
                cells.append(Cell(rank_text(figure)))
            rows.append(Row(self.names[key], cells))
        total = [Cell(self.value(kpi.id))] + ([Cell("100.0%" if any(f.share is not None for f in
                                                                     entry.councils.values()) else NOT_AVAILABLE)]
                                               if sums else []) + [Cell(NOT_AVAILABLE)]
        rows.append(Row(f"Region ({len(entry.councils)} councils)", total + ([Cell(NOT_AVAILABLE)] if entry.ranked
                                                                             else []), total=True))
        return Table(f"compare-{kpi.id.replace('_', '-')}", f"{kpi.label}, {self.label}, by council", head, rows,
                     self.comparison_notes(entry), style="compare")

    def comparison_notes(self, entry: "RegionKpi") -> list[str]:
        kpi, notes = entry.kpi, []
        if entry.aggregation == "ratio" and not entry.suppressed and entry.numerator is not None:
            if kpi.unit in ("rate", "ratio"):
                unit = "money" if isinstance(entry.numerator, Decimal) else "count"
                notes.append(f"The regional figure is {format_value(entry.numerator, unit)} \u00f7 "
                             f"{format_value(entry.denominator, unit)}: the councils' numerators and "
                             f"denominators added up, not an average of their {kpi.unit}s.")
            else:
                notes.append("The regional figure is the councils' outturn added up, divided by their placement "
                             "weeks added up.")
        elif entry.aggregation == "median" and not entry.suppressed:
            notes.append(f"The regional median is taken over the {format_value(entry.cases, 'count')} cases of all "
                         f"the councils together, not from their medians.")
        if not entry.ranked:
            notes.append("Neither higher nor lower is better, so the councils are not ranked.")
        elif any(figure.tied for figure in entry.councils.values()):
            notes.append("\u201c=\u201d marks councils with the same figure, which share a rank.")
        for key in entry.not_reporting:
            council = next(c for c in self.region.councils if c.key == key)
            absent = [name for name in kpi.files() if name.removesuffix(".csv") not in council.files]
            why = f"{join_words(absent)} not supplied" if absent else "no figures for the period"
            notes.append(f"Not available for {self.names[key]} ({why}).")
        if any(f.suppressed for f in entry.councils.values()) or entry.suppressed:
            notes.append("c: a small number, not published (Appendix A).")
        return notes

    # sections ----------------------------------------------------------------------------

    def summary(self, s: Section) -> None:
        region, built, failed = self.region, self.region.built, self.region.failed
        s.facts.append(f"This report compares the fostering services of the {len(region.councils)} councils of "
                       f"{region.name} for {self.label} ({region.period.in_words}).")
        if failed:
            s.facts.append(f"{len(failed)} {'council' if len(failed) == 1 else 'councils'} could not be built and "
                           f"{'is' if len(failed) == 1 else 'are'} left out of every regional figure: "
                           f"{join_words([c.name for c in failed])} (section 2). The regional figures are those "
                           f"of the other {len(built)}.")
        if "households_end" in region:
            s.facts.append(f"On {format_date(region.period.end)} the region had {self.value('households_end')} "
                           f"fostering households, against {self.value('households_end', 'previous')} "
                           f"{self.earlier}: {self.value('approvals')} were approved and {self.value('deregistrations')} "
                           f"deregistered during {self.label}.")
        if "enquiry_to_approval_rate" in region:
            entry = region["enquiry_to_approval_rate"]
            who = "The councils" if not entry.not_reporting else (
                f"The {len(entry.councils)} councils that supplied enquiries.csv")
            s.facts.append(f"{who} received {self.value('enquiries')} enquiries and approved "
                           f"{self.value('approvals_from_enquiries')} households from enquiries: a regional "
                           f"enquiry-to-approval rate of {self.value('enquiry_to_approval_rate')}, against "
                           f"{self.value('enquiry_to_approval_rate', 'previous')} in {self.previous_label}.")
            shown = [(f.value, key) for key, f in entry.councils.items() if f.value is not None and not f.suppressed]
            if len(shown) >= 2:
                low, high = min(shown), max(shown)
                s.facts.append(f"By council it ranged from {format_value(low[0], 'rate')} ({self.names[low[1]]}) "
                               f"to {format_value(high[0], 'rate')} ({self.names[high[1]]}).")
        s.add("headlines", self.measures("headlines", f"Regional headline figures, {self.label}", HEADLINES))
        s.add("scorecard", self.scorecard())

    def councils(self, s: Section) -> None:
        from fosterreport.contract import EXTRACTS
        from fosterreport.region.export import problem_counts

        s.facts.append("Each council's own full report is in the folder named after the council, beside this "
                       "report's folder.")
        status = {"invalid": "extracts invalid", "config": "settings invalid", "render": "report could not be "
                  "rendered", "internal": "internal error"}
        rows = []
        for council in self.region.councils:
            files = [model.file for name, model in EXTRACTS.items() if name in council.files]
            missing = [model.file for name, model in EXTRACTS.items() if name not in council.files]
            report = "Built" if council.ok else f"Not built: {status[council.status]}"
            rows.append(Row(council.name, [Cell(report, "text"), Cell(f"{len(files)} of {len(EXTRACTS)}", "text"),
                                           Cell(", ".join(missing) or "none", "text"),
                                           Cell(format_value(council.error_count, "count")),
                                           Cell(format_value(council.warning_count, "count"))], code=council.key))
        s.add("files", Table("councils", "Councils in the region and the files each supplied",
                             ["Council (folder)", "Report", "Files supplied", "Not supplied", "Errors", "Warnings"],
                             rows, ["A file not supplied leaves out the measures built from it for that council; "
                                    "the regional figures then come from the councils that supplied it."],
                             wide=True))
        failed = self.region.failed
        if not failed:
            return
        rows = []
        for council in failed:
            counts = problem_counts(council) or [{"file": "fosterreport.toml" if council.status == "config" else
                                                  "(report)", "rule": council.status, "count": len(council.messages)}]
            for item in counts:
                rule = item["rule"] + (" (warning)" if item.get("severity") == "warning" else "")
                rows.append(Row(council.name, [Cell(strip_controls(item["file"]), "text"), Cell(rule, "code"),
                                               Cell(format_value(item["count"], "count"))]))
        s.add("failed", Table("failed", "Councils not built: their problems by file and rule",
                              ["Council", "File", "Rule", "Problems"], rows,
                              ["Run `fosterreport validate` in the council's folder for the line of each problem."]),
              heading="Councils not built")

    def trend(self, s: Section) -> None:
        points = [p for p in self.region.trend if p.values]
        if len(points) < 2:
            return
        years = [p.period.label for p in points]
        span = f"{years[0]} to {years[-1]}"

        def cell(point, kpi_id: str) -> str:
            entry = self.region.values.get(kpi_id)
            if entry is None or kpi_id not in point.values:
                return NOT_AVAILABLE
            return text(point.values[kpi_id], entry.kpi.unit, point.suppressed.get(kpi_id, False))

        series = []
        for kpi_id, name in (("households_end", "Households at end of year"), ("approvals", "Approvals"),
                             ("deregistrations", "Deregistrations")):
            texts = [cell(p, kpi_id) for p in points]
            values = [None if t in (SUPPRESSED, NOT_AVAILABLE) else p.values.get(kpi_id) for t, p in zip(texts, points)]
            series.append(Series(name, values, texts))
        households = ("households_end", "approvals", "deregistrations", "net_change", "deregistration_rate")
        table = Table("region-trend", f"The region's households, approvals and deregistrations, {span}",
                      [self.year_heading, "Households at end", "Approvals", "Deregistrations", "Net change",
                       "Deregistration rate"], [Row(p.period.label, [Cell(cell(p, k)) for k in households])
                                                for p in points])
        alt = (f"Line chart and bar chart, {span}, the region's councils together. "
               + " ".join(f"{se.name}: " + "; ".join(f"{y} {t}" for y, t in zip(years, se.texts)) + "."
                          for se in series))
        s.facts.append(f"Each year adds up the councils whose reports were built ({len(self.region.built)}), "
                       f"from their own extracts; rates are recomputed from the summed counts.")
        s.add("trend", ChartSpec("region-trend", "trend", f"The region's households, approvals and "
                                 f"deregistrations, {span}", alt, years, series, table))
        recruitment = ("enquiries", "initial_visits", "applications", "approvals_from_enquiries",
                       "enquiry_to_approval_rate")
        if any(k in self.region.values for k in recruitment):
            s.add("recruitment", Table(
                "region-recruitment-trend", f"The region's recruitment, {span}",
                [self.year_heading, "Enquiries", "Initial visits", "Applications", "Approvals from enquiries",
                 "Enquiry to approval"], [Row(p.period.label, [Cell(cell(p, k)) for k in recruitment]) for p in points]))

    def funnel(self, s: Section) -> None:
        values = self.region.values
        if not all(kpi_id in values for _, kpi_id in FUNNEL):
            return
        keys = [key for key in self.names if key in values["enquiries"].councils]
        panels = [("region", f"Region ({len(keys)} councils)")] + [(key, self.names[key]) for key in keys]

        def figure(kpi_id, key):
            entry = values[kpi_id]
            if key == "region":
                return entry.value, text(entry.value, "count", entry.suppressed)
            found = entry.councils.get(key)
            return (None, NOT_AVAILABLE) if found is None else (found.value, text(found.value, "count",
                                                                                   found.suppressed))

        series = []
        for stage, kpi_id in FUNNEL:
            pairs = [figure(kpi_id, key) for key, _ in panels]
            series.append(Series(stage, [None if t in (SUPPRESSED, NOT_AVAILABLE) else v for v, t in pairs],
                                 [t for _, t in pairs]))
        rate = values.get("enquiry_to_approval_rate")
        rows = []
        for index, (key, name) in enumerate(panels):
            conversion = NOT_AVAILABLE
            if rate is not None:
                found = rate if key == "region" else rate.councils.get(key)
                conversion = NOT_AVAILABLE if found is None else text(found.value, "rate", found.suppressed)
            rows.append(Row(name, [Cell(se.texts[index]) for se in series] + [Cell(conversion)], total=key == "region"))
        rows.append(rows.pop(0))  # the region's row last, as a total
        table = Table("funnels", f"Recruitment funnels by council, {self.label}",
                      ["Council"] + [stage for stage, _ in FUNNEL] + ["Enquiry to approval"], rows,
                      ["Each stage counts the enquiries that reached it in the period (same-period counts)."])
        alt = (f"Bar charts, one per council, {self.label}: enquiries, initial visits, applications and approvals. "
               + " ".join(f"{name}: " + ", ".join(f"{se.texts[i]} {se.name.lower()}" for se in series) + "."
                          for i, (_, name) in enumerate(panels)))
        s.facts.append("Each council's funnel is drawn on its own scale, so that funnels of councils of different "
                       "sizes can be compared by their shape; the numbers are on the bars and in the table.")
        s.add("funnels", ChartSpec("funnels", "funnels", f"Recruitment funnels compared, {self.label}", alt,
                                   [name for _, name in panels], series, table))

    def section(self, s: Section, section_id: str) -> None:
        from fosterreport.kpis.catalogue import SECTIONS, kpis_in

        entries = [self.region.values[k.id] for k in kpis_in(section_id) if k.id in self.region.values]
        s.add("measures", self.measures(f"{section_id}-region",
                                        f"{SECTIONS[section_id]}: the region's figures, {self.label}",
                                        [e.kpi.id for e in entries]))
        for entry in entries:
            s.add(entry.kpi.id, self.comparison(entry), heading=entry.kpi.label)

    def definitions(self) -> Table:
        from fosterreport.kpis.catalogue import CATALOGUE

        rows = [Row(kpi.label, [Cell(kpi.definition, "text"), Cell(AGGREGATIONS[kpi.aggregation].capitalize() + ".", "text")],
                    code=kpi.id) for kpi in CATALOGUE if kpi.id in self.region.values]
        return Table("definitions", "Measures and how the region's figure is made",
                     ["Measure (id)", "Definition", "The region's figure"], rows, style="definitions")

    def rules(self) -> list[str]:
        region, threshold = self.region, self.region.suppress_below
        rules = [
            f"The period is {region.period.in_words} ({self.label}), compared with {self.previous_label}.",
            "Counts and money add up across councils. Rates and ratios are recomputed from the councils' "
            "numerators and denominators added up, never averaged, so each council weighs by its size. The two "
            "medians are taken over every council's cases pooled, since a median cannot be made from medians.",
            "A council's rank is 1 for the best figure in the measure's better direction; councils with the same "
            "figure share a rank (\u201c2=\u201d) and the next rank is skipped. Measures with no better direction "
            "are not ranked.",
            "Distance: for a rate, ratio or median, the council's figure minus the region's (in percentage points "
            "for rates); for a count or an amount, whose regional figure is a total, the council's figure minus "
            "the average council's, with its share of the total.",
            "A measure a council could not compute (its file was not supplied) is left out of that council's row "
            "and of the regional figure, and the table says so.",
        ]
        if threshold or any(c.suppress_below for c in region.built):
            rules.append(f"Small numbers are suppressed: each council's figures by its own threshold, the region's "
                         f"figures below {threshold}. A suppressed figure prints \u201cc\u201d and has no rank, "
                         f"distance or share; ranks count published figures only. Only primary suppression is "
                         f"applied: a hidden council figure can sometimes be worked out from the regional total.")
        else:
            rules.append("Small-number suppression: none; every figure is published as computed.")
        return rules


def build_region_context(region: "RegionResults", config: "Config") -> RegionContext:
    """The one render context for every format of the regional report."""
    from fosterreport.context import document_date
    from fosterreport.kpis.catalogue import SECTIONS

    report = RegionReport(region, config)
    built, failed = len(region.built), len(region.failed)
    fills = {"summary": report.summary, "councils": report.councils, "trend": report.trend,
             "funnels": report.funnel, "breakdowns": report.breakdowns}
    sections = []
    for section_id, title in SECTION_TITLES.items():
        fill = fills.get(section_id) or (lambda s, sid=section_id: report.section(s, sid))
        section = Section(section_id, title)
        fill(section)
        if section.blocks or section.facts:
            sections.append(section)
    tables = number_sections(sections)
    definitions = report.definitions()
    definitions.number = tables + 1
    settings = config.report
    title = settings.title if "title" in settings.model_fields_set else "Regional Fostering Comparison"
    cover = RegionCover(
        authority=region.name, committee=settings.committee,
        meeting_date=format_date(settings.meeting_date) if settings.meeting_date else "to be confirmed",
        title=f"{title} {region.period.label}", period_words=region.period.in_words, author=settings.author,
        status=settings.status,
        councils=f"{len(region.councils)} councils: {built} reports built"
                 + (f", {failed} could not be built" if failed else ""))
    return RegionContext(cover, report.label, report.previous_label, sections, definitions, report.rules(),
                         document_date=document_date(config, region))
