"""The sections about the service's capacity at the end of the period: fostering
households and their places (occupancy, vacancies, holds), and the children placed.

These are snapshot figures ("on 31 March"), unlike the flows in
:mod:`fosterreport.context.recruitment`.

Each function builds one section, ``name(s, t)``: it fills the empty section ``s`` using
``t``, the report's shared :class:`~fosterreport.context.tables.TableBuilder`. Which function
builds which section is said once, in :mod:`fosterreport.context.sections`.
"""

from __future__ import annotations

from fosterreport.context.model import Cell, Row, Section, Table
from fosterreport.context.tables import TableBuilder
from fosterreport.context.words import VACANCY_LABELS, code_label, join_words, lower_first


def households(s: Section, t: TableBuilder) -> None:
    f = t.f
    bd = "household_type"
    types = [c for c in f.codes("households_end", bd)
             if any(f.raw(k, "value", bd, c) for k in ("households_end", "approved_places_end",
                                                        "children_placed_end"))]
    parts = [f"{f.text('households_end', 'value', bd, c)} {lower_first(code_label('households_end', bd, c))}"
             for c in types]
    sentence = f"On {t.end_words} there were {f.text('households_end')} fostering households"
    if parts:
        sentence += f" ({join_words(parts)})"
    if f.has("approved_places_end"):
        sentence += f", approved for {f.text('approved_places_end')} places"
    if f.has("children_placed_end"):
        sentence += f", with {f.text('children_placed_end')} children placed with them"
    s.facts.append(sentence + ".")
    if f.has("occupancy_rate") and f.has("utilisation_rate"):
        s.facts.append(
            f"{f.text('places_filled_end')} of the approved places "
            f"{t.one('places_filled_end', 'was', 'were')} filled (occupancy "
            f"{f.text('occupancy_rate')}), and there were {f.text('utilisation_rate')} children placed "
            f"per household (utilisation).")

    columns = [("Households", "households_end", "value"),
               ("Approved places", "approved_places_end", "value"),
               ("Children placed", "children_placed_end", "value"),
               ("Places filled", "places_filled_end", "value"),
               ("Occupancy", "occupancy_rate", "value"),
               ("Children per household", "utilisation_rate", "value")]
    caption = ("Fostering households, approved places and children placed by household type"
               if f.has("children_placed_end") else "Fostering households and approved places by household type")
    s.add("by_type", t.breakdown_table(
        "households-by-type", f"{caption}, {t.end_words}",
        "households_end", bd, header="Type of fostering household", columns=columns))

    if f.has("places_vacant_end") and f.has("places_on_hold_end"):
        lines = [("Places filled", "places_filled_end", None, None, False)]
        for kind in ("PRIMARY", "SECONDARY"):
            lines.append((f"Vacant: {lower_first(VACANCY_LABELS[kind])}", "places_vacant_end", "vacancy",
                          kind, False))
        for kind in ("PRIMARY", "SECONDARY"):
            lines.append((f"On hold: {lower_first(VACANCY_LABELS[kind])}", "places_on_hold_end", "vacancy",
                          kind, False))
        lines.append(("Approved places", "approved_places_end", None, None, True))
        rows = [Row(name, [Cell(f.text(kid, "value", bd_, code)), Cell(f.text(kid, "previous", bd_, code))],
                    total=total) for name, kid, bd_, code, total in lines]
        s.add("places", Table(
            "places", f"Approved places by use, {t.end_words}",
            ["Places", t.label, t.previous_label], rows,
            ["Approved places = places filled + vacant places + places on hold. A primary vacancy "
             "is in a household with no child placed; a secondary vacancy is a spare place in a "
             "household that already has a child placed."]), heading="Vacancies and places on hold")
    s.add("ethnicity", t.breakdown_table(
        "households-by-ethnicity", f"Fostering households by ethnicity of the main carer, {t.end_words}, and "
        f"households approved in {t.label}", "households_end", "ethnicity_group", header="Ethnicity of the main carer",
        columns=[(f"Households {t.end_words}", "households_end", "value"),
                 (f"Approved in {t.label}", "approvals", "value")]), heading="Carers' ethnicity")
    s.add("on_hold", t.breakdown_table(
        "households-on-hold", f"Households on hold by reason, {t.end_words}",
        "households_on_hold_end", "hold_reason", header="Reason for hold"))
    s.add("measures", t.measures_table(
        "households-measures", f"Households and places: all measures, {t.label}",
        ["households_start", "households_end", "approved_places_end", "children_placed_end",
         "places_filled_end", "occupancy_rate", "utilisation_rate", "places_vacant_end",
         "places_on_hold_end", "households_on_hold_end", "over_capacity_households_end",
         "temporary_households_end"]),
        heading="All measures")


def children(s: Section, t: TableBuilder) -> None:
    f = t.f
    bd = "provider"
    s.facts.append(
        f"On {t.end_words}, {f.text('children_in_care_end')} "
        f"{t.one('children_in_care_end', 'child was', 'children were')} in care (main placements): "
        f"{f.text('children_in_care_end', 'value', bd, 'IN_HOUSE')} were placed with the council's own "
        f"foster carers and {f.text('children_in_care_end', 'value', bd, 'IFA')} with independent "
        f"fostering agencies. {f.text('fostered_share')} of children in care were fostered, and "
        f"{f.text('in_house_share')} of fostered children were placed in-house.")
    table = t.breakdown_table("children-by-provider",
                                 f"Children in care by placement provider, {t.end_words}",
                                 "children_in_care_end", bd, header="Provider", total=True)
    if table:
        shown = [c for c in f.codes("children_in_care_end", bd)
                 if f.raw("children_in_care_end", "value", bd, c) or f.raw("children_in_care_end", "previous", bd, c)]
        rows = [(code_label("children_in_care_end", bd, c), f.text("children_in_care_end", "value", bd, c),
                 f.raw("children_in_care_end", "value", bd, c)) for c in shown]
        s.add("providers", t.hbar("children-by-provider",
                                     f"Children in care by placement provider, {t.end_words}",
                                     rows, table, x_label="Children (main placements)"))
    s.add("measures", t.measures_table("children-measures", f"Children placed: measures, {t.label}",
                                          ["children_in_care_end", "fostered_share", "in_house_share",
                                           "children_placed_in_period", "average_children_placed"]))
    s.add("average", t.breakdown_table(
        "average-children", f"Average number of children placed in-house by household type, {t.label}",
        "average_children_placed", "household_type", header="Type of fostering household"))
