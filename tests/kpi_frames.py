"""Typed extract frames for KPI tests, with exactly the dtypes the loader produces.

``frame("households", [{...}, ...])`` builds the frame the validated loader would give
for those rows (see :mod:`fosterreport.records`): the contract's columns in contract
order, ``str`` ids, texts and codes, ``datetime64[s]`` dates, ``bool`` flags with their
defaults, ``Int64`` counts, ``Decimal`` money, plus ``_line`` (header = line 1). The
columns and defaults are read from the contract models, so the factory cannot drift from
the loader; ``tests/test_kpis_frames.py`` checks that it does not.

Dates may be given as ISO strings; money as strings or numbers; codes as plain strings.
An unknown column name is an error, so a typo in a fixture cannot pass silently.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from fosterreport.contract import EXTRACTS, columns
from fosterreport.records import Extracts


def _date(value: Any) -> np.datetime64:
    if value is None or value == "":
        return np.datetime64("NaT", "s")
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return np.datetime64(value, "s")


def _column(kind: str, values: list[Any]) -> Any:
    if kind == "date":
        return np.array([_date(v) for v in values], dtype="datetime64[s]")
    if kind == "bool":
        return np.array([bool(v) for v in values], dtype=bool)
    if kind == "count":
        return pd.array([None if v is None or v == "" else int(v) for v in values], dtype="Int64")
    if kind == "money":
        return np.array([None if v is None or v == "" else Decimal(str(v)) for v in values], dtype=object)
    cleaned = [None if v is None or v == "" else str(getattr(v, "value", v)) for v in values]
    return pd.array(cleaned, dtype="str")


def frame(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The typed frame of extract ``name`` holding ``rows``."""
    specs = columns(EXTRACTS[name])
    known = {spec.name for spec in specs}
    for row in rows:
        unknown = set(row) - known
        if unknown:
            raise KeyError(f"{name}: no column {sorted(unknown)}")
    data = {}
    for spec in specs:
        default = None if spec.required else spec.default
        values = [row.get(spec.name) for row in rows]
        values = [default if v is None or v == "" else v for v in values]
        data[spec.name] = _column(spec.cell.kind, values)
    result = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    result["_line"] = np.arange(2, len(rows) + 2, dtype=np.int64)
    return result


#: The days hand-made extracts are taken to cover: from before, to after, any period a test
#: computes, so that a test of one rule is not also a test of coverage (tests/test_kpis_coverage.py is).
BEGINS, EXTRACTED = date(2015, 4, 1), date(2099, 3, 31)


def extracts(**tables: list[dict[str, Any]]) -> Extracts:
    """An :class:`Extracts` holding a frame per keyword (``households=[...]``); files not
    named are absent, as when they were not supplied."""
    return Extracts(folder=Path("."), frames={name: frame(name, rows) for name, rows in tables.items()},
                    extracted_on=EXTRACTED, begins=dict.fromkeys(tables, BEGINS))


def household(household_id: str, approved: str, places: int = 1, kind: str = "MAINSTREAM",
              deregistered: str | None = None, reason: str | None = None) -> dict[str, Any]:
    """One households.csv row, briefly."""
    return {"household_id": household_id, "household_type": kind, "approval_date": approved,
            "approved_places": places, "deregistration_date": deregistered,
            "deregistration_reason": reason or ("RESIGNED" if deregistered else None)}


def placement(placement_id: str, child: str, household_id: str | None, start: str, end: str | None = None,
              provider: str = "IN_HOUSE", kind: str = "MAIN") -> dict[str, Any]:
    """One placements.csv row, briefly."""
    return {"placement_id": placement_id, "child_id": child, "provider": provider, "household_id": household_id,
            "start_date": start, "end_date": end, "placement_kind": kind}


FIXTURES = Path(__file__).parent / "fixtures" / "kpis"

_LOADED: dict[str, Extracts] = {}


def fixture_config(name: str = "year_2022_23") -> Path:
    """The fixture's settings: where its exports begin (``<name>.toml`` beside the folder)."""
    return FIXTURES / f"{name}.toml"


def fixture_extracts(name: str = "year_2022_23") -> Extracts:
    """A CSV fixture folder under tests/fixtures/kpis, read by the real loader (cached)."""
    if name not in _LOADED:
        from fosterreport.records import load_extracts

        from fosterreport.config import load_config

        loaded = load_extracts(FIXTURES / name, load_config(fixture_config(name)))
        assert not loaded.problems.errors, loaded.problems.errors
        _LOADED[name] = loaded
    return _LOADED[name]
