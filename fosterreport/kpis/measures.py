"""The few rules every section counts with, written once.

"Active on day d", "in the period", "placement-days", "a rate whose denominator is 0 is
None", "count by code with every code present": each section module builds its KPIs
from these, so a rule of the spec (kpis.md, *Periods*) lives in exactly one function.
All of them work on whole columns; none loops over records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd

from fosterreport.kpis.catalogue import NOT_RECORDED, Breakdown
from fosterreport.periods import Period

Frames = dict[str, pd.DataFrame]


@dataclass
class Figure:
    """A KPI's value for one period, as a section computes it (before comparisons)."""

    value: Any
    by: dict[str, dict[str, Any]] = field(default_factory=dict)
    numerator: Any = None
    denominator: Any = None
    numerator_by: dict[str, dict[str, Any]] = field(default_factory=dict)
    denominator_by: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str | None = None


def stamp(day: date) -> pd.Timestamp:
    return pd.Timestamp(day)


def active_on(starts: pd.Series, ends: pd.Series, day: date) -> pd.Series:
    """start ≤ d and (no end or end > d): the spec's rule for households, placements, holds."""
    moment = stamp(day)
    return (starts <= moment) & (ends.isna() | (ends > moment))


def within(dates: pd.Series, period: Period) -> pd.Series:
    """Dates falling in the period, both ends included (missing dates are not)."""
    return (dates >= stamp(period.start)) & (dates <= stamp(period.end))


def days_covered(starts: pd.Series, ends: pd.Series, first: date, last: date) -> pd.Series:
    """Days from ``first`` to ``last`` (inclusive) covered by each [start, end) interval.

    ``end`` is the first day no longer placed, so a placement from 1 to 3 April covers
    two days and one with end = start covers none.
    """
    stop = stamp(last + timedelta(days=1))
    lower = starts.clip(lower=stamp(first))
    upper = ends.where(ends.notna(), stop).clip(upper=stop)
    return (upper - lower).dt.days.clip(lower=0).astype("int64")


def codes_of(frame: pd.DataFrame, column: str, axis: Breakdown) -> pd.Series:
    """The column as breakdown keys: blanks become NOT_RECORDED where the axis allows."""
    values = frame[column]
    return values.fillna(NOT_RECORDED) if axis.not_recorded else values


def count_by(frame: pd.DataFrame, column: str, axis: Breakdown, weights: pd.Series | None = None,
             keys: tuple[str, ...] | None = None) -> dict[str, int]:
    """Rows (or the sum of ``weights``) per key of ``axis``, every key present."""
    values = codes_of(frame, column, axis)
    if weights is None:
        counts = values.value_counts()
    else:
        counts = pd.Series(weights.to_numpy(), index=values.index).groupby(values).sum()
    wanted = keys if keys is not None else axis.keys
    return {key: int(counts.get(key, 0)) for key in wanted}


def rate(numerator, denominator) -> float | None:
    """A fraction, or None when the denominator is 0 (never 0, never an error)."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return float(numerator) / float(denominator)


def rates_by(numerators: dict[str, Any], denominators: dict[str, Any]) -> dict[str, float | None]:
    return {key: rate(numerators.get(key, 0), denominators.get(key, 0)) for key in denominators}


def rate_figure(numerator, denominator, axis: str | None = None, numerators: dict | None = None,
                denominators: dict | None = None, note: str | None = None) -> Figure:
    """A rate or ratio that keeps the counts it was made from."""
    figure = Figure(rate(numerator, denominator), numerator=numerator, denominator=denominator, note=note)
    if axis is not None:
        figure.by = {axis: rates_by(numerators, denominators)}
        figure.numerator_by = {axis: dict(numerators)}
        figure.denominator_by = {axis: dict(denominators)}
    return figure


def count_figure(total, by: dict[str, dict[str, int]] | None = None) -> Figure:
    return Figure(int(total), by=by or {})


def median_days(later: pd.Series, earlier: pd.Series) -> float | None:
    """Median of ``later − earlier`` in days; an even count gives the mean of the middle two."""
    days = (later - earlier).dt.days.dropna()
    return None if days.empty else float(days.median())


def money_sum(values: pd.Series) -> Decimal:
    """Σ of a money column (Decimal objects), blanks skipped."""
    return sum((value for value in values.tolist() if value is not None), Decimal("0.00"))


def latest_per(frame: pd.DataFrame, key: str, order: list[str]) -> pd.DataFrame:
    """One row per ``key``: the greatest by ``order`` (ties: the later row in the file)."""
    return frame.sort_values([key, *order, "_line"], kind="stable").drop_duplicates(key, keep="last")
