"""What computing the catalogue gives back: figures that keep their parts.

A :class:`Figure` is one KPI for one period *with what it was computed from*: the
numerator and denominator of a rate or ratio, the day counts behind a median, and the
counts of people or records it rests on (its :attr:`~Figure.basis`). A
:class:`KpiValue` holds the period's figure and the previous period's, with the
judgements a committee reads beside them; a :class:`TrendPoint` holds one year's figures
of the trend. So everything that needs to know how a figure was made — small-number
suppression, the region's pooled figures, the direction of travel, formatting — reads the
KPI's own parts, never a list kept beside the catalogue.

A :class:`KpiResults` is built once per run by :func:`fosterreport.kpis.compute_kpis` and
then only read: the terminal table, JSON/CSV (:mod:`fosterreport.kpis.export`), the report
context and narrative placeholders all format the same values. This module imports no
pandas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal

from fosterreport.formatting import is_suppressed
from fosterreport.kpis.catalogue import Kpi
from fosterreport.periods import Period

Direction = Literal["improved", "declined", "similar", "up", "down", "n/a"]
Rag = Literal["green", "amber", "red"]

#: A value as JSON carries it: int for counts, float for rates/ratios/days/numbers,
#: Decimal (pounds with pence) for money, None where undefined.
Value = Any
#: breakdown name -> key -> something
ByKey = dict[str, dict[str, Any]]

PENCE = Decimal("0.01")


def ratio_value(numerator, denominator, unit: str = "rate"):
    """numerator ÷ denominator, or None when either is missing or the denominator is 0.

    A money ratio (pounds per placement week) is pounds rounded to the penny; the
    denominator may be an exact :class:`~fractions.Fraction` (days ÷ 7), so that the region's
    pooled figure is rounded once, exactly as a council's.
    """
    if numerator is None or denominator is None or denominator == 0:
        return None
    if unit == "money":
        if isinstance(denominator, Fraction):
            exact = Decimal(numerator) * denominator.denominator / Decimal(denominator.numerator)
        else:
            exact = Decimal(numerator) / Decimal(denominator)
        return exact.quantize(PENCE, rounding=ROUND_HALF_UP)
    return float(numerator) / float(denominator)


def median_days(days) -> float | None:
    """The median of day counts; an even count gives the mean of the middle two."""
    if not len(days):
        return None
    ordered = sorted(days)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


@dataclass
class Figure:
    """One KPI for one period, as a section computes it, with what it was made from.

    ``basis`` is the counts of people or records the figure rests on, the one input of
    small-number suppression: a count's own value; a rate's numerator and denominator; a
    median's number of cases; a net change's approvals and deregistrations; nothing for
    money. ``basis_by`` gives the same per breakdown key. The KPI's ``aggregation`` in
    the catalogue says which of ``numerator``/``denominator`` or ``samples`` a figure
    carries (a test checks every computed figure against its declaration).
    """

    value: Value
    by: ByKey = field(default_factory=dict)
    #: ``ratio`` KPIs: value = numerator ÷ denominator (per key in the ``_by`` forms).
    numerator: Any = None
    denominator: Any = None
    numerator_by: ByKey = field(default_factory=dict)
    denominator_by: ByKey = field(default_factory=dict)
    #: ``median`` KPIs: the day counts the median is taken over, sorted.
    samples: tuple[int, ...] | None = None
    basis: tuple[int, ...] = ()
    basis_by: dict[str, dict[str, tuple[int, ...]]] = field(default_factory=dict)
    #: Cross-tabulations ``rows/columns`` -> row key -> column key -> count, each cell its
    #: own basis (see :class:`~fosterreport.kpis.catalogue.Cross`).
    cross: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    #: e.g. "forecast" on outturn when any row chosen was a forecast.
    note: str | None = None
    #: Why the extracts cannot support it ("visits.csv starts 1 April 2021"): then its
    #: value and every breakdown cell are None (see :mod:`fosterreport.kpis.coverage`).
    not_covered: str | None = None

    def cell(self, breakdown: str | None = None, code: str | None = None) -> Value:
        """The value, or one breakdown key's value (None when the key is absent)."""
        if breakdown is None:
            return self.value
        return self.by.get(breakdown, {}).get(code)

    def basis_of(self, breakdown: str | None = None, code: str | None = None) -> tuple[int, ...]:
        """The counts the value (or one breakdown key's value) rests on."""
        if breakdown is None:
            return self.basis
        return self.basis_by.get(breakdown, {}).get(code, ())

    @property
    def cases(self) -> int | None:
        """How many cases a median is taken over."""
        return None if self.samples is None else len(self.samples)


def withheld(figure: Figure | None, suppress_below: int, breakdown: str | None = None,
             code: str | None = None) -> bool:
    """The one rule of small-number suppression: a figure is withheld when any count it
    rests on is from 1 to ``suppress_below − 1`` (0 is safe to show; money rests on none);
    a breakdown cell also when it is the secondary cell of :func:`secondary`."""
    if not suppress_below or figure is None:
        return False
    if breakdown is not None and code in secondary(figure, suppress_below, breakdown):
        return True
    return _primary(figure, suppress_below, breakdown, code)


def _primary(figure: Figure, suppress_below: int, breakdown: str | None, code: str | None) -> bool:
    return any(is_suppressed(int(count), suppress_below) for count in figure.basis_of(breakdown, code))


def secondary(figure: Figure, suppress_below: int, breakdown: str) -> set[str]:
    """The cells withheld so that a withheld cell cannot be worked out from the others.

    Where a breakdown's cells add up to its published total and exactly one cell is
    withheld, total − the others would give it back: the smallest other cell that is not
    zero is withheld too (zeros are often known anyway, so they protect nothing), as
    official statistics do. Two withheld cells can only be known as a sum.
    """
    cells = figure.by.get(breakdown) or {}
    if not cells or figure.value is None or _primary(figure, suppress_below, None, None):
        return set()
    primary = {code for code in cells if _primary(figure, suppress_below, breakdown, code)}
    return _protect(cells, figure.value, primary)


def _protect(cells: dict[str, Any], total, hidden: set[str]) -> set[str]:
    """The one more cell of a line adding up to a published ``total`` to withhold so that
    its one withheld cell cannot be worked out; nothing when none or two are withheld,
    when the line does not add up, or when ``total`` is not published (None)."""
    if total is None:
        return set()
    try:  # (an average by type adds up too, to within rounding)
        added = sum(value for value in cells.values() if value is not None)
        adds_up = None not in cells.values() and math.isclose(added, total, rel_tol=1e-9, abs_tol=1e-9)
    except TypeError:
        return set()
    if not adds_up or len(hidden) != 1:
        return set()
    return _smallest_other(cells, hidden)


def _smallest_other(cells: dict[str, Any], hidden: set[str]) -> set[str]:
    others = [(value, position, code) for position, (code, value) in enumerate(cells.items())
              if code not in hidden and value]
    return {min(others)[2]} if others else set()


def cross_withheld(figure: Figure | None, suppress_below: int, name: str) -> set[tuple[str, str]]:
    """The cells ``(row, column)`` of cross-tabulation ``name`` withheld from publication.

    The one rule, cell by cell: a cell rests on its own count, withheld from 1 to
    ``suppress_below − 1``. Then, as :func:`secondary` does for a breakdown, each row
    (column) that adds up to its published breakdown cell and has exactly one cell
    withheld gets its smallest other non-zero cell withheld too; and a row (column)
    whose breakdown cell is withheld keeps at least one cell withheld, or its cells would
    add up to it. Repeated until nothing changes, since each new cell sits in a column
    (row) too.
    """
    cells = (figure.cross.get(name) or {}) if figure is not None else {}
    if not suppress_below or not cells:
        return set()
    rows_name, columns_name = name.split("/")
    hidden = {(row, column) for row, line in cells.items() for column, value in line.items()
              if value is not None and is_suppressed(int(value), suppress_below)}
    columns = {column: {row: cells[row][column] for row in cells} for column in next(iter(cells.values()))}

    def margin(breakdown: str, code: str):
        """The breakdown cell a line adds up to: its value, None when not published, or
        the string "withheld"."""
        if code not in figure.by.get(breakdown, {}):
            return None
        if withheld(figure, suppress_below, breakdown, code):
            return "withheld"
        return figure.by[breakdown][code]

    changed = True
    while changed:
        changed = False
        for lines, breakdown, as_cell in ((cells, rows_name, lambda key, other: (key, other)),
                                          (columns, columns_name, lambda key, other: (other, key))):
            for key, line in lines.items():
                hidden_here = {other for other in line if as_cell(key, other) in hidden}
                total = margin(breakdown, key)
                if total == "withheld":
                    more = set() if hidden_here else _smallest_other(line, hidden_here)
                else:
                    more = _protect(line, total, hidden_here)
                for other in more:
                    hidden.add(as_cell(key, other))
                    changed = True
    return hidden


def uncovered(figure: Figure, reason: str) -> Figure:
    """``figure`` as the extracts can support it: nothing, with the reason, the same keys."""
    return Figure(None, by={name: dict.fromkeys(cells) for name, cells in figure.by.items()},
                  cross={name: {row: dict.fromkeys(line) for row, line in table.items()}
                         for name, table in figure.cross.items()},
                  not_covered=reason)


@dataclass(frozen=True)
class BenchmarkValue:
    value: float
    label: str
    source: str | None = None


@dataclass
class KpiValue:
    """One KPI for the period: its figure, the previous period's, and the judgements."""

    kpi: Kpi
    figure: Figure
    #: The same KPI for the same period a year earlier (None: not computed).
    before: Figure | None = None
    change: Value = None
    direction: Direction = "n/a"
    target: float | None = None
    rag: Rag | None = None
    #: Every benchmark of the KPI, in order: the config's ``[benchmarks]``, then the
    #: built-in England figure for the year (:mod:`fosterreport.kpis.national`).
    benchmarks: list[BenchmarkValue] = field(default_factory=list)
    #: Benchmarks keyed ``id.CODE`` in ``[benchmarks]``, by code (the first of each).
    benchmark_by: dict[str, BenchmarkValue] = field(default_factory=dict)

    @property
    def benchmark(self) -> BenchmarkValue | None:
        """The first benchmark (the JSON's ``"benchmark"``, kept from before there were many)."""
        return self.benchmarks[0] if self.benchmarks else None

    @benchmark.setter
    def benchmark(self, value: BenchmarkValue | None) -> None:
        self.benchmarks = [] if value is None else [value]

    def of(self, which: str = "value") -> Figure | None:
        """The period's figure (``"value"``) or the previous period's (``"previous"``)."""
        return self.figure if which == "value" else self.before

    # The figure's parts, read through (the consumers' vocabulary).

    @property
    def value(self) -> Value:
        return self.figure.value

    @property
    def by(self) -> ByKey:
        return self.figure.by

    @property
    def numerator(self):
        return self.figure.numerator

    @property
    def denominator(self):
        return self.figure.denominator

    @property
    def note(self) -> str | None:
        return self.figure.note

    @property
    def previous(self) -> Value:
        return None if self.before is None else self.before.value

    @property
    def previous_by(self) -> ByKey:
        return {} if self.before is None else self.before.by


@dataclass
class ScorecardRow:
    """A KPI value (or one breakdown key's value) that has a target."""

    key: str  # "approvals" or "approvals.MAINSTREAM"
    kpi: Kpi
    value: Value
    target: float
    rag: Rag | None
    previous: Value
    direction: Direction
    breakdown: str | None = None
    code: str | None = None


@dataclass
class TrendPoint:
    """The household and recruitment KPIs for one financial year of the trend."""

    period: Period
    figures: dict[str, Figure]

    @property
    def values(self) -> dict[str, Value]:
        return {kpi_id: figure.value for kpi_id, figure in self.figures.items()}

    @property
    def by(self) -> dict[str, ByKey]:
        return {kpi_id: figure.by for kpi_id, figure in self.figures.items()}


@dataclass
class KpiResults:
    authority: str | None  # None: the config names no council (real data, kpis or validate)
    period: Period
    values: dict[str, KpiValue]  # catalogue order; KPIs whose file is absent are missing
    scorecard: list[ScorecardRow] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # "panel: panel.csv not supplied"
    warnings: list = field(default_factory=list)  # fosterreport.problems.Problem
    trend: list[TrendPoint] = field(default_factory=list)  # oldest first
    #: ``kpis --months``: the KPIs that have a monthly form, for each calendar month of
    #: the period, first first (a :class:`TrendPoint` per month, suppressed as one).
    months: list[TrendPoint] = field(default_factory=list)
    #: ``[publication] suppress_below`` of the config the results were computed with: the
    #: JSON and CSV apply it as the report does (see :class:`Suppression`).
    suppress_below: int = 0
    #: Computed from the embedded, fictional sample data (every output says so).
    sample: bool = False
    #: The previous period's figures that differ from the report published for it
    #: (:mod:`fosterreport.kpis.restatements`); None when ``[report] previous_report`` is not set.
    restated: list | None = None

    def __contains__(self, kpi_id: str) -> bool:
        return kpi_id in self.values

    def __getitem__(self, kpi_id: str) -> KpiValue:
        return self.values[kpi_id]

    def figure(self, kpi_id: str, which: str = "value", breakdown: str | None = None, code: str | None = None):
        """One unformatted figure: a KPI's value (or ``which="previous"``), or one breakdown
        key's; None when the KPI (or that period's figure) was not computed."""
        kv = self.values.get(kpi_id)
        found = None if kv is None else kv.of(which)
        return None if found is None else found.cell(breakdown, code)

    def suppression(self, suppress_below: int | None = None) -> "Suppression":
        """What is withheld from publication, by ``suppress_below`` (default: the results' own)."""
        return Suppression(self, self.suppress_below if suppress_below is None else suppress_below)


class Suppression:
    """Which figures of one :class:`KpiResults` are withheld from publication.

    ``[publication] suppress_below = n`` withholds every figure that rests on a count
    from 1 to n−1 (:func:`withheld`, reading each figure's own ``basis``); money is never
    withheld. This is the one decision: the report (through
    :class:`fosterreport.context.Figures`), its narrative placeholders, the KPI JSON and
    the CSV all ask it, so no output can publish what another withholds.

    ``which`` is ``"value"`` or ``"previous"``.
    """

    def __init__(self, results: KpiResults, suppress_below: int = 0):
        self.results = results
        self.suppress_below = suppress_below or 0

    def small(self, count) -> bool:
        """A count from 1 to ``suppress_below − 1``."""
        return count is not None and is_suppressed(int(count), self.suppress_below)

    def withheld(self, kpi_id: str, which: str = "value", breakdown: str | None = None,
                 code: str | None = None) -> bool:
        """Whether this figure (the KPI's value or previous, or one breakdown key's) is withheld."""
        kv = self.results.values.get(kpi_id)
        return kv is not None and withheld(kv.of(which), self.suppress_below, breakdown, code)

    def cross_withheld(self, kpi_id: str, name: str, which: str = "value") -> set[tuple[str, str]]:
        """The cells ``(row, column)`` of one cross-tabulation withheld (:func:`cross_withheld`)."""
        kv = self.results.values.get(kpi_id)
        return set() if kv is None else cross_withheld(kv.of(which), self.suppress_below, name)

    def change_withheld(self, kpi_id: str, breakdown: str | None = None, code: str | None = None) -> bool:
        """The change and direction of travel give away a withheld value or previous."""
        return (self.withheld(kpi_id, "value", breakdown, code)
                or self.withheld(kpi_id, "previous", breakdown, code))

    def trend_withheld(self, point: TrendPoint, kpi_id: str, breakdown: str | None = None,
                       code: str | None = None) -> bool:
        """Whether one year's figure of the trend (or one breakdown key's) is withheld."""
        return withheld(point.figures.get(kpi_id), self.suppress_below, breakdown, code)
