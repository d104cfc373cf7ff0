"""What computing the catalogue gives back: typed results the CLI and the report share.

A :class:`KpiResults` is built once per run by :func:`fosterreport.kpis.compute_kpis`
and then only read: the terminal table, JSON/CSV, the report context and narrative
placeholders all format the same values. ``to_json()`` is the stable shape of the
spec's cli.md (``kpis-<period>.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from fosterreport.kpis.catalogue import Kpi
from fosterreport.periods import Period

Direction = Literal["improved", "declined", "similar", "up", "down", "n/a"]
Rag = Literal["green", "amber", "red"]

#: A value as JSON carries it: int for counts, float for rates/ratios/days/numbers,
#: Decimal (pounds with pence) for money, None where undefined.
Value = Any


@dataclass(frozen=True)
class BenchmarkValue:
    value: float
    label: str
    source: str | None = None


@dataclass
class KpiValue:
    """One KPI for one period, with its comparisons."""

    kpi: Kpi
    value: Value
    #: breakdown name -> contract code -> value; every code present (zeros included).
    by: dict[str, dict[str, Value]] = field(default_factory=dict)
    #: For rates and ratios: the counts they were made from (for suppression and for
    #: regional rates recomputed from summed numerators and denominators).
    numerator: Value = None
    denominator: Value = None
    #: The same counts per breakdown key, for rates and ratios that have breakdowns.
    numerator_by: dict[str, dict[str, Value]] = field(default_factory=dict)
    denominator_by: dict[str, dict[str, Value]] = field(default_factory=dict)
    previous: Value = None
    previous_by: dict[str, dict[str, Value]] = field(default_factory=dict)
    change: Value = None
    direction: Direction = "n/a"
    target: float | None = None
    rag: Rag | None = None
    benchmark: BenchmarkValue | None = None
    #: Benchmarks keyed ``id.CODE`` in ``[benchmarks]``, by code.
    benchmark_by: dict[str, BenchmarkValue] = field(default_factory=dict)
    #: e.g. "forecast" on outturn when any row chosen was a forecast.
    note: str | None = None


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


@dataclass
class TrendPoint:
    """The household and recruitment KPIs for one financial year of the trend."""

    period: Period
    values: dict[str, Value]
    by: dict[str, dict[str, dict[str, Value]]] = field(default_factory=dict)


@dataclass
class KpiResults:
    authority: str
    period: Period
    values: dict[str, KpiValue]  # catalogue order; KPIs whose file is absent are missing
    scorecard: list[ScorecardRow] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # "panel: panel.csv not supplied"
    warnings: list = field(default_factory=list)  # fosterreport.problems.Problem
    trend: list[TrendPoint] = field(default_factory=list)  # oldest first
    #: ``[publication] suppress_below`` of the config the results were computed with: the
    #: JSON and CSV apply it as the report does (see :class:`Suppression`).
    suppress_below: int = 0

    def __contains__(self, kpi_id: str) -> bool:
        return kpi_id in self.values

    def figure(self, kpi_id: str, which: str = "value", breakdown: str | None = None, code: str | None = None):
        """One unformatted figure: a KPI's value (or ``which="previous"``), or one breakdown
        key's; None when the KPI was not computed."""
        kv = self.values.get(kpi_id)
        if kv is None:
            return None
        if breakdown is None:
            return kv.value if which == "value" else kv.previous
        source = kv.by if which == "value" else kv.previous_by
        return (source or {}).get(breakdown, {}).get(code)

    def __getitem__(self, kpi_id: str) -> KpiValue:
        return self.values[kpi_id]

    def suppression(self, suppress_below: int | None = None) -> "Suppression":
        """What is withheld from publication, by ``suppress_below`` (default: the results' own)."""
        return Suppression(self, self.suppress_below if suppress_below is None else suppress_below)

    def to_json(self, suppress_below: int | None = None) -> dict[str, Any]:
        """The stable JSON shape of cli.md, as Python objects in output order, suppressed."""
        from fosterreport.kpis.export import to_json

        return to_json(self, suppress_below)

    def to_json_text(self, suppress_below: int | None = None) -> str:
        """``to_json()`` serialised: indented, UTF-8, the same bytes for the same results."""
        from fosterreport.kpis.export import to_json_text

        return to_json_text(self, suppress_below)

    def to_csv(self, suppress_below: int | None = None) -> str:
        """``kpi,breakdown,key,value,previous,target,rag``: one row per value, injection-safe."""
        from fosterreport.kpis.export import to_csv

        return to_csv(self, suppress_below)


# -- small-number suppression ----------------------------------------------------------------

#: The counts a rate, ratio or median is built from, for suppression, where the KPI does
#: not carry its own numerator and denominator: rate id -> (numerator ids, denominator
#: ids); each side is summed.
RATE_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "deregistration_rate": (("deregistrations",), ("households_start", "approvals")),
    "utilisation_rate": (("children_placed_end",), ("households_end",)),
    "occupancy_rate": (("places_filled_end",), ("approved_places_end",)),
    "fostered_share": ((), ("children_in_care_end",)),
    "in_house_share": ((), ("children_in_care_end",)),
    "enquiry_to_approval_rate": (("approvals_from_enquiries",), ("enquiries",)),
    "enquiry_to_application_rate": (("applications",), ("enquiries",)),
    "application_to_approval_rate": (("approvals_from_enquiries",), ("applications",)),
    "enquiry_to_visit_rate": (("initial_visits",), ("enquiries",)),
    "median_days_enquiry_to_approval": ((), ("approvals_from_enquiries",)),
    "median_days_application_to_approval": ((), ("approvals_from_enquiries",)),
    "assessments_within_timescale_rate": ((), ("approvals_from_enquiries",)),
    "reviews_on_time_rate": ((), ("reviews_due",)),
    "allegations_nfa_rate": ((), ("allegations",)),
    "mockingbird_share": (("mockingbird_households_end",), ("households_end",)),
}


class Suppression:
    """Which figures of one :class:`KpiResults` are withheld from publication.

    ``[publication] suppress_below = n`` withholds counts from 1 to n−1 (0 is safe to
    show), and every rate, ratio or median whose numerator or denominator is such a
    count (the KPI's own ``numerator``/``denominator``, per breakdown key too, else its
    :data:`RATE_PARTS`); money is never withheld. This is the one decision: the report
    (through :class:`fosterreport.context.Figures`), its narrative placeholders, the KPI
    JSON and the CSV all ask it, so no output can publish what another withholds.

    ``which`` is ``"value"`` or ``"previous"``.
    """

    def __init__(self, results: KpiResults, suppress_below: int = 0):
        self.results = results
        self.suppress_below = suppress_below or 0

    def small(self, count) -> bool:
        """A count from 1 to ``suppress_below − 1``."""
        if not self.suppress_below or count is None:
            return False
        try:
            number = int(count)
        except (TypeError, ValueError, OverflowError):
            return False
        return 0 < number < self.suppress_below

    def _raw(self, kpi_id: str, which: str, breakdown: str | None, code: str | None):
        return self.results.figure(kpi_id, which, breakdown, code)

    def withheld(self, kpi_id: str, which: str = "value", breakdown: str | None = None,
                 code: str | None = None) -> bool:
        """Whether this figure (the KPI's value or previous, or one breakdown key's) is withheld."""
        kv = self.results.values.get(kpi_id)
        if not self.suppress_below or kv is None:
            return False
        unit = kv.kpi.unit
        if unit == "count":
            return self.small(self._raw(kpi_id, which, breakdown, code))
        if unit == "money":
            return False
        if which == "value" and breakdown is None and (kv.numerator is not None or kv.denominator is not None):
            if self.small(kv.numerator) or self.small(kv.denominator):
                return True
        if which == "value" and breakdown is not None:
            for parts in (kv.numerator_by, kv.denominator_by):
                if parts and self.small((parts.get(breakdown) or {}).get(code)):
                    return True
        for side in RATE_PARTS.get(kpi_id, ()):
            total, known = 0, False
            for part in side:
                part_kv = self.results.values.get(part)
                if part_kv is None or (breakdown is not None and breakdown not in (part_kv.by or {})):
                    continue
                value = self._raw(part, which, breakdown, code)
                if value is not None:
                    total, known = total + value, True
            if known and self.small(total):
                return True
        return False

    def change_withheld(self, kpi_id: str) -> bool:
        """The change and direction of travel give away a withheld value or previous."""
        return self.withheld(kpi_id) or self.withheld(kpi_id, "previous")

    def trend_withheld(self, point: TrendPoint, kpi_id: str, breakdown: str | None = None,
                       code: str | None = None) -> bool:
        """Whether one year's figure of the trend (or one breakdown key's) is withheld."""
        if not self.suppress_below:
            return False
        from fosterreport.kpis.catalogue import BY_ID

        kpi = BY_ID.get(kpi_id)
        unit = kpi.unit if kpi is not None else ("rate" if kpi_id.endswith("_rate") else "count")

        def figure(some_id: str):
            if breakdown is None:
                return point.values.get(some_id)
            by = point.by.get(some_id, {})
            return by[breakdown].get(code) if breakdown in by else None

        if unit == "count":
            return self.small(figure(kpi_id))
        if unit == "money":
            return False
        for side in RATE_PARTS.get(kpi_id, ()):
            parts = [value for value in map(figure, side) if value is not None]
            if parts and self.small(sum(parts)):
                return True
        return False
