"""``kpis --months`` (issue 14, item 1): each KPI that has a monthly form, for every month
of the period, on the embedded sample (2023/24: April 2023 to March 2024).

The oracles are the yearly figures of the same run and arithmetic on the months' own
figures, never the engine: a flow's months add up to its year, a snapshot's last month is
its year end, a rate is its month's numerator ÷ denominator (read from the KPIs that count
them), and a month the extracts cannot support is null with the reason.
"""

from __future__ import annotations

import copy

import csv
import io
import json
import math
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from fosterreport.cli import app
from fosterreport.embedded import sample_folder

runner = CliRunner()
MONTHS = [f"2023-{m:02d}" for m in range(4, 13)] + [f"2024-{m:02d}" for m in range(1, 4)]
SCHEMA = json.loads((Path(__file__).parent.parent / "docs" / "kpis.schema.json").read_text(encoding="utf-8"))
# Documents are validated with a validator instance: jsonschema.validate checks the schema
# against the meta-schema on every call (1.5 s each); the schema is checked once, in tests/test_kpis_export.py.

#: Counts of things that happen on one day, so each falls in exactly one month.
FLOWS = ("approvals", "approvals_places", "deregistrations", "net_change", "enquiries", "initial_visits",
         "applications", "approvals_from_enquiries", "withdrawals", "reviews_due", "supervision_visits",
         "panel_sittings", "panel_items", "inquorate_sittings", "complaints", "complaints_upheld", "allegations",
         "allegations_substantiated", "training_sessions", "training_attendances",
         "temporary_approvals", "allegations_to_panel", "allegations_to_dbs")
#: Counts of distinct people over the period: a person in two months counts in both.
DISTINCT = ("children_placed_in_period", "carers_trained", "households_with_allegations")
#: Counts on the period's last day.
SNAPSHOTS = ("households_end", "approved_places_end", "children_placed_end", "places_filled_end",
             "places_vacant_end", "places_on_hold_end", "households_on_hold_end", "over_capacity_households_end",
             "children_in_care_end", "assessments_in_progress_end", "reviews_overdue_end",
             "mockingbird_constellations_end", "mockingbird_households_end", "temporary_households_end")
#: rate -> (numerator KPI, denominator KPIs added up), as the catalogue's definitions say.
RATES = {
    "deregistration_rate": ("deregistrations", ("households_start", "approvals")),
    "utilisation_rate": ("children_placed_end", ("households_end",)),
    "occupancy_rate": ("places_filled_end", ("approved_places_end",)),
    "enquiry_to_approval_rate": ("approvals_from_enquiries", ("enquiries",)),
    "enquiry_to_application_rate": ("applications", ("enquiries",)),
    "application_to_approval_rate": ("approvals_from_enquiries", ("applications",)),
    "enquiry_to_visit_rate": ("initial_visits", ("enquiries",)),
    "mockingbird_share": ("mockingbird_households_end", ("households_end",)),
}
#: Figures of a whole financial year, or with a look-back longer than a month.
YEARLY = ("cohort_approval_rate", "supervision_timeliness_rate", "unannounced_visit_rate", "budget", "outturn",
          "budget_variance", "budget_variance_rate", "funded_placements", "cost_per_placement_week")


def run(*args: str, config: str | None = None, tmp_path: Path | None = None):
    command = ["kpis", "--year", "2024", "--quiet", "--data", str(sample_folder()), *args]
    if config is not None:
        (tmp_path / "fosterreport.toml").write_text(config, encoding="utf-8")
        command += ["--config", str(tmp_path / "fosterreport.toml")]
    return runner.invoke(app, command)


def document(*args: str, **options) -> dict:
    result = run("--format", "json", *args, **options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def months_document() -> dict:
    """``kpis --months --format json`` of the sample, computed once for the tests that read it
    (each takes a deep copy before changing it)."""
    return document("--months")


@pytest.fixture(scope="module")
def monthly(months_document) -> dict:
    return copy.deepcopy(months_document["kpis"])


def test_every_kpi_with_months_has_the_twelve_months_in_order(monthly):
    with_months = [kpi_id for kpi_id, entry in monthly.items() if "months" in entry]
    assert len(with_months) == len(monthly) - len(YEARLY)
    for kpi_id in with_months:
        assert list(monthly[kpi_id]["months"]) == MONTHS, kpi_id


def test_every_monthly_kpi_is_one_of_the_kinds_checked_here(monthly):
    kinds = {*FLOWS, *DISTINCT, *SNAPSHOTS, *RATES, "households_start", "average_children_placed",
             "allegations_nfa_rate", "reviews_on_time_rate", "median_days_enquiry_to_approval",
             "median_days_application_to_approval", "assessments_within_timescale_rate",
             "fostered_share", "in_house_share"}
    assert {kpi_id for kpi_id, entry in monthly.items() if "months" in entry} == kinds


def test_kpis_without_a_monthly_form_have_no_months(monthly):
    assert [kpi_id for kpi_id in YEARLY if "months" in monthly[kpi_id]] == []
    assert all(kpi_id in monthly for kpi_id in YEARLY)


@pytest.mark.parametrize("kpi_id", FLOWS)
def test_a_flows_months_add_up_to_its_year(monthly, kpi_id):
    entry = monthly[kpi_id]
    assert sum(month["value"] for month in entry["months"].values()) == entry["value"]
    for name, cells in entry["by"].items():
        for key, value in cells.items():
            assert sum(month["by"][name][key] for month in entry["months"].values()) == value, (name, key)


def test_the_sample_has_flows_in_more_than_one_month(monthly):
    busy = [key for key, month in monthly["enquiries"]["months"].items() if month["value"]]
    assert len(busy) > 6


@pytest.mark.parametrize("kpi_id", DISTINCT)
def test_a_distinct_counts_months_add_up_to_at_least_its_year(monthly, kpi_id):
    entry = monthly[kpi_id]
    months = [month["value"] for month in entry["months"].values()]
    assert max(months) <= entry["value"] <= sum(months)


def test_children_placed_in_a_month_count_in_every_month_they_are_placed(monthly):
    entry = monthly["children_placed_in_period"]
    assert sum(month["value"] for month in entry["months"].values()) > entry["value"]


def test_the_average_children_placed_of_the_year_is_its_months_weighted_by_their_days(monthly):
    entry = monthly["average_children_placed"]
    days = [30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 29, 31]  # April 2023 to March 2024 (a leap February)
    weighted = sum(month["value"] * length for month, length in zip(entry["months"].values(), days)) / sum(days)
    assert math.isclose(weighted, entry["value"], rel_tol=1e-9)


@pytest.mark.parametrize("kpi_id", SNAPSHOTS)
def test_a_snapshots_last_month_is_its_year_end(monthly, kpi_id):
    entry = monthly[kpi_id]
    assert entry["months"]["2024-03"] == {"value": entry["value"], "by": entry["by"]}


def test_households_at_the_start_of_april_are_those_at_the_start_of_the_year(monthly):
    entry = monthly["households_start"]
    assert entry["months"]["2023-04"] == {"value": entry["value"], "by": entry["by"]}


def test_households_at_the_start_of_a_month_are_those_at_the_end_of_the_month_before(monthly):
    start, end = monthly["households_start"]["months"], monthly["households_end"]["months"]
    assert [start[key]["value"] for key in MONTHS[1:]] == [end[key]["value"] for key in MONTHS[:-1]]


def test_a_snapshot_changes_during_the_year(monthly):
    assert len({month["value"] for month in monthly["households_end"]["months"].values()}) > 1


@pytest.mark.parametrize("rate", RATES)
def test_a_months_rate_is_its_own_numerator_over_its_denominator(monthly, rate):
    numerator, denominators = RATES[rate]
    for key in MONTHS:
        top = monthly[numerator]["months"][key]["value"]
        bottom = sum(monthly[name]["months"][key]["value"] for name in denominators)
        found = monthly[rate]["months"][key]["value"]
        if bottom == 0:
            assert found is None, key
        else:
            assert math.isclose(found, top / bottom, rel_tol=1e-12), key


def test_a_months_rate_is_not_the_years_rate(monthly):
    rates = {month["value"] for month in monthly["enquiry_to_approval_rate"]["months"].values()}
    assert monthly["enquiry_to_approval_rate"]["value"] not in rates and len(rates) > 1


def test_a_months_median_is_over_the_months_cases(monthly):
    medians = monthly["median_days_enquiry_to_approval"]["months"]
    approvals = monthly["approvals_from_enquiries"]["months"]
    assert [key for key in MONTHS if medians[key]["value"] is None] == \
        [key for key in MONTHS if approvals[key]["value"] == 0]


def test_the_months_json_matches_the_schema(months_document):
    jsonschema.Draft202012Validator(SCHEMA).validate(copy.deepcopy(months_document))


def test_without_months_the_json_is_the_months_json_without_them(months_document):
    without = document()
    with_months = copy.deepcopy(months_document)
    assert "months" not in json.dumps(without)
    for entry in with_months["kpis"].values():
        entry.pop("months", None)
    assert with_months == without


def test_a_month_before_a_files_coverage_is_null_with_the_reason(tmp_path):
    kpis = document("--months", config='[data.coverage]\nvisits = 2023-10-01\n', tmp_path=tmp_path)["kpis"]
    months = kpis["supervision_visits"]["months"]
    gap = {"value": None, "by": {}, "not_covered": "visits.csv starts 1 October 2023"}
    assert [months[key] for key in MONTHS[:6]] == [gap] * 6
    assert all("not_covered" not in months[key] and months[key]["value"] is not None for key in MONTHS[6:])
    assert kpis["supervision_visits"]["value"] is None  # the year is not covered either
    assert all("not_covered" not in month for month in kpis["approvals"]["months"].values())


def test_a_small_month_is_withheld_and_flagged_as_a_trend_year_is(tmp_path, monthly):
    kpis = document("--months", config="[publication]\nsuppress_below = 5\n", tmp_path=tmp_path)["kpis"]
    shown, computed = kpis["approvals"]["months"], monthly["approvals"]["months"]
    small = [key for key in MONTHS if 1 <= computed[key]["value"] < 5]
    assert small, "the sample has a month with 1 to 4 approvals"
    for key in MONTHS:
        assert shown[key]["suppressed"] is (key in small), key
        assert shown[key]["value"] == (None if key in small else computed[key]["value"]), key
        assert set(shown[key]["by_suppressed"]) == {"household_type", "ethnicity_group"}
    withheld = [(key, code) for key in MONTHS for code in shown[key]["by_suppressed"]["household_type"]]
    assert withheld and all(shown[key]["by"]["household_type"][code] is None for key, code in withheld)


def csv_rows(*args: str) -> list[dict]:
    result = run("--format", "csv", *args)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_csv_has_a_row_per_month_whose_period_is_the_month():
    rows = csv_rows("--months")
    approvals = [row for row in rows if row["kpi"] == "approvals" and row["breakdown"] == ""]
    assert [row["period"] for row in approvals] == ["2023/24", *MONTHS]
    assert sum(int(row["value"]) for row in approvals[1:]) == int(approvals[0]["value"])
    assert all(row["previous"] == row["target"] == row["rag"] == "" for row in approvals[1:])
    mainstream = [row["period"] for row in rows if row["kpi"] == "approvals" and row["key"] == "MAINSTREAM"]
    assert mainstream == ["2023/24", *MONTHS]
    assert [row for row in rows if row["kpi"] == "budget" and row["period"] != "2023/24"] == []


def test_csv_without_months_has_no_month_rows():
    rows = csv_rows()
    assert [row for row in rows if row["period"] != "2023/24"] == []
    assert len(csv_rows("--months")) > len(rows)


def test_months_cannot_be_combined_with_region(tmp_path):
    result = runner.invoke(app, ["kpis", "--region", str(tmp_path), "--months", "--format", "json"])
    assert result.exit_code == 2
    assert "--months cannot be combined with --region: a regional comparison has no months" in result.output
