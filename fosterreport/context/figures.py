"""Every KPI figure as report text, with small-number suppression: :class:`Figures`.

Figures become text only here (through :mod:`fosterreport.formatting`), and what is
withheld is decided once, by :class:`fosterreport.kpis.results.Suppression`, the same
object the KPI JSON and CSV ask: so a table cell, a chart label, a sentence and a
narrative placeholder (``{{ kpi.enquiries }}``) all print the same text, and the report
withholds exactly what the files published beside it withhold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fosterreport.context.model import Cell
from fosterreport.context.words import lower_first
from fosterreport.kpis.catalogue import BY_ID
from fosterreport.formatting import (
    NOT_AVAILABLE, SUPPRESSED, format_change, format_direction,
)
from fosterreport.formatting import format_value as _format_value

if TYPE_CHECKING:
    from fosterreport.kpis.results import KpiResults, KpiValue

#: The report writes negative figures with a true minus sign, as format_change does.
MINUS = "\u2212"


def format_value(value, unit: str, **options) -> str:
    """:func:`fosterreport.formatting.format_value` with the report's minus sign."""
    return _format_value(value, unit, minus=MINUS, **options)



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
        return self.results.figure(kpi_id, which, breakdown, code)

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

    # coverage ---------------------------------------------------------------------------

    def not_covered(self, kpi_id: str, which: str = "value") -> str | None:
        """Why the extracts cannot support this figure ("visits.csv starts 1 April 2021")."""
        kv = self.kv(kpi_id)
        figure = None if kv is None else kv.of(which)
        return None if figure is None else figure.not_covered

    # suppression ------------------------------------------------------------------------

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

    def rag(self, rag: str | None, kpi_id: str | None = None, breakdown: str | None = None,
            code: str | None = None) -> Cell:
        """The RAG word and colour; none for a withheld figure, which a RAG against a
        known target would pin down."""
        if kpi_id is not None and self.suppressed(kpi_id, "value", breakdown, code):
            return Cell(SUPPRESSED, "text")
        if not rag:
            return Cell(NOT_AVAILABLE, "text")
        return Cell(rag.capitalize(), "rag", rag)

    def benchmark(self, kpi_id: str) -> str:
        kv = self.kv(kpi_id)
        if kv is None or kv.benchmark is None:
            return NOT_AVAILABLE
        return format_value(kv.benchmark.value, kv.kpi.unit)

    def benchmarks_text(self, kpi_id: str, code: str | None = None) -> str:
        """Every benchmark of the KPI (or the one of ``id.CODE``) in one cell, each with its
        label: "England (LA agencies) 12.0%; Statistical neighbours 11.0%". Shown whether
        or not the council's figure is withheld: it is published context, not a comparison."""
        kv = self.kv(kpi_id)
        if kv is None:
            return NOT_AVAILABLE
        found = ([kv.benchmark_by[code]] if code in kv.benchmark_by else []) if code else kv.benchmarks
        return "; ".join(f"{b.label} {format_value(b.value, kv.kpi.unit)}" for b in found) or NOT_AVAILABLE

    def benchmark_notes(self, kpi_id: str, code: str | None = None) -> list[str]:
        """One footnote per benchmark that names its source."""
        kv = self.kv(kpi_id)
        if kv is None:
            return []
        found = ([kv.benchmark_by[code]] if code in kv.benchmark_by else []) if code else kv.benchmarks
        return [f"Benchmark for {lower_first(kv.kpi.label)}: {b.label}{f'; {b.source}' if b.source else ''}."
                for b in found]

    def trend_text(self, point, kpi_id: str) -> str:
        """A value of one trend year, with the same suppression rules."""
        figure = point.figures.get(kpi_id)
        if figure is None:
            return NOT_AVAILABLE
        if self.suppression.trend_withheld(point, kpi_id):
            return SUPPRESSED
        return format_value(figure.value, BY_ID[kpi_id].unit, suppress_below=self.suppress_below)

    def chart_value(self, text: str, value) -> float | None:
        """What a chart draws: nothing for a suppressed or missing figure."""
        if text in (SUPPRESSED, NOT_AVAILABLE) or value is None:
            return None
        return float(value)
