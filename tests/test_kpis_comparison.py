"""Direction of travel, RAG, targets, benchmarks, scorecard and trend."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpi_frames import extracts, fixture_extracts, household

from fosterreport.config import Config
from fosterreport.exceptions import UsageError
from fosterreport.kpis import compute_kpis
from fosterreport.kpis.comparison import direction, rag, shortfall
from fosterreport.periods import make_period


@pytest.mark.parametrize(("value", "previous", "polarity", "expected"), [
    (10, 8, "higher", "improved"),
    (8, 10, "higher", "declined"),
    (8, 10, "lower", "improved"),
    (10, 8, "lower", "declined"),
    (10, 8, "neutral", "up"),
    (8, 10, "neutral", "down"),
    (102, 100, "higher", "similar"),   # |2| ≤ 2% of 100
    (103, 100, "higher", "improved"),
    (0.102, 0.1, "higher", "similar"),  # on the band's edge, despite float arithmetic
    (0, 0, "higher", "similar"),
    (1, 0, "lower", "declined"),
    (None, 5, "higher", "n/a"),
    (5, None, "neutral", "n/a"),
    (Decimal("-10.50"), Decimal("-20.00"), "neutral", "up"),
])
def test_direction(value, previous, polarity, expected):
    assert direction(value, previous, polarity, 0.02) == expected


@pytest.mark.parametrize(("value", "target", "polarity", "expected"), [
    (35, 35, "higher", "green"),
    (40, 35, "higher", "green"),       # better than target
    (0.114, 0.12, "higher", "green"),  # 5% short: on the green edge
    (0.113, 0.12, "higher", "amber"),  # 5.8% short
    (0.102, 0.12, "higher", "amber"),  # 15% short: on the amber edge
    (0.10, 0.12, "higher", "red"),     # 16.7% short
    (0.128, 0.128, "lower", "green"),
    (0.14, 0.128, "lower", "amber"),   # (0.14 − 0.128) ÷ 0.128 = 9.4% over
    (0.16, 0.128, "lower", "red"),     # 25% over
    (0.10, 0.128, "lower", "green"),   # better than target
    (90, 100, "neutral", "amber"),     # 10% away either side
    (110, 100, "neutral", "amber"),
    (0, 0, "lower", "green"),
    (1, 0, "lower", "red"),
    (None, 10, "higher", None),
    (10, None, "higher", None),
])
def test_rag(value, target, polarity, expected):
    assert rag(value, target, polarity, 0.05, 0.15) == expected


def test_shortfall_lower_is_better_is_value_minus_target_over_target():
    assert shortfall(0.16, 0.128, "lower") == pytest.approx(0.25)
    assert shortfall(20, 35, "higher") == pytest.approx(15 / 35)


def test_targets_benchmarks_and_scorecard():
    config = Config(
        targets={"approvals.MAINSTREAM": 2, "enquiry_to_approval_rate": 0.5, "deregistrations": 3,
                 "approvals": 4},
        benchmarks={"enquiry_to_approval_rate": {"value": 0.11, "label": "LA benchmark", "source": "TFN"},
                    "deregistrations.RESIGNED": {"value": 1, "label": "Last year"}},
    )
    results = compute_kpis(fixture_extracts(), make_period(2023), config)
    rate = results["enquiry_to_approval_rate"]
    # 3/7 = 0.4286 against 0.5: (0.5 − 0.4286) ÷ 0.5 = 14.3% short → amber
    assert (rate.target, rate.rag) == (0.5, "amber")
    assert rate.benchmark.value == 0.11 and rate.benchmark.label == "LA benchmark" and rate.benchmark.source == "TFN"
    assert results["deregistrations"].benchmark_by["RESIGNED"].label == "Last year"
    assert results["households_end"].target is None and results["households_end"].rag is None
    # scorecard in catalogue order: approvals, approvals.MAINSTREAM, deregistrations, rate
    keys = [(row.key, row.value, row.target, row.rag, row.previous, row.direction) for row in results.scorecard]
    assert keys == [
        ("approvals", 3, 4, "red", 2, "improved"),               # 25% short
        ("approvals.MAINSTREAM", 1, 2, "red", 1, "similar"),     # 50% short; 1 against 1 last year
        ("deregistrations", 3, 3, "green", 1, "declined"),
        ("enquiry_to_approval_rate", 3 / 7, 0.5, "amber", 0.25, "improved"),
    ]


def test_budget_line_targets_are_accepted():
    results = compute_kpis(fixture_extracts(), make_period(2023), Config(targets={"outturn.Staffing": 1000000}))
    [row] = results.scorecard
    # (1,100,000.25 − 1,000,000) ÷ 1,000,000 = 10% away from target: amber for a neutral KPI
    assert (row.key, row.value, row.rag) == ("outturn.Staffing", Decimal("1100000.25"), "amber")


def test_unknown_kpi_id_is_a_usage_error_with_suggestion():
    with pytest.raises(UsageError) as raised:
        compute_kpis(fixture_extracts(), make_period(2023), kpi_ids=["approvls"])
    assert raised.value.messages == [
        "unknown KPI 'approvls' (did you mean 'approvals'?); `fosterreport kpis --list` lists every KPI"]


def test_kpi_ids_pick_in_catalogue_order():
    results = compute_kpis(fixture_extracts(), make_period(2023), kpi_ids=["outturn", "approvals"])
    assert list(results.values) == ["approvals", "outturn"]
    assert results.left_out == []


def test_trend_gives_household_and_recruitment_kpis_oldest_first():
    results = compute_kpis(fixture_extracts(), make_period(2023), trend=3)
    assert [point.period.label for point in results.trend] == ["2020/21", "2021/22", "2022/23"]
    latest = results.trend[-1]
    assert latest.values["households_end"] == 5 and latest.values["enquiries"] == 7
    assert latest.by["approvals"]["household_type"]["FFA"] == 1
    assert "complaints" not in latest.values and "budget" not in latest.values
    # 2021/22: approvals H4 and H7
    assert results.trend[1].values["approvals"] == 2


def test_trend_for_a_quarter_uses_whole_years():
    results = compute_kpis(fixture_extracts(), make_period(2023, 2), trend=2, kpi_ids=["approvals"])
    assert [point.period.label for point in results.trend] == ["2021/22", "2022/23"]
    assert results.trend[-1].values == {"approvals": 3}


def test_missing_files_are_left_out_not_zero():
    data = extracts(households=[household("H1", "2020-01-01")])
    results = compute_kpis(data, make_period(2023))
    assert "children_placed_end" not in results and "enquiries" not in results
    assert "households_end" in results
    assert [reason.split(":")[0] for reason in results.left_out] == [
        "enquiries", "placements", "holds", "reviews", "visits", "panel", "complaints", "allegations", "training",
        "mockingbird", "budget"]
    assert results.left_out[1] == ("placements: placements.csv not supplied (left out: children_placed_end, "
                                   "utilisation_rate, occupancy_rate, places_filled_end, places_vacant_end, "
                                   "places_on_hold_end, over_capacity_households_end, children_in_care_end, "
                                   "fostered_share, in_house_share, children_placed_in_period, "
                                   "average_children_placed, cost_per_placement_week)")
