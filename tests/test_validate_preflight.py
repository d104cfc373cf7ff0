"""``validate`` finds what ``build`` would refuse, short of rendering: narrative
placeholders, narrative file names and syntax, template overrides, files in the data
folder that are no extract; and ``--format json`` answers in JSON even for a usage error."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.embedded import sample_folder

runner = CliRunner()

SETTINGS = '[authority]\nname = "Dorset Council"\n\n[data]\npath = "data"\n'


def project(tmp_path: Path, settings: str = SETTINGS) -> Path:
    """A council's project: the sample's extracts in data/, a config naming it."""
    shutil.copytree(sample_folder(), tmp_path / "data")
    (tmp_path / "fosterreport.toml").write_text(settings, encoding="utf-8")
    return tmp_path


def narrative(folder: Path, name: str, text: str) -> None:
    (folder / "narrative").mkdir(exist_ok=True)
    (folder / "narrative" / name).write_text(text, encoding="utf-8")


def validate(cwd: Path, *args: str):
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, ["validate", *args])
    finally:
        os.chdir(previous)


def lines(result) -> list[str]:
    return result.stdout.splitlines()


def test_a_clean_project_passes(tmp_path):
    folder = project(tmp_path)
    narrative(folder, "summary.md", "We had {{ kpi.enquiries }} enquiries and {{ kpi.approvals.by.MAINSTREAM }} "
                                    "mainstream approvals in {{ period.label }}.\n")
    result = validate(folder)
    assert result.exit_code == exitcodes.OK, result.output
    assert result.stdout == f"{folder / 'data'}: no problems found\n"


def test_a_misspelt_placeholder_is_exit_2_with_its_line_and_the_closest_id(tmp_path):
    folder = project(tmp_path)
    narrative(folder, "summary.md", "Enquiries rose.\n\nWe had {{ kpi.enquiris }} enquiries.\n")
    result = validate(folder)
    assert result.exit_code == exitcodes.USAGE
    assert lines(result) == [
        "narrative/summary.md",
        "  narrative/summary.md:3  unknown placeholder 'kpi.enquiris' (did you mean 'kpi.enquiries'?); "
        "`fosterreport kpis --list` lists every id  [error: narrative-placeholder]",
        "1 error(s), 0 warning(s)",
    ]


def test_a_placeholder_in_a_branch_not_taken_is_checked_too(tmp_path):
    folder = project(tmp_path)
    narrative(folder, "households.md", "{% if false %}\n{{ kpi.households_end.by.MAINSTRAEM }}\n{% endif %}\n")
    result = validate(folder, "--format", "json")
    assert result.exit_code == exitcodes.USAGE
    assert json.loads(result.stdout)["errors"] == [{
        "file": "narrative/households.md", "line": 2, "column": None, "rule": "narrative-placeholder",
        "message": "unknown placeholder 'kpi.households_end.by.MAINSTRAEM' (did you mean "
                   "'kpi.households_end.by.MAINSTREAM'?); codes are written as in the contract, e.g. MAINSTREAM",
        "severity": "error"}]


def test_a_misspelt_narrative_file_name_names_the_closest_section(tmp_path):
    folder = project(tmp_path)
    narrative(folder, "summery.md", "All is well.\n")
    result = validate(folder)
    assert result.exit_code == exitcodes.USAGE
    assert lines(result) == [
        "narrative/summery.md",
        "  narrative/summery.md  matches no report section, so build would not use it (did you mean summary.md?)"
        "  [error: narrative-unknown-file]",
        "1 error(s), 0 warning(s)",
    ]


def test_a_jinja_syntax_error_in_a_narrative_names_the_line(tmp_path):
    folder = project(tmp_path)
    narrative(folder, "recruitment.md", "Enquiries:\n{{ kpi.enquiries }\n")
    result = validate(folder)
    assert result.exit_code == exitcodes.USAGE
    assert lines(result)[:2] == [
        "narrative/recruitment.md",
        "  narrative/recruitment.md:2  placeholder syntax error: unexpected '}'  [error: narrative-syntax]",
    ]


def test_a_template_override_that_does_not_compile_is_exit_2_with_its_line(tmp_path):
    folder = project(tmp_path, SETTINGS + '\n[report]\ntemplates = "templates"\n')
    (folder / "templates").mkdir()
    (folder / "templates" / "cover.html").write_text("<h1>{{ cover.title }}</h1>\n{% if x %}\n", encoding="utf-8")
    result = validate(folder)
    assert result.exit_code == exitcodes.USAGE
    assert lines(result) == [
        "templates/cover.html",
        "  templates/cover.html:2  Unexpected end of template. Jinja was looking for the following tags: "
        "'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.  [error: template-syntax]",
        "1 error(s), 0 warning(s)",
    ]


def test_a_template_including_one_that_does_not_exist_is_exit_2(tmp_path):
    folder = project(tmp_path, SETTINGS + '\n[report]\ntemplates = "templates"\n')
    (folder / "templates").mkdir()
    (folder / "templates" / "cover.html").write_text('{% include "_cover_logo.html" %}\n', encoding="utf-8")
    result = validate(folder, "--format", "json")
    assert result.exit_code == exitcodes.USAGE
    assert [(p["file"], p["rule"], p["message"]) for p in json.loads(result.stdout)["errors"]] == [
        ("templates/cover.html", "template-syntax",
         "includes or extends '_cover_logo.html', which is neither in templates/ nor a built-in template")]


def test_a_misspelt_extract_is_a_warning_suggesting_the_extract(tmp_path):
    folder = project(tmp_path)
    (folder / "data" / "visits.csv").rename(folder / "data" / "vists.csv")
    result = validate(folder)
    assert result.exit_code == exitcodes.OK
    assert lines(result) == [
        "vists.csv",
        "  vists.csv  not an extract of the contract, so not read (did you mean visits.csv?)  [warning: unknown-file]",
        "0 error(s), 1 warning(s)",
    ]
    assert validate(folder, "--strict").exit_code == exitcodes.INVALID_DATA


def test_a_dated_copy_of_an_extract_suggests_the_extract(tmp_path):
    folder = project(tmp_path)
    shutil.copy(folder / "data" / "complaints.csv", folder / "data" / "Complaints_2024.csv")
    result = validate(folder, "--format", "json")
    assert result.exit_code == exitcodes.OK
    assert json.loads(result.stdout)["warnings"] == [{
        "file": "Complaints_2024.csv", "line": None, "column": None, "rule": "unknown-file",
        "message": "not an extract of the contract, so not read (did you mean complaints.csv?)",
        "severity": "warning"}]


def test_a_missing_data_folder_is_json_with_exit_2(tmp_path):
    result = validate(tmp_path, "--data", "nowhere", "--format", "json")
    assert result.exit_code == exitcodes.USAGE
    assert json.loads(result.stdout) == {"ok": False, "usage": ["data folder not found: nowhere"],
                                         "errors": [], "warnings": []}


def test_narrative_and_extract_problems_are_listed_together_and_exit_2(tmp_path):
    folder = project(tmp_path)
    narrative(folder, "summary.md", "{{ perod.label }}\n")
    (folder / "data" / "households.csv").write_text("household_id\n", encoding="utf-8")
    result = validate(folder, "--format", "json")
    assert result.exit_code == exitcodes.USAGE
    rules = {(p["file"], p["rule"]) for p in json.loads(result.stdout)["errors"]}
    assert ("narrative/summary.md", "narrative-placeholder") in rules
    assert ("households.csv", "missing-column") in rules


def test_the_windows_1252_warning_names_the_first_line_that_is_not_utf8(tmp_path):
    folder = project(tmp_path)
    text = "financial_year,line,budget,outturn\n2023-24,Fees,100,90\n2023-24,Caf\xe9 costs,\"£5\",£4\n"
    (folder / "data" / "budget.csv").write_bytes(text.encode("cp1252"))
    result = validate(folder)
    assert result.exit_code == exitcodes.OK
    assert "  budget.csv:3  not valid UTF-8 (first on line 3); read as Windows-1252 (check £ signs and accents)" \
           "  [warning: encoding-fallback]" in lines(result)
