"""Recruitment: the funnel from enquiry to approval, its conversion and its timeliness.

Funnel counts are *same-period* counts, each stage counted by the date it happened, as
councils, Ofsted and The Fostering Network quote them: "62 enquiries, 10 approvals, a
16.1% conversion rate". Because an approval in the period may come from last year's
enquiry, such a ratio can exceed 100% in a short period; ``cohort_approval_rate``
follows one year's enquiries to their outcome instead.
"""

from __future__ import annotations

from functools import cache
from typing import Callable

import pandas as pd

from fosterreport.kpis.catalogue import BY_ID, ENQUIRY_SOURCE, TYPE_SOUGHT, WITHDRAWAL
from fosterreport.kpis.measures import (
    Figure, Frames, chosen, count_by, count_cross, count_figure, median_figure, rate_figure, stamp, within,
)
from fosterreport.periods import Period


def compute(frames: Frames, period: Period, config, wanted: frozenset[str]) -> dict[str, Figure]:
    """The figures of ``wanted``: each selection made once, and only when a wanted figure
    is built on it (a month of the report's funnel asks for four of the fourteen)."""
    enquiries = frames["enquiries"]
    end = stamp(period.end)

    @cache
    def received() -> pd.DataFrame:
        return enquiries[within(enquiries["enquiry_date"], period)]

    @cache
    def visits() -> int:
        return int(within(enquiries["initial_visit_date"], period).sum())

    @cache
    def applications() -> int:
        return int(within(enquiries["application_date"], period).sum())

    @cache
    def approved() -> pd.DataFrame:
        return enquiries[within(enquiries["approval_date"], period)]

    @cache
    def assessed() -> pd.DataFrame:
        return approved()[approved()["application_date"].notna()]

    def cohort_approval_rate() -> Figure:
        cohort = enquiries[within(enquiries["enquiry_date"], period.previous())]
        return rate_figure(int((cohort["approval_date"] <= end).sum()), len(cohort))

    def assessments_within_timescale_rate() -> Figure:
        months = pd.DateOffset(months=config.rules.assessment_timescale_months)
        on_time = int((assessed()["approval_date"] <= assessed()["application_date"] + months).sum())
        return rate_figure(on_time, len(assessed()))

    def assessments_in_progress_end() -> Figure:
        in_progress = enquiries[(enquiries["application_date"] <= end) & ~(enquiries["approval_date"] <= end)
                                & ~(enquiries["closed_date"] <= end)]
        return count_figure(len(in_progress), {
            TYPE_SOUGHT.name: count_by(in_progress, "household_type_sought", TYPE_SOUGHT)})

    def withdrawals() -> Figure:
        closed = enquiries[within(enquiries["closed_date"], period)]
        withdrawn = closed[closed["closed_reason"].isin(WITHDRAWAL.keys)]
        return count_figure(len(withdrawn), {WITHDRAWAL.name: count_by(withdrawn, "closed_reason", WITHDRAWAL)})

    figures: dict[str, Callable[[], Figure]] = {
        "enquiries": lambda: count_figure(len(received()), {
            ENQUIRY_SOURCE.name: count_by(received(), "source", ENQUIRY_SOURCE),
            TYPE_SOUGHT.name: count_by(received(), "household_type_sought", TYPE_SOUGHT),
        }),
        "initial_visits": lambda: count_figure(visits()),
        "applications": lambda: count_figure(applications()),
        "approvals_from_enquiries": lambda: count_figure(len(approved()), {
            TYPE_SOUGHT.name: count_by(approved(), "household_type_sought", TYPE_SOUGHT)},
            count_cross(approved(), BY_ID["approvals_from_enquiries"].cross("household_type_sought/source"),
                        "household_type_sought", "source")),
        "enquiry_to_approval_rate": lambda: rate_figure(len(approved()), len(received())),
        "enquiry_to_application_rate": lambda: rate_figure(applications(), len(received())),
        "application_to_approval_rate": lambda: rate_figure(len(approved()), applications()),
        "enquiry_to_visit_rate": lambda: rate_figure(visits(), len(received())),
        "cohort_approval_rate": cohort_approval_rate,
        "median_days_enquiry_to_approval": lambda: median_figure(approved()["approval_date"],
                                                                 approved()["enquiry_date"]),
        "median_days_application_to_approval": lambda: median_figure(assessed()["approval_date"],
                                                                     assessed()["application_date"]),
        "assessments_within_timescale_rate": assessments_within_timescale_rate,
        "assessments_in_progress_end": assessments_in_progress_end,
        "withdrawals": withdrawals,
    }
    return chosen(figures, wanted)
