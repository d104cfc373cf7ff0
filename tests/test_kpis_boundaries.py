"""Edges of periods: first and last days, quarter boundaries, year to date, snapshots."""

from __future__ import annotations

from kpi_frames import extracts, household, placement

from fosterreport.kpis import compute_kpis
from fosterreport.periods import make_period

Q1, Q2 = make_period(2023, 1), make_period(2023, 2)  # 1/4–30/6/2022, 1/7–30/9/2022


def values(data, period, *ids):
    results = compute_kpis(data, period, kpi_ids=list(ids))
    return tuple(results[kpi_id].value for kpi_id in ids)


def test_approval_on_a_quarter_boundary():
    data = extracts(households=[household("H1", "2022-06-30"), household("H2", "2022-07-01")])
    # H1 approved on Q1's last day: a Q1 approval, at Q1's end and at Q2's start snapshot (30/6)
    assert values(data, Q1, "approvals", "households_end") == (1, 1)
    # H2 approved on Q2's first day: a Q2 approval, not at Q2's start
    assert values(data, Q2, "approvals", "households_start", "households_end") == (1, 1, 2)


def test_deregistration_on_the_first_day_of_a_quarter():
    # deregistration_date is the first day no longer approved: approved through 30/6
    data = extracts(households=[household("H1", "2020-01-01", deregistered="2022-07-01")])
    assert values(data, Q1, "deregistrations", "households_end") == (0, 1)
    assert values(data, Q2, "households_start", "deregistrations", "households_end") == (1, 1, 0)
    assert values(data, Q2, "deregistration_rate") == (1.0,)  # 1 ÷ (1 + 0)


def test_approved_and_deregistered_in_the_same_period():
    data = extracts(households=[household("H1", "2022-05-01", deregistered="2022-06-01")])
    assert values(data, Q1, "households_start", "approvals", "deregistrations", "households_end",
                  "net_change", "deregistration_rate") == (0, 1, 1, 0, 0, 1.0)


def test_approval_and_deregistration_on_the_same_day():
    # approved and gone the same day: never active, but both events are counted
    data = extracts(households=[household("H1", "2022-05-01", deregistered="2022-05-01")])
    assert values(data, Q1, "approvals", "deregistrations", "households_end") == (1, 1, 0)


def test_a_placement_ending_on_the_last_day_is_not_placed_at_the_end():
    data = extracts(households=[household("H1", "2020-01-01", places=2)],
                    placements=[placement("P1", "C1", "H1", "2022-04-01", end="2022-06-30"),
                                placement("P2", "C2", "H1", "2022-04-01", end="2022-07-01")])
    # P1's last day placed is 29/6; P2's is 30/6
    assert values(data, Q1, "children_placed_end", "places_filled_end", "children_placed_in_period") == (1, 1, 2)
    # placement-days in Q1 (91 days): P1 1/4–29/6 = 90, P2 1/4–30/6 = 91 → 181 ÷ 91
    assert values(data, Q1, "average_children_placed") == (181 / 91,)
    assert values(data, Q2, "children_placed_end", "children_placed_in_period") == (0, 0)


def test_year_to_date_counts_every_quarter_so_far():
    data = extracts(households=[household("H1", "2022-05-01"), household("H2", "2022-08-01"),
                                household("H3", "2022-11-01")])
    ytd = make_period(2023, 2, ytd=True)
    assert values(data, ytd, "households_start", "approvals", "households_end") == (0, 2, 2)
    assert values(data, make_period(2023, 3, ytd=True), "approvals") == (3,)


def test_quarter_previous_is_the_same_quarter_last_year():
    data = extracts(households=[household("H1", "2021-08-01"), household("H2", "2022-08-01"),
                                household("H3", "2021-05-01")])
    results = compute_kpis(data, Q2, kpi_ids=["approvals"])
    assert (results["approvals"].value, results["approvals"].previous) == (1, 1)  # H2; H1 in Q2 2021/22


def test_hold_starting_or_ending_on_the_last_day():
    data = extracts(
        households=[household("H1", "2020-01-01"), household("H2", "2020-01-01")],
        placements=[],
        holds=[{"household_id": "H1", "start_date": "2022-06-30"},                          # in force on 30/6
               {"household_id": "H2", "start_date": "2022-04-01", "end_date": "2022-06-30"}])  # over by then
    assert values(data, Q1, "households_on_hold_end", "places_on_hold_end", "places_vacant_end") == (1, 1, 1)


def test_respite_does_not_fill_a_place():
    data = extracts(households=[household("H1", "2020-01-01")], holds=[],
                    placements=[placement("P1", "C1", "H1", "2022-04-01", kind="RESPITE")])
    assert values(data, Q1, "children_placed_end", "places_filled_end", "places_vacant_end") == (0, 0, 1)
