"""The appendices: definitions of every measure (Appendix A) and the rules, files read
and warnings behind the figures (Appendix B, data quality and provenance).

They describe the catalogue and the extracts rather than the service, so they are built
apart from the sections. Privacy: warnings are counted by file and rule; their messages,
which may quote an id, are never copied into the report.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from fosterreport.context.figures import format_value
from fosterreport.context.model import Cell, Row, Table
from fosterreport.context.tables import RESTATED_MARK, TableBuilder
from fosterreport.context.words import BREAKDOWN_WORDS, code_label
from fosterreport.formatting import NOT_AVAILABLE, SUPPRESSED, format_date, is_suppressed

POLARITY_WORDS = {"higher": "higher", "lower": "lower", "neutral": "no better direction"}
UNIT_WORDS = {"count": "count", "rate": "percentage", "ratio": "ratio", "number": "number",
              "days": "days", "money": "pounds"}


def definitions(t: TableBuilder) -> list[Table]:
    from fosterreport.kpis.catalogue import CATALOGUE, SECTIONS as CATALOGUE_TITLES

    tables = []
    by_section: dict[str, list] = {}
    for kpi in CATALOGUE:
        by_section.setdefault(kpi.section, []).append(kpi)
    for section, kpis in by_section.items():
        rows = []
        for kpi in kpis:
            bds = ", ".join(BREAKDOWN_WORDS.get(b, b) for b in (kpi.breakdowns or ()))
            rows.append(Row(kpi.label, [
                Cell(kpi.definition + (f" By {bds}." if bds else ""), "text"),
                Cell(UNIT_WORDS.get(kpi.unit, kpi.unit), "text"),
                Cell(POLARITY_WORDS.get(kpi.polarity, kpi.polarity), "text")], code=kpi.id))
        title = CATALOGUE_TITLES.get(section, section.capitalize())
        tables.append(Table(f"definitions-{section}", f"Definitions: {title}",
                            ["Measure (id)", "Definition", "Unit", "Better when"], rows,
                            style="definitions"))
    return tables


def rules(t: TableBuilder) -> list[str]:
    r = t.config.rules
    rules = [
        f"The period is {t.period.in_words} ({t.label}); the previous period, for comparison, "
        f"is {t.period.previous().in_words} ({t.previous_label}).",
        f"Snapshot figures (\u201con {t.end_words}\u201d) count what was active on the last day of the "
        f"period; the start snapshot is the day before the period starts ({t.start_words}). A household "
        f"is active on a day when it was approved on or before that day and not deregistered by it.",
        "Rates are shown as percentages to one decimal place, children per household to two decimal "
        "places, money in whole pounds. A rate whose denominator is zero is shown as n/a.",
        f"Direction of travel compares each figure with the previous period: \u25b2 improved or "
        f"\u25bc declined according to whether a higher or lower value is better, \u25ac similar when the "
        f"change is within {format_value(r.similar_tolerance, 'rate')} of the previous value; measures "
        f"with no better direction say up or down.",
        f"RAG ratings appear only where a target is set: Green when on or better than target or short of "
        f"it by at most {format_value(r.rag_green_tolerance, 'rate')} of the target, Amber when short by "
        f"up to {format_value(r.rag_red_threshold, 'rate')}, Red when short by more. Every rating is "
        f"printed as a word as well as a colour.",
        f"Assessments are on time when approved within {r.assessment_timescale_months} calendar months "
        f"of application; supervision is timely when no gap between contacts exceeds "
        f"{r.supervision_interval_days} days.",
    ]
    if t.f.suppress_below:
        rules.append(
            f"Small numbers are suppressed: counts from 1 to {t.f.suppress_below - 1} are shown as "
            f"\u201cc\u201d, and so is any rate, ratio, median, change or direction built on such a count.")
    return rules


def data_quality(t: TableBuilder) -> dict[str, Any]:
    from fosterreport.problems import RULES

    # Row and warning counts are counts of records too: a complaints.csv of 3 rows says
    # as much as the complaints KPI, so they are suppressed like it.
    # A file of fewer rows than the threshold shows no dates and no hash either: the dates
    # are its records' dates, and with the hash its few rows' codes can be found by trying.
    below = t.f.suppress_below
    files = []
    for name in sorted(t.extracts.files):
        info = t.extracts.files[name]
        small = is_suppressed(info.rows, below)
        files.append(Row(Path(info.path).name if info.path else f"{name}.csv", [
            Cell(format_value(info.rows, "count", suppress_below=below)),
            Cell(SUPPRESSED if small else format_date(info.first_date) if info.first_date else NOT_AVAILABLE, "text"),
            Cell(SUPPRESSED if small else format_date(info.last_date) if info.last_date else NOT_AVAILABLE, "text"),
            Cell(info.encoding or NOT_AVAILABLE, "text"),
            Cell(SUPPRESSED if small else info.sha256, "code")]))
    files_table = Table("files", "Files read", ["File", "Rows", "Earliest date", "Latest date",
                                                "Encoding", "SHA-256"], files,
                        ["SHA-256 identifies the exact file read: anyone holding the same extract "
                         "can check it gives the same figures."], wide=True, style="files")
    warnings = Counter()
    for problem in _warnings(t):
        warnings[(problem.file, problem.rule)] += 1
    warning_rows = [Row(file, [Cell(rule, "code"), Cell(format_value(count, "count", suppress_below=below)),
                               Cell(RULES.get(rule, ""), "text")])
                    for (file, rule), count in sorted(warnings.items())]
    warnings_table = Table("warnings", "Warnings in the extracts, by file and rule",
                           ["File", "Rule", "Rows", "What it means"], warning_rows,
                           ["Run `fosterreport validate` for the line of each warning."]) if warning_rows else None
    # the total would give back a withheld group's count (total − the others): withheld too
    withheld = any(is_suppressed(count, below) for count in warnings.values())
    return {"files": files_table, "warnings": warnings_table,
            "warning_count": SUPPRESSED if withheld else format_value(sum(warnings.values()), "count"),
            "restating": t.results.restated is not None, "restated": restated(t)}


def restated(t: TableBuilder) -> Table | None:
    """Appendix B's "Restated figures": each previous-period figure that is not what last
    year's report published (``[report] previous_report``), formatted as the report's
    figures; none withheld now (a withheld one was never compared on the other side)."""
    rows = []
    for found in t.restated.values():
        unit = t.f.unit(found.kpi)
        breakdown = ("" if found.breakdown is None else
                     f"{BREAKDOWN_WORDS.get(found.breakdown, found.breakdown).capitalize()}: "
                     f"{code_label(found.kpi, found.breakdown, found.key)}")
        rows.append(Row(t.f.label(found.kpi), [Cell(breakdown or "All", "text"),
                                                Cell(format_value(found.published, unit)),
                                                Cell(format_value(found.now, unit))], code=found.kpi))
    if not rows:
        return None
    return Table("restated", f"Restated figures, {t.previous_label}",
                 ["Measure (id)", "Breakdown", "Published", "Now"], rows,
                 [f"Published: in last year's report; now: recomputed from this year's extracts. Each is marked "
                  f"{RESTATED_MARK} in its table."])


def _warnings(t: TableBuilder) -> list:
    seen = list(getattr(t.extracts.problems, "warnings", []) or [])
    for problem in t.results.warnings or []:
        if problem not in seen:
            seen.append(problem)
    return seen
