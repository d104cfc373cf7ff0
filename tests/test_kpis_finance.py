"""Finance, by hand, from the 2022/23 fixture's budget.csv.

  2022-23 Fees and allowances 5,320,883.00  4,100,000.00 forecast  as_at 30/9/2022  funded 220
  2022-23 Fees and allowances 5,320,883.00  3,995,295.00 actual    as_at blank (31/3/2023) 220
  2022-23 Staffing            1,000,000.50  1,100,000.25 forecast  as_at 28/2/2023
  2022-23 Staffing              990,000.00  1,000,000.00 actual    as_at 30/6/2023 (after the end)
  2021-22 Fees and allowances 5,000,000     4,800,000    actual    blank            funded 210

Year 2022/23 (end 31/3/2023): Fees → the actual row; Staffing → the forecast of 28/2/2023.
  budget 5,320,883.00 + 1,000,000.50 = 6,320,883.50
  outturn 3,995,295.00 + 1,100,000.25 = 5,095,295.25 (a forecast row is used: "forecast")
  variance 5,095,295.25 − 6,320,883.50 = −1,225,588.25 (Fees −1,325,588.00, Staffing +99,999.75)
  MAIN IN_HOUSE placement-days in the year: 2027 (see test_kpis_children)
  cost per placement week = 5,095,295.25 × 7 ÷ 2027 = 35,667,066.75 ÷ 2027 = 17,595.9875… → 17,595.99
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpi_frames import extracts, fixture_extracts, household

from fosterreport.kpis import compute_kpis
from fosterreport.periods import make_period


@pytest.fixture(scope="module")
def results():
    return compute_kpis(fixture_extracts(), make_period(2023))


def test_budget_and_outturn(results):
    assert results["budget"].value == Decimal("6320883.50")
    assert results["budget"].by["line"] == {"Fees and allowances": Decimal("5320883.00"),
                                            "Staffing": Decimal("1000000.50")}
    assert results["outturn"].value == Decimal("5095295.25")
    assert results["outturn"].note == "forecast"
    assert results["budget"].note is None


def test_variance(results):
    found = results["budget_variance"]
    assert found.value == Decimal("-1225588.25")
    assert found.by["line"] == {"Fees and allowances": Decimal("-1325588.00"), "Staffing": Decimal("99999.75")}
    rate = results["budget_variance_rate"]
    assert rate.value == pytest.approx(float(Decimal("-1225588.25") / Decimal("6320883.50")), rel=1e-15)
    assert rate.value == pytest.approx(-0.193895, abs=1e-6)


def test_funded_placements(results):
    assert results["funded_placements"].value == 220.0  # Staffing's row gives none


def test_cost_per_placement_week(results):
    assert results["cost_per_placement_week"].value == Decimal("17595.99")


def test_previous_year(results):
    assert results["budget"].previous == Decimal("5000000")
    assert results["budget"].change == Decimal("1320883.50")
    assert results["outturn"].previous == Decimal("4800000")
    assert results["budget"].direction == "up"  # neutral: up/down, never improved


def test_quarter_two_uses_the_forecast_struck_by_its_end():
    # Q2 ends 30/9/2022: Fees → forecast of 30/9/2022; Staffing has no row struck by then
    found = compute_kpis(fixture_extracts(), make_period(2023, 2))
    assert found["budget"].value == Decimal("5320883.00")
    assert found["outturn"].value == Decimal("4100000.00")
    assert found["outturn"].note == "forecast"
    assert list(found["budget"].by["line"]) == ["Fees and allowances"]


def test_quarter_one_has_no_rows_and_says_so():
    found = compute_kpis(fixture_extracts(), make_period(2023, 1))
    assert "budget" not in found and "cost_per_placement_week" not in found
    assert ("budget: budget.csv has no rows for 2022-23 struck by 30 June 2022 (left out: budget, outturn, "
            "budget_variance, budget_variance_rate, funded_placements, cost_per_placement_week)") in found.left_out


def test_same_as_at_takes_the_later_row():
    rows = [{"financial_year": "2022-23", "line": "Fees", "budget": "100", "outturn": "90", "as_at": "2023-01-31"},
            {"financial_year": "2022-23", "line": "Fees", "budget": "100", "outturn": "95", "as_at": "2023-01-31"}]
    found = compute_kpis(extracts(households=[household("H1", "2020-01-01")], budget=rows), make_period(2023))
    assert found["outturn"].value == Decimal("95")
    assert found["outturn"].note is None
    assert found["funded_placements"].value is None


def test_zero_budget_gives_none_rate_and_no_placements_none_cost():
    rows = [{"financial_year": "2022-23", "line": "Fees", "budget": "0", "outturn": "10"}]
    found = compute_kpis(extracts(households=[household("H1", "2020-01-01")], budget=rows, placements=[]),
                         make_period(2023))
    assert found["budget_variance_rate"].value is None
    assert found["cost_per_placement_week"].value is None
