"""JSON and CSV: the cli.md shape, validated against docs/kpis.schema.json; safe CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from kpi_frames import extracts, fixture_extracts, household

from fosterreport import __version__
from fosterreport.config import Config
from fosterreport.kpis import compute_kpis
from fosterreport.kpis.catalogue import CATALOGUE
from fosterreport.kpis.export import safe_text, to_csv, to_json, to_json_text
from fosterreport.periods import make_period
from fosterreport.problems import Problem

SCHEMA = json.loads((Path(__file__).parent.parent / "docs" / "kpis.schema.json").read_text(encoding="utf-8"))
# Documents are validated with a validator instance: jsonschema.validate checks the schema
# against the meta-schema on every call (1.5 s each); the schema is checked once, in test_json_validates_against_the_schema.
CONFIG = Config(targets={"approvals.MAINSTREAM": 2, "enquiry_to_approval_rate": 0.5},
                benchmarks={"deregistration_rate": {"value": 0.128, "label": "England 2022-23 (Ofsted)"}})


@pytest.fixture(scope="module")
def results():
    return compute_kpis(fixture_extracts(), make_period(2023), CONFIG, trend=2)


@pytest.fixture(scope="module")
def document(results):
    return json.loads(to_json_text(results))


def test_json_validates_against_the_schema(document):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)


def test_json_without_trend_or_files_validates_too():
    sparse = compute_kpis(extracts(households=[household("H1", "2020-01-01")]), make_period(2023))
    document = json.loads(to_json_text(sparse))
    assert "trend" not in document
    jsonschema.Draft202012Validator(SCHEMA).validate(document)


def test_json_top_level_shape(document):
    assert list(document) == ["fosterreport_version", "authority", "period", "kpis", "scorecard", "left_out",
                              "warnings", "trend"]
    assert document["fosterreport_version"] == __version__
    assert document["authority"] is None  # real data, and no [authority] name: no fictional default
    assert "sample" not in document
    assert document["period"] == {"label": "2022/23", "start": "2022-04-01", "end": "2023-03-31"}
    assert list(document["kpis"]) == [kpi.id for kpi in CATALOGUE]  # every file present: every KPI


def test_json_kpi_entry(document):
    entry = document["kpis"]["households_end"]
    assert list(entry) == ["label", "unit", "value", "by", "previous", "change", "direction", "target", "rag",
                           "benchmark", "benchmarks"]
    assert entry["label"] == "Fostering households at end of period"
    assert entry["value"] == 5 and isinstance(entry["value"], int)
    assert entry["by"] == {"household_type": {"MAINSTREAM": 3, "CONNECTED": 1, "FFA": 1, "SPECIALIST": 0,
                                              "SUPPORTED_LODGINGS": 0},
                           # the fixture records no ethnicity: every household under NOT_RECORDED
                           "ethnicity_group": {"WHITE": 0, "MIXED": 0, "ASIAN": 0, "BLACK": 0, "OTHER": 0,
                                               "UNKNOWN": 0, "NOT_RECORDED": 5}}
    assert (entry["previous"], entry["change"], entry["direction"]) == (5, 0, "similar")


def test_json_rates_keep_full_precision_and_none(document):
    assert document["kpis"]["enquiry_to_approval_rate"]["value"] == 3 / 7
    assert document["kpis"]["enquiry_to_approval_rate"]["target"] == 0.5
    assert document["kpis"]["enquiry_to_approval_rate"]["rag"] == "amber"
    assert document["kpis"]["deregistration_rate"]["by"]["household_type"]["SPECIALIST"] is None
    assert document["kpis"]["deregistration_rate"]["benchmark"] == {
        "value": 0.128, "label": "England 2022-23 (Ofsted)", "source": None}


def test_json_money_is_pounds_with_pence(results, document):
    assert document["kpis"]["budget"]["value"] == 6320883.5
    assert document["kpis"]["budget_variance"]["by"]["line"] == {"Fees and allowances": -1325588.0,
                                                                 "Staffing": 99999.75}
    assert document["kpis"]["cost_per_placement_week"]["value"] == 17595.99
    assert '"value": 6320883.5,' in to_json_text(results)


def test_json_scorecard_left_out_warnings_trend(document):
    assert document["scorecard"] == [
        {"key": "approvals.MAINSTREAM", "value": 1, "target": 2, "rag": "red", "previous": 1,
         "direction": "similar"},
        {"key": "enquiry_to_approval_rate", "value": 3 / 7, "target": 0.5, "rag": "amber", "previous": 0.25,
         "direction": "improved"},
    ]
    assert document["left_out"] == []
    assert document["warnings"] == [{"file": "placements.csv", "line": 7, "column": "household_id",
                                     "rule": "over-capacity",
                                     "message": "the household has 2 children placed at once and 1 approved places"}]
    assert [point["period"]["label"] for point in document["trend"]] == ["2021/22", "2022/23"]
    assert document["trend"][1]["kpis"]["approvals"] == {
        "value": 3, "by": {"household_type": {"MAINSTREAM": 1, "CONNECTED": 1, "FFA": 1, "SPECIALIST": 0,
                                              "SUPPORTED_LODGINGS": 0},
                           "ethnicity_group": {"WHITE": 0, "MIXED": 0, "ASIAN": 0, "BLACK": 0, "OTHER": 0,
                                               "UNKNOWN": 0, "NOT_RECORDED": 3}}}


def test_json_is_byte_stable(results):
    again = compute_kpis(fixture_extracts(), make_period(2023), CONFIG, trend=2)
    assert to_json_text(again) == to_json_text(results)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_rows(results):
    table = rows(to_csv(results))
    assert table[0] == ["kpi", "breakdown", "key", "value", "previous", "target", "rag", "period", "unit"]
    assert ["households_end", "", "", "5", "5", "", "", "2022/23", "count"] in table
    assert ["approvals", "household_type", "MAINSTREAM", "1", "1", "2.0", "red", "2022/23", "count"] in table
    assert ["enquiry_to_approval_rate", "", "", repr(3 / 7), "0.25", "0.5", "amber", "2022/23", "rate"] in table
    assert ["budget_variance", "line", "Fees and allowances", "-1325588.00", "-200000.00", "", "", "2022/23",
            "money"] in table
    assert ["deregistration_rate", "household_type", "SPECIALIST", "", "1.0", "", "", "2022/23",
            "rate"] in table  # H8 last year
    # one row per KPI value, per breakdown value and per cross-tabulation cell, then the trend's years before the period
    expected = sum(1 + sum(len(v) for v in value.by.values())
                   + sum(len(line) for table in value.figure.cross.values() for line in table.values())
                   for value in results.values.values())
    current = [row for row in table[1:] if row[7] == "2022/23"]
    assert len(current) == expected
    assert {row[7] for row in table[1:]} == {"2021/22", "2022/23"}


def test_csv_neutralises_formula_text_but_not_numbers():
    budget = [{"financial_year": "2022-23", "line": "=HYPERLINK(\"http://x\")", "budget": "100", "outturn": "90"},
              {"financial_year": "2022-23", "line": "@SUM(A1)", "budget": "5", "outturn": "5"}]
    results = compute_kpis(extracts(households=[household("H1", "2020-01-01")], budget=budget), make_period(2023),
                           kpi_ids=["budget_variance"])
    table = rows(to_csv(results))
    assert ["budget_variance", "", "", "-10.00", "", "", "", "2022/23", "money"] in table  # not neutralised
    assert ["budget_variance", "line", "'=HYPERLINK(\"http://x\")", "-10.00", "", "", "", "2022/23", "money"] in table
    assert ["budget_variance", "line", "'@SUM(A1)", "0.00", "", "", "", "2022/23", "money"] in table


@pytest.mark.parametrize(("text", "safe"), [
    ("=1+1", "'=1+1"), ("+44", "'+44"), ("-x", "'-x"), ("@a", "'@a"), ("\tx", "'\tx"), ("Fees", "Fees"),
])
def test_safe_text(text, safe):
    assert safe_text(text) == safe


def test_warnings_carry_through():
    data = extracts(households=[household("H1", "2020-01-01")])
    data.problems.add(Problem("households.csv", 3, "approval_date", "future-date", "a date in the future", "warning"))
    data.problems.add(Problem("households.csv", 4, "approval_date", "invalid-date", "an error", "error"))
    document = to_json(compute_kpis(data, make_period(2023)))
    assert document["warnings"] == [{"file": "households.csv", "line": 3, "column": "approval_date",
                                     "rule": "future-date", "message": "a date in the future"}]
