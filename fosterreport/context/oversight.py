"""The sections about how carers are approved, overseen and supported: the fostering
panel, reviews and supervision, complaints and allegations, learning and development,
and Mockingbird.

Each is a few sentences and measures or breakdown tables of one extract, built the same
way, so they share a module.

Each function builds one section, ``name(s, t)``: it fills the empty section ``s`` using
``t``, the report's shared :class:`~fosterreport.context.tables.TableBuilder`. Which function
builds which section is said once, in :mod:`fosterreport.context.sections`.
"""

from __future__ import annotations

from fosterreport.context.model import Section
from fosterreport.context.tables import TableBuilder


def panel(s: Section, t: TableBuilder) -> None:
    f = t.f
    s.facts.append(
        f"In {t.label} the fostering panel sat on {f.text('panel_sittings')} "
        f"{t.one('panel_sittings', 'occasion', 'occasions')} and heard "
        f"{f.text('panel_items')} {t.one('panel_items', 'item', 'items')}; {f.text('inquorate_sittings')} "
        f"{t.one('inquorate_sittings', 'sitting was', 'sittings were')} inquorate.")
    s.add("items", t.breakdown_table("panel-items", f"Summary of panel business, {t.period.in_words}",
                                        "panel_items", "item_type", header="Items at panel"))
    # Medway's panel business table: each kind of item with its outcomes (the total row is
    # the items by outcome)
    s.add("outcomes", t.cross_table("panel-outcomes", f"Panel items by outcome, {t.label}", "panel_items",
                                    "item_type/outcome", header="Items at panel"))
    s.add("measures", t.measures_table("panel-measures", f"Panel sittings, {t.label}",
                                          ["panel_sittings", "panel_items", "inquorate_sittings"]))


def reviews(s: Section, t: TableBuilder) -> None:
    f = t.f
    if f.has("reviews_due"):
        s.facts.append(
            f"{f.text('reviews_due')} {t.one('reviews_due', 'review', 'reviews')} of approval fell due "
            f"in {t.label}; {f.text('reviews_on_time_rate')} were completed on time, and "
            f"{f.text('reviews_overdue_end')} {t.one('reviews_overdue_end', 'was', 'were')} overdue on "
            f"{t.end_words}.")
    if f.has("supervision_timeliness_rate"):
        s.facts.append(
            f"{f.text('supervision_timeliness_rate')} of households had supervision contact at least every "
            f"{t.config.rules.supervision_interval_days} days, and {f.text('unannounced_visit_rate')} "
            f"of households approved all year had at least one unannounced visit.")
    s.add("measures", t.measures_table(
        "oversight", f"Reviews, supervision and visits, {t.label}",
        ["reviews_due", "reviews_on_time_rate", "reviews_overdue_end", "supervision_visits",
         "supervision_timeliness_rate", "unannounced_visit_rate"]))


def complaints(s: Section, t: TableBuilder) -> None:
    f = t.f
    if f.has("complaints"):
        s.facts.append(f"{f.text('complaints')} {t.one('complaints', 'complaint was', 'complaints were')} "
                       f"received in {t.label}; {f.text('complaints_upheld')} "
                       f"{t.one('complaints_upheld', 'was', 'were')} upheld in whole or in part.")
        s.add("complainant", t.breakdown_table(
            "complaints-by-complainant", f"Complaints by complainant, {t.label}", "complaints",
            "complainant", header="Complainant",
            columns=[("Complaints", "complaints", "value"),
                     ("Upheld or partly upheld", "complaints_upheld", "value"),
                     (f"Complaints {t.previous_label}", "complaints", "previous")]),
            heading="Complaints")
        s.add("complaint_outcome", t.breakdown_table(
            "complaints-by-outcome", f"Complaints by outcome, {t.label}", "complaints", "outcome",
            header="Outcome"))
    if f.has("allegations"):
        s.facts.append(
            f"{f.text('allegations')} {t.one('allegations', 'allegation', 'allegations')} concerning "
            f"{f.text('households_with_allegations')} fostering "
            f"{t.one('households_with_allegations', 'household', 'households')} "
            f"{t.one('allegations', 'was', 'were')} referred to the Designated Officer (LADO); "
            f"{f.text('allegations_substantiated')} {t.one('allegations_substantiated', 'was', 'were')} "
            f"substantiated and {f.text('allegations_nfa_rate')} led to no further action.")
        if f.has("allegations_to_panel"):
            s.facts.append(
                f"{f.text('allegations_to_panel')} {t.one('allegations_to_panel', 'was', 'were')} also referred "
                f"to the fostering panel and {f.text('allegations_to_dbs')} to the Disclosure and Barring "
                f"Service (DBS).")
        first = True
        for key, bd, words in (("allegation_source", "source", "source"),
                               ("allegation_category", "category", "category"),
                               ("allegation_outcome", "outcome", "outcome")):
            table = t.breakdown_table(f"allegations-by-{bd}", f"Allegations by {words}, {t.label}",
                                         "allegations", bd, header=words.capitalize())
            s.add(key, table, heading="Allegations" if first and table else None)
            first = first and not table
    s.add("measures", t.measures_table(
        "complaints-measures", f"Complaints and allegations: measures, {t.label}",
        ["complaints", "complaints_upheld", "allegations", "allegations_substantiated",
         "allegations_nfa_rate", "households_with_allegations", "allegations_to_panel",
         "allegations_to_dbs"]), heading="All measures")


def learning(s: Section, t: TableBuilder) -> None:
    f = t.f
    s.facts.append(
        f"During {t.label}, {f.text('training_sessions')} learning "
        f"{t.one('training_sessions', 'session was', 'sessions were')} held; "
        f"{f.text('carers_trained')} carers attended at least one ({f.text('training_attendances')} "
        f"attendances in all).")
    s.add("measures", t.measures_table("learning-measures", f"Learning and development, {t.label}",
                                          ["training_sessions", "carers_trained", "training_attendances"]))
    s.add("mode", t.breakdown_table("sessions-by-mode", f"Learning sessions by mode, {t.label}",
                                       "training_sessions", "mode", header="Mode"))


def mockingbird(s: Section, t: TableBuilder) -> None:
    f = t.f
    s.facts.append(
        f"On {t.end_words} there {t.one('mockingbird_constellations_end', 'was', 'were')} "
        f"{f.text('mockingbird_constellations_end')} Mockingbird "
        f"{t.one('mockingbird_constellations_end', 'constellation', 'constellations')} with "
        f"{f.text('mockingbird_households_end')} member "
        f"{t.one('mockingbird_households_end', 'household', 'households')}: "
        f"{f.text('mockingbird_share')} of all fostering households.")
    s.add("roles", t.breakdown_table(
        "mockingbird-roles", f"Mockingbird member households by role, {t.end_words}",
        "mockingbird_households_end", "role", header="Role", keep_zero=True))
    s.add("measures", t.measures_table("mockingbird-measures", f"Mockingbird, {t.label}",
                                          ["mockingbird_constellations_end", "mockingbird_households_end",
                                           "mockingbird_share"]))
