"""Financial years, quarters and year to date; what cannot be a period is a PeriodError in the
calendar's words (the CLI's option wording is tested in test_cli_build.py)."""

from __future__ import annotations

from datetime import date

import pytest

from fosterreport.exceptions import UsageError
from fosterreport.periods import (
    REASONS, Period, PeriodError, check_quarter, latest_ended_year, latest_period, make_period, parse_year,
)


def test_financial_year_2023_is_april_2022_to_march_2023():
    period = make_period(2023)
    assert (period.start, period.end) == (date(2022, 4, 1), date(2023, 3, 31))
    assert period.label == "2022/23"
    assert period.slug == "2022-23"
    assert period.in_words == "1 April 2022 to 31 March 2023"
    assert period.start_snapshot == date(2022, 3, 31)
    assert period.days == 365
    assert period.financial_year_code == "2022-23"


def test_leap_year_has_366_days():
    assert make_period(2024).days == 366  # 1 April 2023 – 31 March 2024 contains 29 February 2024


@pytest.mark.parametrize(("quarter", "start", "end"), [
    (1, date(2022, 4, 1), date(2022, 6, 30)),
    (2, date(2022, 7, 1), date(2022, 9, 30)),
    (3, date(2022, 10, 1), date(2022, 12, 31)),
    (4, date(2023, 1, 1), date(2023, 3, 31)),
])
def test_quarters_start_in_april(quarter, start, end):
    period = make_period(2023, quarter)
    assert (period.start, period.end) == (start, end)
    assert period.label == f"2022/23 Q{quarter}"
    assert period.slug == f"2022-23-q{quarter}"


def test_quarter_days_and_snapshot():
    q4 = make_period(2024, 4)  # January–March 2024: 31 + 29 + 31
    assert q4.days == 91
    assert q4.start_snapshot == date(2023, 12, 31)


def test_year_to_date_runs_from_april_to_the_quarter_end():
    period = make_period(2023, 2, ytd=True)
    assert (period.start, period.end) == (date(2022, 4, 1), date(2022, 9, 30))
    assert period.label == "2022/23 Q1–Q2 (year to date)"
    assert period.slug == "2022-23-ytd-q2"
    assert make_period(2023, 1, ytd=True).label == "2022/23 Q1 (year to date)"
    assert make_period(2023, 4, ytd=True).days == 365


def test_ytd_needs_a_quarter():
    with pytest.raises(PeriodError) as raised:
        make_period(2023, ytd=True)
    assert raised.value.reason == "year-to-date-without-quarter"
    assert str(raised.value) == ("a year-to-date period needs a quarter: year to date runs from 1 April to the end "
                                 "of that quarter")


def test_check_quarter_needs_no_year():
    check_quarter(None)
    check_quarter(4, ytd=True)
    with pytest.raises(PeriodError) as raised:
        check_quarter(None, ytd=True)
    assert raised.value.reason == "year-to-date-without-quarter"
    with pytest.raises(PeriodError) as raised:
        check_quarter(0)
    assert raised.value.reason == "quarter-out-of-range"


@pytest.mark.parametrize("call", [
    lambda: make_period(2023, ytd=True), lambda: make_period(2023, 5), lambda: make_period(3000),
    lambda: parse_year("FY23"), lambda: parse_year("2022-24"), lambda: parse_year("1066"),
    lambda: latest_period(None),
], ids=["ytd", "quarter", "year", "text", "span", "range", "no-dates"])
def test_period_errors_speak_of_the_calendar_not_of_options(call):
    with pytest.raises(PeriodError) as raised:
        call()
    assert raised.value.reason in REASONS
    assert isinstance(raised.value, UsageError)  # still exit 2 for a library caller
    assert "--" not in str(raised.value)


def test_previous_is_the_same_period_a_year_earlier():
    assert make_period(2023).previous() == make_period(2022)
    assert make_period(2023, 3).previous() == Period(date(2021, 10, 1), date(2021, 12, 31), 2022, 3, False)
    assert make_period(2023, 2, ytd=True).previous() == make_period(2022, 2, ytd=True)


def test_financial_year_contains_the_end():
    assert make_period(2023, 1).financial_year() == make_period(2023)
    assert make_period(2023, 4, ytd=True).financial_year() == make_period(2023)


@pytest.mark.parametrize("text", ["2023", "2022-23", "2022/23", " 2022/2023 ", "2022 - 23"])
def test_parse_year_accepts_the_three_spellings(text):
    assert parse_year(text) == 2023


@pytest.mark.parametrize("text", ["23", "2022-24", "22/23", "2022-2024", "last year", ""])
def test_parse_year_rejects_anything_else(text):
    with pytest.raises(PeriodError) as raised:
        parse_year(text)
    assert raised.value.given == text.strip()
    assert str(raised.value).startswith(repr(text.strip()))


def test_parse_year_message_names_the_accepted_forms():
    with pytest.raises(UsageError, match=r"use 2023, 2022-23 or 2022/23"):
        parse_year("FY23")


def test_out_of_range_years_are_refused():
    with pytest.raises(PeriodError, match=r"^'1066' is out of range \(1990–2100\)$"):
        parse_year("1066")
    with pytest.raises(PeriodError, match=r"^financial year 3000 is out of range \(1990–2100\)$"):
        make_period(3000)


def test_bad_quarter_is_refused():
    with pytest.raises(UsageError, match="quarter"):
        make_period(2023, 5)


@pytest.mark.parametrize(("newest", "year"), [
    (date(2023, 3, 31), 2023),  # the year's last day: it has ended
    (date(2023, 3, 30), 2022),
    (date(2023, 4, 1), 2023),
    (date(2023, 12, 31), 2023),
    (date(2024, 1, 1), 2023),
])
def test_latest_ended_year(newest, year):
    assert latest_ended_year(newest) == year
