"""The month-by-month section: the recruitment funnel month by month, and the monthly
performance dataset a Corporate Parenting Board reads.

Dorset's annual report has a table of enquiries, initial visits, applications and
approvals for each month from April to March, and its Corporate Parenting data set shows
each measure for the last six months with the baseline year, a target, an arrow against
the previous month, a RAG status, the England and statistical-neighbour averages and a
sparkline. Both are built here from ``results.months`` (:func:`fosterreport.kpis.compute_kpis`
with ``months=``), whose figures are the same per-period computation as the year's: a
month's counts are those dated in it, its snapshots those of its last day, its rates its
own. Every figure is withheld as the year's are (:class:`~fosterreport.kpis.results.Suppression`),
and nothing is built on a withheld one: no direction, no status and no point of the line.

Which KPIs are computed by month is said here (:func:`month_kpis`), so the build asks for
exactly the figures this section prints; whether the section is in a report is
:func:`wanted`: on by default for a financial year's report, and for any other period
when ``[report] sections`` names it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fosterreport.context.figures import format_value
from fosterreport.context.model import Cell, Row, Section, Table
from fosterreport.context.recruitment import FUNNEL
from fosterreport.context.tables import TableBuilder
from fosterreport.context.words import join_words, lower_first
from fosterreport.formatting import NOT_AVAILABLE, SUPPRESSED, format_direction
from fosterreport.kpis.comparison import direction, rag

if TYPE_CHECKING:
    from fosterreport.config import Config
    from fosterreport.kpis.results import TrendPoint
    from fosterreport.periods import Period

#: The section's id in the registry and in ``[report] sections``.
SECTION_ID = "months"
#: Eight heights of a sparkline drawn in characters (Markdown and Word).
BARS = "▁▂▃▄▅▆▇█"


def wanted(config: "Config", period: "Period") -> bool:
    """Whether the report has the month-by-month section: when ``[report] sections``
    names it, or (not set) for a financial year's report."""
    chosen = config.report.sections
    if chosen is not None:
        return SECTION_ID in chosen
    return not period.custom and period.quarter is None


def month_kpis(config: "Config") -> dict[str, int | None]:
    """The KPIs the section shows month by month, each with how many of the period's last
    months it needs (``None``: all): the funnel's counts every month, the dataset's
    measures the months it shows (so the build computes no month it does not print)."""
    wanted: dict[str, int | None] = {kpi_id: config.report.months_shown for kpi_id in config.report.monthly_measures}
    wanted.update({kpi_id: None for _, kpi_id, _ in FUNNEL})
    return wanted


def month_label(period: "Period") -> str:
    """A column heading: ``Apr 2023`` (a month cut short by a custom period: its days)."""
    return f"{period.start:%b %Y}" if period.whole_months else period.label


def months(s: Section, t: TableBuilder) -> None:
    points = t.results.months
    s.facts.append("Each month's figures are made as the year's are: a count is what is dated in the month, a "
                   "figure on a day is the month's last day's, and a rate is the month's own.")
    s.add("dataset", dataset(t, points[-t.config.report.months_shown:]), heading="Monthly performance dataset")
    s.add("recruitment_months", recruitment_by_month(t, points), heading="Recruitment month by month")


def recruitment_by_month(t: TableBuilder, points: list["TrendPoint"]) -> Table | None:
    """Enquiries, initial visits, applications and approvals in each month, and the period's."""
    f = t.f
    stages = [(name, kpi_id) for name, kpi_id, _ in FUNNEL if f.has(kpi_id)]
    if not stages or not points:
        return None
    rows = [Row(name, [Cell(f.trend_text(point, kpi_id)) for point in points] + [Cell(f.text(kpi_id))])
            for name, kpi_id in stages]
    notes = ["Each stage counts the enquiries that reached it in the month; the months add up to the "
             f"{t.label} column."]
    notes += _coverage(t, points, [kpi_id for _, kpi_id in stages])
    return Table("recruitment-months", f"Recruitment by month, {t.label}",
                 ["Stage", *[month_label(point.period) for point in points], t.label], rows, notes, wide=True)


def dataset(t: TableBuilder, points: list["TrendPoint"]) -> Table | None:
    """The monthly performance dataset: for each measure of ``[report] monthly_measures``,
    its target and benchmarks, the baseline (the year before), the months shown, the
    direction against the month before, the last month's status and a trend line."""
    f = t.f
    ids = [kpi_id for kpi_id in t.config.report.monthly_measures
           if f.has(kpi_id) and any(kpi_id in point.figures for point in points)]
    if not ids or not points:
        return None
    labels = list(dict.fromkeys(b.label for kpi_id in ids for b in f.kv(kpi_id).benchmarks))
    show_targets = any(f.kv(kpi_id).target is not None for kpi_id in ids)
    baseline = f"Baseline {t.previous_label}"
    head = ["Measure", *(["Target"] if show_targets else []), *labels, baseline,
            *[month_label(point.period) for point in points], "On the month before",
            *(["Status"] if show_targets else []), "Trend"]
    rows, notes, restated = [], [], []
    for kpi_id in ids:
        kv = f.kv(kpi_id)
        cells = [Cell(f.target(kpi_id, kv.target))] if show_targets else []
        found = {b.label: b for b in kv.benchmarks}
        cells += [Cell(format_value(found[label].value, kv.kpi.unit) if label in found else NOT_AVAILABLE)
                  for label in labels]
        notes += [f"{b.label} ({lower_first(kv.kpi.label)}): {b.source}." for b in kv.benchmarks if b.source]
        cells.append(t.figure_cell(kpi_id, "previous", notes=restated))
        cells += [Cell(f.trend_text(point, kpi_id)) for point in points]
        shown = [_shown(t, point, kpi_id) for point in points]
        cells.append(_direction(t, points, kpi_id, shown))
        if show_targets:
            cells.append(_status(t, points[-1], kpi_id, shown[-1]))
        cells.append(sparkline(shown, kv.kpi.unit))
        rows.append(Row(kv.kpi.label, cells))
    notes.append(f"Baseline: the figure for {t.previous_label} (for a count, the year's total). On the month "
                 f"before: the last month against the one before it, in the measure's direction. Trend: the "
                 f"months shown, as a line, with a gap where a figure is withheld or not available.")
    if show_targets:
        accumulating = [kpi_id for kpi_id in ids if f.kv(kpi_id).kpi.accumulates and f.kv(kpi_id).target is not None]
        notes.append("Status: the last month against the target, as the scorecard rates it."
                     + (f" A count over a period ({_names(t, accumulating)}) has a target for the year, so one "
                        f"month is not rated against it (n/a)." if accumulating else ""))
    notes += _coverage(t, points, ids)
    caption = f"Monthly performance, {month_label(points[0].period)} to {month_label(points[-1].period)}"
    return Table("dataset", caption, head, rows, list(dict.fromkeys(notes)) + restated, wide=True)


def _shown(t: TableBuilder, point: "TrendPoint", kpi_id: str) -> float | None:
    """A month's figure where it is published, else None (withheld or not available)."""
    figure = point.figures.get(kpi_id)
    if figure is None or figure.value is None or t.f.suppression.trend_withheld(point, kpi_id):
        return None
    return float(figure.value)


def _direction(t: TableBuilder, points: list["TrendPoint"], kpi_id: str, shown: list[float | None]) -> Cell:
    """The last month against the one before; nothing built on a withheld figure."""
    if len(points) < 2:
        return Cell(NOT_AVAILABLE, "dir", "n/a")
    if any(t.f.suppression.trend_withheld(point, kpi_id) for point in points[-2:]):
        return Cell(SUPPRESSED, "dir", "n/a")
    found = direction(shown[-1], shown[-2], t.f.kv(kpi_id).kpi.polarity, t.config.rules.similar_tolerance)
    return Cell(format_direction(found), "dir", found)


def _status(t: TableBuilder, last_month: "TrendPoint", kpi_id: str, last: float | None) -> Cell:
    """The last month against the target; n/a for a count over a period (its target is a year's)."""
    kv = t.f.kv(kpi_id)
    if kv.target is None or kv.kpi.accumulates:
        return Cell(NOT_AVAILABLE, "text")
    if t.f.suppression.trend_withheld(last_month, kpi_id):
        return Cell(SUPPRESSED, "text")
    rules = t.config.rules
    return t.f.rag(rag(last, kv.target, kv.kpi.polarity, rules.rag_green_tolerance, rules.rag_red_threshold))


def sparkline(shown: list[float | None], unit: str) -> Cell:
    """The months as a small line: its points (scaled 0–1 between the smallest and the
    largest shown), the same line in characters, and its words for the image's text."""
    known = [value for value in shown if value is not None]
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    scaled = tuple(None if value is None else (0.5 if high == low else (value - low) / (high - low))
                   for value in shown)
    text = "".join(" " if value is None else BARS[min(int(value * len(BARS)), len(BARS) - 1)] for value in scaled)
    if len(known) < 2:
        words = f"Trend over {len(shown)} months: too few figures to draw"
    else:
        words = (f"Trend over {len(shown)} months, from {format_value(known[0], unit)} to "
                 f"{format_value(known[-1], unit)}")
    return Cell(text, "spark", words, scaled)


def _names(t: TableBuilder, ids: list[str]) -> str:
    return join_words([lower_first(t.f.label(kpi_id)) for kpi_id in ids])


def _coverage(t: TableBuilder, points: list["TrendPoint"], ids: list[str]) -> list[str]:
    """A note for each measure with months the extracts cannot support (shown as n/a)."""
    notes = []
    for kpi_id in ids:
        uncovered = [point for point in points
                     if kpi_id in point.figures and point.figures[kpi_id].not_covered]
        if uncovered:
            reason = uncovered[0].figures[kpi_id].not_covered
            notes.append(f"{t.f.label(kpi_id)}: n/a for {len(uncovered)} of the months, because {reason}.")
    return notes
