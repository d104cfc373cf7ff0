"""Small-number suppression reads each figure's own basis, for every KPI of the catalogue.

The oracle is the data's size, not the code: in a council of five households every count
of people or records is below 100, so with ``suppress_below = 100`` every published
figure that is not money must be 0 or withheld (null), whatever it is (value, previous,
change, breakdown cell, scorecard row, trend point). Before figures kept their parts, a
hand-kept list of "what each rate is built from" covered 15 of 61 KPIs and the JSON
published, among others, a supervision rate of 0.875 and a net change of −1 here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fosterreport.config import Config, Publication
from fosterreport.kpis import compute_kpis
from fosterreport.kpis.catalogue import BY_ID
from fosterreport.kpis.export import to_json
from fosterreport.kpis.results import Figure, KpiResults, withheld
from fosterreport.periods import make_period
from fosterreport.records import load_extracts
from fosterreport.sample import generate_sample

THRESHOLD = 100


def _finance_only(kpi_id: str) -> bool:
    """Money, and figures made from budget.csv alone (ratios of pounds, funded placements),
    rest on no person: the one exception the rule makes."""
    return BY_ID[kpi_id].unit == "money" or BY_ID[kpi_id].needs == ("budget",)


@pytest.fixture(scope="module")
def tiny_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("five-households")
    generate_sample(Path(folder), seed=7, years=4, households=5)
    config = Config(publication=Publication(suppress_below=THRESHOLD), data={"extracted": "2024-04-05"},
                    targets={"approvals": 4, "supervision_timeliness_rate": 0.9, "approvals.MAINSTREAM": 3})
    extracts = load_extracts(folder, config)
    assert not extracts.problems.errors
    return compute_kpis(extracts, make_period(2024), config, trend=4)


@pytest.fixture(scope="module")
def tiny(tiny_results) -> tuple[dict, dict]:
    return to_json(tiny_results), to_json(tiny_results, 0)


def _published_numbers(document: dict):
    """(where, kpi id, number) for every non-null number the JSON publishes about a KPI."""
    for kpi_id, entry in document["kpis"].items():
        for key in ("value", "previous", "change"):
            yield key, kpi_id, entry[key]
        for name, cells in entry["by"].items():
            for code, number in cells.items():
                yield f"by.{name}.{code}", kpi_id, number
    for row in document["scorecard"]:
        kpi_id = row["key"].partition(".")[0]
        yield f"scorecard {row['key']}", kpi_id, row["value"]
        yield f"scorecard {row['key']} previous", kpi_id, row["previous"]
    for point in document["trend"]:
        for kpi_id, entry in point["kpis"].items():
            yield f"trend {point['period']['label']}", kpi_id, entry["value"]
            for name, cells in entry["by"].items():
                for code, number in cells.items():
                    yield f"trend {point['period']['label']} by.{name}.{code}", kpi_id, number


def test_the_tiny_council_really_has_figures_to_withhold(tiny):
    _, unsuppressed = tiny
    shown = [(where, kpi_id) for where, kpi_id, number in _published_numbers(unsuppressed)
             if number not in (None, 0) and not _finance_only(kpi_id)]
    assert len(shown) > 200
    kinds = {BY_ID[kpi_id].unit for _, kpi_id in shown}
    assert {"count", "rate", "ratio", "number", "days"} <= kinds


def test_nothing_but_money_built_on_a_small_count_is_published(tiny):
    suppressed, _ = tiny
    leaks = [(where, kpi_id, number) for where, kpi_id, number in _published_numbers(suppressed)
             if number not in (None, 0) and not _finance_only(kpi_id)]
    assert leaks == []


def test_a_rag_is_not_published_for_a_withheld_figure(tiny):
    suppressed, unsuppressed = tiny
    assert unsuppressed["kpis"]["approvals"]["rag"] is not None  # the target makes one
    assert suppressed["kpis"]["approvals"]["rag"] is None
    assert [row["rag"] for row in suppressed["scorecard"] if row["suppressed"]] == [None] * sum(
        row["suppressed"] for row in suppressed["scorecard"])
    assert any(row["suppressed"] for row in suppressed["scorecard"])


@pytest.mark.parametrize("basis, shown", [
    ((), True),          # money rests on no count
    ((0,), True),        # nothing is safe to show
    ((0, 0), True),
    ((1,), False),
    ((99,), False),
    ((100,), True),
    ((250, 3), False),   # a rate is withheld when either count is small
    ((3, 250), False),
])
def test_one_rule_on_the_basis(basis, shown):
    assert withheld(Figure(1, basis=basis), THRESHOLD) is not shown
    assert withheld(Figure(1, basis=basis), 0) is False


def test_a_breakdown_cell_is_judged_by_its_own_basis():
    figure = Figure(0.5, by={"household_type": {"MAINSTREAM": 0.5, "FFA": 0.5}},
                    basis=(150, 300), basis_by={"household_type": {"MAINSTREAM": (140, 280), "FFA": (10, 20)}})
    assert not withheld(figure, THRESHOLD)
    assert not withheld(figure, THRESHOLD, "household_type", "MAINSTREAM")
    assert withheld(figure, THRESHOLD, "household_type", "FFA")


def test_every_figure_carries_the_parts_its_aggregation_declares(tiny_results):
    """The catalogue's ``aggregation`` is what the region pools: ratios must carry their
    numerator and denominator, medians their cases, counts themselves as their basis."""
    results = tiny_results
    figures = [(kv.kpi, kv.figure) for kv in results.values.values()]
    figures += [(kv.kpi, kv.before) for kv in results.values.values()]
    figures += [(BY_ID[kpi_id], figure) for point in results.trend for kpi_id, figure in point.figures.items()]
    assert len(figures) > 150
    for kpi, figure in figures:
        if figure.not_covered:  # the extracts cannot support it: nothing, with the reason
            assert figure.value is None and figure.basis == () and figure.numerator is None, kpi.id
            continue
        if kpi.aggregation == "ratio":
            assert figure.numerator is not None and figure.denominator is not None, kpi.id
        if kpi.aggregation == "median":
            assert figure.samples is not None and figure.basis == (len(figure.samples),), kpi.id
        if kpi.unit == "count" and kpi.id != "net_change":
            assert figure.basis == (figure.value,), kpi.id
            for name, cells in figure.by.items():
                assert {code: (value,) for code, value in cells.items()} == figure.basis_by[name], kpi.id
        if kpi.unit == "money":
            assert figure.basis == (), kpi.id


# -- secondary suppression ----------------------------------------------------------------

def _counted(value, cells: dict) -> Figure:
    return Figure(value, by={"reason": cells}, basis=(value,),
                  basis_by={"reason": {code: (count,) for code, count in cells.items()}})


def test_a_lone_withheld_cell_takes_the_next_smallest_with_it():
    # 3 + 0 + 7 + 12 = 22: with 3 withheld alone, 22 − 7 − 12 gives it back
    figure = _counted(22, {"RESIGNED": 12, "SGO": 0, "ADOPTED": 3, "OTHER": 7})
    hidden = {code for code in figure.by["reason"] if withheld(figure, 5, "reason", code)}
    assert hidden == {"ADOPTED", "OTHER"}  # not SGO: a zero protects nothing


def test_two_withheld_cells_need_no_other():
    figure = _counted(22, {"RESIGNED": 16, "SGO": 2, "ADOPTED": 3, "OTHER": 1})
    hidden = {code for code in figure.by["reason"] if withheld(figure, 5, "reason", code)}
    assert hidden == {"SGO", "ADOPTED", "OTHER"}


def test_a_withheld_total_gives_nothing_away():
    figure = _counted(4, {"RESIGNED": 4, "SGO": 0})
    assert withheld(figure, 5) and withheld(figure, 5, "reason", "RESIGNED")
    assert not withheld(figure, 5, "reason", "SGO")


@pytest.fixture(scope="module")
def small_council(tmp_path_factory) -> tuple[dict, dict]:
    folder = tmp_path_factory.mktemp("forty-households")
    generate_sample(Path(folder), seed=11, years=3, households=40)
    config = Config(publication=Publication(suppress_below=5), data={"extracted": "2024-04-05"})
    results = compute_kpis(load_extracts(folder, config), make_period(2024), config, trend=2)
    return to_json(results), to_json(results, 0)


def test_no_withheld_cell_can_be_worked_out_from_its_total(small_council):
    suppressed, unsuppressed = small_council
    checked = secondaries = 0
    for kpi_id, entry in suppressed["kpis"].items():
        if entry["value"] is None or BY_ID[kpi_id].unit != "count":
            continue
        for name, cells in entry["by"].items():
            original = unsuppressed["kpis"][kpi_id]["by"][name]
            if sum(value for value in original.values() if value) != entry["value"]:
                continue  # the cells do not add up to the total: nothing to work out
            hidden = [code for code, value in cells.items() if value is None]
            assert len(hidden) != 1, (kpi_id, name, hidden)
            checked += 1
            secondaries += any(original[code] >= 5 for code in hidden)
    assert checked > 20 and secondaries >= 2  # the rule was needed, and acted


# -- warnings ------------------------------------------------------------------------------

def _warned(count: int, threshold: int) -> dict:
    from fosterreport.problems import Problem

    warnings = [Problem("households.csv", 10 + n, "deregistration_reason", "reason-without-date",
                        f"household H{n} has a reason but no date", "warning") for n in range(count)]
    results = KpiResults(None, make_period(2024), {}, warnings=warnings, suppress_below=threshold)
    return to_json(results)


def test_warnings_of_a_small_group_are_not_listed_as_the_report_does_not_count_them():
    withheld = _warned(3, 5)
    assert withheld["warnings"] == [] and withheld["warnings_withheld"] is True
    listed = _warned(6, 5)
    from fosterreport.problems import RULES

    assert [w["line"] for w in listed["warnings"]] == [10, 11, 12, 13, 14, 15] and "warnings_withheld" not in listed
    assert {w["message"] for w in listed["warnings"]} == {RULES["reason-without-date"]}  # never one record's text
    assert [w["message"] for w in _warned(2, 0)["warnings"]] == ["household H0 has a reason but no date",
                                                                  "household H1 has a reason but no date"]
