"""Comparisons: previous period, change, direction of travel, targets, RAG, benchmarks.

These are the judgements a committee reads beside each figure, so each is a small pure
function of numbers and the ``[rules]`` of ``fosterreport.toml``:

* **direction** compares with the same period a year earlier, in the KPI's polarity:
  ``improved``/``declined``, or ``up``/``down`` for neutral KPIs, ``similar`` within
  ``similar_tolerance`` of the previous value, ``n/a`` when either is missing;
* **RAG** measures the shortfall against a target as a fraction of the target: green
  within ``rag_green_tolerance``, red beyond ``rag_red_threshold``, amber between.

Target and benchmark keys are checked against the catalogue before anything is
computed, so a misspelt key stops the run with the closest valid key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fosterreport.exceptions import UsageError
from fosterreport.kpis.catalogue import BY_ID, Kpi, closest_id

#: Floating-point slack so that a value exactly on a threshold (0.114 against 0.12 at 5%)
#: lands on the side the arithmetic on paper says.
SLACK = 1e-9


@dataclass(frozen=True)
class KeyRef:
    """A ``[targets]``/``[benchmarks]`` key: ``approvals`` or ``approvals.MAINSTREAM``."""

    key: str
    kpi: Kpi
    breakdown: str | None = None  # the breakdown the code belongs to
    code: str | None = None


def valid_keys() -> list[str]:
    """Every key a target or benchmark may have (dynamic budget lines aside)."""
    found = []
    for kpi in BY_ID.values():
        found.append(kpi.id)
        for axis in kpi.axes:
            found.extend(f"{kpi.id}.{code}" for code in axis.keys or ())
    return found


def resolve_key(key: str) -> KeyRef | None:
    """What ``key`` refers to, or None when it names no KPI or no breakdown code of it.

    A code present in two breakdowns of one KPI refers to the first of them.
    """
    kpi_id, _, code = key.partition(".")
    kpi = BY_ID.get(kpi_id)
    if kpi is None:
        return None
    if not code:
        return KeyRef(key, kpi)
    for axis in kpi.axes:
        if axis.dynamic or code in (axis.keys or ()):
            return KeyRef(key, kpi, axis.name, code)
    return None


def resolve_keys(table: dict, section: str, source: str) -> dict[str, KeyRef]:
    """Check every key of ``[targets]`` or ``[benchmarks]``; raise listing all bad ones."""
    resolved, messages = {}, []
    pool = valid_keys()
    for key in table:
        ref = resolve_key(key)
        if ref is None:
            close = closest_id(key, pool)
            hint = f" (did you mean '{close}'?)" if close else ""
            messages.append(f"{source}: [{section}] unknown KPI key '{key}'{hint}")
        else:
            resolved[key] = ref
    if messages:
        raise UsageError(messages)
    return resolved


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
