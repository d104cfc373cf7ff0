"""The sections about how carers are approved, overseen and supported: the fostering
panel, reviews and supervision, complaints and allegations, learning and development,
and Mockingbird.

Each is a few sentences and measures or breakdown tables of one extract, built the same
way, so they share a module.
"""

from __future__ import annotations

from fosterreport.context.model import Section
from fosterreport.context.tables import TableBuilder


class OversightSections(TableBuilder):
    """The panel, reviews, complaints, learning and Mockingbird sections."""

    def panel(self, s: Section) -> None:
        f = self.f
        s.facts.append(
            f"In {self.label} the fostering panel sat on {f.text('panel_sittings')} "
            f"{self.one('panel_sittings', 'occasion', 'occasions')} and heard "
            f"{f.text('panel_items')} {self.one('panel_items', 'item', 'items')}; {f.text('inquorate_sittings')} "
            f"{self.one('inquorate_sittings', 'sitting was', 'sittings were')} inquorate.")
        s.add("items", self.breakdown_table("panel-items", f"Summary of panel business, {self.period.in_words}",
                                            "panel_items", "item_type", header="Items at panel"))
        s.add("outcomes", self.breakdown_table("panel-outcomes", f"Panel items by outcome, {self.label}",
                                               "panel_items", "outcome", header="Outcome"))
        s.add("measures", self.measures_table("panel-measures", f"Panel sittings, {self.label}",
                                              ["panel_sittings", "panel_items", "inquorate_sittings"]))

    def reviews(self, s: Section) -> None:
        f = self.f
        if f.has("reviews_due"):
            s.facts.append(
                f"{f.text('reviews_due')} {self.one('reviews_due', 'review', 'reviews')} of approval fell due "
                f"in {self.label}; {f.text('reviews_on_time_rate')} were completed on time, and "
                f"{f.text('reviews_overdue_end')} {self.one('reviews_overdue_end', 'was', 'were')} overdue on "
                f"{self.end_words}.")
        if f.has("supervision_timeliness_rate"):
            s.facts.append(
                f"{f.text('supervision_timeliness_rate')} of households had supervision contact at least every "
                f"{self.config.rules.supervision_interval_days} days, and {f.text('unannounced_visit_rate')} "
                f"of households approved all year had at least one unannounced visit.")
        s.add("measures", self.measures_table(
            "oversight", f"Reviews, supervision and visits, {self.label}",
            ["reviews_due", "reviews_on_time_rate", "reviews_overdue_end", "supervision_visits",
             "supervision_timeliness_rate", "unannounced_visit_rate"]))

    def complaints(self, s: Section) -> None:
        f = self.f
        if f.has("complaints"):
            s.facts.append(f"{f.text('complaints')} {self.one('complaints', 'complaint was', 'complaints were')} "
                           f"received in {self.label}; {f.text('complaints_upheld')} "
                           f"{self.one('complaints_upheld', 'was', 'were')} upheld in whole or in part.")
            s.add("complainant", self.breakdown_table(
                "complaints-by-complainant", f"Complaints by complainant, {self.label}", "complaints",
                "complainant", header="Complainant",
                columns=[("Complaints", "complaints", "value"),
                         ("Upheld or partly upheld", "complaints_upheld", "value"),
                         (f"Complaints {self.previous_label}", "complaints", "previous")]),
                heading="Complaints")
            s.add("complaint_outcome", self.breakdown_table(
                "complaints-by-outcome", f"Complaints by outcome, {self.label}", "complaints", "outcome",
                header="Outcome"))
        if f.has("allegations"):
            s.facts.append(
                f"{f.text('allegations')} {self.one('allegations', 'allegation', 'allegations')} concerning "
                f"{f.text('households_with_allegations')} fostering "
                f"{self.one('households_with_allegations', 'household', 'households')} "
                f"{self.one('allegations', 'was', 'were')} referred to the Designated Officer (LADO); "
                f"{f.text('allegations_substantiated')} {self.one('allegations_substantiated', 'was', 'were')} "
                f"substantiated and {f.text('allegations_nfa_rate')} led to no further action.")
            first = True
            for key, bd, words in (("allegation_source", "source", "source"),
                                   ("allegation_category", "category", "category"),
                                   ("allegation_outcome", "outcome", "outcome")):
                table = self.breakdown_table(f"allegations-by-{bd}", f"Allegations by {words}, {self.label}",
                                             "allegations", bd, header=words.capitalize())
                s.add(key, table, heading="Allegations" if first and table else None)
                first = first and not table
        s.add("measures", self.measures_table(
            "complaints-measures", f"Complaints and allegations: measures, {self.label}",
            ["complaints", "complaints_upheld", "allegations", "allegations_substantiated",
             "allegations_nfa_rate", "households_with_allegations"]), heading="All measures")

    def learning(self, s: Section) -> None:
        f = self.f
        s.facts.append(
            f"During {self.label}, {f.text('training_sessions')} learning "
            f"{self.one('training_sessions', 'session was', 'sessions were')} held; "
            f"{f.text('carers_trained')} carers attended at least one ({f.text('training_attendances')} "
            f"attendances in all).")
        s.add("measures", self.measures_table("learning-measures", f"Learning and development, {self.label}",
                                              ["training_sessions", "carers_trained", "training_attendances"]))
        s.add("mode", self.breakdown_table("sessions-by-mode", f"Learning sessions by mode, {self.label}",
                                           "training_sessions", "mode", header="Mode"))

    def mockingbird(self, s: Section) -> None:
        f = self.f
        s.facts.append(
            f"On {self.end_words} there {self.one('mockingbird_constellations_end', 'was', 'were')} "
            f"{f.text('mockingbird_constellations_end')} Mockingbird "
            f"{self.one('mockingbird_constellations_end', 'constellation', 'constellations')} with "
            f"{f.text('mockingbird_households_end')} member "
            f"{self.one('mockingbird_households_end', 'household', 'households')}: "
            f"{f.text('mockingbird_share')} of all fostering households.")
        s.add("roles", self.breakdown_table(
            "mockingbird-roles", f"Mockingbird member households by role, {self.end_words}",
            "mockingbird_households_end", "role", header="Role", keep_zero=True))
        s.add("measures", self.measures_table("mockingbird-measures", f"Mockingbird, {self.label}",
                                              ["mockingbird_constellations_end", "mockingbird_households_end",
                                               "mockingbird_share"]))
