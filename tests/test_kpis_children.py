"""Children placed, by hand, from tests/fixtures/kpis/year_2022_23 (2022/23).

placements.csv (child, provider, household, start, end, kind):
  P1  C1  IN_HOUSE     H1  2022-01-01  -           MAIN
  P2  C2  IN_HOUSE     H1  2022-06-01  2023-03-31  MAIN     (ends on the last day)
  P3  C3  IN_HOUSE     H7  2022-04-10  -           MAIN
  P4  C4  IN_HOUSE     H7  2022-05-01  -           RESPITE
  P5  C5  IN_HOUSE     H4  2021-10-01  -           MAIN
  P6  C6  IN_HOUSE     H4  2022-07-01  -           MAIN
  P7  C7  IFA          -   2020-01-01  -           MAIN
  P8  C8  RESIDENTIAL  -   2022-02-01  -           MAIN
  P9  C9  IN_HOUSE     H6  2021-01-01  2023-03-31  MAIN
  P10 C10 IFA          -   2022-01-01  2022-06-30  MAIN
  P11 C11 IN_HOUSE     H2  2021-05-01  2022-04-01  MAIN     (last day placed: 31/03/2022)
  P12 C12 IN_HOUSE     H1  2022-09-01  2022-09-01  MAIN     (zero length: no day)

MAIN placements on 31/03/2023: C1 C3 C5 C6 (IN_HOUSE), C7 (IFA), C8 (RESIDENTIAL).

MAIN IN_HOUSE placement-days in 1/4/2022–31/3/2023 (365 days):
  P1 365; P2 1/6/22–30/3/23 = 303; P3 10/4/22–31/3/23 = 356; P5 365;
  P6 1/7/22–31/3/23 = 365 − 91 = 274; P9 1/4/22–30/3/23 = 364; P11 0; P12 0.
  Total 2027. MAINSTREAM (H1 P1+P2+P12, H7 P3, H6 P9, H2 P11) = 365+303+356+364 = 1388;
  CONNECTED (H4 P5+P6) = 639.
"""

from __future__ import annotations

import pytest

from kpi_frames import extracts, fixture_extracts, household, placement

from fosterreport.kpis import compute_kpis
from fosterreport.periods import make_period


@pytest.fixture(scope="module")
def results():
    return compute_kpis(fixture_extracts(), make_period(2023))


def test_children_in_care_end(results):
    found = results["children_in_care_end"]
    assert found.value == 6
    assert found.by["provider"] == {"IN_HOUSE": 4, "IFA": 1, "RESIDENTIAL": 1, "OTHER_LA": 0, "PARENTS": 0,
                                    "OTHER": 0}


def test_fostered_share(results):
    found = results["fostered_share"]
    assert found.value == 5 / 6  # (4 in-house + 1 IFA) ÷ 6
    assert (found.numerator, found.denominator) == (5, 6)


def test_in_house_share(results):
    assert results["in_house_share"].value == 4 / 5  # 4 ÷ (4 + 1)


def test_children_placed_in_period(results):
    # C1 C2 C3 C5 C6 C9; not C4 (respite), C11 (no day in the period), C12 (zero length)
    assert results["children_placed_in_period"].value == 6


def test_average_children_placed(results):
    found = results["average_children_placed"]
    assert found.value == 2027 / 365
    assert found.by["household_type"] == {"MAINSTREAM": 1388 / 365, "CONNECTED": 639 / 365, "FFA": 0.0,
                                          "SPECIALIST": 0.0, "SUPPORTED_LODGINGS": 0.0}


def test_a_quarter_counts_its_own_days():
    # Q4 2022/23 = 1/1/2023–31/3/2023, 90 days. One placement from 15/2/2023, open:
    # 15/2–31/3 = 14 + 31 = 45 days; average 45 ÷ 90 = 0.5.
    data = extracts(households=[household("H1", "2020-01-01", 2)],
                    placements=[placement("P1", "C1", "H1", "2023-02-15")])
    found = compute_kpis(data, make_period(2023, 4))
    assert found["average_children_placed"].value == 0.5
    assert found["children_placed_in_period"].value == 1


def test_no_children_gives_none_shares():
    data = extracts(households=[household("H1", "2020-01-01")], placements=[])
    found = compute_kpis(data, make_period(2023))
    assert found["children_in_care_end"].value == 0
    assert found["fostered_share"].value is None  # 0 ÷ 0
    assert found["in_house_share"].value is None
    assert found["average_children_placed"].value == 0.0  # 0 days ÷ 365
