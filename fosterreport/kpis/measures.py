"""The few rules every section counts with, written once.

"Active on day d", "in the period", "placement-days", "a rate whose denominator is 0 is
None", "count by code with every code present": each section module builds its KPIs
from these, so a rule of the spec (kpis.md, *Periods*) lives in exactly one function.
All of them work on whole columns; none loops over records.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Callable, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fosterreport.kpis.catalogue import NOT_RECORDED, Breakdown, Cross
from fosterreport.kpis.results import Figure, median_days, ratio_value
from fosterreport.periods import Period

Frames = dict[str, pd.DataFrame]
T = TypeVar("T")


class Derived(dict):
    """The frames of one computation, keeping what the sections derive from them.

    Several sections, and the same section for the previous year and each trend year,
    start from the same selections (MAIN in-house placements, the households approved on
    a given day…). The engine computes on a ``Derived`` so that each is made once per
    computation; a section given a plain dict makes them afresh, with the same result.
    What is kept is shared: whoever takes it must not change it in place.
    """

    def __init__(self, frames: Frames):
        super().__init__(frames)
        self.kept: dict[tuple, Any] = {}


def derived(frames: Frames, key: tuple, make: Callable[[], T]) -> T:
    """``make()``, made once per :class:`Derived` computation for ``key``."""
    kept = getattr(frames, "kept", None)
    if kept is None:
        return make()
    if key not in kept:
        kept[key] = make()
    return kept[key]


def stamp(day: date) -> pd.Timestamp:
    return pd.Timestamp(day)


def chosen(figures: dict[str, Callable[[], Figure]], wanted: frozenset[str]) -> dict[str, Figure]:
    """The figures of ``wanted``, each made by its function: a section declares how to make
    every figure and makes only those asked for (a month of the report asks for a few)."""
    return {kpi_id: make() for kpi_id, make in figures.items() if kpi_id in wanted}


def _days(dates: pd.Series) -> np.ndarray:
    """The column as numpy datetimes (a missing date is NaT, which compares false)."""
    return dates.to_numpy(dtype="datetime64[s]")


def active_on(starts: pd.Series, ends: pd.Series, day: date) -> np.ndarray:
    """start ≤ d and (no end or end > d): the spec's rule for households, placements, holds.

    Compared in numpy (a boolean mask to select rows with, or to sum): a pandas
    comparison costs ~0.2 ms however short the column, and a build makes hundreds."""
    moment = np.datetime64(day, "s")
    ending = _days(ends)
    return (_days(starts) <= moment) & (np.isnat(ending) | (ending > moment))


def within(dates: pd.Series, period: Period) -> np.ndarray:
    """Dates falling in the period, both ends included (missing dates are not), as a
    numpy boolean mask (see :func:`active_on`)."""
    days = _days(dates)
    return (days >= np.datetime64(period.start, "s")) & (days <= np.datetime64(period.end, "s"))


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
    """Rows (or the sum of ``weights``) per key of ``axis``, every key present.

    Counted in arrow (a pandas ``value_counts`` or ``groupby`` costs ~100 µs however few
    the rows, and the catalogue asks for dozens per period); blanks count under
    NOT_RECORDED where the axis has it, else not at all.
    """
    wanted = keys if keys is not None else axis.keys
    texts = _texts(frame[column])
    weight_values = None if weights is None else weights.to_numpy()
    if texts is None or (weight_values is not None and weight_values.dtype.kind not in "iub"):
        return _count_by_pandas(frame, column, axis, weights, wanted)
    if axis.not_recorded:
        texts = pc.fill_null(texts, NOT_RECORDED)
    if weight_values is None:
        counted = pc.value_counts(texts)
        found = dict(zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist()))
    else:
        encoded = texts.dictionary_encode()
        indices = encoded.indices
        present = np.asarray(indices.is_valid())
        sums = np.zeros(len(encoded.dictionary), dtype=np.int64)
        np.add.at(sums, np.asarray(indices.fill_null(0))[present], weight_values[present].astype(np.int64))
        found = dict(zip(encoded.dictionary.to_pylist(), sums.tolist()))
    return {key: int(found.get(key, 0)) for key in wanted}


def is_in(values: pd.Series, known: pd.Series) -> np.ndarray:
    """``values.isin(known).to_numpy()`` for text columns, hashed in arrow (blank matches blank)."""
    texts, value_set = _texts(values), _texts(known)
    if texts is None or value_set is None:
        return values.isin(known).to_numpy()
    found = pc.is_in(texts.cast(pa.large_string()), value_set=value_set.cast(pa.large_string()))
    return np.asarray(found.fill_null(False))


def index_in(values: pd.Series, known: pd.Series) -> np.ndarray:
    """For each of ``values``, its position in ``known`` (whose values are distinct), or -1."""
    texts, value_set = _texts(values), _texts(known)
    if texts is None or value_set is None:
        return pd.Index(known).get_indexer(values)
    found = pc.index_in(texts.cast(pa.large_string()), value_set=value_set.cast(pa.large_string()))
    return np.asarray(found.fill_null(-1)).astype(np.intp)


def _texts(values: pd.Series) -> pa.Array | None:
    """A text column as one arrow string array (no copy for pandas' ``str``), or None."""
    if values.dtype != "str" and values.dtype != object:
        return None
    try:
        texts = pa.array(values, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    if not (pa.types.is_string(texts.type) or pa.types.is_large_string(texts.type)):
        return None
    return texts


def _count_by_pandas(frame: pd.DataFrame, column: str, axis: Breakdown, weights: pd.Series | None,
                     wanted) -> dict[str, int]:
    values = codes_of(frame, column, axis)
    if weights is None:
        counts = values.value_counts()
    else:
        counts = pd.Series(weights.to_numpy(), index=values.index).groupby(values).sum()
    return {key: int(counts.get(key, 0)) for key in wanted}


def rate(numerator, denominator) -> float | None:
    """A fraction, or None when the denominator is 0 (never 0, never an error)."""
    return ratio_value(numerator, denominator)


def rates_by(numerators: dict[str, Any], denominators: dict[str, Any]) -> dict[str, float | None]:
    return {key: rate(numerators.get(key, 0), denominators.get(key, 0)) for key in denominators}


def rate_figure(numerator, denominator, axis: str | None = None, numerators: dict | None = None,
                denominators: dict | None = None, note: str | None = None, counted: bool = True) -> Figure:
    """A rate or ratio that keeps the counts it was made from.

    ``counted``: the numerator and denominator are counts of people or records, and so
    the figure's basis for suppression (a ratio of pounds, or of days, is not).
    """
    figure = Figure(rate(numerator, denominator), numerator=numerator, denominator=denominator, note=note,
                    basis=_counts(numerator, denominator) if counted else ())
    if axis is not None:
        figure.by = {axis: rates_by(numerators, denominators)}
        figure.numerator_by = {axis: dict(numerators)}
        figure.denominator_by = {axis: dict(denominators)}
        if counted:
            figure.basis_by = {axis: {key: _counts(numerators.get(key, 0), denominators[key])
                                      for key in denominators}}
    return figure


def _counts(*counts) -> tuple[int, ...]:
    return tuple(int(count) for count in counts if count is not None)


def count_figure(total, by: dict[str, dict[str, int]] | None = None,
                 cross: dict[str, dict[str, dict[str, int]]] | None = None) -> Figure:
    """A count of people or records: the count is its own basis, and each key's (and each
    cross-tabulation cell's) too."""
    by = by or {}
    return Figure(int(total), by=by, basis=(int(total),),
                  basis_by={name: {key: (int(value),) for key, value in values.items()} for name, values in by.items()},
                  cross=cross or {})


def count_cross(frame: pd.DataFrame, table: Cross, rows: str, columns: str) -> dict[str, dict[str, dict[str, int]]]:
    """``{table.name: {row key: {column key: rows of frame}}}``, every key of both present:
    columns ``rows`` and ``columns`` read as :func:`count_by` reads them."""
    counted = Counter(zip(codes_of(frame, rows, table.rows).tolist(),
                          codes_of(frame, columns, table.columns).tolist()))
    return {table.name: {row: {column: counted.get((row, column), 0) for column in table.columns.keys}
                         for row in table.rows.keys}}


def median_figure(later: pd.Series, earlier: pd.Series) -> Figure:
    """The median of ``later − earlier`` in days over the cases, which it keeps (for the
    region's pooled median) and counts (its basis)."""
    days = tuple(sorted(int(day) for day in (later - earlier).dt.days.dropna()))
    return Figure(median_days(days), samples=days, basis=(len(days),))


def money_sum(values: pd.Series) -> Decimal:
    """Σ of a money column (Decimal objects), blanks skipped."""
    return sum((value for value in values.tolist() if value is not None), Decimal("0.00"))


def latest_per(frame: pd.DataFrame, key: str, order: list[str]) -> pd.DataFrame:
    """One row per ``key``: the greatest by ``order`` (ties: the later row in the file)."""
    return frame.sort_values([key, *order, "_line"], kind="stable").drop_duplicates(key, keep="last")
