"""Reporting periods: financial years, quarters, year to date, and any run of days.

Councils report on the financial year (1 April to 31 March), as Ofsted's and DfE's
collections do, and National Minimum Standard 25.7 asks for a report every three
months. A :class:`Period` is the one object every KPI is computed for; it knows its
own label ("2022/23 Q1"), a file-name slug, how to say itself in words for the cover,
the start snapshot (the day before it starts) and the period one year earlier that
"previous" figures compare with.

``year`` is always the financial year's *ending* calendar year, the convention of the
``--year 2023`` option: 2023 means 2022-23.

Any other run of days (a pilot from its launch, a half year, a rolling twelve months:
``--from 2023-09-01 --to 2024-08-31``) is a *custom* period (:func:`custom_period`). Its
previous period is the same length immediately before it (the same number of whole
months when it starts on a month's first day and ends on a month's last, else the same
number of days), and its trend is the same-length periods before it. A custom period
that is in fact a financial year, a quarter or a year to date *is* that period, so
``--from 2023-04-01 --to 2024-03-31`` and ``--year 2024`` give the same report.

A period that cannot be made is a :class:`PeriodError` in the words of the calendar, not
of any command line: its ``reason`` says which rule was broken, so that a caller says it
in its own terms (the CLI names its options, :func:`fosterreport.cli.app.period_options`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from fosterreport.exceptions import UsageError
from fosterreport.formatting import format_date

#: Years outside this range are typing mistakes, not reporting periods.
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100

#: Why a period could not be made: :attr:`PeriodError.reason`.
REASONS = (
    "not-a-financial-year",  # the text is no spelling of a financial year
    "years-not-consecutive",  # "2022-24": the second year does not follow the first
    "year-out-of-range",  # outside EARLIEST_YEAR..LATEST_YEAR
    "quarter-out-of-range",  # not 1, 2, 3 or 4
    "year-to-date-without-quarter",  # year to date runs to the end of a quarter
    "no-dates",  # nothing to choose the latest period from
    "not-a-date",  # the text is no ISO date (YYYY-MM-DD)
    "end-before-start",  # a custom period that ends before it starts
)


class PeriodError(UsageError):
    """A reporting period that cannot be made, said in the calendar's words.

    ``reason`` is one of :data:`REASONS`; ``given`` is the text that was read, when the
    period came from text (:func:`parse_year`), and the message quotes it. A usage error
    still (exit 2) for a library caller who does not look at the reason.
    """

    def __init__(self, reason: str, message: str, given: str | None = None):
        assert reason in REASONS, reason
        self.reason = reason
        self.given = given
        super().__init__(message)


def _quarter_start(year: int, quarter: int) -> date:
    """First day of ``quarter`` (1 = April–June) of financial year ``year``."""
    month = 4 + 3 * (quarter - 1)  # 4, 7, 10, 13
    return date(year - 1, month, 1) if month <= 12 else date(year, month - 12, 1)


def _quarter_end(year: int, quarter: int) -> date:
    following = _quarter_start(year, quarter + 1) if quarter < 4 else date(year, 4, 1)
    return following - timedelta(days=1)


def _short(year: int) -> str:
    """``2023`` → ``2022/23``."""
    return f"{year - 1}/{year % 100:02d}"


@dataclass(frozen=True)
class Period:
    """The days a KPI is computed over: ``start`` to ``end`` inclusive."""

    start: date
    end: date
    year: int
    quarter: int | None = None
    ytd: bool = False
    #: Any run of days that is no financial year, quarter or year to date
    #: (:func:`custom_period`); ``year`` is then the financial year of its last day.
    custom: bool = False

    @property
    def label(self) -> str:
        """``2022/23``, ``2022/23 Q1`` or ``2022/23 Q1–Q2 (year to date)``; for a custom
        period, short enough for a column heading: ``Sep 2023–Aug 2024`` (whole months),
        ``September 2023`` (one month), else ``5 Sep 2023–4 Oct 2023``. Its words are
        :attr:`in_words`."""
        if self.custom:
            if not self.whole_months:
                return f"{self.start.day} {self.start:%b %Y}–{self.end.day} {self.end:%b %Y}"
            if self.months == 1:
                return f"{self.start:%B %Y}"
            return f"{self.start:%b %Y}–{self.end:%b %Y}"
        if self.quarter is None:
            return _short(self.year)
        if self.ytd:
            quarters = "Q1" if self.quarter == 1 else f"Q1–Q{self.quarter}"
            return f"{_short(self.year)} {quarters} (year to date)"
        return f"{_short(self.year)} Q{self.quarter}"

    @property
    def slug(self) -> str:
        """For file names: ``2022-23``, ``2022-23-q1``, ``2022-23-ytd-q2``; a custom
        period ``2023-09-01-to-2024-08-31``."""
        if self.custom:
            return f"{self.start.isoformat()}-to-{self.end.isoformat()}"
        base = f"{self.year - 1}-{self.year % 100:02d}"
        if self.quarter is None:
            return base
        return f"{base}-ytd-q{self.quarter}" if self.ytd else f"{base}-q{self.quarter}"

    @property
    def financial_year_code(self) -> str:
        """The year as budget.csv writes it: ``2022-23``."""
        return f"{self.year - 1}-{self.year % 100:02d}"

    @property
    def in_words(self) -> str:
        """``1 April 2022 to 31 March 2023``."""
        return f"{format_date(self.start)} to {format_date(self.end)}"

    @property
    def before_words(self) -> str:
        """When the previous period's figure on a day is from, in words: "a year earlier",
        or for a custom period (whose previous one ends the day before it starts) "on 31
        August 2023"."""
        return f"on {format_date(self.previous().end)}" if self.custom else "a year earlier"

    @property
    def start_snapshot(self) -> date:
        """The day before the period: the "start" of snapshot KPIs."""
        return self.start - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_months(self) -> bool:
        """Whether the period starts on a month's first day and ends on a month's last."""
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1

    @property
    def months(self) -> int:
        """Whole months from ``start`` to the day after ``end`` (meaningful when :attr:`whole_months`)."""
        following = self.end + timedelta(days=1)
        return (following.year - self.start.year) * 12 + following.month - self.start.month

    def previous(self) -> "Period":
        """The same period one year earlier (same quarter for quarters); for a custom
        period, the same length immediately before it (whole months when it is whole
        months, else days)."""
        if self.custom:
            end = self.start - timedelta(days=1)
            if self.whole_months:
                index = self.start.year * 12 + self.start.month - 1 - self.months
                return custom_period(date(index // 12, index % 12 + 1, 1), end)
            return custom_period(end - timedelta(days=self.days - 1), end)
        return make_period(self.year - 1, self.quarter, self.ytd)

    def trend(self, count: int) -> list["Period"]:
        """The ``count`` periods of a trend, oldest first: the whole financial years ending
        with this period's year; for a custom period, it and the same-length periods
        before it."""
        if not self.custom:
            return [make_period(year) for year in range(self.year - count + 1, self.year + 1)]
        periods = [self]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods[::-1]

    def financial_year(self) -> "Period":
        """The whole financial year that contains this period's end."""
        return make_period(self.year)


def check_quarter(quarter: int | None, ytd: bool = False) -> None:
    """Raise :class:`PeriodError` unless ``quarter`` and ``ytd`` can make a period in any
    year: a quarter is 1 to 4, and year to date (1 April to the end of a quarter) needs
    one. :func:`make_period` checks this too; a caller can check it before the year is
    known (the CLI does, before any extract is read)."""
    if quarter is None:
        if ytd:
            raise PeriodError("year-to-date-without-quarter", "a year-to-date period needs a quarter: year to "
                              "date runs from 1 April to the end of that quarter")
    elif quarter not in (1, 2, 3, 4):
        raise PeriodError("quarter-out-of-range", f"quarter must be 1, 2, 3 or 4 (Q1 = April–June), not {quarter}")


def make_period(year: int, quarter: int | None = None, ytd: bool = False) -> Period:
    """The financial year ``year``, or its ``quarter``; with ``ytd``, 1 April to the end
    of ``quarter`` (so ``ytd`` needs a quarter)."""
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise PeriodError("year-out-of-range",
                          f"financial year {year} is out of range ({EARLIEST_YEAR}–{LATEST_YEAR})")
    check_quarter(quarter, ytd)
    if quarter is None:
        return Period(date(year - 1, 4, 1), date(year, 3, 31), year)
    start = date(year - 1, 4, 1) if ytd else _quarter_start(year, quarter)
    return Period(start, _quarter_end(year, quarter), year, quarter, ytd)


def financial_year_of(day: date) -> int:
    """The financial year (its ending calendar year) that ``day`` falls in."""
    return day.year + 1 if day.month >= 4 else day.year


def custom_period(start: date, end: date) -> Period:
    """The days from ``start`` to ``end`` inclusive. One that is a financial year, a
    quarter or a year to date is made as that period (so it has the same label, file name
    and previous period); any other is a custom period."""
    if end < start:
        raise PeriodError("end-before-start", f"the period ends on {format_date(end)}, before it starts on "
                          f"{format_date(start)}")
    for day in (start, end):
        if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise PeriodError("year-out-of-range",
                              f"{day.isoformat()} is out of range ({EARLIEST_YEAR}–{LATEST_YEAR})")
    year = financial_year_of(end)
    for quarter, ytd in ((None, False), *((q, False) for q in range(1, 5)), *((q, True) for q in range(2, 5))):
        known = make_period(year, quarter, ytd)
        if (known.start, known.end) == (start, end):
            return known
    return Period(start, end, year, custom=True)


def month_period(year: int, month: int) -> Period:
    """The calendar month ``month`` (1–12) of calendar year ``year``: a custom period of
    one month ("April 2023"), so every KPI computes for it as for any run of days."""
    following = date(year + month // 12, month % 12 + 1, 1)
    return custom_period(date(year, month, 1), following - timedelta(days=1))


def months_of(period: Period) -> list[Period]:
    """The calendar months of ``period``, first to last (``kpis --months``). A month that
    only partly falls in a custom period is cut to the period's days, so that the months'
    flows add up to the period's."""
    months, day = [], period.start
    while day <= period.end:
        whole = month_period(day.year, day.month)
        months.append(whole if (whole.start >= period.start and whole.end <= period.end)
                      else custom_period(max(whole.start, period.start), min(whole.end, period.end)))
        day = whole.end + timedelta(days=1)
    return months


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: str) -> date:
    """``2023-09-01`` (ISO 8601, the only spelling: ``01/09/2023`` reads differently in
    different countries) → the date."""
    cleaned = str(text).strip()
    try:
        if _DATE.fullmatch(cleaned):
            return date.fromisoformat(cleaned)
    except ValueError:
        pass
    raise PeriodError("not-a-date", f"{cleaned!r} is not a date: use YYYY-MM-DD, for example 2023-09-01",
                      cleaned)


_YEAR = re.compile(r"(\d{4})")
_SPAN = re.compile(r"(\d{4})\s*[-/]\s*(\d{2}|\d{4})")


def parse_year(text: str) -> int:
    """``2023``, ``2022-23``, ``2022/23`` (or ``2022/2023``) → 2023, the ending year."""
    cleaned = str(text).strip()
    if match := _YEAR.fullmatch(cleaned):
        year = int(match.group(1))
    elif match := _SPAN.fullmatch(cleaned):
        first, second = int(match.group(1)), match.group(2)
        year = first + 1
        if (len(second) == 2 and int(second) != year % 100) or (len(second) == 4 and int(second) != year):
            raise PeriodError("years-not-consecutive", f"{cleaned!r}: the second year must follow the first "
                              f"(did you mean {first}-{year % 100:02d}?)", cleaned)
    else:
        raise PeriodError("not-a-financial-year", f"{cleaned!r} is not a financial year: use 2023, 2022-23 or "
                          "2022/23 (2023 means 1 April 2022 to 31 March 2023)", cleaned)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise PeriodError("year-out-of-range", f"{cleaned!r} is out of range ({EARLIEST_YEAR}–{LATEST_YEAR})",
                          cleaned)
    return year


def latest_ended_year(newest: date) -> int:
    """The latest financial year whose last day (31 March) is on or before ``newest``."""
    return newest.year if newest >= date(newest.year, 3, 31) else newest.year - 1


def latest_period(newest: date | None, quarter: int | None = None, ytd: bool = False) -> Period:
    """The period to report on when none is named: the latest financial year (or, with
    ``quarter``, the latest such quarter) that has ended by ``newest``, the newest date in
    the extracts. Raises :class:`PeriodError` (``no-dates``) when there is no date."""
    if newest is None:
        raise PeriodError("no-dates", "the extracts hold no usable dates, so the period cannot be chosen")
    ended = latest_ended_year(newest)
    period = make_period(ended, quarter, ytd)
    if quarter is not None:
        following = make_period(ended + 1, quarter, ytd)
        if following.end <= newest:
            period = following
    return period
