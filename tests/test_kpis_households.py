"""Households and places, computed by hand from tests/fixtures/kpis/year_2022_23.

Period 2022/23: 1 April 2022 to 31 March 2023; start snapshot 31 March 2022.

households.csv (type, approved, places, deregistered):
  H1  MAINSTREAM  2015-06-01  2  -
  H2  MAINSTREAM  2018-01-10  3  2022-04-01 RESIGNED        (first day of the period)
  H3  CONNECTED   2022-05-01  1  2022-12-01 CHILD_MOVED_ON  (approved and gone in the period)
  H4  CONNECTED   2021-09-01  1  -
  H5  FFA         2023-03-31  1  -                          (approved on the last day)
  H6  MAINSTREAM  2020-01-01  2  2023-03-31 TERMINATED      (deregistered on the last day)
  H7  MAINSTREAM  2022-03-31  2  -                          (approved on the start snapshot)
  H8  SPECIALIST  2019-01-01  1  2022-03-31 SGO             (gone the day before the period)
  H9  MAINSTREAM  2023-04-01  1  -                          (after the period)
  H10 MAINSTREAM  2023-01-15  1  -

Active on 31/03/2022: H1 H2 H4 H6 H7 = 5 (MAINSTREAM 4, CONNECTED 1).
Active on 31/03/2023: H1 H4 H5 H7 H10 = 5 (MAINSTREAM 3, CONNECTED 1, FFA 1).
Approved in period: H3 H5 H10 = 3 (MAINSTREAM 1, CONNECTED 1, FFA 1).
Deregistered in period: H2 H3 H6 = 3 (MAINSTREAM 2, CONNECTED 1).

Children in MAIN IN_HOUSE placements on 31/03/2023: C1 (H1), C3 (H7), C5 and C6 (H4).
C2 (H1) and C9 (H6) end on 31/03/2023, so are not placed that day; C4 is RESPITE.
Per household: H1 2 places 1 child; H4 1 place 2 children (over capacity);
H5 1 place 0; H7 2 places 1 child; H10 1 place 0.
Holds in force on 31/03/2023: H7 (HEALTH from 01/01, MATCHING from 01/02 → the later,
MATCHING), H5 (blank reason), H6 (not approved that day: ignored); H1's hold ended on it.
"""

from __future__ import annotations

import pytest

from kpi_frames import fixture_extracts

from fosterreport.kpis import compute_kpis
from fosterreport.periods import make_period

NONE_ELSE = {"SPECIALIST": 0, "SUPPORTED_LODGINGS": 0}


@pytest.fixture(scope="module")
def results():
    return compute_kpis(fixture_extracts(), make_period(2023))


def by_type(results, kpi_id):
    return results[kpi_id].by["household_type"]


def test_households_start(results):
    assert results["households_start"].value == 5
    assert by_type(results, "households_start") == {"MAINSTREAM": 4, "CONNECTED": 1, "FFA": 0, **NONE_ELSE}


def test_households_end(results):
    assert results["households_end"].value == 5
    assert by_type(results, "households_end") == {"MAINSTREAM": 3, "CONNECTED": 1, "FFA": 1, **NONE_ELSE}


def test_approvals(results):
    assert results["approvals"].value == 3
    assert by_type(results, "approvals") == {"MAINSTREAM": 1, "CONNECTED": 1, "FFA": 1, **NONE_ELSE}


def test_deregistrations_by_type_and_reason(results):
    found = results["deregistrations"]
    assert found.value == 3
    assert found.by["household_type"] == {"MAINSTREAM": 2, "CONNECTED": 1, "FFA": 0, **NONE_ELSE}
    assert found.by["reason"] == {"RESIGNED": 1, "TERMINATED": 1, "TRANSFERRED_IFA": 0, "TRANSFERRED_LA": 0,
                                  "ADOPTED": 0, "SGO": 0, "CHILD_MOVED_ON": 1, "OTHER": 0}


def test_approvals_places(results):
    # the places of the households approved in the period: H3 1 + H5 1 + H10 1
    assert results["approvals_places"].value == 3
    assert by_type(results, "approvals_places") == {"MAINSTREAM": 1, "CONNECTED": 1, "FFA": 1, **NONE_ELSE}


def test_net_change_rests_on_the_approvals_and_deregistrations_it_is_made_of(results):
    figure = results["net_change"].figure
    assert figure.basis == (3, 3)
    assert figure.basis_by["household_type"]["MAINSTREAM"] == (1, 2)


def test_net_change(results):
    # 3 − 3 = 0; MAINSTREAM 1 − 2, CONNECTED 1 − 1, FFA 1 − 0
    assert results["net_change"].value == 0
    assert by_type(results, "net_change") == {"MAINSTREAM": -1, "CONNECTED": 0, "FFA": 1, **NONE_ELSE}


def test_deregistration_rate(results):
    found = results["deregistration_rate"]
    assert found.value == 3 / 8  # 3 ÷ (5 at the start + 3 approvals)
    assert (found.numerator, found.denominator) == (3, 8)
    assert found.by["household_type"] == {
        "MAINSTREAM": 2 / 5,  # 2 ÷ (4 + 1)
        "CONNECTED": 1 / 2,   # 1 ÷ (1 + 1)
        "FFA": 0.0,           # 0 ÷ (0 + 1)
        "SPECIALIST": None, "SUPPORTED_LODGINGS": None,  # 0 ÷ 0
    }
    assert found.figure.denominator_by["household_type"]["MAINSTREAM"] == 5
    assert found.figure.basis == (3, 8)  # it rests on both counts


def test_approved_places_end(results):
    # H1 2 + H4 1 + H5 1 + H7 2 + H10 1
    assert results["approved_places_end"].value == 7
    assert by_type(results, "approved_places_end") == {"MAINSTREAM": 5, "CONNECTED": 1, "FFA": 1, **NONE_ELSE}


def test_children_placed_end(results):
    assert results["children_placed_end"].value == 4
    assert by_type(results, "children_placed_end") == {"MAINSTREAM": 2, "CONNECTED": 2, "FFA": 0, **NONE_ELSE}


def test_utilisation_rate(results):
    found = results["utilisation_rate"]
    assert found.value == 4 / 5
    assert found.by["household_type"] == {"MAINSTREAM": 2 / 3, "CONNECTED": 2.0, "FFA": 0.0,
                                          "SPECIALIST": None, "SUPPORTED_LODGINGS": None}


def test_places_filled_end(results):
    # min(children, places): H1 1, H4 min(2, 1) = 1, H5 0, H7 1, H10 0
    assert results["places_filled_end"].value == 3
    assert by_type(results, "places_filled_end") == {"MAINSTREAM": 2, "CONNECTED": 1, "FFA": 0, **NONE_ELSE}


def test_occupancy_rate(results):
    found = results["occupancy_rate"]
    assert found.value == 3 / 7
    assert found.by["household_type"] == {"MAINSTREAM": 2 / 5, "CONNECTED": 1.0, "FFA": 0.0,
                                          "SPECIALIST": None, "SUPPORTED_LODGINGS": None}


def test_places_vacant_end(results):
    # not on hold: H1 1 unfilled with a child (SECONDARY), H10 1 with none (PRIMARY), H4 0
    found = results["places_vacant_end"]
    assert found.value == 2
    assert found.by == {"vacancy": {"PRIMARY": 1, "SECONDARY": 1}}


def test_places_on_hold_end(results):
    # on hold: H7 1 unfilled with a child (SECONDARY, MATCHING); H5 1 with none (PRIMARY, blank reason)
    found = results["places_on_hold_end"]
    assert found.value == 2
    assert found.by["vacancy"] == {"PRIMARY": 1, "SECONDARY": 1}
    assert found.by["hold_reason"] == {"HEALTH": 0, "PERSONAL": 0, "MATCHING": 1, "SERVICE": 0, "BREAK": 0,
                                       "OTHER": 0, "NOT_RECORDED": 1}


def test_places_identity(results):
    assert results["approved_places_end"].value == (results["places_filled_end"].value
                                                    + results["places_vacant_end"].value
                                                    + results["places_on_hold_end"].value)


def test_households_on_hold_end(results):
    found = results["households_on_hold_end"]
    assert found.value == 2
    assert found.by["hold_reason"]["MATCHING"] == 1
    assert found.by["hold_reason"]["NOT_RECORDED"] == 1
    assert found.by["hold_reason"]["BREAK"] == 0  # H6's hold: H6 is not approved on the last day


def test_over_capacity_households_end(results):
    assert results["over_capacity_households_end"].value == 1  # H4: 2 children, 1 place


def test_previous_is_last_year(results):
    # 2021/22 ends on 31/03/2022, this year's start snapshot: 5 households.
    assert results["households_end"].previous == 5
    # approved 1/4/2021–31/3/2022: H4 (2021-09-01) and H7 (2022-03-31)
    assert results["approvals"].previous == 2
    assert results["approvals"].previous_by["household_type"]["MAINSTREAM"] == 1
    # deregistered in 2021/22: H8 (2022-03-31)
    assert results["deregistrations"].previous == 1


def test_changes_and_directions(results):
    approvals = results["approvals"]
    assert approvals.change == 1 and approvals.direction == "improved"  # 3 against 2, higher is better
    deregistrations = results["deregistrations"]
    assert deregistrations.change == 2 and deregistrations.direction == "declined"  # 3 against 1, lower better
    assert results["households_end"].direction == "similar"  # 5 against 5
