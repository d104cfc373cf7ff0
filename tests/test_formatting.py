"""fosterreport/formatting.py: how every figure is written in text, unit by unit.

Each expected text is written out by hand (no oracle from the code it checks). Rounding is
half-up, as committee papers and the spec's worked examples round (16.05% → 16.1%), never
banker's rounding (which gives 16.0%). Three defects these tests found
(half-up rounding of rates in floating point, "−0" after rounding, a change's sign taken
before rounding) are fixed in formatting.py and pinned here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fosterreport.formatting import format_change, format_date, format_direction, format_value, is_suppressed


# -- each unit --------------------------------------------------------------------------------


@pytest.mark.parametrize("value, unit, text", [
    (0, "count", "0"),
    (7, "count", "7"),
    (1234, "count", "1,234"),
    (1234567, "count", "1,234,567"),
    (10 / 62, "rate", "16.1%"),  # the Dorset example of docs/kpis.md
    (0.0, "rate", "0.0%"),
    (1.0, "rate", "100.0%"),
    (0.5, "rate", "50.0%"),
    (126 / 116, "ratio", "1.09"),  # 1.086 → 1.09
    (2.0, "ratio", "2.00"),
    (12.34, "number", "12.3"),
    (1234.56, "number", "1,234.6"),
    (187.0, "days", "187"),
    (1234.0, "days", "1,234"),
    (Decimal("1325588.49"), "money", "£1,325,588"),
    (Decimal("0.00"), "money", "£0"),
    (Decimal("12.00"), "money", "£12"),
    (None, "count", "n/a"),
    (None, "rate", "n/a"),
    (None, "money", "n/a"),
])
def test_each_unit_is_written_its_own_way(value, unit, text):
    assert format_value(value, unit) == text


def test_an_unknown_unit_is_an_error_not_a_guess():
    with pytest.raises(ValueError, match="unknown unit 'percent'"):
        format_value(0.5, "percent")


# -- rounding half-up at the boundaries -------------------------------------------------------


@pytest.mark.parametrize("value, unit, text", [
    (0.1605, "rate", "16.1%"),  # exactly half: up (banker's rounding would give 16.0%)
    (0.16049, "rate", "16.0%"),  # just below half: down
    (0.2345, "rate", "23.5%"),
    (0.0005, "rate", "0.1%"),
    (0.00049, "rate", "0.0%"),
    (1.005, "ratio", "1.01"),
    (1.085, "ratio", "1.09"),
    (0.125, "ratio", "0.13"),
    (1.0049, "ratio", "1.00"),
    (12.25, "number", "12.3"),
    (12.35, "number", "12.4"),
    (12.249, "number", "12.2"),
    (0.5, "days", "1"),
    (2.5, "days", "3"),  # banker's rounding: 2
    (186.5, "days", "187"),
    (186.49, "days", "186"),
    (Decimal("0.50"), "money", "£1"),
    (Decimal("2.50"), "money", "£3"),
    (Decimal("1325588.50"), "money", "£1,325,589"),
    (Decimal("1325588.49"), "money", "£1,325,588"),
    (1234.5, "money", "£1,235"),  # a float too
])
def test_rounding_is_half_up_at_the_boundary(value, unit, text):
    assert format_value(value, unit) == text


@pytest.mark.parametrize("numerator, denominator, text", [(29, 400, "7.3%"), (37, 2000, "1.9%"),
                                                          (9, 2000, "0.5%")])
def test_a_rate_exactly_on_a_half_rounds_up(numerator, denominator, text):
    assert format_value(numerator / denominator, "rate") == text


# -- negative figures and the minus sign -----------------------------------------------------------


@pytest.mark.parametrize("value, text", [
    (Decimal("-1234.49"), "−£1,234"),
    (Decimal("-1234.50"), "−£1,235"),  # half away from zero
    (Decimal("-0.50"), "−£1"),
    (Decimal("-0.40"), "£0"),  # rounds to nothing: no sign
    (-51879.9, "−£51,880"),
])
def test_negative_money_has_the_typographic_minus_before_the_pound_sign(value, text):
    assert format_value(value, "money") == text
    assert format_value(value, "money", minus="-") == text  # money always writes −£, whatever minus says


@pytest.mark.parametrize("value, unit, plain, typographic", [
    (-13, "count", "-13", "−13"),
    (-0.016, "rate", "-1.6%", "−1.6%"),
    (-1.234, "ratio", "-1.23", "−1.23"),
    (-1234.5, "number", "-1,234.5", "−1,234.5"),
    (-3.0, "days", "-3", "−3"),
])
def test_minus_is_the_sign_written_before_a_negative_figure(value, unit, plain, typographic):
    assert format_value(value, unit) == plain
    assert format_value(value, unit, minus="−") == typographic
    assert format_value(-value, unit, minus="−") == plain[1:]  # a positive figure has no sign


@pytest.mark.parametrize("value, unit, text", [(-0.0001, "rate", "0.0%"), (-0.4, "days", "0"),
                                               (-0.001, "ratio", "0.00"), (-0.04, "number", "0.0")])
def test_a_negative_figure_that_rounds_to_zero_has_no_sign(value, unit, text):
    assert format_value(value, unit, minus="−") == text


# -- changes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("change, unit, text", [
    (3, "count", "+3"),
    (-2, "count", "−2"),
    (0, "count", "±0"),
    (1234, "count", "+1,234"),
    (0.016, "rate", "+1.6 pts"),
    (-0.025, "rate", "−2.5 pts"),
    (0.0, "rate", "±0.0 pts"),
    (-0.0004, "rate", "±0.0 pts"),  # rounds to no change: no sign
    (0.0005, "rate", "+0.1 pts"),  # half-up
    (0.42, "ratio", "+0.42"),
    (-1.234, "ratio", "−1.23"),
    (0.0, "ratio", "±0.00"),
    (2.5, "number", "+2.5"),
    (-12.25, "number", "−12.3"),
    (0.0, "number", "±0.0"),
    (26.0, "days", "+26"),
    (-3.4, "days", "−3"),
    (0, "days", "±0"),
    (Decimal("12000.00"), "money", "+£12,000"),
    (Decimal("-734603.40"), "money", "−£734,603"),
    (Decimal("0.00"), "money", "±£0"),
    (None, "count", "n/a"),
    (None, "rate", "n/a"),
])
def test_a_change_is_signed_in_its_unit(change, unit, text):
    assert format_change(change, unit) == text


@pytest.mark.parametrize("change, unit, text", [(-0.4, "days", "±0"), (Decimal("-0.40"), "money", "±£0"),
                                                (0.004, "ratio", "±0.00"), (-0.04, "number", "±0.0")])
def test_a_change_that_rounds_to_nothing_has_no_sign(change, unit, text):
    assert format_change(change, unit) == text


# -- direction, dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("direction, text", [
    ("improved", "▲ improved"), ("declined", "▼ declined"), ("similar", "▬ similar"),
    ("up", "▲ up"), ("down", "▼ down"), ("n/a", "n/a"), (None, "n/a"), ("", "n/a"),
])
def test_a_direction_is_a_symbol_and_a_word(direction, text):
    assert format_direction(direction) == text


@pytest.mark.parametrize("day, text", [
    (date(2023, 3, 31), "31 March 2023"),
    (date(2024, 5, 1), "1 May 2024"),  # no leading zero
    (date(2022, 4, 9), "9 April 2022"),
    (date(2023, 12, 25), "25 December 2023"),
])
def test_a_date_is_written_as_committee_papers_write_it(day, text):
    assert format_date(day) == text


# -- suppression ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("count, below, hidden", [
    (0, 5, False),  # zero is safe to publish
    (1, 5, True),
    (4, 5, True),
    (5, 5, False),
    (100, 5, False),
    (None, 5, False),
    (3, 0, False),  # no threshold: nothing withheld
    (1, 1, False),
    (1, 2, True),
])
def test_is_suppressed_withholds_counts_from_1_to_below_minus_1(count, below, hidden):
    assert is_suppressed(count, below) is hidden


@pytest.mark.parametrize("value, text", [(0, "0"), (1, "c"), (4, "c"), (5, "5"), (1234, "1,234")])
def test_a_suppressed_count_is_written_c(value, text):
    assert format_value(value, "count", suppress_below=5) == text
    assert format_value(value, "count") == f"{value:,}"  # no threshold: always the number


def test_suppress_below_applies_to_counts_only_here():
    """Rates, ratios and money built on small counts are withheld by Suppression
    (fosterreport/kpis/results.py), which knows their parts; format_value sees only the value."""
    assert format_value(0.04, "rate", suppress_below=5) == "4.0%"
    assert format_value(Decimal("3.00"), "money", suppress_below=5) == "£3"
