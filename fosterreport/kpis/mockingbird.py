"""Mockingbird: constellations of a hub home and satellite households, on the last day.

A membership is current on day d when it had begun (``joined_date``, blank meaning the
constellation's ``launch_date``), had not ended (``left_date`` is the first day no longer
a member, like every end date in the contract) and its household was approved that day.
A household that belongs twice counts once, as a hub if it is a hub anywhere.
"""

from __future__ import annotations

from fosterreport.kpis.catalogue import ROLE
from fosterreport.kpis.households import approved_on
from fosterreport.kpis.measures import Figure, Frames, active_on, count_by, count_figure, rate_figure, stamp
from fosterreport.periods import Period

ROLE_ORDER = {code: position for position, code in enumerate(ROLE.keys)}


def compute(frames: Frames, period: Period, config, wanted: frozenset[str]) -> dict[str, Figure]:
    members = frames["mockingbird"]
    approved = approved_on(frames, period.end)
    joined = members["joined_date"].where(members["joined_date"].notna(), members["launch_date"])
    current = members[active_on(joined, members["left_date"], period.end)
                      & members["household_id"].isin(approved["household_id"])]
    launched = current[current["launch_date"] <= stamp(period.end)]
    ranked = current.assign(rank=current["role"].map(ROLE_ORDER).fillna(len(ROLE_ORDER)).to_numpy())
    member_households = (ranked.sort_values(["household_id", "rank"], kind="stable")
                         .drop_duplicates("household_id", keep="first"))
    households_end = approved["household_id"].nunique()
    return {
        "mockingbird_constellations_end": count_figure(launched["constellation"].nunique()),
        "mockingbird_households_end": count_figure(len(member_households), {
            ROLE.name: count_by(member_households, "role", ROLE)}),
        "mockingbird_share": rate_figure(len(member_households), households_end),
    }
