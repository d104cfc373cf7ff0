"""Oversight and support: carer reviews, supervision, unannounced visits, the panel.

The supervision measure is the one subtle rule here. A household's *contacts* are its
approval and its SUPERVISION visits; its *gaps* run between consecutive contacts and
from the last contact to the end of its window, min(period end, deregistration − 1).
A gap covers the days after its first contact up to and including its closing one; it
counts for the period when one of those days falls in the period. A household is
supervised on time when every such gap is at most ``supervision_interval_days`` long.
So a visit on 1 April closing a 60-day gap is a late visit made in the period, and a
gap still open at the period's end counts with the days it has run so far.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fosterreport.kpis.catalogue import BY_ID, ITEM_TYPE, PANEL_OUTCOME
from fosterreport.kpis.measures import (
    Figure, Frames, count_by, count_cross, count_figure, derived, index_in, is_in, rate_figure, stamp, within,
)
from fosterreport.periods import Period


def compute(frames: Frames, period: Period, config, wanted: frozenset[str]) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    if "reviews" in frames:
        figures.update(_reviews(frames["reviews"], period))
    if "visits" in frames:
        visits = frames["visits"]
        supervision = derived(frames, ("supervision visits",), lambda: visits[visits["visit_type"] == "SUPERVISION"])
        figures["supervision_visits"] = count_figure(within(supervision["visit_date"], period).sum())
        if "households" in frames:
            households = derived(frames, ("households once each",),
                                 lambda: frames["households"].drop_duplicates("household_id"))
            interval = config.rules.supervision_interval_days
            figures["supervision_timeliness_rate"] = supervision_timeliness(households, supervision, period,
                                                                            interval)
            figures["unannounced_visit_rate"] = _unannounced(households, visits, period)
    if "panel" in frames:
        figures.update(_panel(frames["panel"], period))
    return figures


def _reviews(reviews: pd.DataFrame, period: Period) -> dict[str, Figure]:
    due = reviews[within(reviews["due_date"], period)]
    on_time = int((due["completed_date"] <= due["due_date"]).sum())
    end = stamp(period.end)
    overdue = (reviews["due_date"] <= end) & ~(reviews["completed_date"] <= end)
    return {
        "reviews_due": count_figure(len(due)),
        "reviews_on_time_rate": rate_figure(on_time, len(due)),
        "reviews_overdue_end": count_figure(overdue.sum()),
    }


def supervision_timeliness(households: pd.DataFrame, supervision: pd.DataFrame, period: Period,
                           interval: int) -> Figure:
    """See the module docstring: the share of households with no late gap in the period.

    Worked on int64 seconds with numpy (NaT is the smallest int64): a household's
    contacts are sorted by day and each gap is a pair of consecutive contacts.
    """
    start, end = _seconds(stamp(period.start)), _seconds(stamp(period.end))
    approval = _seconds(households["approval_date"])
    deregistration = _seconds(households["deregistration_date"])
    dated = deregistration != _NAT
    # approved on at least one day of the period: approval ≤ d < deregistration for a d in it
    active = (approval != _NAT) & (approval <= end) & (~dated | ((deregistration > start) & (deregistration > approval)))
    ids = households["household_id"][active]
    approved = approval[active]
    window_end = np.minimum(np.where(dated[active], deregistration[active] - _DAY, end), end)
    count = len(ids)

    # each supervision visit inside its household's window [approval, window end]
    position = index_in(supervision["household_id"], ids)
    known = position >= 0
    position, day = position[known], _seconds(supervision["visit_date"])[known]
    inside = (day != _NAT) & (day >= approved[position]) & (day <= window_end[position])
    position, day = position[inside], day[inside]

    group = np.concatenate([np.arange(count), position, np.arange(count)])
    days = np.concatenate([approved, day, window_end])
    order = np.lexsort((days, group))
    group, days = group[order], days[order]
    same = group[1:] == group[:-1]
    since, until, whose = days[:-1][same], days[1:][same], group[1:][same]
    late = (until >= start) & (since < end) & ((until - since) // _DAY > interval)
    late &= ids.notna().to_numpy()[whose]  # (a household without an id has no gaps, as pandas groups it)
    late_households = len(np.unique(whose[late]))
    return rate_figure(count - late_households, count)


_NAT = np.datetime64("NaT", "s").view(np.int64)
_DAY = 86_400


def _seconds(values) -> np.ndarray:
    """Dates as int64 seconds (a Series of dates, or one Timestamp)."""
    if isinstance(values, pd.Timestamp):
        return np.datetime64(values, "s").view(np.int64)
    return values.to_numpy(dtype="datetime64[s]").view(np.int64)


def _unannounced(households: pd.DataFrame, visits: pd.DataFrame, period: Period) -> Figure:
    start, end = stamp(period.start), stamp(period.end)
    deregistration = households["deregistration_date"]
    throughout = households[(households["approval_date"] <= start) & (deregistration.isna() | (deregistration > end))]
    unannounced = visits[(visits["visit_type"] == "UNANNOUNCED") & within(visits["visit_date"], period)]
    visited = int(is_in(throughout["household_id"], unannounced["household_id"]).sum())
    return rate_figure(visited, len(throughout))


def _panel(panel: pd.DataFrame, period: Period) -> dict[str, Figure]:
    heard = panel[within(panel["panel_date"], period)]
    return {
        "panel_sittings": count_figure(heard["panel_date"].nunique()),
        "panel_items": count_figure(len(heard), {
            ITEM_TYPE.name: count_by(heard, "item_type", ITEM_TYPE),
            PANEL_OUTCOME.name: count_by(heard, "outcome", PANEL_OUTCOME),
        }, count_cross(heard, BY_ID["panel_items"].cross("item_type/outcome"), "item_type", "outcome")),
        "inquorate_sittings": count_figure(heard.loc[~heard["quorate"], "panel_date"].nunique()),
    }
