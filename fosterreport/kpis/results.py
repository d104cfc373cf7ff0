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

    def __contains__(self, kpi_id: str) -> bool:
        return kpi_id in self.values

    def __getitem__(self, kpi_id: str) -> KpiValue:
        return self.values[kpi_id]

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of cli.md, as Python objects in output order."""
        from fosterreport.kpis.export import to_json

        return to_json(self)

    def to_json_text(self) -> str:
        """``to_json()`` serialised: indented, UTF-8, the same bytes for the same results."""
        from fosterreport.kpis.export import to_json_text

        return to_json_text(self)

    def to_csv(self) -> str:
        """``kpi,breakdown,key,value,previous,target,rag``: one row per value, injection-safe."""
        from fosterreport.kpis.export import to_csv

        return to_csv(self)
