"""Restated figures: the previous period's figures that differ from last year's report.

Each year's report repeats last year's figures, recomputed from today's extracts; late
recording and corrected records can change them. ``[report] previous_report`` names the
``kpis-<period>.json`` the tool published with last year's report (the shape
:func:`fosterreport.kpis.export.to_json` writes). :func:`read_published` reads it
(bounded, checked, for the right period) and :func:`compare` lists, as data, every
figure of this report's previous period (each KPI's previous value and its previous
breakdown values) that is not what was published. The JSON, Appendix B and the tables
all show these :class:`Restatement` values, less any withheld now
(:func:`shown`; the JSON asks the same :class:`~fosterreport.kpis.results.Suppression`): a figure withheld on either side is never compared, so no restatement
can reveal a withheld figure.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from pydantic import BaseModel, ConfigDict, StrictFloat, StrictInt, ValidationError

from fosterreport.exceptions import ConfigError
from fosterreport.problems import clip, quoted

if TYPE_CHECKING:
    from fosterreport.kpis.results import KpiResults, Suppression
    from fosterreport.periods import Period

#: The largest published KPI file read: a year's, with its trend, is a few hundred KB.
MAX_PUBLISHED_BYTES = 16 * 1024 * 1024

#: A published figure: a JSON number (never a string or true), or null (withheld, not covered).
Number = Union[StrictInt, StrictFloat, None]
#: How pydantic names the members of :data:`Number` in an error's place.
_NUMBER_TAGS = ("int", "float")


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class PublishedPeriod(_Loose):
    label: str
    start: date
    end: date


class PublishedKpi(_Loose):
    value: Number = None
    by: dict[str, dict[str, Number]] = {}


class PublishedReport(_Loose):
    """What of a published ``kpis-<period>.json`` the comparison reads (the rest is ignored)."""

    period: PublishedPeriod
    kpis: dict[str, PublishedKpi]


@dataclass(frozen=True)
class Restatement:
    """One figure of the previous period: as published last year, and as computed now.

    ``breakdown`` and ``key`` are None for the KPI's own value."""

    kpi: str
    breakdown: str | None
    key: str | None
    published: int | float
    now: int | float


def _where(relative: str) -> str:
    return f"[report] previous_report {quoted(relative)}"


def read_published(path: Path, relative: str) -> PublishedReport:
    """The published file at ``path`` (``relative`` as the config gives it, for messages),
    or :class:`ConfigError` (exit 2): too large, not UTF-8 JSON, or not the KPI file's shape."""
    where = _where(relative)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_PUBLISHED_BYTES + 1)
    except OSError as error:
        raise ConfigError(f"{where}: cannot be read: {clip(error.strerror or error)}") from None
    if len(data) > MAX_PUBLISHED_BYTES:
        raise ConfigError(f"{where}: more than {MAX_PUBLISHED_BYTES:,} bytes; a published KPI file is far smaller")
    try:
        document = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 text") from None
    except (ValueError, RecursionError) as error:
        raise ConfigError(f"{where}: not valid JSON: {clip(error, 200)}") from None
    try:
        return PublishedReport.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        loc, what = list(first["loc"]), first["msg"].lower()
        if loc and loc[-1] in _NUMBER_TAGS:  # a figure's union (int | float | null): say it once
            loc, what = loc[:-1], "should be a number or null"
        place = ".".join(str(part) for part in loc) or "the file"
        raise ConfigError(f"{where}: not a KPI file published by fosterreport: {clip(place)}: {what}") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def check_period(published: PublishedReport, previous: "Period", relative: str) -> None:
    """The published file must be the previous period's: any other year's figures would
    make every difference a false restatement."""
    held = published.period
    if (held.start, held.end) != (previous.start, previous.end):
        raise ConfigError(f"{_where(relative)}: holds the figures of {clip(held.label)} ({held.start.isoformat()} to "
                          f"{held.end.isoformat()}), not of this report's previous period {previous.label} "
                          f"({previous.start.isoformat()} to {previous.end.isoformat()})")


def compare(results: "KpiResults", published: PublishedReport) -> list[Restatement]:
    """Every previous-period figure of ``results`` that differs from ``published``, in
    catalogue and breakdown order; a figure missing (or null: withheld, not covered) on
    either side is not compared."""
    from fosterreport.kpis.export import plain

    found = []
    for kpi_id, value in results.values.items():
        then = published.kpis.get(kpi_id)
        if then is None:
            continue
        if _differs(then.value, now := plain(value.previous)):
            found.append(Restatement(kpi_id, None, None, then.value, now))
        for name, values in value.previous_by.items():
            for key, now in values.items():
                before = then.by.get(name, {}).get(key)
                if _differs(before, now := plain(now)):
                    found.append(Restatement(kpi_id, name, key, before, now))
    return found


def _differs(published: Any, now: Any) -> bool:
    if published is None or now is None or isinstance(now, (bool, str)):
        return False
    return not math.isclose(published, now, rel_tol=0, abs_tol=1e-9)


def shown(restated: list[Restatement], hide: "Suppression") -> list[Restatement]:
    """The restatements whose figure of now is published (a withheld one would be revealed)."""
    return [each for each in restated if not hide.withheld(each.kpi, "previous", each.breakdown, each.key)]


def restatements_of(results: "KpiResults", config) -> list[Restatement] | None:
    """The restatements against ``[report] previous_report``; None when it is not set."""
    relative = config.report.previous_report if config is not None else None
    if relative is None:
        return None
    published = read_published(config.resolve(relative), relative)
    check_period(published, results.period.previous(), relative)
    return compare(results, published)


__all__ = ["MAX_PUBLISHED_BYTES", "PublishedReport", "Restatement", "check_period", "compare",
           "read_published", "restatements_of", "shown"]
