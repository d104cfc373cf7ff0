"""The region's figures: each council's value side by side with the regional one.

How a regional figure is made depends on what the KPI is (:func:`aggregation`):

* **sum** — counts, money totals and averages over time (``average_children_placed``) add
  up across councils: each council's households, children and pounds are its own.
* **ratio** — rates, ratios and ``cost_per_placement_week`` are recomputed from the
  councils' numerators and denominators summed: Σ approvals ÷ Σ enquiries, never a mean
  of the councils' rates (which would weigh a council of 30 households like one of 300).
* **median** — the two medians are taken over every council's cases pooled. A median
  cannot be made from the councils' medians, so the workers send the day counts
  themselves (a few dozen numbers per council), never their records.

Each council gets a **rank** (1 = best in the KPI's polarity; ties share a rank, the next
rank is skipped; neutral KPIs are not ranked) and a **distance**: its value minus the
regional value for ratios and medians, and minus the average council's (the regional
total ÷ the councils reporting it) for sums, whose regional value is a total; sums also
get each council's **share** of the total.

Small-number suppression is decided here, once, so the report, the JSON and the CSV
agree: a council's figure by its own ``suppress_below``, the region's by the largest of
the region's and its councils'. A suppressed figure has no rank, distance or share, and
ranks are counted among the published figures only, so a gap in the ranks cannot point
at a hidden one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from fosterreport.formatting import is_suppressed
from fosterreport.kpis.catalogue import BY_ID, CATALOGUE, TREND_SECTIONS, Kpi
from fosterreport.kpis.comparison import difference, direction
from fosterreport.region.councils import MEDIANS, CouncilOutcome, pooled_median, trend_periods

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.periods import Period

PENCE = Decimal("0.01")
#: A money KPI that is a ratio (outturn ÷ placement weeks), not a total.
MONEY_RATIOS = ("cost_per_placement_week",)


def aggregation(kpi: Kpi) -> str:
    """``sum``, ``ratio`` or ``median``: how the KPI's regional value is made."""
    if kpi.id in MEDIANS:
        return "median"
    if kpi.unit in ("rate", "ratio") or kpi.id in MONEY_RATIOS:
        return "ratio"
    return "sum"


@dataclass
class Part:
    """One council's contribution to a regional figure."""

    value: Any
    numerator: Any = None
    denominator: Any = None
    samples: list[int] | None = None


@dataclass
class Made:
    """A figure made for the region (or one council), with what it was made from."""

    value: Any
    numerator: Any = None
    denominator: Any = None
    cases: int | None = None


def combine(kpi: Kpi, parts: list[Part]) -> Made:
    """The regional figure from the councils' parts (see the module docstring)."""
    how = aggregation(kpi)
    if how == "median":
        pooled = sorted(day for part in parts for day in (part.samples or []))
        return Made(pooled_median(pooled), cases=len(pooled))
    if how == "sum":
        values = [part.value for part in parts if part.value is not None]
        return Made(sum(values[1:], values[0]) if values else None)
    if any(part.numerator is None or part.denominator is None for part in parts):
        return Made(None)
    if kpi.id in MONEY_RATIOS:  # pounds ÷ weeks, rounded to the penny as finance.py does
        outturn = sum((Decimal(part.numerator) for part in parts), Decimal("0.00"))
        days = sum(round(float(part.denominator) * 7) for part in parts)
        value = None if days == 0 else (outturn * 7 / Decimal(days)).quantize(PENCE, rounding=ROUND_HALF_UP)
        return Made(value, outturn, days / 7)
    numerator = sum(part.numerator for part in parts)
    denominator = sum(part.denominator for part in parts)
    value = None if denominator == 0 else float(numerator) / float(denominator)
    return Made(value, numerator, denominator)


def is_small(kpi: Kpi, made: Made, threshold: int) -> bool:
    """Should this figure print as "c"? Counts by themselves; rates and ratios by their
    numerator or denominator; medians by the number of cases; money never."""
    if not threshold or made.value is None and made.numerator is None and made.cases is None:
        return False

    def small(count) -> bool:
        try:
            return count is not None and is_suppressed(int(count), threshold)
        except (TypeError, ValueError):
            return False

    if kpi.unit == "money":
        return False
    if kpi.unit == "count":
        return small(made.value)
    if aggregation(kpi) == "median":
        return small(made.cases)
    return small(made.numerator) or small(made.denominator)


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

    @property
    def ranked(self) -> bool:
        return self.kpi.polarity != "neutral"


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

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of docs/region.md (``docs/region.schema.json``)."""
        from fosterreport.region.export import to_json

        return to_json(self)

    def to_json_text(self) -> str:
        from fosterreport.region.export import to_json_text

        return to_json_text(self)

    def to_csv(self) -> str:
        from fosterreport.region.export import to_csv

        return to_csv(self)


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
    if entry.aggregation == "sum":
        average = entry.value / (Decimal(len(published)) if isinstance(entry.value, Decimal) else len(published))
        shares = entry.value > 0 and all(f.value >= 0 for f in published)
    for figure in published:
        if figure.suppressed:
            continue
        if entry.aggregation == "sum":
            figure.distance = figure.value - average
            figure.share = float(figure.value) / float(entry.value) if shares else None
        else:
            figure.distance = figure.value - entry.value


def _parts(councils: list[CouncilOutcome], kpi_id: str, slug: str, current: bool) -> list[Part] | None:
    """The councils' parts for one period; None when any council lacks the figure."""
    parts = []
    for council in councils:
        found = council.results.values.get(kpi_id) if current else council.figures.get(slug, {}).get(kpi_id)
        if found is None:
            return None
        samples = council.samples.get(slug, {}).get(kpi_id) if kpi_id in MEDIANS else None
        parts.append(Part(found.value, found.numerator, found.denominator, samples))
    return parts


def _entry(kpi: Kpi, built: list[CouncilOutcome], period: "Period", config: "Config",
           threshold: int) -> RegionKpi | None:
    reporting = [council for council in built if kpi.id in council.results.values]
    if not reporting:
        return None
    previous_slug = period.previous().slug
    made = combine(kpi, _parts(reporting, kpi.id, period.slug, current=True))
    before_parts = _parts(reporting, kpi.id, previous_slug, current=False)
    before = combine(kpi, before_parts) if before_parts is not None else Made(None)
    entry = RegionKpi(
        kpi=kpi, aggregation=aggregation(kpi), value=made.value, numerator=made.numerator,
        denominator=made.denominator, cases=made.cases, previous=before.value,
        change=difference(made.value, before.value),
        direction=direction(made.value, before.value, kpi.polarity, config.rules.similar_tolerance),
        suppressed=is_small(kpi, made, threshold), previous_suppressed=is_small(kpi, before, threshold),
        not_reporting=[council.key for council in built if council not in reporting],
        note=next((v.note for c in reporting if (v := c.results.values[kpi.id]).note), None))
    for council in reporting:
        own = council.results.values[kpi.id]
        part = _parts([council], kpi.id, period.slug, current=True)[0]
        mine = combine(kpi, [part])
        earlier = _parts([council], kpi.id, previous_slug, current=False)
        entry.councils[council.key] = CouncilFigure(
            value=own.value, previous=own.previous, direction=own.direction, numerator=own.numerator,
            denominator=own.denominator, cases=mine.cases, note=own.note,
            suppressed=is_small(kpi, mine, council.suppress_below),
            previous_suppressed=bool(earlier) and is_small(kpi, combine(kpi, earlier), council.suppress_below))
    rank(entry.councils, kpi.polarity)
    place(entry)
    return entry


def _trend(values: dict[str, RegionKpi], built: list[CouncilOutcome], period: "Period", years: int,
           threshold: int) -> list[RegionTrendPoint]:
    points = []
    for year in trend_periods(period, years):
        point = RegionTrendPoint(year, {})
        for kpi_id, entry in values.items():
            if entry.kpi.section not in TREND_SECTIONS:
                continue
            councils = [c for c in built if c.key in entry.councils]
            current = year.slug == period.slug
            if not current and not any(kpi_id in c.figures.get(year.slug, {}) for c in councils):
                continue
            parts = _parts(councils, kpi_id, year.slug, current=current)
            made = combine(entry.kpi, parts) if parts is not None else Made(None)
            point.values[kpi_id] = made.value
            point.suppressed[kpi_id] = is_small(entry.kpi, made, threshold)
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
    return RegionResults(name=name, period=period, councils=list(outcomes), values=values,
                         trend=_trend(values, built, period, trend, threshold), suppress_below=threshold,
                         left_out=left_out)
