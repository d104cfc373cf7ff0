"""``[report] previous_report``: the previous period's figures that differ from the JSON
published with last year's report (issue 14, item 6), in the JSON's ``restated``, in
Appendix B and marked in their tables; a wrong-period, malformed or missing file is exit 2.

Last year's JSON is made by the tool itself (``kpis --year 2023`` on the embedded sample),
so an untouched copy restates nothing and one edited figure is exactly one restatement.
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
CONFIG = '[report]\nprevious_report = "kpis-2022-23.json"\n'
#: The sample's households on 31 March 2023, as this year's extracts give it.
HOUSEHOLDS_2023 = 179


@pytest.fixture(scope="module")
def published() -> dict:
    """Last year's kpis-2022-23.json, as the tool publishes it."""
    result = runner.invoke(app, ["kpis", "--year", "2023", "--format", "json", "--quiet",
                                 "--data", str(sample_folder())])
    assert result.exit_code == exitcodes.OK, result.output
    return json.loads(result.output)


def project(tmp_path: Path, document: dict | str | bytes | None, config: str = CONFIG) -> Path:
    """A project folder with its config and (unless None) last year's file."""
    (tmp_path / "fosterreport.toml").write_text(config, encoding="utf-8")
    target = tmp_path / "kpis-2022-23.json"
    if isinstance(document, dict):
        target.write_text(json.dumps(document), encoding="utf-8")
    elif isinstance(document, str):
        target.write_text(document, encoding="utf-8")
    elif isinstance(document, bytes):
        target.write_bytes(document)
    return tmp_path


def kpis(folder: Path, *args: str):
    return runner.invoke(app, ["kpis", "--year", "2024", "--format", "json", "--quiet", "--data", str(sample_folder()),
                               "--config", str(folder / "fosterreport.toml"), *args])


def build(folder: Path):
    return runner.invoke(app, ["build", "--year", "2024", "--format", "html,md", "--quiet",
                               "--data", str(sample_folder()), "--out", str(folder / "out"),
                               "--config", str(folder / "fosterreport.toml")])


def changed(published: dict) -> dict:
    """Last year's file with one figure not what this year's extracts give: 181 households."""
    document = json.loads(json.dumps(published))
    assert document["kpis"]["households_end"]["value"] == HOUSEHOLDS_2023
    document["kpis"]["households_end"]["value"] = 181
    return document


# -- the JSON ---------------------------------------------------------------------------


def test_an_unchanged_file_restates_nothing(tmp_path, published):
    result = kpis(project(tmp_path, published))
    assert result.exit_code == exitcodes.OK, result.output
    assert json.loads(result.output)["restated"] == []


def test_one_changed_figure_is_exactly_one_restatement(tmp_path, published):
    result = kpis(project(tmp_path, changed(published)))
    assert result.exit_code == exitcodes.OK, result.output
    assert json.loads(result.output)["restated"] == [
        {"kpi": "households_end", "key": None, "published": 181, "now": HOUSEHOLDS_2023}]


def test_a_changed_breakdown_value_names_its_code(tmp_path, published):
    document = json.loads(json.dumps(published))
    connected = document["kpis"]["households_end"]["by"]["household_type"]["CONNECTED"]
    document["kpis"]["households_end"]["by"]["household_type"]["CONNECTED"] = connected + 3
    result = kpis(project(tmp_path, document))
    assert json.loads(result.output)["restated"] == [
        {"kpi": "households_end", "key": "CONNECTED", "published": connected + 3, "now": connected}]


def test_a_figure_published_as_withheld_is_not_compared(tmp_path, published):
    document = changed(published)
    document["kpis"]["households_end"]["value"] = None  # withheld (or not covered) last year
    result = kpis(project(tmp_path, document))
    assert json.loads(result.output)["restated"] == []


def test_a_figure_withheld_now_is_not_listed(tmp_path, published):
    document = json.loads(json.dumps(published))
    by_type = document["kpis"]["households_end"]["by"]["household_type"]
    assert (by_type["FFA"], by_type["MAINSTREAM"]) == (2, 117)  # 2 is withheld below 10, 117 is not
    by_type.update(FFA=9, MAINSTREAM=120)
    folder = project(tmp_path, document, CONFIG + "[publication]\nsuppress_below = 10\n")
    restated = json.loads(kpis(folder).output)["restated"]
    assert restated == [{"kpi": "households_end", "key": "MAINSTREAM", "published": 120, "now": 117}]


def test_without_previous_report_the_json_has_no_restated_key(tmp_path):
    result = kpis(project(tmp_path, None, config="[report]\n"))
    assert result.exit_code == exitcodes.OK, result.output
    assert "restated" not in json.loads(result.output)


# -- the report -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory, published) -> Path:
    folder = project(tmp_path_factory.mktemp("restated"), changed(published))
    result = build(folder)
    assert result.exit_code == exitcodes.OK, result.output
    return folder / "out"


NOTE = ("r = restated: Fostering households at end of period, 2022/23, was published as 181 in last year's "
        "report and is now 179 (see Appendix B).")


def test_appendix_b_lists_exactly_the_restatement(built):
    text = (built / "fostering-report-2023-24.md").read_text(encoding="utf-8")
    table = text.split("### Restated figures\n", 1)[1].split("### Sections and measures left out", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows == ["| Measure (id) | Breakdown | Published | Now |",
                    "| Fostering households at end of period (`households_end`) | All | 181 | 179 |"]


def test_the_markdown_tables_mark_the_previous_cell_and_say_why(built):
    text = (built / "fostering-report-2023-24.md").read_text(encoding="utf-8")
    assert "| Fostering households at end of period | 169 | 179 r | −10 | ▼ declined |" in text
    assert NOTE in text
    assert "| Households approved | 51 | 47 |" in text  # not restated: no marker


def test_the_html_table_marks_the_previous_cell_and_notes_it(built):
    html = (built / "fostering-report-2023-24.html").read_text(encoding="utf-8")
    assert '<td class="num" data-label="2022/23">179 r</td>' in html
    assert f'<p class="table-note">{NOTE.replace(chr(39), "&#39;")}</p>' in html
    assert "<h3>Restated figures</h3>" in html


def test_the_published_json_beside_the_report_has_the_restatement(built):
    document = json.loads((built / "kpis-2023-24.json").read_text(encoding="utf-8"))
    assert document["restated"] == [{"kpi": "households_end", "key": None, "published": 181, "now": 179}]


def test_an_unchanged_file_says_none_in_appendix_b(tmp_path, published):
    folder = project(tmp_path, published)
    assert build(folder).exit_code == exitcodes.OK
    text = (folder / "out" / "fostering-report-2023-24.md").read_text(encoding="utf-8")
    assert "### Restated figures\n\nNone: every figure of 2022/23 is as published in last year's report." in text
    assert " r |" not in text


# -- exit 2 -----------------------------------------------------------------------------


def test_a_file_of_another_period_is_exit_2_saying_which(tmp_path, published):
    folder = project(tmp_path, published)
    result = runner.invoke(app, ["kpis", "--year", "2023", "--format", "json", "--quiet",
                                 "--data", str(sample_folder()), "--config", str(folder / "fosterreport.toml")])
    assert result.exit_code == exitcodes.USAGE
    assert result.output == ("[report] previous_report 'kpis-2022-23.json': holds the figures of 2022/23 "
                             "(2022-04-01 to 2023-03-31), not of this report's previous period 2021/22 "
                             "(2021-04-01 to 2022-03-31)\n")


def test_a_file_that_is_not_json_is_exit_2(tmp_path):
    result = kpis(project(tmp_path, "{not json"))
    assert result.exit_code == exitcodes.USAGE
    assert result.output == ("[report] previous_report 'kpis-2022-23.json': not valid JSON: Expecting "
                             "property name enclosed in double quotes: line 1 column 2 (char 1)\n")


def test_a_file_of_another_shape_is_exit_2_naming_the_place(tmp_path, published):
    document = json.loads(json.dumps(published))
    document["kpis"]["households_end"]["value"] = "181"
    result = kpis(project(tmp_path, document))
    assert result.exit_code == exitcodes.USAGE
    assert result.output == ("[report] previous_report 'kpis-2022-23.json': not a KPI file "
                                    "published by fosterreport: kpis.households_end.value: should be a number or null\n")


def test_a_file_that_is_not_utf8_is_exit_2(tmp_path):
    result = kpis(project(tmp_path, b"\xff\xfe{}"))
    assert result.exit_code == exitcodes.USAGE
    assert result.output == "[report] previous_report 'kpis-2022-23.json': not UTF-8 text\n"


def test_a_missing_file_is_exit_2_when_the_config_is_loaded(tmp_path):
    folder = project(tmp_path, None)
    result = kpis(folder)
    assert result.exit_code == exitcodes.USAGE
    assert "[report] previous_report 'kpis-2022-23.json': file not found: " in result.output
    assert f"{folder.resolve()}/kpis-2022-23.json" in result.output


def test_a_file_outside_the_project_is_refused(tmp_path):
    inside = tmp_path / "project"
    inside.mkdir()
    (tmp_path / "kpis-2022-23.json").write_text("{}", encoding="utf-8")
    folder = project(inside, None, config='[report]\nprevious_report = "../kpis-2022-23.json"\n')
    result = kpis(folder)
    assert result.exit_code == exitcodes.USAGE
    assert f"[report] previous_report '../kpis-2022-23.json' must be inside the project folder {inside.resolve()}" \
        in result.output
