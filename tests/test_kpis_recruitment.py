"""Recruitment, by hand, from tests/fixtures/kpis/year_2022_23 (2022/23).

enquiries.csv (enquiry, source, sought, visit, application, approval, closed):
  E1  2022-04-05 WEBSITE      MAINSTREAM 2022-05-01 2022-06-01 2023-01-15 -
  E2  2021-04-20 PHONE        CONNECTED  2021-05-01 2021-06-01 2022-05-01 -
  E3  2022-05-10 (blank)      MAINSTREAM 2022-06-01 2022-07-01 -          -
  E4  2022-06-15 EVENT        MAINSTREAM -          -          -          2022-07-01 WITHDREW_FINANCIAL
  E5  2022-08-01 WEBSITE      MAINSTREAM 2022-08-20 2022-09-01 -          2023-02-01 WITHDREW_PROCESS
  E6  2022-09-01 SOCIAL_MEDIA MAINSTREAM -          -          -          2022-09-05 NOT_ELIGIBLE
  E7  2023-03-31 WEBSITE      FFA        -          -          -          -
  E8  2021-06-01 WEBSITE      MAINSTREAM -          2021-09-01 2022-03-31 -
  E9  2021-07-01 (blank)      MAINSTREAM -          -          -          2021-08-01 NO_RESPONSE
  E10 2022-02-01 (blank)      MAINSTREAM -          2022-03-01 -          2023-04-10 WITHDREW_OTHER
  E11 2022-10-01 WEBSITE      FFA        -          -          2023-03-31 -

Enquiries in the period: E1 E3 E4 E5 E6 E7 E11 = 7. Visits: E1 E3 E5 = 3.
Applications: E1 E3 E5 = 3. Approvals: E1 E2 E11 = 3.
Days enquiry → approval: E1 285, E2 376, E11 181 → median 285.
Days application → approval: E1 228, E2 334 → median (228 + 334) ÷ 2 = 281.
Within 8 months: E1 (1/6/22 + 8 months = 1/2/23 ≥ 15/1/23) yes; E2 (1/6/21 + 8 = 1/2/22 <
1/5/22) no; E11 has no application date and is left out → 1 ÷ 2.
"""

from __future__ import annotations

import pytest

from kpi_frames import extracts, fixture_extracts, household

from fosterreport.config import Config
from fosterreport.kpis import compute_kpis
from fosterreport.periods import make_period


@pytest.fixture(scope="module")
def results():
    return compute_kpis(fixture_extracts(), make_period(2023))


def test_enquiries_by_source_and_type_sought(results):
    found = results["enquiries"]
    assert found.value == 7
    assert found.by["source"] == {"WEBSITE": 4, "PHONE": 0, "EVENT": 1, "SOCIAL_MEDIA": 1, "WORD_OF_MOUTH": 0,
                                  "REGIONAL_HUB": 0, "OTHER": 0, "NOT_RECORDED": 1}
    assert found.by["household_type_sought"] == {"MAINSTREAM": 5, "CONNECTED": 0, "FFA": 2, "SPECIALIST": 0,
                                                 "SUPPORTED_LODGINGS": 0}


def test_funnel_counts(results):
    assert results["initial_visits"].value == 3
    assert results["applications"].value == 3
    approvals = results["approvals_from_enquiries"]
    assert approvals.value == 3
    assert approvals.by["household_type_sought"] == {"MAINSTREAM": 1, "CONNECTED": 1, "FFA": 1, "SPECIALIST": 0,
                                                     "SUPPORTED_LODGINGS": 0}


def test_same_period_conversion_rates(results):
    assert results["enquiry_to_approval_rate"].value == 3 / 7
    assert (results["enquiry_to_approval_rate"].numerator, results["enquiry_to_approval_rate"].denominator) == (3, 7)
    assert results["enquiry_to_application_rate"].value == 3 / 7
    assert results["application_to_approval_rate"].value == 1.0
    assert results["enquiry_to_visit_rate"].value == 3 / 7


def test_cohort_approval_rate(results):
    # enquiries of 2021/22: E2 E8 E9 E10; approved by 31/3/2023: E2, E8 → 2 ÷ 4
    assert results["cohort_approval_rate"].value == 0.5


def test_median_days(results):
    assert results["median_days_enquiry_to_approval"].value == 285.0
    assert results["median_days_application_to_approval"].value == 281.0


def test_assessments_within_timescale_rate(results):
    found = results["assessments_within_timescale_rate"]
    assert (found.numerator, found.denominator, found.value) == (1, 2, 0.5)


def test_assessments_within_timescale_uses_configured_months(results):
    # With 11 months E2 (1/6/21 + 11 = 1/5/22) is on time too: ≤ is within.
    config = Config(rules={"assessment_timescale_months": 11})
    found = compute_kpis(fixture_extracts(), make_period(2023), config)
    assert found["assessments_within_timescale_rate"].value == 1.0


def test_assessments_in_progress_end(results):
    # applied by 31/3/2023, not approved, not closed by then: E3, and E10 (closed 10/4/2023)
    found = results["assessments_in_progress_end"]
    assert found.value == 2
    assert found.by["household_type_sought"]["MAINSTREAM"] == 2


def test_withdrawals(results):
    # closed in the period with a WITHDREW_* reason: E4, E5 (E6 NOT_ELIGIBLE is not a withdrawal)
    found = results["withdrawals"]
    assert found.value == 2
    assert found.by["closed_reason"] == {"WITHDREW_EXPECTATIONS": 0, "WITHDREW_PROCESS": 1,
                                         "WITHDREW_CIRCUMSTANCES": 0, "WITHDREW_FINANCIAL": 1,
                                         "WITHDREW_ALLEGATIONS_RISK": 0, "WITHDREW_OTHER": 0}


def test_previous_year_funnel(results):
    # 2021/22: enquiries E2 E8 E9 E10 = 4; approvals E8 (31/3/2022) = 1 → 1 ÷ 4
    assert results["enquiries"].previous == 4
    assert results["enquiry_to_approval_rate"].previous == 0.25
    assert results["enquiry_to_approval_rate"].direction == "improved"


def enquiry(enquiry_id, received, **dates):
    return {"enquiry_id": enquiry_id, "enquiry_date": received, **dates}


def test_zero_enquiries_give_none_rates_and_medians():
    data = extracts(households=[household("H1", "2020-01-01")], enquiries=[])
    found = compute_kpis(data, make_period(2023))
    assert found["enquiries"].value == 0
    for kpi_id in ("enquiry_to_approval_rate", "enquiry_to_application_rate", "application_to_approval_rate",
                   "enquiry_to_visit_rate", "cohort_approval_rate", "assessments_within_timescale_rate",
                   "median_days_enquiry_to_approval", "median_days_application_to_approval"):
        assert found[kpi_id].value is None, kpi_id


def test_quarter_conversion_can_exceed_one():
    # Q1 2022/23: 1 enquiry, 2 approvals of earlier enquiries → 200%, not capped
    data = extracts(
        households=[household("H1", "2022-05-01"), household("H2", "2022-06-01")],
        enquiries=[
            enquiry("E1", "2021-06-01", application_date="2021-09-01", approval_date="2022-05-01", household_id="H1"),
            enquiry("E2", "2021-07-01", application_date="2021-10-01", approval_date="2022-06-01", household_id="H2"),
            enquiry("E3", "2022-06-30"),
        ])
    found = compute_kpis(data, make_period(2023, 1))
    assert found["enquiry_to_approval_rate"].value == 2.0
    # cohort: enquiries of Q1 2021/22 (1/4–30/6/2021): E1 only, approved by 30/6/2022
    assert found["cohort_approval_rate"].value == 1.0


def test_timescale_months_clip_to_month_end():
    # application 31/8/2022 + 6 months = 28/2/2023: approval on 28/2 is on time, 1/3 is not
    data = extracts(
        households=[household("H1", "2023-02-28"), household("H2", "2023-03-01")],
        enquiries=[
            enquiry("E1", "2022-08-01", application_date="2022-08-31", approval_date="2023-02-28", household_id="H1"),
            enquiry("E2", "2022-08-01", application_date="2022-08-31", approval_date="2023-03-01", household_id="H2"),
        ])
    found = compute_kpis(data, make_period(2023), Config(rules={"assessment_timescale_months": 6}))
    assert found["assessments_within_timescale_rate"].value == 0.5
