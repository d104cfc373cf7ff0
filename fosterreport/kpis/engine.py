"""Computing the catalogue for a period: sections, previous year, comparisons, trend.

Each section module (:mod:`~fosterreport.kpis.households`, :mod:`~.children` …) turns
the frames into :class:`~fosterreport.kpis.measures.Figure` values for one period. This
module runs the sections a request needs for the period and for the same period a year
earlier, leaves out (and says why) every KPI whose file is absent, and adds the
judgements of :mod:`~fosterreport.kpis.comparison`.
"""

from __future__ import annotations

from types import ModuleType

from fosterreport.config import Config
from fosterreport.contract import EXTRACTS
from fosterreport.exceptions import UsageError
from fosterreport.kpis import children, complaints, finance, households, mockingbird, oversight, recruitment
from fosterreport.kpis.catalogue import BY_ID, CATALOGUE, SECTIONS, TREND_SECTIONS, Kpi, unknown_kpi_message
from fosterreport.kpis.comparison import benchmarks, difference, direction, rag
from fosterreport.kpis.keys import KeyRef
from fosterreport.kpis.measures import Derived, Figure, Frames
from fosterreport.kpis.national import england_benchmarks
from fosterreport.kpis.coverage import Coverage, coverage_of
from fosterreport.kpis.results import BenchmarkValue, KpiResults, KpiValue, ScorecardRow, TrendPoint, uncovered
from fosterreport.periods import Period, make_period, months_of
from fosterreport.records import Extracts

#: Each section's module, and the files without which it computes nothing at all.
MODULES: dict[str, tuple[ModuleType, tuple[str, ...]]] = {
    "households": (households, ("households",)),
    "children": (children, ("placements",)),
    "recruitment": (recruitment, ("enquiries",)),
    "oversight": (oversight, ()),
    "complaints": (complaints, ()),
    "mockingbird": (mockingbird, ("households", "mockingbird")),
    "finance": (finance, ("budget",)),
}
assert list(MODULES) == list(SECTIONS)


def select(kpi_ids) -> list[Kpi]:
    """The KPIs asked for, in catalogue order; an unknown id is a usage error."""
    if not kpi_ids:
        return list(CATALOGUE)
    unknown = [kpi_id for kpi_id in kpi_ids if kpi_id not in BY_ID]
    if unknown:
        raise UsageError([unknown_kpi_message(kpi_id) for kpi_id in unknown])
    wanted = set(kpi_ids)
    return [kpi for kpi in CATALOGUE if kpi.id in wanted]


def figures_for(frames: Frames, period: Period, config: Config, kpis: list[Kpi],
                coverage: Coverage | None = None) -> dict[str, Figure]:
    """The figures of ``kpis`` for one period (those whose files are all present); with
    ``coverage``, a figure the extracts cannot support is ``None`` with its reason. Each
    section is told which of its KPIs are wanted, and may leave out work that only the
    others need.

    Pass the same :class:`~fosterreport.kpis.measures.Derived` for several periods of one
    computation to share what their sections derive alike (as :func:`compute` does).
    """
    if not isinstance(frames, Derived):
        frames = Derived(frames)
    figures: dict[str, Figure] = {}
    for section in dict.fromkeys(kpi.section for kpi in kpis):
        module, required = MODULES[section]
        if all(name in frames for name in required):
            figures.update(module.compute(frames, period, config,
                                          frozenset(kpi.id for kpi in kpis if kpi.section == section)))
    chosen = {kpi.id: figures[kpi.id] for kpi in kpis
              if kpi.id in figures and all(name in frames for name in kpi.needs)}
    if coverage is not None:
        for kpi in kpis:
            reason = kpi.id in chosen and coverage.gap(kpi, period, config.rules)
            if reason:
                chosen[kpi.id] = uncovered(chosen[kpi.id], reason)
    return chosen


def left_out(frames: Frames, kpis: list[Kpi], figures: dict[str, Figure], period: Period) -> list[str]:
    """One entry per absent file naming the KPIs it leaves out, then any other reason."""
    reasons = []
    for name, model in EXTRACTS.items():
        if name in frames:
            continue
        missing = [kpi.id for kpi in kpis if name in kpi.needs]
        if missing:
            reasons.append(f"{name}: {model.file} not supplied (left out: {', '.join(missing)})")
    unexplained = [kpi.id for kpi in kpis if kpi.id not in figures and all(n in frames for n in kpi.needs)]
    if unexplained and all(BY_ID[kpi_id].section == "finance" for kpi_id in unexplained):
        reasons.append(f"{finance.no_rows_reason(period)} (left out: {', '.join(unexplained)})")
    return reasons


def _configured(config: Config, key: str) -> list[BenchmarkValue]:
    return [BenchmarkValue(found.value, found.label, found.source) for found in config.benchmarks_of(key)]


def _england(config: Config, period: Period) -> dict[str, BenchmarkValue]:
    """The built-in England figures for a whole financial year (none for a quarter, a
    year to date or a custom period, which Ofsted's yearly figures do not describe),
    unless the config turns them off."""
    if not config.publication.england_benchmarks or period.quarter is not None or period.custom:
        return {}
    return england_benchmarks(period.year)


def _value(kpi: Kpi, figure: Figure, before: Figure | None, config: Config,
           england: dict[str, BenchmarkValue] | None = None) -> KpiValue:
    rules = config.rules
    previous = before.value if before else None
    target = config.targets.get(kpi.id)
    return KpiValue(
        kpi=kpi, figure=figure, before=before,
        change=difference(figure.value, previous),
        direction=direction(figure.value, previous, kpi.polarity, rules.similar_tolerance),
        target=target,
        rag=rag(figure.value, target, kpi.polarity, rules.rag_green_tolerance, rules.rag_red_threshold),
        benchmarks=benchmarks(_configured(config, kpi.id), [england[kpi.id]] if kpi.id in (england or {}) else []),
        benchmark_by={axis_key: bench[0] for axis_key in _codes_of(kpi)
                      if (bench := _configured(config, f"{kpi.id}.{axis_key}"))},
    )


def _codes_of(kpi: Kpi) -> list[str]:
    return list(dict.fromkeys(code for axis in kpi.axes for code in (axis.keys or ())))


def _order(ref: KeyRef) -> tuple:
    position = CATALOGUE.index(ref.kpi)
    if ref.code is None:
        return (position, -1, -1, "")
    axis_names = list(ref.kpi.breakdowns)
    keys = ref.kpi.breakdown(ref.breakdown).keys or ()
    return (position, axis_names.index(ref.breakdown), keys.index(ref.code) if ref.code in keys else len(keys),
            ref.code)


def scorecard(values: dict[str, KpiValue], targets: dict[str, KeyRef], config: Config) -> list[ScorecardRow]:
    """One row per target key whose KPI was computed, in catalogue then breakdown order."""
    rules = config.rules
    rows = []
    for ref in sorted(targets.values(), key=_order):
        found = values.get(ref.kpi.id)
        if found is None:
            continue
        value = found.figure.cell(ref.breakdown, ref.code)
        previous = found.before.cell(ref.breakdown, ref.code) if found.before else None
        target = config.targets[ref.key]
        rows.append(ScorecardRow(
            key=ref.key, kpi=ref.kpi, value=value, target=target,
            rag=rag(value, target, ref.kpi.polarity, rules.rag_green_tolerance, rules.rag_red_threshold),
            previous=previous,
            direction=direction(value, previous, ref.kpi.polarity, rules.similar_tolerance),
            breakdown=ref.breakdown, code=ref.code,
        ))
    return rows


def trend(frames: Frames, period: Period, config: Config, kpis: list[Kpi], years: int,
          known: dict[Period, dict[str, Figure]] | None = None, coverage: Coverage | None = None) -> list[TrendPoint]:
    """The household and recruitment KPIs for ``years`` financial years to the period's year
    (for a custom period, the same-length periods to it: :meth:`Period.trend`).

    ``known`` holds figures already computed (for ``kpis``) by period: a trend year that is
    one of them (the period itself when it is a whole year, and the year before) is taken
    from there rather than computed again.
    """
    wanted = [kpi for kpi in kpis if kpi.section in TREND_SECTIONS]
    points = []
    for year_period in period.trend(years):
        if known and year_period in known:
            figures = {kpi.id: known[year_period][kpi.id] for kpi in wanted if kpi.id in known[year_period]}
        else:
            figures = figures_for(frames, year_period, config, wanted, coverage)
        points.append(TrendPoint(period=year_period, figures=figures))
    return points


def months(frames: Frames, period: Period, config: Config, kpis: list[Kpi],
           coverage: Coverage | None = None, last: dict[str, int | None] | None = None) -> list[TrendPoint]:
    """The KPIs of ``kpis`` that have a monthly form (the catalogue's ``monthly``), for
    each calendar month of the period (:func:`~fosterreport.periods.months_of`): the same
    per-period computation as the period's own, so a month's flows are those counted in
    it, its snapshots those of its last day, its rates and medians its own, each under the
    same coverage (a month the extracts cannot support is ``None`` with the reason).
    ``last`` limits a KPI to the period's last N months (the report's monthly data set;
    ``None``: every month)."""
    wanted = [kpi for kpi in kpis if kpi.monthly]
    if not wanted:
        return []
    every = months_of(period)
    limits = last or {}
    return [TrendPoint(period=month, figures=figures_for(
                frames, month, config, [kpi for kpi in wanted if index >= len(every) - (limits.get(kpi.id) or len(every))],
                coverage))
            for index, month in enumerate(every)]


def compute(extracts: Extracts, period: Period, config: Config | None = None, *, trend_years: int = 0,
            kpi_ids=None, by_month: bool | dict[str, int | None] = False) -> KpiResults:
    """See :func:`fosterreport.kpis.compute_kpis`."""
    config = config or Config()
    kpis = select(kpi_ids)
    targets = config.target_refs()  # every key was checked when the config was
    if trend_years < 0:
        raise UsageError(f"--trend must be 0 or more years, not {trend_years}")

    coverage = coverage_of(extracts)
    coverage.check_period(period)
    frames = Derived(extracts.frames)  # selections made once for the period, the year before and the trend
    current = figures_for(frames, period, config, kpis, coverage)
    before = figures_for(frames, period.previous(), config, kpis, coverage)
    england = _england(config, period)
    values = {kpi.id: _value(kpi, current[kpi.id], before.get(kpi.id), config, england)
              for kpi in kpis if kpi.id in current}
    return KpiResults(
        authority=config.council(extracts.is_sample).name,
        sample=extracts.is_sample,
        period=period,
        values=values,
        scorecard=scorecard(values, targets, config),
        left_out=left_out(frames, kpis, current, period),
        warnings=list(extracts.problems.warnings),
        suppress_below=config.publication.suppress_below,  # the JSON and CSV withhold what the report does
        trend=(trend(frames, period, config, kpis, trend_years, {period.previous(): before, period: current},
                     coverage) if trend_years else []),
        months=(months(frames, period, config, [kpi for kpi in kpis if kpi.id in values
                                                  and (by_month is True or kpi.id in by_month)], coverage,
                      None if by_month is True else by_month)
                if by_month else []),
    )
