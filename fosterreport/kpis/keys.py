"""What a ``[targets]`` or ``[benchmarks]`` key refers to, and what value it may hold.

A key is a KPI id (``approvals``) or an id and one of its breakdown keys
(``approvals.MAINSTREAM``, or ``outturn.Staffing`` for a data-driven budget line). The
configuration checks every key and value with these functions when ``fosterreport.toml``
is loaded (:mod:`fosterreport.config`), so the KPI engine only ever meets keys that
resolve. This module reads nothing but the catalogue, so the config can import it
without pandas and without an import cycle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fosterreport.kpis.catalogue import BY_ID, Kpi, closest_id
from fosterreport.problems import clip, quoted

#: The largest magnitude a count, day count, average or sum of money may have as a target
#: or benchmark. Beyond it a float no longer holds every whole number (2**53 ≈ 9e15) and
#: the report's thousands-separated figures stop being exact; no council counts or
#: spends anywhere near it, so a bigger number is a typing slip.
LARGEST = 1e15


#: What a value of each unit is, in the messages.
_WHAT = {"count": "a count", "ratio": "a ratio", "number": "an average", "days": "a number of days",
         "money": "a sum of money"}


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


def unknown_key(key: str) -> str:
    """The problem with a key that resolves to nothing, with the closest valid key."""
    close = closest_id(clip(key, 200), valid_keys())
    hint = f" (did you mean '{close}'?)" if close else " (`fosterreport kpis --list` lists every KPI)"
    return f"unknown KPI key {quoted(key)}{hint}"


def value_problem(ref: KeyRef, value: float) -> str | None:
    """What is wrong with ``value`` as a target or benchmark of ``ref``'s KPI, or None.

    A rate is a fraction, so ``95`` for 95% is refused with the fraction it meant; every
    other unit must be smaller in size than :data:`LARGEST`. Non-finite numbers are the
    caller's to refuse (pydantic's ``FiniteFloat``).
    """
    if not math.isfinite(value):
        return None
    if ref.kpi.unit == "rate":
        if 0 <= value <= 1:
            return None
        hint = f" (did you mean {value / 100:g}?)" if 1 < value <= 100 else ""
        return f"a rate is a fraction from 0 to 1{hint}"
    if abs(value) >= LARGEST:
        return f"too large: {_WHAT.get(ref.kpi.unit, 'a figure')} must lie between -1e15 and 1e15"
    return None
