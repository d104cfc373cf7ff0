"""Mockingbird, by hand (2022/23 fixture), end 31/3/2023.

mockingbird.csv (constellation, launch, household, role, joined, left):
  Pegasus 12/11/22 H1 HUB       -        -        current
  Pegasus 12/11/22 H4 SATELLITE 1/12/22  -        current
  Pegasus 12/11/22 H6 SATELLITE -        -        H6 not approved on 31/3/23
  Orion   25/3/23  H7 HUB       -        -        current
  Orion   25/3/23  H5 SATELLITE 31/3/23  -        current (joined on the last day)
  Draco   29/4/23  H1 SATELLITE 1/3/23   -        current membership, constellation not launched
  Lyra    1/1/22   H3 HUB       -        -        H3 deregistered
  Vega    1/6/21   H1 SATELLITE -        1/10/22  left
Constellations launched with a current member: Pegasus, Orion = 2.
Households: H1 (HUB, also a Draco satellite: counted once, as HUB), H4, H7, H5 = 4;
HUB 2, SATELLITE 2. Households at the end: 5 → share 4 ÷ 5.
"""

from __future__ import annotations

import pytest

from kpi_frames import extracts, fixture_extracts, household

from fosterreport.kpis import compute_kpis
from fosterreport.periods import make_period


@pytest.fixture(scope="module")
def results():
    return compute_kpis(fixture_extracts(), make_period(2023))


def test_constellations(results):
    assert results["mockingbird_constellations_end"].value == 2


def test_member_households(results):
    found = results["mockingbird_households_end"]
    assert found.value == 4
    assert found.by["role"] == {"HUB": 2, "SATELLITE": 2}


def test_share(results):
    assert results["mockingbird_share"].value == 4 / 5


def test_previous_year_had_only_vega(results):
    # 31/3/2022: Vega (H1, launched 2021, left 1/10/22) → 1 constellation, 1 household of 5
    assert results["mockingbird_constellations_end"].previous == 1
    assert results["mockingbird_households_end"].previous == 1
    assert results["mockingbird_share"].previous == 1 / 5


def test_blank_joined_date_is_the_launch_date():
    # joined blank, launch 1/4/2023: not a member on 31/3/2023
    data = extracts(households=[household("H1", "2020-01-01")],
                    mockingbird=[{"constellation": "Ara", "launch_date": "2023-04-01", "household_id": "H1",
                                  "role": "HUB"}])
    found = compute_kpis(data, make_period(2023))
    assert found["mockingbird_households_end"].value == 0
    assert found["mockingbird_constellations_end"].value == 0
