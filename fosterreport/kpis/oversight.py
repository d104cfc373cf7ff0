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

from datetime import timedelta

import pandas as pd

from fosterreport.kpis.catalogue import ITEM_TYPE, PANEL_OUTCOME
from fosterreport.kpis.measures import Figure, Frames, count_by, count_figure, rate_figure, stamp, within
from fosterreport.periods import Period


def compute(frames: Frames, period: Period, config) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    if "reviews" in frames:
        figures.update(_reviews(frames["reviews"], period))
    if "visits" in frames:
        visits = frames["visits"]
        supervision = visits[visits["visit_type"] == "SUPERVISION"]
        figures["supervision_visits"] = count_figure(within(supervision["visit_date"], period).sum())
        if "households" in frames:
            households = frames["households"].drop_duplicates("household_id")
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
    """See the module docstring: the share of households with no late gap in the period."""
    start, end = stamp(period.start), stamp(period.end)
    approval, deregistration = households["approval_date"], households["deregistration_date"]
    # approved on at least one day of the period: approval ≤ d < deregistration for a d in it
    active = (approval <= end) & (deregistration.isna() | ((deregistration > start) & (deregistration > approval)))
    window = households.loc[active, ["household_id", "approval_date"]].copy()
    last_day = deregistration[active] - timedelta(days=1)
    window["window_end"] = last_day.where(last_day.notna(), end).clip(upper=end).to_numpy()

    visits = supervision[["household_id", "visit_date"]].merge(window, on="household_id", how="inner")
    visits = visits[(visits["visit_date"] >= visits["approval_date"]) & (visits["visit_date"] <= visits["window_end"])]
    contacts = pd.concat([
        window[["household_id", "approval_date"]].rename(columns={"approval_date": "day"}),
        visits[["household_id", "visit_date"]].rename(columns={"visit_date": "day"}),
        window[["household_id", "window_end"]].rename(columns={"window_end": "day"}),
    ], ignore_index=True).sort_values(["household_id", "day"], kind="stable")
    contacts["since"] = contacts.groupby("household_id")["day"].shift()
    gaps = contacts[contacts["since"].notna()]
    reaches_period = (gaps["day"] >= start) & (gaps["since"] < end)
    late = reaches_period & ((gaps["day"] - gaps["since"]).dt.days > interval)
    late_households = gaps.loc[late, "household_id"].nunique()
    return rate_figure(len(window) - late_households, len(window))


def _unannounced(households: pd.DataFrame, visits: pd.DataFrame, period: Period) -> Figure:
    start, end = stamp(period.start), stamp(period.end)
    deregistration = households["deregistration_date"]
    throughout = households[(households["approval_date"] <= start) & (deregistration.isna() | (deregistration > end))]
    unannounced = visits[(visits["visit_type"] == "UNANNOUNCED") & within(visits["visit_date"], period)]
    visited = int(throughout["household_id"].isin(unannounced["household_id"]).sum())
    return rate_figure(visited, len(throughout))


def _panel(panel: pd.DataFrame, period: Period) -> dict[str, Figure]:
    heard = panel[within(panel["panel_date"], period)]
    return {
        "panel_sittings": count_figure(heard["panel_date"].nunique()),
        "panel_items": count_figure(len(heard), {
            ITEM_TYPE.name: count_by(heard, "item_type", ITEM_TYPE),
            PANEL_OUTCOME.name: count_by(heard, "outcome", PANEL_OUTCOME),
        }),
        "inquorate_sittings": count_figure(heard.loc[~heard["quorate"], "panel_date"].nunique()),
    }
