"""Complaints, allegations and learning: counted by the date they were received.

Each is a plain count of rows dated in the period, split by the contract's code lists
so that the report's tables (complainant × outcome, allegation source, category and
outcome, sessions by mode) add up to the totals quoted in its text.
"""

from __future__ import annotations

from functools import cache
from typing import Callable

import pandas as pd

from fosterreport.kpis.catalogue import (
    ALLEGATION_OUTCOME, ALLEGATION_SOURCE, CATEGORY, COMPLAINANT, COMPLAINT_OUTCOME, MODE,
)
from fosterreport.kpis.measures import Figure, Frames, chosen, count_by, count_figure, rate_figure, within
from fosterreport.periods import Period

UPHELD = ("UPHELD", "PARTLY_UPHELD")


def compute(frames: Frames, period: Period, config, wanted: frozenset[str]) -> dict[str, Figure]:
    """The figures of ``wanted``, each file's selection made when a wanted figure is built
    on it (a month of the report's dataset asks for the complaints and allegations alone,
    and no month for the training sessions)."""
    figures: dict[str, Callable[[], Figure]] = {}
    for name, part in (("complaints", _complaints), ("allegations", _allegations), ("training", _training)):
        if name in frames:
            figures.update(part(frames[name], period))
    return chosen(figures, wanted)


def _complaints(complaints: pd.DataFrame, period: Period) -> dict[str, Callable[[], Figure]]:
    @cache
    def received() -> pd.DataFrame:
        return complaints[within(complaints["received_date"], period)]

    def upheld() -> pd.DataFrame:
        return received()[received()["outcome"].isin(UPHELD)]

    return {
        "complaints": lambda: count_figure(len(received()), {
            COMPLAINANT.name: count_by(received(), "complainant", COMPLAINANT),
            COMPLAINT_OUTCOME.name: count_by(received(), "outcome", COMPLAINT_OUTCOME),
        }),
        "complaints_upheld": lambda: count_figure(len(upheld()), {
            COMPLAINANT.name: count_by(upheld(), "complainant", COMPLAINANT)}),
    }


def _allegations(allegations: pd.DataFrame, period: Period) -> dict[str, Callable[[], Figure]]:
    @cache
    def referred() -> pd.DataFrame:
        return allegations[within(allegations["referral_date"], period)]

    def flagged(column: str) -> int:
        return int(referred()[column].to_numpy(dtype=bool).sum())

    return {
        "allegations": lambda: count_figure(len(referred()), {
            ALLEGATION_SOURCE.name: count_by(referred(), "source", ALLEGATION_SOURCE),
            CATEGORY.name: count_by(referred(), "category", CATEGORY),
            ALLEGATION_OUTCOME.name: count_by(referred(), "outcome", ALLEGATION_OUTCOME),
        }),
        "allegations_substantiated": lambda: count_figure((referred()["outcome"] == "SUBSTANTIATED").sum()),
        "allegations_nfa_rate": lambda: rate_figure(int((referred()["outcome"] == "NFA").sum()), len(referred())),
        "households_with_allegations": lambda: count_figure(referred()["household_id"].nunique()),
        "allegations_to_panel": lambda: count_figure(flagged("to_panel")),
        "allegations_to_dbs": lambda: count_figure(flagged("to_dbs")),
    }


def _training(training: pd.DataFrame, period: Period) -> dict[str, Callable[[], Figure]]:
    @cache
    def attended() -> pd.DataFrame:
        return training[within(training["session_date"], period)]

    def sessions() -> pd.DataFrame:
        # A session counts once, under the first mode recorded for it in the file.
        return (attended().sort_values("_line", kind="stable").groupby("session_id")["mode"].first()
                .reset_index())

    def training_sessions() -> Figure:
        counted = sessions()
        return count_figure(len(counted), {MODE.name: count_by(counted, "mode", MODE)})

    return {
        "training_sessions": training_sessions,
        "carers_trained": lambda: count_figure(attended()["carer_id"].nunique()),
        "training_attendances": lambda: count_figure(len(attended())),
    }
