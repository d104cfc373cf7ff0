"""Children placed: where the council's looked-after children live, and for how long.

Snapshots use MAIN placements only (a respite short break is not where a child lives);
one child has one MAIN placement at a time (validation makes overlaps an error), so a
child counts once. ``average_children_placed`` is the time-weighted count, placement
days over the period's days, the figure that funded placements are set against.
"""

from __future__ import annotations

import pandas as pd

from fosterreport.kpis.catalogue import HOUSEHOLD_TYPE, PROVIDER
from fosterreport.kpis.households import in_house_placements, types_of_households
from fosterreport.kpis.measures import (
    Figure, Frames, active_on, count_by, count_figure, days_covered, derived, rate_figure,
)
from fosterreport.periods import Period


def placement_days(placements: pd.DataFrame, period: Period) -> pd.Series:
    """Days of ``period`` each placement covers."""
    return days_covered(placements["start_date"], placements["end_date"], period.start, period.end)


def in_house_days(frames: Frames, period: Period) -> pd.Series:
    """:func:`placement_days` of the MAIN in-house placements, made once per computation
    (the annual report's children section and its finance section both need the year's)."""
    return derived(frames, ("in-house placement days", period.start, period.end),
                   lambda: placement_days(in_house_placements(frames), period))


def compute(frames: Frames, period: Period, config, wanted: frozenset[str]) -> dict[str, Figure]:
    placements = frames["placements"]
    main = derived(frames, ("main placements",), lambda: placements[placements["placement_kind"] == "MAIN"])
    on_end = main[active_on(main["start_date"], main["end_date"], period.end)].drop_duplicates("child_id")
    by_provider = count_by(on_end, "provider", PROVIDER)
    in_house, agency = by_provider["IN_HOUSE"], by_provider["IFA"]

    in_house_rows = in_house_placements(frames)
    days = in_house_days(frames, period)
    figures = {
        "children_in_care_end": count_figure(len(on_end), {PROVIDER.name: by_provider}),
        "fostered_share": rate_figure(in_house + agency, len(on_end)),
        "in_house_share": rate_figure(in_house, in_house + agency),
        "children_placed_in_period": count_figure(in_house_rows.loc[days > 0, "child_id"].nunique()),
    }
    if "households" in frames:
        typed = derived(frames, ("in-house placement types",), lambda: in_house_rows[["household_id"]].merge(
            types_of_households(frames), on="household_id", how="left"))
        days_by = count_by(typed, HOUSEHOLD_TYPE.name, HOUSEHOLD_TYPE, days)
        period_days = {key: period.days for key in days_by}
        figure = rate_figure(int(days.sum()), period.days, HOUSEHOLD_TYPE.name, days_by, period_days,
                             counted=False)
        # an average of children rests on the children it averages, not on the days
        placed = typed.assign(child_id=in_house_rows["child_id"].to_numpy())[(days > 0).to_numpy()]
        children_by = count_by(placed.drop_duplicates(["child_id", HOUSEHOLD_TYPE.name]), HOUSEHOLD_TYPE.name,
                               HOUSEHOLD_TYPE)
        figure.basis = (int(placed["child_id"].nunique()),)
        figure.basis_by = {HOUSEHOLD_TYPE.name: {key: (count,) for key, count in children_by.items()}}
        figures["average_children_placed"] = figure
    return figures
