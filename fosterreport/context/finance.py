"""The finance section: budget against (forecast) outturn, by budget line, and the cost
per placement week.

Money has its own words (underspend, overspend, forecast) and notes, so it stands apart
from the other sections.

Each function builds one section, ``name(s, t)``: it fills the empty section ``s`` using
``t``, the report's shared :class:`~fosterreport.context.tables.TableBuilder`. Which function
builds which section is said once, in :mod:`fosterreport.context.sections`.
"""

from __future__ import annotations

from fosterreport.context.model import Section
from fosterreport.context.tables import TableBuilder


def finance(s: Section, t: TableBuilder) -> None:
    f = t.f
    kv = f.kv("outturn")
    forecast = bool(kv and kv.note and "forecast" in kv.note)
    word = "forecast outturn" if forecast else "outturn"
    variance = f.kv("budget_variance")
    value = variance.value if variance is not None else None
    verdict = "" if not value else (", an underspend" if value < 0 else ", an overspend")
    s.facts.append(
        f"The {t.label} budget was {f.text('budget')} against {'a' if forecast else 'an'} {word} of "
        f"{f.text('outturn')}: a variance of {f.text('budget_variance')} "
        f"({f.text('budget_variance_rate')} of the budget){verdict}.")
    if f.has("cost_per_placement_week"):
        funded = (f" The budget was set to fund {f.text('funded_placements')} placements on average."
                  if f.has("funded_placements") and f.raw("funded_placements") is not None else "")
        s.facts.append(f"The cost per in-house placement week was {f.text('cost_per_placement_week')}."
                       + funded)
    table = t.breakdown_table(
        "budget-lines", f"Budget and {word} by line, {t.label}", "budget", "line", header="Budget line",
        columns=[("Budget", "budget", "value"),
                 ("Forecast outturn" if forecast else "Outturn", "outturn", "value"),
                 ("Variance", "budget_variance", "value")], note_zero=False)
    if table:
        table.notes.append("Variance = outturn − budget; a negative variance is an underspend.")
        if forecast:
            table.notes.append("The outturn includes forecast figures (rows marked as a forecast in "
                               "budget.csv).")
    s.add("lines", table)
    s.add("measures", t.measures_table("finance-measures", f"Finance: measures, {t.label}",
                                          ["budget", "outturn", "budget_variance", "budget_variance_rate",
                                           "funded_placements", "cost_per_placement_week"]))
