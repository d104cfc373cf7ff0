"""Comparisons: previous period, change, direction of travel, targets, RAG, benchmarks.

These are the judgements a committee reads beside each figure, so each is a small pure
function of numbers and the ``[rules]`` of ``fosterreport.toml``:

* **direction** compares with the same period a year earlier, in the KPI's polarity:
  ``improved``/``declined``, or ``up``/``down`` for neutral KPIs, ``similar`` within
  ``similar_tolerance`` of the previous value, ``n/a`` when either is missing;
* **RAG** measures the shortfall against a target as a fraction of the target: green
  within ``rag_green_tolerance``, red beyond ``rag_red_threshold``, amber between;
* **benchmarks** are the config's, in its order, then the built-in England figure for
  the year unless one of the config's has its label (the council's own copy wins).
  A benchmark is published context, not a council figure: it is never withheld, and
  nothing here compares a withheld figure with it.

Target and benchmark keys, and their values, are checked against the catalogue when
the config is loaded (:mod:`fosterreport.kpis.keys`, called by :mod:`fosterreport.config`),
so nothing here meets a key that does not resolve.
"""

from __future__ import annotations

import math

__all__ = ["SLACK", "benchmarks", "difference", "direction", "rag", "shortfall"]

#: Floating-point slack so that a value exactly on a threshold (0.114 against 0.12 at 5%)
#: lands on the side the arithmetic on paper says.
SLACK = 1e-9


def difference(value, previous):
    """value − previous, in the value's own type (Decimal stays Decimal), or None."""
    if value is None or previous is None:
        return None
    return value - previous


def direction(value, previous, polarity: str, tolerance: float) -> str:
    """``improved``/``declined``/``similar`` (or ``up``/``down``/``similar``), ``n/a``."""
    if value is None or previous is None:
        return "n/a"
    change = float(value) - float(previous)
    if abs(change) <= tolerance * abs(float(previous)) + SLACK:
        return "similar"
    if polarity == "neutral":
        return "up" if change > 0 else "down"
    better = change > 0 if polarity == "higher" else change < 0
    return "improved" if better else "declined"


def shortfall(value, target, polarity: str) -> float:
    """How far ``value`` falls short of ``target`` as a fraction of it (≤ 0: on or better).

    Neutral KPIs have no better side, so any distance from the target is a shortfall. A
    target of 0 is met or missed outright (0 or infinity).
    """
    value, target = float(value), float(target)
    if polarity == "higher":
        gap = target - value
    elif polarity == "lower":
        gap = value - target
    else:
        gap = abs(value - target)
    if target == 0:
        return 0.0 if gap <= 0 else math.inf
    return gap / abs(target)


def rag(value, target, polarity: str, green: float, red: float) -> str | None:
    """``green``/``amber``/``red``, or None without a target or a value."""
    if value is None or target is None:
        return None
    gap = shortfall(value, target, polarity)
    if gap <= green + SLACK:
        return "green"
    if gap <= red + SLACK:
        return "amber"
    return "red"


def benchmarks(configured, built_in=()) -> list:
    """``configured`` (in order), then each ``built_in`` whose label none of them has."""
    labels = {bench.label for bench in configured}
    return [*configured, *(bench for bench in built_in if bench.label not in labels)]
