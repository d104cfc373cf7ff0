"""The region's figures: each council's value side by side with the regional one.

How a regional figure is made is the KPI's ``aggregation``, declared in the catalogue, and
it is made from the councils' own figures (:class:`~fosterreport.kpis.results.Figure`,
which keep what they were computed from), for the period, the year before and every
trend year alike:

* **sum** and **money** — counts, pounds and averages over time (``average_children_placed``)
  add up across councils: each council's households, children and pounds are its own.
* **ratio** — rates, ratios and ``cost_per_placement_week`` are recomputed from the
  councils' numerators and denominators summed: Σ approvals ÷ Σ enquiries, never a mean
  of the councils' rates (which would weigh a council of 30 households like one of 300).
* **median** — the two medians are taken over every council's cases pooled. A median
  cannot be made from the councils' medians, so each figure keeps its day counts (a few
  dozen numbers per council), never the records.

Each council gets a **rank** (1 = best in the KPI's polarity; ties share a rank, the next
rank is skipped; neutral KPIs are not ranked) and a **distance**: its value minus the
regional value for ratios and medians, and minus the average council's (the regional
total ÷ the councils reporting it) for sums, whose regional value is a total; sums also
get each council's **share** of the total.

Small-number suppression is decided here, by the one rule of
:func:`fosterreport.kpis.results.withheld` on each figure's own basis (the regional
figure's basis is the councils' added up), so the report, the JSON and the CSV agree: a
council's figure by its own ``suppress_below``, the region's by the largest of the
region's and its councils'. A suppressed figure has no rank, distance or share, and
ranks are counted among the published figures only, so a gap in the ranks cannot point
at a hidden one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fosterreport.kpis.catalogue import BY_ID, CATALOGUE, TREND_SECTIONS, Kpi
from fosterreport.kpis.comparison import difference, direction
from fosterreport.kpis.results import (
    Figure, KpiResults, KpiValue, _protect, median_days, ratio_value, uncovered, withheld,
)
from fosterreport.region.councils import CouncilOutcome, trend_periods

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.periods import Period


def _added(bases: list[tuple[int, ...]]) -> tuple[int, ...]:
    """The counts figures rest on, added up place by place (nothing when they differ in shape)."""
    return tuple(map(sum, zip(*bases))) if len({len(basis) for basis in bases}) == 1 else ()


def _total(values: list):
    """Values added up (pounds stay Decimal); None when any is None."""
    if not values or any(value is None for value in values):
        return None
    return sum(values[1:], values[0])


def combine(kpi: Kpi, figures: list[Figure]) -> Figure:
    """The regional figure from the councils' figures, by the KPI's aggregation (see the
    module docstring); its basis is theirs added up. A figure one council's extracts cannot
    support leaves the region's not computed either (a part is not the whole).

    Each breakdown with fixed keys (household type, source …: not budget lines, whose
    names are each council's own) is combined key by key the same way, its basis too, so
    that the region's breakdown is suppressed by the one rule as a council's is. Medians
    have no regional breakdown: their day counts are kept for the whole figure only.
    """
    gap = next((figure.not_covered for figure in figures if figure.not_covered), None)
    if gap:
        return uncovered(figures[0], f"a council's {gap}")
    basis = _added([figure.basis for figure in figures])
    if kpi.aggregation == "median":
        pooled = tuple(sorted(day for figure in figures for day in figure.samples or ()))
        return Figure(median_days(pooled), samples=pooled, basis=(len(pooled),))
    by, numerator_by, denominator_by, basis_by = {}, {}, {}, {}
    for axis in kpi.axes:
        if axis.keys is None or not all(axis.name in figure.by for figure in figures):
            continue
        keys = list(dict.fromkeys(key for figure in figures for key in figure.by[axis.name]))
        basis_by[axis.name] = {key: _added([figure.basis_of(axis.name, key) for figure in figures]) for key in keys}
        if kpi.aggregation in ("sum", "money"):
            by[axis.name] = {key: _total([figure.by[axis.name].get(key) for figure in figures]) for key in keys}
            continue
        if not all(axis.name in figure.numerator_by and axis.name in figure.denominator_by for figure in figures):
            del basis_by[axis.name]
            continue
        tops = {key: _total([figure.numerator_by[axis.name].get(key) for figure in figures]) for key in keys}
        bottoms = {key: _total([figure.denominator_by[axis.name].get(key) for figure in figures]) for key in keys}
        numerator_by[axis.name], denominator_by[axis.name] = tops, bottoms
        by[axis.name] = {key: ratio_value(tops[key], bottoms[key], kpi.unit) for key in keys}
    if kpi.aggregation in ("sum", "money"):
        values = [figure.value for figure in figures if figure.value is not None]
        return Figure(sum(values[1:], values[0]) if values else None, by=by, basis=basis, basis_by=basis_by)
    if any(figure.numerator is None or figure.denominator is None for figure in figures):
        return Figure(None)
    numerator = sum(figure.numerator for figure in figures[1:]) + figures[0].numerator
    denominator = sum(figure.denominator for figure in figures[1:]) + figures[0].denominator
    return Figure(ratio_value(numerator, denominator, kpi.unit), by=by, numerator=numerator, denominator=denominator,
                  numerator_by=numerator_by, denominator_by=denominator_by, basis=basis, basis_by=basis_by)


# -- results ------------------------------------------------------------------------------


@dataclass
class CouncilFigure:
    """One council's figure for one KPI, placed against the region."""

    value: Any
    previous: Any
    direction: str
    numerator: Any = None
    denominator: Any = None
    cases: int | None = None
    suppressed: bool = False
    previous_suppressed: bool = False
    rank: int | None = None
    tied: bool = False
    distance: Any = None
    share: float | None = None
    note: str | None = None


@dataclass
class RegionKpi:
    """One KPI across the region: the regional figure and every reporting council's."""

    kpi: Kpi
    aggregation: str
    value: Any
    numerator: Any = None
    denominator: Any = None
    cases: int | None = None
    previous: Any = None
    change: Any = None
    direction: str = "n/a"
    suppressed: bool = False
    previous_suppressed: bool = False
    #: Council key -> figure, in folder order; councils without the KPI are absent.
    councils: dict[str, CouncilFigure] = field(default_factory=dict)
    #: Councils whose report was built but which could not give this KPI (a file absent).
    not_reporting: list[str] = field(default_factory=list)
    note: str | None = None
    #: ``[targets]`` of the region's config for this KPI, and the regional figure's RAG
    #: against it (judged by the council's own code, :mod:`fosterreport.kpis.engine`).
    target: float | None = None
    rag: str | None = None
    #: The regional figures themselves, with their parts and breakdowns (see :func:`combine`).
    figure: Figure | None = field(default=None, repr=False)
    before: Figure | None = field(default=None, repr=False)

    @property
    def sums(self) -> bool:
        """A total (of counts or pounds), whose councils each have a share of it."""
        return self.aggregation in ("sum", "money")

    @property
    def ranked(self) -> bool:
        return self.kpi.polarity != "neutral"


@dataclass(frozen=True)
class BreakdownCell:
    value: Any
    suppressed: bool = False


#: The breakdowns the regional report compares council by council: ``(kpi, breakdown)``.
BREAKDOWNS = (("enquiries", "source"), ("approvals", "household_type"), ("deregistrations", "reason"),
              ("households_end", "household_type"))


@dataclass
class RegionBreakdown:
    """One breakdown of one KPI, council by council (rows) and key by key (columns), with
    the region's row; each cell withheld as :func:`breakdown` decides."""

    kpi: Kpi
    name: str
    codes: list[str]
    #: Council key -> code -> cell, in folder order (councils that computed the KPI).
    councils: dict[str, dict[str, BreakdownCell]]
    region: dict[str, BreakdownCell]

    @property
    def key(self) -> str:
        """``enquiries.source``: its key in the JSON."""
        return f"{self.kpi.id}.{self.name}"

    @property
    def title(self) -> str:
        return self.kpi.breakdown(self.name).title


@dataclass
class RegionTrendPoint:
    """The region's household and recruitment figures for one financial year."""

    period: "Period"
    values: dict[str, Any]
    suppressed: dict[str, bool] = field(default_factory=dict)


@dataclass
class RegionResults:
    """Everything the regional report, JSON and CSV show; built by :func:`compare`."""

    name: str
    period: "Period"
    councils: list[CouncilOutcome]  # every council, in folder order, failed ones too
    values: dict[str, RegionKpi]  # catalogue order
    trend: list[RegionTrendPoint] = field(default_factory=list)
    suppress_below: int = 0
    #: KPIs no council could compute, with the reason.
    left_out: list[str] = field(default_factory=list)
    #: The region as one council: its figures as :class:`KpiResults` (values with the
    #: region's targets and RAG, its scorecard), which the narrative's placeholders and
    #: the scorecard read exactly as a council report's do.
    combined: KpiResults | None = None
    #: :data:`BREAKDOWNS`, council by council (those computed).
    breakdowns: list[RegionBreakdown] = field(default_factory=list)

    @property
    def built(self) -> list[CouncilOutcome]:
        return [council for council in self.councils if council.ok]

    @property
    def failed(self) -> list[CouncilOutcome]:
        return [council for council in self.councils if not council.ok]

    def name_of(self, key: str) -> str:
        return next(council.name for council in self.councils if council.key == key)

    def __getitem__(self, kpi_id: str) -> RegionKpi:
        return self.values[kpi_id]

    def __contains__(self, kpi_id: str) -> bool:
        return kpi_id in self.values


# -- comparing the councils ---------------------------------------------------------------


def rank(figures: dict[str, CouncilFigure], polarity: str) -> None:
    """Competition ranking (1, 2, 2, 4) among the published figures; neutral: none."""
    if polarity == "neutral":
        return
    shown = {key: figure.value for key, figure in figures.items()
             if figure.value is not None and not figure.suppressed}
    for key, value in shown.items():
        better = sum(1 for other in shown.values() if (other > value if polarity == "higher" else other < value))
        figures[key].rank = better + 1
        figures[key].tied = sum(1 for other in shown.values() if other == value) > 1


def place(entry: RegionKpi) -> None:
    """Each council's distance from the regional value (and share of a regional total)."""
    if entry.value is None or entry.suppressed:
        return
    published = [f for f in entry.councils.values() if f.value is not None]
    if entry.sums:
        average = entry.value / (Decimal(len(published)) if isinstance(entry.value, Decimal) else len(published))
        shares = entry.value > 0 and all(f.value >= 0 for f in published)
    for figure in published:
        if figure.suppressed:
            continue
        if entry.sums:
            figure.distance = figure.value - average
            figure.share = float(figure.value) / float(entry.value) if shares else None
        else:
            figure.distance = figure.value - entry.value


def council_figure(council: CouncilOutcome, kpi_id: str, period: "Period") -> Figure | None:
    """A council's own figure of a KPI for the period, the year before, or a trend year."""
    results = council.results
    found = results.values.get(kpi_id)
    if found is not None and period == results.period:
        return found.figure
    if found is not None and period == results.period.previous():
        return found.before
    point = next((point for point in results.trend if point.period == period), None)
    return None if point is None else point.figures.get(kpi_id)


def _figures(councils: list[CouncilOutcome], kpi_id: str, period: "Period") -> list[Figure] | None:
    """The councils' figures for one period; None when any council lacks the figure."""
    figures = [council_figure(council, kpi_id, period) for council in councils]
    return None if any(figure is None for figure in figures) else figures


def _entry(kpi: Kpi, built: list[CouncilOutcome], period: "Period", config: "Config",
           threshold: int) -> RegionKpi | None:
    reporting = [council for council in built if kpi.id in council.results.values]
    if not reporting:
        return None
    made = combine(kpi, _figures(reporting, kpi.id, period))
    before_figures = _figures(reporting, kpi.id, period.previous())
    before = combine(kpi, before_figures) if before_figures is not None else None
    previous = None if before is None else before.value
    entry = RegionKpi(
        kpi=kpi, aggregation=kpi.aggregation, figure=made, before=before, value=made.value, numerator=made.numerator,
        denominator=made.denominator, cases=made.cases, previous=previous,
        change=difference(made.value, previous),
        direction=direction(made.value, previous, kpi.polarity, config.rules.similar_tolerance),
        suppressed=withheld(made, threshold), previous_suppressed=withheld(before, threshold),
        not_reporting=[council.key for council in built if council not in reporting],
        note=next((v.note for c in reporting if (v := c.results.values[kpi.id]).note), None))
    for council in reporting:
        own = council.results.values[kpi.id]
        entry.councils[council.key] = CouncilFigure(
            value=own.value, previous=own.previous, direction=own.direction, numerator=own.numerator,
            denominator=own.denominator, cases=own.figure.cases, note=own.note,
            suppressed=withheld(own.figure, council.suppress_below),
            previous_suppressed=withheld(own.before, council.suppress_below))
    rank(entry.councils, kpi.polarity)
    place(entry)
    return entry


def breakdown(entry: RegionKpi, name: str, built: list[CouncilOutcome], threshold: int) -> RegionBreakdown | None:
    """The councils' cells of one breakdown and the region's, each withheld by the one rule.

    A council's cell is withheld as its own report withholds it (its threshold, and the
    second cell of its row that would give a withheld one away). The region's cell by the
    region's threshold, the same way along its row, and also wherever its column holds
    exactly one withheld council cell: the region's figure less the other councils' would
    be that cell. When that leaves one region cell withheld in a row that adds up to the
    published total, every non-zero region cell of the row is withheld, since any one
    shown could lead back to it.
    """
    kpi = entry.kpi
    if entry.figure is None or name not in entry.figure.by:
        return None
    codes = list(entry.figure.by[name])
    councils: dict[str, dict[str, BreakdownCell]] = {}
    for council in built:
        own = council.results.values.get(kpi.id) if council.key in entry.councils else None
        if own is None or name not in own.figure.by:
            continue
        councils[council.key] = {code: BreakdownCell(own.figure.by[name].get(code),
                                                     withheld(own.figure, council.suppress_below, name, code))
                                 for code in codes}
    cells = entry.figure.by[name]
    hidden = {code for code in codes if withheld(entry.figure, threshold, name, code)}
    hidden |= {code for code in codes if sum(row[code].suppressed for row in councils.values()) == 1}
    if len(hidden) == 1 and not entry.suppressed and _protect(cells, entry.value, hidden):
        hidden |= {code for code in codes if cells[code]}
    region = {code: BreakdownCell(cells[code], code in hidden) for code in codes}
    return RegionBreakdown(kpi, name, codes, councils, region)


def combined_results(name: str, period: "Period", values: dict[str, RegionKpi], config: "Config",
                     threshold: int) -> KpiResults:
    """The region's figures as one council's results: each judged against the region's
    ``[targets]`` (and its benchmarks) by the council's own code, the scorecard too."""
    from fosterreport.kpis.engine import _value as judged, scorecard  # (the council's judgement, not a copy)

    judgedvalues: dict[str, KpiValue] = {}
    for kpi_id, entry in values.items():
        kv = judgedvalues[kpi_id] = judged(entry.kpi, entry.figure, entry.before, config)
        entry.target, entry.rag = kv.target, kv.rag
    return KpiResults(authority=name, period=period, values=judgedvalues,
                      scorecard=scorecard(judgedvalues, config.target_refs(), config), suppress_below=threshold)


def _trend(values: dict[str, RegionKpi], built: list[CouncilOutcome], period: "Period", years: int,
           threshold: int) -> list[RegionTrendPoint]:
    points = []
    for year in trend_periods(period, years):
        point = RegionTrendPoint(year, {})
        for kpi_id, entry in values.items():
            if entry.kpi.section not in TREND_SECTIONS:
                continue
            councils = [c for c in built if c.key in entry.councils]
            found = [council_figure(council, kpi_id, year) for council in councils]
            if not any(figure is not None for figure in found):
                continue
            made = combine(entry.kpi, found) if all(figure is not None for figure in found) else Figure(None)
            point.values[kpi_id] = made.value
            point.suppressed[kpi_id] = withheld(made, threshold)
        points.append(point)
    return points


def compare(name: str, outcomes: list[CouncilOutcome], period: "Period", config: "Config", *,
            trend: int = 0, kpi_ids=None) -> RegionResults:
    """The region's figures from the councils' outcomes (in folder order)."""
    built = [council for council in outcomes if council.ok and council.results is not None]
    threshold = max([config.publication.suppress_below, *(c.suppress_below for c in built)])
    kpis = [BY_ID[kpi_id] for kpi_id in kpi_ids] if kpi_ids else list(CATALOGUE)
    kpis = [kpi for kpi in CATALOGUE if kpi in kpis]
    values: dict[str, RegionKpi] = {}
    left_out = []
    for kpi in kpis:
        entry = _entry(kpi, built, period, config, threshold) if built else None
        if entry is None:
            left_out.append(f"{kpi.id}: no council could compute it")
        else:
            values[kpi.id] = entry
    breakdowns = [found for kpi_id, axis in BREAKDOWNS if kpi_id in values
                  if (found := breakdown(values[kpi_id], axis, built, threshold)) is not None]
    return RegionResults(name=name, period=period, councils=list(outcomes), values=values,
                         trend=_trend(values, built, period, trend, threshold), suppress_below=threshold,
                         left_out=left_out, combined=combined_results(name, period, values, config, threshold),
                         breakdowns=breakdowns)
