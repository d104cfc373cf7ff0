"""The report at a glance: the summary section (headline cards) and the performance
scorecard (every measure with a target, and its RAG rating).

Both look across the whole service rather than at one subject, so they sit together,
apart from the subject sections.
"""

from __future__ import annotations

from fosterreport.context.model import Section
from fosterreport.context.tables import TableBuilder


class SummarySections(TableBuilder):
    """The summary and scorecard sections."""

    def summary(self, s: Section) -> None:
        f = self.f
        for kpi_id in ("households_end", "approvals", "deregistrations", "net_change",
                       "enquiry_to_approval_rate", "occupancy_rate", "budget_variance"):
            card = self.card(kpi_id)
            if card:
                s.cards.append(card)
        if f.has("households_end"):
            s.facts.append(
                f"On {self.end_words} the service had {f.text('households_end')} fostering households, "
                f"against {f.text('households_end', 'previous')} a year earlier: {f.text('approvals')} were "
                f"approved and {f.text('deregistrations')} deregistered during {self.label}.")

    def scorecard(self, s: Section) -> None:
        if self.results.scorecard:
            s.add("scorecard", self.scorecard_table(
                "scorecard", f"Performance scorecard, {self.label}", self.results.scorecard))
        else:
            s.facts.append("No targets are set, so there are no RAG ratings: targets are added under "
                           "[targets] in fosterreport.toml (for example approvals.MAINSTREAM = 35).")
