"""The KPI engine: the catalogue, computed for a period, compared and judged.

``compute_kpis(extracts, period, config)`` is the one entry point; the CLI's ``kpis``
command, the report and the Python API all call it and read the :class:`KpiResults` it
returns. The catalogue (:mod:`.catalogue`) and the result types (:mod:`.results`) import
no pandas, so ``fosterreport kpis --list`` and the report's definitions appendix stay
cheap; the computation (:mod:`.engine` and the section modules) is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from fosterreport.kpis.catalogue import BY_ID, CATALOGUE, SECTIONS, Kpi
from fosterreport.kpis.results import KpiResults, KpiValue, ScorecardRow, TrendPoint

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.periods import Period
    from fosterreport.records import Extracts

__all__ = ["BY_ID", "CATALOGUE", "SECTIONS", "Kpi", "KpiResults", "KpiValue", "ScorecardRow", "TrendPoint",
           "compute_kpis"]


def compute_kpis(extracts: "Extracts", period: "Period", config: "Config | None" = None, *, trend: int = 0,
                 kpi_ids: Iterable[str] | None = None,
                 months: bool | Iterable[str] | dict[str, int | None] = False) -> KpiResults:
    """Every KPI of the catalogue (or only ``kpi_ids``) for ``period``.

    KPIs whose extract is absent are left out of ``values`` and explained in
    ``left_out``. ``trend=N`` adds the household and recruitment KPIs for the N financial
    years ending with the period's year; ``months=True`` adds each KPI that has a monthly
    form for every calendar month of the period (``results.months``); ``months=ids``, only
    those of ``ids`` (the report's monthly section asks for the ones it shows); a dict
    ``{id: N}`` gives each its last N months only (``None``: every month). Raises
    :class:`~fosterreport.exceptions.UsageError` for an unknown KPI id (a ``[targets]`` or ``[benchmarks]`` key that names none was
    already refused when the config was loaded). With ``[report] previous_report`` set,
    ``restated`` lists the previous period's figures that differ from those published
    (:class:`~fosterreport.exceptions.ConfigError` when that file is malformed or of
    another period).
    """
    from fosterreport.kpis.engine import compute
    from fosterreport.kpis.restatements import restatements_of

    results = compute(extracts, period, config, trend_years=trend, kpi_ids=list(kpi_ids) if kpi_ids else None,
                      by_month=months if isinstance(months, bool) else dict(months) if isinstance(months, dict)
                      else dict.fromkeys(months))
    results.restated = restatements_of(results, config)  # against [report] previous_report, when set
    return results
