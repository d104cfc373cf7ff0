"""Households and places: the table every council publishes.

Snapshot figures (households, places, children placed, vacancies, holds) are taken on
the period's last day, and households at the start on the day before it begins, so that
``households_end = households_start + approvals − deregistrations`` holds for every
household type by construction. Places follow from one per-household table: approved
places, children placed (MAIN in-house placements only), whether a hold is in force,
so that ``approved = filled + vacant + on hold`` holds too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fosterreport.kpis.catalogue import BY_ID, ETHNICITY, HOLD_REASON, HOUSEHOLD_TYPE, REASON, VACANCY
from fosterreport.kpis.measures import (
    Figure, Frames, active_on, count_by, count_cross, count_figure, derived, latest_per, needing, rate_figure,
    within,
)
from fosterreport.periods import Period

TYPE = HOUSEHOLD_TYPE.name


def household_types(households: pd.DataFrame) -> pd.DataFrame:
    """household_id → household_type, one row per household, for joining onto placements."""
    return households[["household_id", "household_type"]].drop_duplicates("household_id")


def main_in_house(placements: pd.DataFrame) -> pd.DataFrame:
    """MAIN placements with the council's own carers: what snapshot and day counts use."""
    return placements[(placements["placement_kind"] == "MAIN") & (placements["provider"] == "IN_HOUSE")]


def approved_on(frames: Frames, day) -> pd.DataFrame:
    """The rows of households.csv approved on ``day`` (kept for the computation's other users)."""
    def make() -> pd.DataFrame:
        households = frames["households"]
        return households[active_on(households["approval_date"], households["deregistration_date"], day)]

    return derived(frames, ("households approved on", day), make)


def in_house_on(frames: Frames, day) -> pd.DataFrame:
    """MAIN in-house placements open on ``day``."""
    def make() -> pd.DataFrame:
        placements = in_house_placements(frames)
        return placements[active_on(placements["start_date"], placements["end_date"], day)]

    return derived(frames, ("in-house placements on", day), make)


def in_house_placements(frames: Frames) -> pd.DataFrame:
    """:func:`main_in_house` of placements.csv, made once per computation."""
    return derived(frames, ("main in-house placements",), lambda: main_in_house(frames["placements"]))


def types_of_households(frames: Frames) -> pd.DataFrame:
    """:func:`household_types` of households.csv, made once per computation."""
    return derived(frames, ("household types",), lambda: household_types(frames["households"]))


def compute(frames: Frames, period: Period, config, wanted: frozenset[str]) -> dict[str, Figure]:
    """The section's figures; the places table only when a KPI of ``wanted`` is built on it
    (a month of the report's recruitment table asks for approvals alone, and the table is
    most of the section's time)."""
    households = frames["households"]
    figures = _flows(households, period, frames)
    if "placements" in frames and needing(wanted, "placements", "holds"):  # (the table's files)
        figures.update(_places(frames, period))
    return figures


def _flows(households: pd.DataFrame, period: Period, frames: Frames | None = None) -> dict[str, Figure]:
    approval, deregistration = households["approval_date"], households["deregistration_date"]
    if frames is not None:
        at_start, at_end = approved_on(frames, period.start_snapshot), approved_on(frames, period.end)
    else:
        at_start = households[active_on(approval, deregistration, period.start_snapshot)]
        at_end = households[active_on(approval, deregistration, period.end)]
    approved = households[within(approval, period)]
    deregistered = households[within(deregistration, period)]

    start_by = count_by(at_start, TYPE, HOUSEHOLD_TYPE)
    end_by = count_by(at_end, TYPE, HOUSEHOLD_TYPE)
    approved_by = count_by(approved, TYPE, HOUSEHOLD_TYPE)
    deregistered_by = count_by(deregistered, TYPE, HOUSEHOLD_TYPE)
    at_risk_by = {key: start_by[key] + approved_by[key] for key in start_by}
    places = at_end["approved_places"].fillna(0).astype("int64")
    new_places = approved["approved_places"].fillna(0).astype("int64")
    net_by = {key: approved_by[key] - deregistered_by[key] for key in approved_by}

    return {
        "households_start": count_figure(len(at_start), {TYPE: start_by}),
        "households_end": count_figure(len(at_end), {
            TYPE: end_by, ETHNICITY.name: count_by(at_end, "ethnicity_group", ETHNICITY)}),
        "approvals": count_figure(len(approved), {
            TYPE: approved_by, ETHNICITY.name: count_by(approved, "ethnicity_group", ETHNICITY)}),
        # the Regulation 24 flag says how each household is approved as the extract was taken
        "temporary_approvals": _temporary(approved),
        "temporary_households_end": _temporary(at_end),
        "deregistrations": count_figure(len(deregistered), {
            TYPE: deregistered_by,
            REASON.name: count_by(deregistered, "deregistration_reason", REASON),
        }, count_cross(deregistered, BY_ID["deregistrations"].cross("household_type/reason"), TYPE,
                       "deregistration_reason")),
        "approvals_places": count_figure(new_places.sum(), {
            TYPE: count_by(approved, TYPE, HOUSEHOLD_TYPE, new_places)}),
        # a difference of two counts rests on both: it would give away a withheld one
        "net_change": Figure(len(approved) - len(deregistered), by={TYPE: net_by},
                             basis=(len(approved), len(deregistered)),
                             basis_by={TYPE: {key: (approved_by[key], deregistered_by[key]) for key in net_by}}),
        "deregistration_rate": rate_figure(len(deregistered), len(at_start) + len(approved),
                                           TYPE, deregistered_by, at_risk_by),
        "approved_places_end": count_figure(places.sum(), {TYPE: count_by(at_end, TYPE, HOUSEHOLD_TYPE, places)}),
    }


def _temporary(households: pd.DataFrame) -> Figure:
    """The households marked as temporarily approved (Regulation 24), by type."""
    temporary = households[households["temporary_approval"].to_numpy(dtype=bool)]
    return count_figure(len(temporary), {TYPE: count_by(temporary, TYPE, HOUSEHOLD_TYPE)})


def occupancy_table(frames: Frames, period: Period) -> pd.DataFrame:
    """One row per household approved on ``period.end``: its places, children, hold.

    Columns: household_id, household_type, places, placed, filled, unfilled, vacancy
    (PRIMARY when no child is placed), on_hold, hold_reason (of the latest-starting hold
    in force; blank reason stays blank).
    """
    active = approved_on(frames, period.end)
    table = active[["household_id", "household_type"]].reset_index(drop=True)
    table["places"] = active["approved_places"].fillna(0).astype("int64").to_numpy()

    # (looked up by household id with ``map``: a third of the time of the joins they replace)
    on_end = in_house_on(frames, period.end)
    placed = (on_end.dropna(subset=["household_id"]).drop_duplicates(["household_id", "child_id"])
              ["household_id"].value_counts())
    table["placed"] = table["household_id"].map(placed).fillna(0).astype("int64").to_numpy()
    table["filled"] = np.minimum(table["placed"], table["places"])
    table["unfilled"] = table["places"] - table["filled"]
    table["vacancy"] = np.where(table["placed"] == 0, "PRIMARY", "SECONDARY")

    if "holds" in frames:
        holds = frames["holds"]
        in_force = holds[active_on(holds["start_date"], holds["end_date"], period.end)]
        chosen = latest_per(in_force, "household_id", ["start_date"])  # (one row per household)
        table["hold_reason"] = table["household_id"].map(chosen.set_index("household_id")["reason"])
        table["on_hold"] = table["household_id"].isin(chosen["household_id"]).to_numpy()
    else:
        table["hold_reason"] = pd.Series([None] * len(table), dtype="str")
        table["on_hold"] = False
    return table


def _places(frames: Frames, period: Period) -> dict[str, Figure]:
    table = occupancy_table(frames, period)
    households_end_by = count_by(table, TYPE, HOUSEHOLD_TYPE)
    places_by = count_by(table, TYPE, HOUSEHOLD_TYPE, table["places"])
    filled_by = count_by(table, TYPE, HOUSEHOLD_TYPE, table["filled"])

    on_end = in_house_on(frames, period.end)
    children = on_end.drop_duplicates("child_id").merge(types_of_households(frames), on="household_id", how="left")
    children_by = count_by(children, TYPE, HOUSEHOLD_TYPE)
    filled = int(table["filled"].sum())

    figures = {
        "children_placed_end": count_figure(len(children), {TYPE: children_by}),
        "utilisation_rate": rate_figure(len(children), len(table), TYPE, children_by, households_end_by),
        "occupancy_rate": rate_figure(filled, int(table["places"].sum()), TYPE, filled_by, places_by),
        "places_filled_end": count_figure(filled, {TYPE: filled_by}),
        "over_capacity_households_end": count_figure(int((table["placed"] > table["places"]).sum())),
    }
    if "holds" in frames:
        free, held = table[~table["on_hold"]], table[table["on_hold"]]
        figures["places_vacant_end"] = count_figure(free["unfilled"].sum(), {
            VACANCY.name: count_by(free, "vacancy", VACANCY, free["unfilled"])})
        figures["places_on_hold_end"] = count_figure(held["unfilled"].sum(), {
            VACANCY.name: count_by(held, "vacancy", VACANCY, held["unfilled"]),
            HOLD_REASON.name: count_by(held, "hold_reason", HOLD_REASON, held["unfilled"]),
        })
        figures["households_on_hold_end"] = count_figure(len(held), {
            HOLD_REASON.name: count_by(held, "hold_reason", HOLD_REASON)})
    return figures
