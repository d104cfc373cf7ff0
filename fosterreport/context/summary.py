"""The report at a glance: the summary section (headline cards) and the performance
scorecard (every measure with a target, and its RAG rating).

Both look across the whole service rather than at one subject, so they sit together,
apart from the subject sections.

Each function builds one section, ``name(s, t)``: it fills the empty section ``s`` using
``t``, the report's shared :class:`~fosterreport.context.tables.TableBuilder`. Which function
builds which section is said once, in :mod:`fosterreport.context.sections`.
"""

from __future__ import annotations

from fosterreport.context.model import Section
from fosterreport.context.tables import TableBuilder


def summary(s: Section, t: TableBuilder) -> None:
    f = t.f
    restated: list[str] = []
    for kpi_id in ("households_end", "approvals", "deregistrations", "net_change",
                   "enquiry_to_approval_rate", "occupancy_rate", "budget_variance"):
        card = t.card(kpi_id, restated)
        if card:
            s.cards.append(card)
    if f.has("households_end"):
        earlier = t.period.before_words
        s.facts.append(
            f"On {t.end_words} the service had {f.text('households_end')} fostering households, "
            f"against {f.text('households_end', 'previous')} {earlier}: {f.text('approvals')} were "
            f"approved and {f.text('deregistrations')} deregistered during {t.label}.")
    s.facts += restated  # what a headline marked r was published as (Appendix B lists them all)


def scorecard(s: Section, t: TableBuilder) -> None:
    if t.results.scorecard:
        s.add("scorecard", t.scorecard_table(
            "scorecard", f"Performance scorecard, {t.label}", t.results.scorecard))
    else:
        s.facts.append("No targets are set, so there are no RAG ratings: targets are added under "
                       "[targets] in fosterreport.toml (for example approvals.MAINSTREAM = 35).")
