"""Complaints, allegations and learning: counted by the date they were received.

Each is a plain count of rows dated in the period, split by the contract's code lists
so that the report's tables (complainant × outcome, allegation source, category and
outcome, sessions by mode) add up to the totals quoted in its text.
"""

from __future__ import annotations

import pandas as pd

from fosterreport.kpis.catalogue import (
    ALLEGATION_OUTCOME, ALLEGATION_SOURCE, CATEGORY, COMPLAINANT, COMPLAINT_OUTCOME, MODE,
)
from fosterreport.kpis.measures import Figure, Frames, count_by, count_figure, needing, rate_figure, within
from fosterreport.periods import Period

UPHELD = ("UPHELD", "PARTLY_UPHELD")


def compute(frames: Frames, period: Period, config, wanted: frozenset[str]) -> dict[str, Figure]:
    """Each file's figures, when the file is there and a KPI of ``wanted`` is built on it."""
    figures: dict[str, Figure] = {}
    for name, part in (("complaints", _complaints), ("allegations", _allegations), ("training", _training)):
        if name in frames and needing(wanted, name):
            figures.update(part(frames[name], period))
    return figures


def _complaints(complaints: pd.DataFrame, period: Period) -> dict[str, Figure]:
    received = complaints[within(complaints["received_date"], period)]
    upheld = received[received["outcome"].isin(UPHELD)]
    return {
        "complaints": count_figure(len(received), {
            COMPLAINANT.name: count_by(received, "complainant", COMPLAINANT),
            COMPLAINT_OUTCOME.name: count_by(received, "outcome", COMPLAINT_OUTCOME),
        }),
        "complaints_upheld": count_figure(len(upheld), {COMPLAINANT.name: count_by(upheld, "complainant", COMPLAINANT)}),
    }


def _allegations(allegations: pd.DataFrame, period: Period) -> dict[str, Figure]:
    referred = allegations[within(allegations["referral_date"], period)]
    no_further_action = int((referred["outcome"] == "NFA").sum())
    return {
        "allegations": count_figure(len(referred), {
            ALLEGATION_SOURCE.name: count_by(referred, "source", ALLEGATION_SOURCE),
            CATEGORY.name: count_by(referred, "category", CATEGORY),
            ALLEGATION_OUTCOME.name: count_by(referred, "outcome", ALLEGATION_OUTCOME),
        }),
        "allegations_substantiated": count_figure((referred["outcome"] == "SUBSTANTIATED").sum()),
        "allegations_nfa_rate": rate_figure(no_further_action, len(referred)),
        "households_with_allegations": count_figure(referred["household_id"].nunique()),
        "allegations_to_panel": count_figure(int(referred["to_panel"].to_numpy(dtype=bool).sum())),
        "allegations_to_dbs": count_figure(int(referred["to_dbs"].to_numpy(dtype=bool).sum())),
    }


def _training(training: pd.DataFrame, period: Period) -> dict[str, Figure]:
    attended = training[within(training["session_date"], period)]
    # A session counts once, under the first mode recorded for it in the file.
    sessions = (attended.sort_values("_line", kind="stable").groupby("session_id")["mode"].first()
                .reset_index())
    return {
        "training_sessions": count_figure(len(sessions), {MODE.name: count_by(sessions, "mode", MODE)}),
        "carers_trained": count_figure(attended["carer_id"].nunique()),
        "training_attendances": count_figure(len(attended)),
    }
