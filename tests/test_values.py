"""Cell parsers: every form the contract accepts, and the ones it must refuse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fosterreport import codes
from fosterreport.contract import Household
from fosterreport.values import (
    BadValue, is_blank, parse_bool, parse_count, parse_date, parse_financial_year, parse_money, parse_text,
)

# -- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("01/04/2023", date(2023, 4, 1)),          # dd/mm/yyyy, Mosaic's usual
    ("1/4/2023", date(2023, 4, 1)),
    ("31/12/2023", date(2023, 12, 31)),
    ("29/02/2024", date(2024, 2, 29)),          # a real leap day
    ("2023-04-01", date(2023, 4, 1)),          # ISO
    ("2023-4-1", date(2023, 4, 1)),
    ("01-Apr-2023", date(2023, 4, 1)),         # dd-Mon-yyyy
    ("01-APR-2023", date(2023, 4, 1)),
    ("1-apr-2023", date(2023, 4, 1)),
    ("01/04/2023 00:00", date(2023, 4, 1)),    # a time part is dropped
    ("01/04/2023 13:45:10", date(2023, 4, 1)),
    ("2023-04-01T00:00:00", date(2023, 4, 1)),
    ("2023-04-01 00:00:00.000", date(2023, 4, 1)),
    ("01-Apr-2023 09:30", date(2023, 4, 1)),
    ("  01/04/2023  ", date(2023, 4, 1)),
])
def test_accepted_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", [
    "31/02/2023",        # not 3 March
    "29/02/2023",        # not a leap year
    "04/13/2023",        # US order: an error, never swapped
    "32/01/2023",
    "00/01/2023",
    "2023-02-30",
    "2023-13-01",
    "2023/04/01",
    "01.04.2023",
    "01/04/23",          # two-digit year
    "01-Foo-2023",
    "01-April-2023",
    "April 1, 2023",
    "01/04/2023 noon",
    "45017",             # an Excel serial number
    "yesterday",
])
def test_rejected_dates(text):
    with pytest.raises(BadValue) as caught:
        parse_date(text)
    assert caught.value.rule == "invalid-date"
    assert caught.value.message == f"{text!r} is not a valid date (expected dd/mm/yyyy)"


# -- booleans ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Y", "y", "Yes", "YES", "True", "true", "TRUE", "1", "T", " yes "])
def test_true(text):
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["N", "n", "No", "NO", "False", "false", "0", "F", " no "])
def test_false(text):
    assert parse_bool(text) is False


@pytest.mark.parametrize("text", ["maybe", "2", "-1", "yes please", "Ja", "X", "✓"])
def test_rejected_booleans(text):
    with pytest.raises(BadValue) as caught:
        parse_bool(text)
    assert caught.value.rule == "invalid-boolean"
    assert caught.value.message == f"{text!r} is not a yes/no value (expected Y or N)"


# -- money -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("5320883", Decimal("5320883")),
    ("5,320,883.00", Decimal("5320883.00")),
    ("£5,320,883", Decimal("5320883")),
    ("£5320883.5", Decimal("5320883.5")),
    ("-1234.50", Decimal("-1234.50")),
    ("-£1,234.50", Decimal("-1234.50")),
    ("(1,234.50)", Decimal("-1234.50")),       # accounting negative
    ("(£1,234.50)", Decimal("-1234.50")),
    ("0", Decimal("0")),
    ("0.10", Decimal("0.10")),
    ("£ 5,320,883", Decimal("5320883")),
    (" 12 ", Decimal("12")),
])
def test_accepted_money(text, expected):
    value = parse_money(text)
    assert isinstance(value, Decimal) and value == expected


def test_money_is_exact_never_float():
    assert parse_money("0.10") + parse_money("0.20") == Decimal("0.30")
    assert str(parse_money("1,234.50")) == "1234.50"


@pytest.mark.parametrize("text", [
    "5.3m", "1,23,456", "12.345", "$100", "€100", "1e6", "£", "abc", "--5", "5-", "1,234,56", "(1,234.50",
    "1 234,50",
])
def test_rejected_money(text):
    with pytest.raises(BadValue) as caught:
        parse_money(text)
    assert caught.value.rule == "invalid-money"
    assert caught.value.message == f"{text!r} is not an amount of money (expected e.g. 1234.50)"


# -- counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [("0", 0), ("2", 2), ("2.0", 2), ("+3", 3), (" 12 ", 12), ("007", 7)])
def test_accepted_counts(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize("text, message", [
    ("-1", "'-1' is below the minimum of 0"),
    ("1.5", "'1.5' is not a whole number"),
    ("two", "'two' is not a whole number"),
    ("1e3", "'1e3' is not a whole number"),
    ("1,000", "'1,000' is not a whole number"),
    ("99999999999999999999", "'99999999999999999999' is too large to be a count"),
])
def test_rejected_counts(text, message):
    with pytest.raises(BadValue) as caught:
        parse_count(text)
    assert (caught.value.rule, caught.value.message) == ("invalid-number", message)


def test_places_must_be_at_least_one():
    assert parse_count("1", minimum=1) == 1
    with pytest.raises(BadValue, match="below the minimum of 1"):
        parse_count("0", minimum=1)


def test_a_count_of_ten_thousand_digits_is_an_error_not_a_crash():
    with pytest.raises(BadValue):
        parse_count("9" * 10_001)


# -- financial years ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2022-23", "2022-23"), ("2022/23", "2022-23"), ("2022/2023", "2022-23"), ("2022-2023", "2022-23"),
    ("2022 - 23", "2022-23"), ("1999-00", "1999-00"), (" 2023/24 ", "2023-24"),
])
def test_accepted_financial_years(text, expected):
    assert parse_financial_year(text) == expected


@pytest.mark.parametrize("text", ["2022-24", "2022", "22-23", "2022/2024", "2023-22", "FY2022-23", "2022_23"])
def test_rejected_financial_years(text):
    with pytest.raises(BadValue) as caught:
        parse_financial_year(text)
    assert caught.value.rule == "invalid-year"


# -- blanks and text ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [None, "", " ", "\t", "NULL", "null", "Null", "N/A", "n/a", " N/A "])
def test_blank(text):
    assert is_blank(text)


@pytest.mark.parametrize("text", ["0", "N", "No", "-", "007", "x"])
def test_not_blank(text):
    assert not is_blank(text)


def test_text_and_ids_are_kept_as_text():
    assert parse_text("  007 ") == "007"


# -- codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("MAINSTREAM", codes.HouseholdType.MAINSTREAM),
    ("mainstream", codes.HouseholdType.MAINSTREAM),
    ("Connected persons", codes.HouseholdType.CONNECTED),   # the label
    ("Family and Friends", codes.HouseholdType.CONNECTED),  # an alias
    ("FAMILY_AND_FRIENDS", codes.HouseholdType.CONNECTED),
    ("family-and-friends", codes.HouseholdType.CONNECTED),
    ("Kinship", codes.HouseholdType.CONNECTED),
    ("Foster to Adopt", codes.HouseholdType.FFA),
    ("supported_lodgings", codes.HouseholdType.SUPPORTED_LODGINGS),
    ("SL", codes.HouseholdType.SUPPORTED_LODGINGS),
])
def test_codes_match_code_label_or_alias_ignoring_case(text, expected):
    assert codes.HouseholdType.parse(text) is expected


@pytest.mark.parametrize("code_list, text, expected", [
    (codes.DeregistrationReason, "DER3", "RESIGNED"),
    (codes.Provider, "PR1", "IN_HOUSE"),
    (codes.Provider, "pr4", "IFA"),
    (codes.ClosedReason, "AW0", "WITHDREW_OTHER"),
    (codes.PlacementKind, "Short Break", "RESPITE"),
])
def test_builtin_aliases(code_list, text, expected):
    assert code_list.parse(text).value == expected


def test_unknown_code_lists_the_codes():
    with pytest.raises(BadValue) as caught:
        codes.HouseholdType.parse("Residential")
    assert caught.value.rule == "invalid-code"
    assert caught.value.message == ("'Residential' is not a known code (expected one of MAINSTREAM, CONNECTED, "
                                    "FFA, SPECIALIST, SUPPORTED_LODGINGS)")


# -- the pydantic model calls the same parsers ---------------------------------------------------


def test_model_reads_cells_with_the_same_parsers():
    record = Household.model_validate({"household_id": "007", "household_type": "Kinship",
                                       "approval_date": "01-Apr-2023", "approved_places": "2.0",
                                       "temporary_approval": "Yes"})
    assert record.household_id == "007"
    assert record.household_type is codes.HouseholdType.CONNECTED
    assert record.approval_date == date(2023, 4, 1)
    assert record.approved_places == 2
    assert record.temporary_approval is True
    assert record.deregistration_date is None
