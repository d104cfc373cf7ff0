"""Reviews, supervision, unannounced visits and panel, by hand (2022/23).

reviews.csv (household, due, completed):
  H1 2022-06-01 2022-05-20 | H4 2022-10-01 2022-10-01 | H7 2023-01-10 2023-02-01
  H1 2023-03-31 -          | H4 2022-03-01 2022-04-15 | H2 2021-12-01 -
  H5 2023-04-15 -          | H7 2022-12-01 2023-04-02
Due in the period: the first four and H7 2022-12-01 = 5; on time: H1 (20/5 ≤ 1/6), H4
(1/10 ≤ 1/10) = 2. Overdue at 31/3/2023: H1 due 31/3/2023, H2 due 2021, H7 completed
after the end = 3.

Supervision (interval 42 days). Households approved at some point in the period:
H1 H3 H4 H5 H6 H7 H10 = 7 (H2 left on the period's first day; H8 before it).
  H1: visits every 40 days from 1/3/22 to 24/2/23, then 35 days to 31/3/23 → on time.
  H3: approved 1/5/22, visits every 40 days to 17/11/22; window ends 30/11/22 (13) → on time
      (its visit of 20/12/22 is after it left and is ignored).
  H4: 15/3/22 → 30/5/22 is 76 days → late.
  H5: approved 31/3/23, window of one day → on time.
  H6: 20/2/22 → 1/4/22 40 days, then exactly 42 days apart to 3/3/23, window ends 30/3/23 → on time.
  H7: approved 31/3/22, first visit 13/5/22: 43 days → late (and none since: 322 days to 31/3/23).
  H10: approved 15/1/23, visit 20/2/23 (36), then 39 days to 31/3/23 → on time.
  → 5 ÷ 7. SUPERVISION visits dated in the period: H1 9, H3 6, H4 1, H6 9, H7 1, H10 1 = 27.

Unannounced: households approved on every day of the period: H1 H4 H7 (H6 leaves on the
last day). UNANNOUNCED visits in the period: H1 11/11/22, H4 31/3/23 (H7's was 30/3/22) → 2 ÷ 3.

panel.csv: sittings 12/4/22 (2 items), 14/6/22 (2 items, one inquorate), 31/3/23 (2 items,
one blank outcome); 29/3/22 is last year → 3 sittings, 6 items, 1 inquorate.
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


def test_reviews(results):
    assert results["reviews_due"].value == 5
    assert results["reviews_on_time_rate"].value == 2 / 5
    assert results["reviews_overdue_end"].value == 3


def test_supervision_visits(results):
    assert results["supervision_visits"].value == 27


def test_supervision_timeliness_rate(results):
    found = results["supervision_timeliness_rate"]
    assert (found.numerator, found.denominator) == (5, 7)
    assert found.value == 5 / 7


def test_supervision_interval_is_configurable():
    # the longest gaps reaching the period are H7's 322 and H4's 305 (30/5/22 → 31/3/23):
    # with 322 days every household is on time; with 321, H7 alone is late → 6 ÷ 7
    for interval, expected in ((322, 1.0), (321, 6 / 7)):
        config = Config(rules={"supervision_interval_days": interval})
        found = compute_kpis(fixture_extracts(), make_period(2023), config)
        assert found["supervision_timeliness_rate"].value == expected


def test_unannounced_visit_rate(results):
    assert results["unannounced_visit_rate"].value == 2 / 3


def test_panel(results):
    assert results["panel_sittings"].value == 3
    items = results["panel_items"]
    assert items.value == 6
    assert items.by["item_type"] == {"FORM_F": 1, "FORM_C": 2, "FIRST_REVIEW": 0, "ANNUAL_REVIEW": 1,
                                     "CHANGE_OF_APPROVAL": 0, "REG24_EXTENSION": 0, "PERMANENT_MATCH": 0,
                                     "STANDARDS_OF_CARE": 0, "RESIGNATION": 1, "TERMINATION": 0, "OTHER": 1}
    assert items.by["outcome"] == {"RECOMMENDED": 3, "NOT_RECOMMENDED": 0, "DEFERRED": 1, "NOTED": 1,
                                   "NOT_RECORDED": 1}
    assert results["inquorate_sittings"].value == 1
    assert results["inquorate_sittings"].previous == 1  # 29/3/2022


# -- supervision boundaries, on small frames -------------------------------------------------


def supervision(household_rows, visit_rows, year=2023, quarter=None):
    data = extracts(households=household_rows,
                    visits=[{"household_id": h, "visit_date": d, "visit_type": "SUPERVISION"} for h, d in visit_rows])
    return compute_kpis(data, make_period(year, quarter))["supervision_timeliness_rate"]


def test_a_late_visit_on_the_first_day_is_late_in_the_period():
    # 1/2/22 → 1/4/22 is 59 days, closed on the period's first day; then 42 days to 13/5/22 and
    # visits every 42 days to the end. The late gap reaches the period (its closing day is in it).
    visits = [("H1", "2022-02-01"), ("H1", "2022-04-01")]
    visits += [("H1", day) for day in ("2022-05-13", "2022-06-24", "2022-08-05", "2022-09-16", "2022-10-28",
                                       "2022-12-09", "2023-01-20", "2023-03-03")]
    found = supervision([household("H1", "2020-01-01")], visits)
    assert found.value == 0.0


def test_a_long_gap_ending_before_the_period_does_not_count():
    # 1/1/22 → 31/3/22 is 89 days but ends the day before the period; then 42-day gaps:
    # 31/3 → 12/5 → 23/6 → 4/8 → 15/9 → 27/10 → 8/12 → 19/1 → 2/3 → 31/3 (29)
    days = ["2022-01-01", "2022-03-31", "2022-05-12", "2022-06-23", "2022-08-04", "2022-09-15", "2022-10-27",
            "2022-12-08", "2023-01-19", "2023-03-02"]
    found = supervision([household("H1", "2020-01-01")], [("H1", day) for day in days])
    assert found.value == 1.0


def test_the_open_gap_at_the_end_counts():
    # last visit 1/2/23; 1/2/23 → 31/3/23 is 58 days → late
    found = supervision([household("H1", "2022-12-25")], [("H1", "2023-01-20"), ("H1", "2023-02-01")])
    assert found.value == 0.0  # 25/12 → 20/1 is 26, 20/1 → 1/2 is 12, 1/2 → 31/3 is 58


def test_the_window_stops_the_day_before_deregistration():
    # Q1 2022/23: approved 1/4/22, visited 12/5/22 (41 days), deregistered 20/6/22:
    # the window ends 19/6/22, 38 days after the visit → on time
    found = supervision([household("H1", "2022-04-01", deregistered="2022-06-20")], [("H1", "2022-05-12")],
                        quarter=1)
    assert found.value == 1.0


def test_no_households_in_the_period_gives_none():
    found = supervision([household("H1", "2023-06-01")], [])
    assert found.value is None  # 0 ÷ 0


def test_approval_without_visits_within_the_interval():
    # approved 20/2/23, no visit: 20/2 → 31/3 = 39 days → on time
    assert supervision([household("H1", "2023-02-20")], []).value == 1.0
    # approved 10/2/23: 10/2 → 31/3 = 49 days → late
    assert supervision([household("H1", "2023-02-10")], []).value == 0.0


def test_reviews_with_zero_due_is_none():
    data = extracts(households=[household("H1", "2020-01-01")],
                    reviews=[{"household_id": "H1", "due_date": "2021-05-01", "completed_date": "2021-04-01"}])
    found = compute_kpis(data, make_period(2023))
    assert found["reviews_due"].value == 0
    assert found["reviews_on_time_rate"].value is None
    assert found["reviews_overdue_end"].value == 0
