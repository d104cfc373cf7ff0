"""Households and places: the table every council publishes.

Snapshot figures (households, places, children placed, vacancies, holds) are taken on
the period's last day, and households at the start on the day before it begins, so that
``households_end = households_start + approvals − deregistrations`` holds for every
household type by construction. Places follow from one per-household table: approved
places, children placed (MAIN in-house placements only), whether a hold is in force,
so that ``approved = filled + vacant + on hold`` holds too.
"""

from __future__ import annotations

from functools import cache
from typing import Callable

import numpy as np
import pandas as pd

from fosterreport.kpis.catalogue import BY_ID, ETHNICITY, HOLD_REASON, HOUSEHOLD_TYPE, REASON, VACANCY
from fosterreport.kpis.measures import (
    Figure, Frames, active_on, chosen, count_by, count_cross, count_figure, derived, index_in, latest_per,
    rate_figure, within,
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
    """The figures of ``wanted``, each selection and count made once and only when a wanted
    figure is built on it: a month of the report's dataset asks for four of the section's
    sixteen, and the places table and the holds in force are most of the section's time."""
    figures = _flows(frames, period)
    if "placements" in frames:
        figures.update(_places(frames, period))
    return chosen(figures, wanted)


def _flows(frames: Frames, period: Period) -> dict[str, Callable[[], Figure]]:
    households = frames["households"]

    @cache
    def at_start() -> pd.DataFrame:
        return approved_on(frames, period.start_snapshot)

    @cache
    def at_end() -> pd.DataFrame:
        return approved_on(frames, period.end)

    @cache
    def approved() -> pd.DataFrame:
        return households[within(households["approval_date"], period)]

    @cache
    def deregistered() -> pd.DataFrame:
        return households[within(households["deregistration_date"], period)]

    @cache
    def by_type(selection: Callable[[], pd.DataFrame]) -> dict[str, int]:
        return count_by(selection(), TYPE, HOUSEHOLD_TYPE)

    def new_places() -> pd.Series:
        return approved()["approved_places"].fillna(0).astype("int64")

    def places_end() -> pd.Series:
        return at_end()["approved_places"].fillna(0).astype("int64")

    def net_change() -> Figure:
        # a difference of two counts rests on both: it would give away a withheld one
        approved_by, deregistered_by = by_type(approved), by_type(deregistered)
        net_by = {key: approved_by[key] - deregistered_by[key] for key in approved_by}
        return Figure(len(approved()) - len(deregistered()), by={TYPE: net_by},
                      basis=(len(approved()), len(deregistered())),
                      basis_by={TYPE: {key: (approved_by[key], deregistered_by[key]) for key in net_by}})

    def deregistration_rate() -> Figure:
        start_by, approved_by = by_type(at_start), by_type(approved)
        return rate_figure(len(deregistered()), len(at_start()) + len(approved()), TYPE, by_type(deregistered),
                           {key: start_by[key] + approved_by[key] for key in start_by})

    return {
        "households_start": lambda: count_figure(len(at_start()), {TYPE: by_type(at_start)}),
        "households_end": lambda: count_figure(len(at_end()), {
            TYPE: by_type(at_end), ETHNICITY.name: count_by(at_end(), "ethnicity_group", ETHNICITY)}),
        "approvals": lambda: count_figure(len(approved()), {
            TYPE: by_type(approved), ETHNICITY.name: count_by(approved(), "ethnicity_group", ETHNICITY)}),
        # the Regulation 24 flag says how each household is approved as the extract was taken
        "temporary_approvals": lambda: _temporary(approved()),
        "temporary_households_end": lambda: _temporary(at_end()),
        "deregistrations": lambda: count_figure(len(deregistered()), {
            TYPE: by_type(deregistered),
            REASON.name: count_by(deregistered(), "deregistration_reason", REASON),
        }, count_cross(deregistered(), BY_ID["deregistrations"].cross("household_type/reason"), TYPE,
                       "deregistration_reason")),
        "approvals_places": lambda: count_figure(new_places().sum(), {
            TYPE: count_by(approved(), TYPE, HOUSEHOLD_TYPE, new_places())}),
        "net_change": net_change,
        "deregistration_rate": deregistration_rate,
        "approved_places_end": lambda: count_figure(places_end().sum(), {
            TYPE: count_by(at_end(), TYPE, HOUSEHOLD_TYPE, places_end())}),
    }


def _temporary(households: pd.DataFrame) -> Figure:
    """The households marked as temporarily approved (Regulation 24), by type."""
    temporary = households[households["temporary_approval"].to_numpy(dtype=bool)]
    return count_figure(len(temporary), {TYPE: count_by(temporary, TYPE, HOUSEHOLD_TYPE)})


def occupancy_table(frames: Frames, period: Period) -> pd.DataFrame:
    """One row per household approved on ``period.end``: its places and children.

    Columns: household_id, household_type, places, placed, filled, unfilled, vacancy
    (PRIMARY when no child is placed). :func:`with_holds` adds whether a hold is in force.
    """
    active = approved_on(frames, period.end)
    places = active["approved_places"].fillna(0).astype("int64").to_numpy()
    # Each child placed counts once per household: its distinct (household, child) pairs,
    # counted in numpy by the household's row (a dozen pandas steps cost 14 ms a period).
    on_end = in_house_on(frames, period.end)
    row = index_in(on_end["household_id"], active["household_id"])  # -1: not approved that day, or blank
    child = pd.factorize(on_end["child_id"], use_na_sentinel=False)[0]
    children, approved = int(child.max(initial=-1)) + 1, row >= 0
    pairs = np.unique(row[approved] * children + child[approved])
    placed = np.bincount(pairs // max(children, 1), minlength=len(active)).astype("int64")
    filled = np.minimum(placed, places)
    return pd.DataFrame({
        "household_id": active["household_id"].reset_index(drop=True),
        "household_type": active["household_type"].reset_index(drop=True),
        "places": places, "placed": placed, "filled": filled, "unfilled": places - filled,
        "vacancy": np.where(placed == 0, "PRIMARY", "SECONDARY"),
    })


def with_holds(table: pd.DataFrame, holds: pd.DataFrame, day) -> pd.DataFrame:
    """The :func:`occupancy_table` with on_hold and hold_reason (of the latest-starting
    hold in force on ``day``; a blank reason stays blank)."""
    in_force = holds[active_on(holds["start_date"], holds["end_date"], day)]
    chosen_holds = latest_per(in_force, "household_id", ["start_date"])  # (one row per household)
    table = table.copy()
    table["hold_reason"] = table["household_id"].map(chosen_holds.set_index("household_id")["reason"])
    table["on_hold"] = table["household_id"].isin(chosen_holds["household_id"]).to_numpy()
    return table


def _places(frames: Frames, period: Period) -> dict[str, Callable[[], Figure]]:
    @cache
    def table() -> pd.DataFrame:
        return occupancy_table(frames, period)

    @cache
    def filled_by() -> dict[str, int]:
        return count_by(table(), TYPE, HOUSEHOLD_TYPE, table()["filled"])

    @cache
    def children() -> pd.DataFrame:
        on_end = in_house_on(frames, period.end)
        return on_end.drop_duplicates("child_id").merge(types_of_households(frames), on="household_id", how="left")

    @cache
    def children_by() -> dict[str, int]:
        return count_by(children(), TYPE, HOUSEHOLD_TYPE)

    def filled() -> int:
        return int(table()["filled"].sum())

    figures = {
        "children_placed_end": lambda: count_figure(len(children()), {TYPE: children_by()}),
        "utilisation_rate": lambda: rate_figure(len(children()), len(table()), TYPE, children_by(),
                                                count_by(table(), TYPE, HOUSEHOLD_TYPE)),
        "occupancy_rate": lambda: rate_figure(filled(), int(table()["places"].sum()), TYPE, filled_by(),
                                              count_by(table(), TYPE, HOUSEHOLD_TYPE, table()["places"])),
        "places_filled_end": lambda: count_figure(filled(), {TYPE: filled_by()}),
        "over_capacity_households_end": lambda: count_figure(int((table()["placed"] > table()["places"]).sum())),
    }
    if "holds" in frames:
        @cache
        def held_or_free() -> tuple[pd.DataFrame, pd.DataFrame]:
            holding = with_holds(table(), frames["holds"], period.end)
            return holding[holding["on_hold"]], holding[~holding["on_hold"]]

        def vacant() -> Figure:
            free = held_or_free()[1]
            return count_figure(free["unfilled"].sum(), {
                VACANCY.name: count_by(free, "vacancy", VACANCY, free["unfilled"])})

        def on_hold() -> Figure:
            held = held_or_free()[0]
            return count_figure(held["unfilled"].sum(), {
                VACANCY.name: count_by(held, "vacancy", VACANCY, held["unfilled"]),
                HOLD_REASON.name: count_by(held, "hold_reason", HOLD_REASON, held["unfilled"]),
            })

        def households_on_hold() -> Figure:
            held = held_or_free()[0]
            return count_figure(len(held), {HOLD_REASON.name: count_by(held, "hold_reason", HOLD_REASON)})

        figures.update(places_vacant_end=vacant, places_on_hold_end=on_hold, households_on_hold_end=households_on_hold)
    return figures
