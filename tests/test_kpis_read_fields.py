"""The fields the extracts already carried but no KPI reported (issue 14, item 3),
each computed by hand from a few named households, allegations and enquiries.

Period 2022/23: 1 April 2022 to 31 March 2023.

households.csv (type, approved, deregistered, temporary_approval, ethnicity_group):
  T1  CONNECTED   2022-06-01  -           yes  WHITE   (temporarily approved in the period, still on 31/03/2023)
  T2  CONNECTED   2022-07-01  2022-10-01  yes  BLACK   (temporarily approved in the period, gone by the end)
  T3  CONNECTED   2021-06-01  -           yes  -       (temporarily approved last year, still on 31/03/2023)
  M1  MAINSTREAM  2022-05-01  -           no   ASIAN   (approved in the period)
  M2  MAINSTREAM  2015-05-01  -           no   WHITE
  M3  MAINSTREAM  2023-04-01  -           no   WHITE   (after the period)

Temporary approvals in the period: T1 T2 = 2 (CONNECTED 2).
Temporarily approved on 31/03/2023: T1 T3 = 2.
Approved on 31/03/2023: T1 T3 M1 M2 = 4: WHITE 2 (T1 M2), ASIAN 1 (M1), not recorded 1 (T3).
Approved in the period: T1 T2 M1 = 3: WHITE 1, BLACK 1, ASIAN 1.

allegations.csv: A1 (2022-05-01, to panel), A2 (2022-06-01, to panel and DBS), A3 (2022-07-01,
neither), A4 (2021-07-01, to DBS: last year). In the period: to panel 2, to DBS 1.

enquiries.csv, assessments in progress on 31/03/2023 (application by then, neither approved
nor closed by then): Dorset's "9 mainstream and 13 connected" in miniature, 2 mainstream and
3 connected; one connected approved and one mainstream closed do not count.
"""

from __future__ import annotations

import pytest

from kpi_frames import extracts, household

from fosterreport.kpis import compute_kpis
from fosterreport.kpis.export import to_json
from fosterreport.periods import make_period


def _household(household_id, kind, approved, deregistered=None, temporary=False, ethnicity=None):
    row = household(household_id, approved, kind=kind, deregistered=deregistered)
    row.update(temporary_approval=temporary, ethnicity_group=ethnicity)
    return row


HOUSEHOLDS = [
    _household("T1", "CONNECTED", "2022-06-01", temporary=True, ethnicity="WHITE"),
    _household("T2", "CONNECTED", "2022-07-01", "2022-10-01", temporary=True, ethnicity="BLACK"),
    _household("T3", "CONNECTED", "2021-06-01", temporary=True),
    _household("M1", "MAINSTREAM", "2022-05-01", ethnicity="ASIAN"),
    _household("M2", "MAINSTREAM", "2015-05-01", ethnicity="WHITE"),
    _household("M3", "MAINSTREAM", "2023-04-01", ethnicity="WHITE"),
]
ALLEGATIONS = [
    {"allegation_id": "A1", "referral_date": "2022-05-01", "household_id": "M2", "to_panel": True},
    {"allegation_id": "A2", "referral_date": "2022-06-01", "household_id": "M2", "to_panel": True, "to_dbs": True},
    {"allegation_id": "A3", "referral_date": "2022-07-01", "household_id": "T1"},
    {"allegation_id": "A4", "referral_date": "2021-07-01", "household_id": "M2", "to_dbs": True},
]


def _enquiry(enquiry_id, kind, approved=None, closed=None):
    return {"enquiry_id": enquiry_id, "enquiry_date": "2022-04-10", "application_date": "2022-06-01",
            "household_type_sought": kind, "approval_date": approved, "closed_date": closed,
            "closed_reason": "WITHDREW_OTHER" if closed else None}


ENQUIRIES = [_enquiry("E1", "MAINSTREAM"), _enquiry("E2", "MAINSTREAM"), _enquiry("E3", "CONNECTED"),
             _enquiry("E4", "CONNECTED"), _enquiry("E5", "CONNECTED"),
             _enquiry("E6", "CONNECTED", approved="2023-01-01"), _enquiry("E7", "MAINSTREAM", closed="2023-02-01")]


@pytest.fixture(scope="module")
def results():
    return compute_kpis(extracts(households=HOUSEHOLDS, allegations=ALLEGATIONS, enquiries=ENQUIRIES),
                        make_period(2023))


def test_temporary_approvals_in_the_period_and_on_the_last_day(results):
    assert results["temporary_approvals"].value == 2
    assert results["temporary_approvals"].by["household_type"]["CONNECTED"] == 2
    assert results["temporary_approvals"].by["household_type"]["MAINSTREAM"] == 0
    assert results["temporary_households_end"].value == 2
    assert results["temporary_households_end"].by["household_type"]["CONNECTED"] == 2


def test_carers_ethnicity_on_the_last_day_and_of_new_approvals(results):
    end = results["households_end"].by["ethnicity_group"]
    assert end == {"WHITE": 2, "MIXED": 0, "ASIAN": 1, "BLACK": 0, "OTHER": 0, "UNKNOWN": 0, "NOT_RECORDED": 1}
    assert results["approvals"].by["ethnicity_group"] == {
        "WHITE": 1, "MIXED": 0, "ASIAN": 1, "BLACK": 1, "OTHER": 0, "UNKNOWN": 0, "NOT_RECORDED": 0}


def test_ethnicity_is_suppressed_like_any_breakdown(results):
    """suppress_below 2 withholds every 1; in households_end (4 = 2 + 1 + 1) two cells are
    withheld, so no secondary cell is needed; the 2 is shown."""
    entry = to_json(results, 2)["kpis"]["households_end"]
    assert entry["by"]["ethnicity_group"]["WHITE"] == 2
    assert entry["by_suppressed"]["ethnicity_group"] == ["ASIAN", "NOT_RECORDED"]


def test_allegations_referred_to_panel_and_to_the_dbs(results):
    assert results["allegations_to_panel"].value == 2
    assert results["allegations_to_dbs"].value == 1
    assert results["allegations"].value == 3


def test_assessments_in_progress_by_household_type_sought_connected_included(results):
    kv = results["assessments_in_progress_end"]
    assert kv.value == 5
    assert kv.by["household_type_sought"]["MAINSTREAM"] == 2 and kv.by["household_type_sought"]["CONNECTED"] == 3
