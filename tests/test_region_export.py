"""``kpis --region`` and ``build --region`` on the three-council fixture: the JSON shape
(validated against docs/region.schema.json), the CSV, the table, exit codes, and a
council's report built in a region being the report it gets built on its own."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.kpis.catalogue import BY_ID, CATALOGUE

HUB = Path(__file__).parent / "fixtures" / "region" / "hub"
SCHEMA = json.loads((Path(__file__).parent.parent / "docs" / "region.schema.json").read_text(encoding="utf-8"))
# Documents are validated with a validator instance: jsonschema.validate checks the schema
# against the meta-schema on every call (1.5 s each); the schema is checked once, in test_json_validates_against_the_schema.
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def document():
    result = run("kpis", "--region", HUB, "--year", "2024", "--format", "json", "--trend", "3", "--workers", "2")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_validates_against_the_schema(document):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)


def test_suppressed_json_validates_too(tmp_path):
    hub = tmp_path / "hub"
    shutil.copytree(HUB, hub)
    settings = (HUB / "fosterreport.toml").read_text(encoding="utf-8").replace('name = "Test Hub"\n', "")
    (hub / "fosterreport.toml").write_text(settings + "\n[publication]\nsuppress_below = 3\n", encoding="utf-8")
    result = run("kpis", "--region", hub, "--year", "2024", "--format", "json")
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    assert document["suppress_below"] == 3 and document["region"] == "hub"
    assert document["kpis"]["approvals"]["councils"]["beta"] == {
        "value": None, "numerator": None, "denominator": None, "cases": None, "previous": None,
        "direction": "n/a", "rank": None, "tied": False, "distance": None, "share": None, "suppressed": True,
        "previous_suppressed": True, "note": None}


def test_json_carries_councils_in_folder_order_and_kpis_in_catalogue_order(document):
    assert [c["id"] for c in document["councils"]] == ["alpha", "beta", "gamma"]
    assert document["councils"][2] == {
        "id": "gamma", "name": "gamma", "status": "ok", "files": ["households.csv"], "errors": 0, "warnings": 0,
        "suppress_below": 0, "problems": [], "left_out": document["councils"][2]["left_out"]}
    order = [kpi.id for kpi in CATALOGUE]
    assert list(document["kpis"]) == sorted(document["kpis"], key=order.index)
    assert set(document["kpis"]) <= set(BY_ID)
    rate = document["kpis"]["enquiry_to_approval_rate"]
    assert rate["aggregation"] == "ratio" and rate["region"]["numerator"] == 3 and rate["region"]["denominator"] == 9
    assert rate["councils"]["alpha"]["rank"] == 1 and rate["not_reporting"] == ["gamma"]
    assert [p["period"]["label"] for p in document["trend"]] == ["2021/22", "2022/23", "2023/24"]


def test_the_same_inputs_give_the_same_bytes_serial_or_parallel():
    one = run("kpis", "--region", HUB, "--year", "2024", "--format", "json", "--workers", "1")
    two = run("kpis", "--region", HUB, "--year", "2024", "--format", "json", "--workers", "3")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout


def test_csv_has_a_row_per_council_and_one_for_the_region():
    result = run("kpis", "--region", HUB, "--year", "2024", "--format", "csv", "--kpi", "households_end")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["council"], r["value"], r["rank"]) for r in rows] == [
        ("alpha", "3", "1"), ("beta", "3", "1"), ("gamma", "2", "3"), ("region", "8", "")]
    assert rows[0]["share"] == "0.375" and rows[3]["name"] == "Test Hub"


def test_table_lists_councils_and_with_kpi_their_ranks():
    result = run("kpis", "--region", HUB, "--year", "2024", "--kpi", "deregistration_rate")
    assert result.exit_code == 0, result.output
    assert "Test Hub: KPIs for 2023/24" in result.stdout
    assert "Beta Borough Council" in result.stdout and "20.0%" in result.stdout
    assert "2=" in result.stdout  # alpha and beta share second place


def test_without_year_the_period_is_the_latest_every_council_covers():
    result = run("kpis", "--region", HUB, "--format", "csv", "--kpi", "households_end")
    assert result.exit_code == 0, result.output
    # gamma's newest date is 1 October 2023, so 2023/24 has not ended for every council
    assert "reporting on 2022/23" in result.stderr and "1 October 2023" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["--region", "missing-folder"], "region folder not found"),
    (["--region", HUB, "--data", HUB / "alpha"], "cannot be used together"),
    (["--region", HUB / "notes"], "no council sub-folders"),
])
def test_usage_errors_exit_2(args, message):
    result = run("kpis", *args, "--year", "2024")
    assert result.exit_code == exitcodes.USAGE
    assert message in result.stderr


def test_a_council_built_in_a_region_is_the_report_it_gets_on_its_own(tmp_path):
    result = run("build", "--region", HUB, "--year", "2024", "--format", "html,md", "--out", tmp_path / "region",
                 "--workers", "2")
    assert result.exit_code == 0, result.output
    alone = run("build", "--data", HUB / "alpha", "--config", HUB / "alpha" / "fosterreport.toml", "--year", "2024",
                "--format", "html,md", "--out", tmp_path / "alone", "--quiet")
    assert alone.exit_code == 0, alone.output
    names = sorted(p.name for p in (tmp_path / "alone").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "region" / "alpha").iterdir())
    for name in names:
        assert (tmp_path / "alone" / name).read_bytes() == (tmp_path / "region" / "alpha" / name).read_bytes()
    assert sorted(p.name for p in (tmp_path / "region" / "region").iterdir()) == [
        "region-kpis-2023-24.json", "regional-report-2023-24.html", "regional-report-2023-24.md"]
    assert "[3/3]" in result.stderr and "Built 3 of 3 council reports" in result.stderr


def test_the_regional_markdown_shows_each_council_the_region_rank_and_distance(tmp_path):
    result = run("build", "--region", HUB, "--year", "2024", "--format", "md", "--out", tmp_path, "--quiet")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "region" / "regional-report-2023-24.md").read_text(encoding="utf-8")
    assert "| Alpha Council | 25.0% | +5.0 pts | 2= |" in text  # deregistration rate, lower is better
    assert "| gamma | 0.0% | −20.0 pts | 1 |" in text
    assert "| **Region (3 councils)** | **20.0%** | **n/a** | **n/a** |" in text
    assert "The regional figure is 2 ÷ 10" in text
    assert "Not available for gamma (enquiries.csv not supplied)." in text
    assert "| Alpha Council | 3 | 37.5% | +0.3 | 1= |" in text  # households at the end: share, distance, rank


def test_the_regional_json_on_stdout_writes_markup_characters_escaped(tmp_path):
    hub = tmp_path / "hub"
    shutil.copytree(HUB, hub)
    settings = (HUB / "fosterreport.toml").read_text(encoding="utf-8")
    (hub / "fosterreport.toml").write_text(settings.replace('name = "Test Hub"', 'name = "<b>Hub</b> & Co"'),
                                           encoding="utf-8")
    result = run("kpis", "--region", hub, "--year", "2024", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["region"] == "<b>Hub</b> & Co"  # the same value
    assert "<b>" not in result.stdout and '"\\u003cb\\u003eHub\\u003c/b\\u003e \\u0026 Co"' in result.stdout
