"""Which days the extracts cover, and so which figures they can support.

A figure is a fact about the service only if every record it counts could be in the
extracts. An export that begins on 1 April 2021 cannot say how many enquiries came in
2020/21 (zero is not "none came"), nor whether a household's first supervision gap of
2021/22 was on time (the visit before it is not in the file). So:

* each extract has a **coverage window**: from the first day of the month of the earliest
  date in its window columns (the contract's ``window``: for a register such as
  households.csv the deregistration date, since it holds every household that left after
  the export began, whenever it was approved; for enquiries.csv the enquiry date…; exports
  begin on a month's first day, which a file's first record rarely falls on), unless
  ``[data] coverage`` in the config gives the file's true start, to the newest date in the
  whole data folder (a quiet file is not a short one). A file with no such date (no
  records, or none ended) covers the span of the whole folder: "none this year" is a fact,
  not a gap;
* each KPI needs its period, plus the look-back its catalogue entry declares
  (``lookback``: the supervision interval, or the year before for a cohort);
* a figure whose window is not covered is not computed: its value is ``None`` with a
  reason ("visits.csv starts 1 April 2021"), so no change, direction, RAG or trend point
  can be built on it;
* a period that ends after the data's newest date, or starts before its oldest, is a usage
  error that says which dates the data covers: nothing of it could be a fact.

"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Mapping

from fosterreport.exceptions import UsageError
from fosterreport.formatting import format_date

if TYPE_CHECKING:
    from fosterreport.config import Rules
    from fosterreport.kpis.catalogue import Kpi
    from fosterreport.periods import Period
    from fosterreport.records import Extracts


@dataclass(frozen=True)
class Coverage:
    """The first day each supplied extract covers, and the data's newest date."""

    #: Extract name -> the first day it covers.
    starts: Mapping[str, date]
    #: The newest date in the data folder that can end a period (None: no dates at all).
    newest: date | None

    @property
    def oldest(self) -> date | None:
        return min(self.starts.values(), default=None)

    def span_words(self) -> str:
        if self.oldest is None or self.newest is None:
            return "the extracts hold no dates"
        return f"the extracts cover {format_date(self.oldest)} to {format_date(self.newest)}"

    def check_period(self, period: "Period") -> None:
        """Raise a usage error for a period the data does not cover at all."""
        if self.newest is None:
            return
        if period.end > self.newest:
            raise UsageError(f"the period {period.label} ends on {format_date(period.end)}, after the newest "
                             f"date in the extracts: {self.span_words()}. If they were taken from the "
                             f"systems after the period ended, say when: [data] extracted = "
                             f"{(period.end + timedelta(days=1)).isoformat()} (or later) in fosterreport.toml")
        if self.oldest is not None and period.start < self.oldest:
            raise UsageError(f"the period {period.label} starts on {format_date(period.start)}, before the "
                             f"extracts begin: {self.span_words()}")

    def gap(self, kpi: "Kpi", period: "Period", rules: "Rules") -> str | None:
        """Why the extracts cannot support ``kpi`` for ``period``, or None when they can."""
        first_needed = needed_from(kpi, period, rules)
        for name in kpi.needs:
            start = self.starts.get(name)
            if start is not None and start > first_needed:
                return f"{name}.csv starts {format_date(start)}"
        if self.newest is not None and period.end > self.newest:
            return f"the extracts end {format_date(self.newest)}"
        return None


def needed_from(kpi: "Kpi", period: "Period", rules: "Rules") -> date:
    """The first day whose records ``kpi`` needs for ``period``: the period's start, or
    earlier by the look-back its catalogue entry declares."""
    if kpi.lookback == "previous_period":
        return period.previous().start
    if kpi.lookback == "supervision_interval":
        return period.start - timedelta(days=rules.supervision_interval_days)
    return period.start


def coverage_of(extracts: "Extracts") -> Coverage:
    """The windows of ``extracts`` (see the module docstring): a file's true start where
    the config gave it (``extracts.begins``), else inferred from its dates."""
    declared = extracts.begins
    newest = max(filter(None, (extracts.newest_date, extracts.extracted_on)), default=None)
    names = list(dict.fromkeys([*extracts.frames, *extracts.files]))
    firsts = {name: _window_start(extracts, name) for name in names}
    dated = [first for first in firsts.values() if first is not None] or [
        info.first_date for info in extracts.files.values() if info.first_date is not None]
    folder_start = _month_start(min(dated)) if dated else None
    starts: dict[str, date] = {}
    for name in names:
        if name in declared:
            starts[name] = declared[name]
        elif firsts[name] is not None:
            starts[name] = _month_start(firsts[name])
        elif folder_start is not None:
            starts[name] = folder_start
    return Coverage(starts, newest)


def _window_start(extracts: "Extracts", name: str) -> date | None:
    """The earliest date in the extract's window columns (None: it has none)."""
    from fosterreport.contract import EXTRACTS

    frame = extracts.frames.get(name)
    if frame is None:  # provenance without records (a test's fake): its first date
        return extracts.files[name].first_date if name in extracts.files else None
    found = [frame[column].min() for column in EXTRACTS[name].window if column in frame]
    found = [day.date() for day in found if day is not None and day == day]  # (NaT is not equal to itself)
    return min(found, default=None)


def _month_start(day: date) -> date:
    return day.replace(day=1)
