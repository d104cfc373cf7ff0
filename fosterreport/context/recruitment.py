"""The sections about households coming and going during the period: recruitment
(from enquiry to approval) and approvals and deregistrations (with the trend over the
years).

These are the flows that change the snapshot shown in
:mod:`fosterreport.context.households`.

Each function builds one section, ``name(s, t)``: it fills the empty section ``s`` using
``t``, the report's shared :class:`~fosterreport.context.tables.TableBuilder`. Which function
builds which section is said once, in :mod:`fosterreport.context.sections`.
"""

from __future__ import annotations

from fosterreport import codes
from fosterreport.context.figures import format_value
from fosterreport.context.model import Cell, ChartSpec, Row, Section, Series, Table
from fosterreport.context.tables import TableBuilder
from fosterreport.context.words import code_label
from fosterreport.formatting import NOT_AVAILABLE, SUPPRESSED, format_date


#: The recruitment funnel's stages: (name, count, the share of enquiries that reached it).
FUNNEL = (("Enquiries", "enquiries", None), ("Initial visits", "initial_visits", "enquiry_to_visit_rate"),
          ("Applications", "applications", "enquiry_to_application_rate"),
          ("Approvals", "approvals_from_enquiries", "enquiry_to_approval_rate"))


def recruitment(s: Section, t: TableBuilder) -> None:
    f = t.f
    stages = [st for st in FUNNEL if f.has(st[1])]
    s.facts.append(
        f"In {t.label} there {t.one('enquiries', 'was', 'were')} {f.text('enquiries')} "
        f"{t.one('enquiries', 'enquiry', 'enquiries')}, {f.text('initial_visits')} initial "
        f"{t.one('initial_visits', 'visit', 'visits')}, {f.text('applications')} "
        f"{t.one('applications', 'application', 'applications')} and "
        f"{f.text('approvals_from_enquiries')} {t.one('approvals_from_enquiries', 'approval', 'approvals')} "
        f"from enquiries: an enquiry-to-approval rate of {f.text('enquiry_to_approval_rate')}, "
        f"against {f.text('enquiry_to_approval_rate', 'previous')} in {t.previous_label}.")
    kv = f.kv("enquiry_to_approval_rate")
    if kv is not None and len(kv.benchmarks) == 1:
        s.facts.append(f"The benchmark for the enquiry-to-approval rate is "
                       f"{f.benchmark('enquiry_to_approval_rate')}: {kv.benchmark.label}.")
    elif kv is not None and kv.benchmarks:
        s.facts.append(f"The benchmarks for the enquiry-to-approval rate are "
                       f"{f.benchmarks_text('enquiry_to_approval_rate')}.")
    if f.has("assessments_in_progress_end"):
        s.facts.append(f"On {t.end_words}, {f.text('assessments_in_progress_end')} "
                       f"{t.one('assessments_in_progress_end', 'assessment was', 'assessments were')} "
                       f"in progress.")
    whole = (SUPPRESSED if f.suppressed("enquiries") else "100.0%" if f.raw("enquiries") else NOT_AVAILABLE)
    rows = [Row(name, [Cell(f.text(kid)), Cell(f.text(rate) if rate else whole),
                       Cell(f.text(kid, "previous"))]) for name, kid, rate in stages]
    funnel_table = Table("funnel", f"Recruitment funnel, {t.label}",
                         ["Stage", t.label, "Share of enquiries", t.previous_label], rows,
                         ["Each stage counts the enquiries that reached it in the period (same-period "
                          "counts, as councils and The Fostering Network quote them)."])
    s.add("funnel", t.hbar(
        "funnel", f"Recruitment funnel, {t.label}",
        [(name, f.text(kid), f.raw(kid)) for name, kid, _ in stages], funnel_table,
        x_label="Number in the period"), heading="From enquiry to approval")
    s.add("conversion", t.measures_table(
        "conversion", f"Conversion rates, {t.label}",
        ["enquiry_to_visit_rate", "enquiry_to_application_rate", "application_to_approval_rate",
         "enquiry_to_approval_rate", "cohort_approval_rate"]))
    s.add("sources", t.breakdown_table("enquiry-sources", f"Enquiries by source, {t.label}",
                                          "enquiries", "source", header="Source of enquiry"),
          heading="Where enquiries came from")
    s.add("sought", t.breakdown_table(
        "enquiries-by-type", f"Enquiries by household type sought, {t.label}",
        "enquiries", "household_type_sought", header="Household type sought"))
    timeliness = t.measures_table(
        "timeliness", f"Timeliness of assessments, {t.label}",
        ["median_days_enquiry_to_approval", "median_days_application_to_approval",
         "assessments_within_timescale_rate"])
    if timeliness:
        timeliness.notes.append(f"On time: approved within {t.config.rules.assessment_timescale_months} "
                                f"calendar months of application.")
    s.add("timeliness", timeliness, heading="Timeliness")
    s.add("in_progress", t.breakdown_table(
        "in-progress", f"Assessments in progress by household type sought, {t.end_words}",
        "assessments_in_progress_end", "household_type_sought", header="Household type sought"),
        heading="Assessments in progress and withdrawals")
    s.add("withdrawals", t.breakdown_table("withdrawals", f"Withdrawals by reason, {t.label}",
                                              "withdrawals", "closed_reason", header="Reason"))
    rows = [r for r in t.results.scorecard
            if r.kpi.id in ("approvals", "approvals_from_enquiries", "enquiries",
                            "enquiry_to_approval_rate", "enquiry_to_application_rate")]
    if rows:
        s.add("targets", t.scorecard_table(
            "recruitment-targets", f"Recruitment and approvals against targets, {t.label}", rows),
            heading="Against targets")


def approvals(s: Section, t: TableBuilder) -> None:
    f = t.f
    bd = "household_type"
    s.facts.append(
        f"During {t.label}, {f.text('approvals')} {t.one('approvals', 'household was', 'households were')} "
        f"approved and {f.text('deregistrations')} {t.one('deregistrations', 'was', 'were')} deregistered, "
        f"a net change of {f.text('net_change')}"
        + (f"; the deregistration rate was {f.text('deregistration_rate')}" if f.has("deregistration_rate") else "")
        + ".")
    if f.has("temporary_approvals"):
        s.facts.append(
            f"{f.text('temporary_approvals')} of the households approved "
            f"{t.one('temporary_approvals', 'was', 'were')} temporarily approved as connected persons "
            f"(Regulation 24); on {t.end_words}, {f.text('temporary_households_end')} "
            f"{t.one('temporary_households_end', 'household was', 'households were')} temporarily approved.")
    columns = [(f"Households {t.start_words}", "households_start", "value"),
               ("Approved", "approvals", "value"), ("Deregistered", "deregistrations", "value"),
               ("Net change", "net_change", "value"),
               (f"Households {t.end_words}", "households_end", "value"),
               ("Deregistration rate", "deregistration_rate", "value")]
    table = t.breakdown_table("movement-by-type",
                                 f"Approvals and deregistrations by household type, {t.label}",
                                 "approvals", bd, header="Type of fostering household", columns=columns)
    if table:
        table.notes.append("Households at the end = households at the start + approved − deregistered. "
                           "Deregistration rate = deregistered ÷ (households at the start + approved).")
    s.add("by_type", table)
    if f.has("deregistrations"):
        reason_codes = f.codes("deregistrations", "reason")
        reason_table = t.breakdown_table(
            "deregistration-reasons", f"Deregistrations by reason, {t.label}",
            "deregistrations", "reason", header="Reason for deregistration", keep_zero=True)
        if reason_table:
            chart_rows = [(code_label("deregistrations", "reason", code),
                           f.text("deregistrations", "value", "reason", code),
                           f.raw("deregistrations", "value", "reason", code)) for code in reason_codes]
            s.add("reasons", t.hbar(
                "deregistration-reasons", f"Deregistrations by reason, {t.label}", chart_rows,
                reason_table, x_label="Households deregistered"), heading="Why households left")
        s.add("reasons_by_type", t.cross_table(
            "deregistrations-by-type-and-reason", f"Deregistrations by household type and reason, {t.label}",
            "deregistrations", "household_type/reason", header="Type of fostering household"))
    trend, uncovered = covered_trend(t.results.trend)
    if len(trend) >= 2:
        years = [p.period.label for p in trend]
        keys = [("households_end", "Households at end of year"), ("approvals", "Approvals"),
                ("deregistrations", "Deregistrations")]
        series = []
        for kpi_id, name in keys:
            texts = [f.trend_text(p, kpi_id) for p in trend]
            series.append(Series(name, [f.chart_value(t, p.values.get(kpi_id)) for t, p in zip(texts, trend)],
                                 texts))
        head = ["Financial year" if not t.period.custom else "Period", "Households at end", "Approvals", "Deregistrations", "Net change",
                "Deregistration rate"]
        rows = [Row(p.period.label, [Cell(f.trend_text(p, k)) for k in
                                     ("households_end", "approvals", "deregistrations", "net_change",
                                      "deregistration_rate")]) for p in trend]
        span = (f"{years[0]} to {years[-1]}" if not t.period.custom  # same-length periods: their days
                else f"{format_date(trend[0].period.start)} to {format_date(trend[-1].period.end)}")
        table = Table("trend", f"Households, approvals and deregistrations, {span}", head, rows,
                      uncovered_notes(uncovered))
        alt = (f"Line chart and bar chart, {span}. "
               + " ".join(f"{se.name}: " + "; ".join(f"{y} {t}" for y, t in zip(years, se.texts)) + "."
                          for se in series))
        s.add("trend", ChartSpec("trend", "trend", f"Households, approvals and deregistrations, {span}",
                                 alt, years, series, table), heading=f"Trend, {span}")
        reasons = [c.value for c in codes.DeregistrationReason]
        if any("reason" in p.by.get("deregistrations", {}) for p in trend):
            present = [c for c in reasons
                       if any(p.by.get("deregistrations", {}).get("reason", {}).get(c) for p in trend)]
            rows = []
            for p in trend:
                by = p.by.get("deregistrations", {}).get("reason", {})
                rows.append(Row(p.period.label, [
                    Cell(SUPPRESSED if f.suppression.trend_withheld(p, "deregistrations", "reason", c)
                         else format_value(by.get(c, 0), "count"))
                    for c in present]))
            if present:
                s.add("reasons_trend", Table(
                    "deregistration-reasons-trend", f"Deregistrations by reason, {span}",
                    [head[0]] + [codes.DeregistrationReason(c).label for c in present], rows,
                    ["Reasons with no deregistrations in any year are not shown."], wide=len(present) > 5))


def covered_trend(points: list) -> tuple[list, list]:
    """The trend years the extracts cover, and those they do not (oldest first): a year in
    which every figure is uncovered (enquiries.csv starts after it) is left out of the
    trend rather than shown as a row of blanks, or worse, zeros."""
    shown = [p for p in points if p.values and not all(fig.not_covered for fig in p.figures.values())]
    return shown, [p for p in points if p.figures and p not in shown]


def uncovered_notes(points: list) -> list[str]:
    """One note per reason naming the years left out for it ("2016/17 and 2017/18 are
    left out of the trend: households.csv starts 1 April 2018")."""
    from fosterreport.context.words import join_words

    by_reason: dict[str, list[str]] = {}
    for point in points:
        reason = next(fig.not_covered for fig in point.figures.values() if fig.not_covered)
        by_reason.setdefault(reason, []).append(point.period.label)
    return [f"{join_words(years)} {'is' if len(years) == 1 else 'are'} left out of the trend: {reason}."
            for reason, years in by_reason.items()]
