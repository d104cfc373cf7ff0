"""Many benchmarks per KPI, and the built-in England (LA agencies) figures (issue 14, item 4).

Each build runs on the embedded sample with a tiny ``fosterreport.toml`` written for the
case: the sample's year is 2023/24 (``--year 2024``); the shipped England table has its
one figure (enquiry to application, 12%) for 2022/23 (``--year 2023``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.embedded import sample_folder

runner = CliRunner()

TWO = ('[benchmarks]\nenquiry_to_approval_rate = [\n'
       '  { value = 0.11, label = "LA benchmark (The Fostering Network)", source = "TFN 2023" },\n'
       '  { value = 0.09, label = "Statistical neighbours" },\n]\n')
ONE = '[benchmarks]\nenquiry_to_approval_rate = { value = 0.11, label = "LA benchmark (The Fostering Network)" }\n'
OFF = "[publication]\nengland_benchmarks = false\n"
ENGLAND_SOURCE = ("Ofsted, Recruitment and retention in mainstream fostering (transparency data analysing the "
                  "Fostering in England 1 April 2022 to 31 March 2023 collection), published 25 March 2024; "
                  "'Recruitment' section, 'Enquiries to applications' paragraphs; https://www.gov.uk/government/"
                  "publications/fostering-recruitment-and-retention/recruitment-and-retention-in-mainstream-fostering")


def build(tmp_path: Path, toml: str, year: str = "2024", formats: str = "html,md") -> dict[str, str]:
    """Build the sample with ``toml`` as the config; the outputs' texts by suffix."""
    config = tmp_path / "fosterreport.toml"
    config.write_text(toml, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "--config", str(config), "--data", str(sample_folder()), "--year", year,
                                 "--format", formats, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return {path.suffix: path.read_text(encoding="utf-8") for path in out.iterdir()}


def kpis_json(tmp_path: Path, toml: str, year: str) -> dict:
    config = tmp_path / "fosterreport.toml"
    config.write_text(toml, encoding="utf-8")
    result = runner.invoke(app, ["kpis", "--config", str(config), "--data", str(sample_folder()), "--year", year,
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["kpis"]


@pytest.fixture(scope="module")
def two(tmp_path_factory) -> dict[str, str]:
    return build(tmp_path_factory.mktemp("two"), TWO)


def test_two_benchmarks_share_one_cell_of_the_markdown_table_in_order(two):
    assert ("| Enquiry to approval conversion | 8.5% | 14.1% | −5.6 pts | ▼ declined | "
            "LA benchmark (The Fostering Network) 11.0%; Statistical neighbours 9.0% |") in two[".md"]
    assert "Benchmark for enquiry to approval conversion: LA benchmark (The Fostering Network); TFN 2023." in two[".md"]
    assert "Benchmark for enquiry to approval conversion: Statistical neighbours." in two[".md"]


def test_two_benchmarks_show_in_the_html_table(two):
    assert "LA benchmark (The Fostering Network) 11.0%; Statistical neighbours 9.0%" in two[".html"]


def test_two_benchmarks_are_in_the_json_in_order_and_benchmark_is_the_first(two):
    entry = json.loads(two[".json"])["kpis"]["enquiry_to_approval_rate"]
    assert entry["benchmarks"] == [
        {"value": 0.11, "label": "LA benchmark (The Fostering Network)", "source": "TFN 2023"},
        {"value": 0.09, "label": "Statistical neighbours", "source": None}]
    assert entry["benchmark"] == entry["benchmarks"][0]


@pytest.fixture(scope="module")
def one(tmp_path_factory) -> dict:
    """The KPIs of the sample with ONE as its config, computed once for the two tests that read them."""
    return kpis_json(tmp_path_factory.mktemp("one"), ONE, "2024")


def test_a_single_benchmark_keeps_the_json_it_had(one):
    entry = one["enquiry_to_approval_rate"]
    assert entry["benchmark"] == {"value": 0.11, "label": "LA benchmark (The Fostering Network)", "source": None}
    assert entry["benchmarks"] == [entry["benchmark"]]


def test_a_kpi_without_benchmarks_has_an_empty_list_and_null(one):
    entry = one["approvals"]
    assert entry["benchmark"] is None and entry["benchmarks"] == []


def test_the_england_figure_is_the_benchmark_of_its_year_with_its_source(tmp_path):
    entry = kpis_json(tmp_path, "", "2023")["enquiry_to_application_rate"]
    assert entry["benchmarks"] == [{"value": 0.12, "label": "England (LA agencies)", "source": ENGLAND_SOURCE}]


def test_the_england_figure_is_not_offered_for_another_year(tmp_path):
    assert kpis_json(tmp_path, "", "2024")["enquiry_to_application_rate"]["benchmarks"] == []


def test_the_england_figure_is_not_offered_for_a_quarter(tmp_path):
    config = tmp_path / "fosterreport.toml"
    config.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["kpis", "--config", str(config), "--data", str(sample_folder()), "--year", "2023",
                                 "--quarter", "4", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["kpis"]["enquiry_to_application_rate"]["benchmarks"] == []


def test_turning_england_off_removes_it(tmp_path):
    assert kpis_json(tmp_path, OFF, "2023")["enquiry_to_application_rate"]["benchmark"] is None


def test_a_config_benchmark_labelled_like_england_replaces_it(tmp_path):
    toml = ('[benchmarks]\nenquiry_to_application_rate = [{ value = 0.2, label = "Statistical neighbours" }, '
            '{ value = 0.13, label = "England (LA agencies)", source = "our copy" }]\n')
    assert kpis_json(tmp_path, toml, "2023")["enquiry_to_application_rate"]["benchmarks"] == [
        {"value": 0.2, "label": "Statistical neighbours", "source": None},
        {"value": 0.13, "label": "England (LA agencies)", "source": "our copy"}]


def test_the_england_figure_comes_after_the_configs_own(tmp_path):
    toml = '[benchmarks]\nenquiry_to_application_rate = { value = 0.2, label = "Statistical neighbours" }\n'
    labels = [b["label"] for b in kpis_json(tmp_path, toml, "2023")["enquiry_to_application_rate"]["benchmarks"]]
    assert labels == ["Statistical neighbours", "England (LA agencies)"]


def test_the_england_figure_shows_in_the_report_of_its_year(tmp_path):
    md = build(tmp_path, "", year="2023", formats="md")[".md"]
    assert "England (LA agencies) 12.0%" in md
    assert f"Benchmark for enquiry to application conversion: England (LA agencies); {ENGLAND_SOURCE}." in md


def _config_error(tmp_path: Path, toml: str):
    config = tmp_path / "fosterreport.toml"
    config.write_text(toml, encoding="utf-8")
    return runner.invoke(app, ["kpis", "--config", str(config), "--data", str(sample_folder()), "--year", "2024"])


def test_a_misspelt_england_switch_exits_2_with_the_closest_key(tmp_path):
    result = _config_error(tmp_path, "[publication]\nengland_benchmark = false\n")
    assert result.exit_code == exitcodes.USAGE
    assert "england_benchmark" in result.stderr and "england_benchmarks" in result.stderr


def test_an_england_switch_that_is_not_true_or_false_exits_2(tmp_path):
    result = _config_error(tmp_path, '[publication]\nengland_benchmarks = "no"\n')
    assert result.exit_code == exitcodes.USAGE
    assert "publication.england_benchmarks" in result.stderr


def test_two_benchmarks_with_one_label_exit_2(tmp_path):
    result = _config_error(tmp_path, '[benchmarks]\napprovals = [{ value = 1, label = "x" }, { value = 2, label = "x" }]\n')
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr == f"{tmp_path / 'fosterreport.toml'}:2: [benchmarks] 'approvals': two benchmarks labelled 'x'\n"


def test_a_bad_value_in_a_list_names_its_place_and_nothing_else(tmp_path):
    result = _config_error(tmp_path, '[benchmarks]\napprovals = [{ value = 1, label = "x" }, { value = "2", label = "y" }]\n')
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr.count("\n") == 1 and "benchmarks.approvals.1.value" in result.stderr


def test_an_empty_list_exits_2(tmp_path):
    assert _config_error(tmp_path, "[benchmarks]\napprovals = []\n").exit_code == exitcodes.USAGE


def test_the_recruitment_facts_name_every_benchmark(two):
    assert ("The benchmarks for the enquiry-to-approval rate are LA benchmark (The Fostering Network) 11.0%; "
            "Statistical neighbours 9.0%.") in two[".md"]
