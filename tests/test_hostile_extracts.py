"""Hostile extracts (issue 12): each ends in a located message and exit 1, or is read safely.

Each input is tiny and named for its failure mode; each runs through the CLI (CliRunner)
and asserts the exact message, the exit code, and that no traceback or "internal error"
was printed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app

FIXTURE = Path(__file__).parent / "fixtures" / "kpis" / "year_2022_23"
HUB = Path(__file__).parent / "fixtures" / "region" / "hub"
HEADER = "household_id,household_type,approval_date,approved_places\n"
runner = CliRunner()


def _run(*args) -> tuple[int, str]:
    result = runner.invoke(app, [str(arg) for arg in args])
    output = result.output
    assert "Traceback" not in output and "internal error" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, output


def _households(tmp_path: Path, text: str, name: str = "households.csv") -> Path:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    (data / name).write_bytes(text.encode("utf-8"))
    return data


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(FIXTURE, project / "data")
    (project / "fosterreport.toml").write_text('[authority]\nname = "Testshire County Council"\n[data]\npath = "data"\n',
                                               encoding="utf-8")
    return project


def _edit_budget(project: Path, edit) -> None:
    path = project / "data" / "budget.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")


# -- delimiters --------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter, name", [(";", "semicolons"), ("|", "pipes (|)")])
def test_a_file_delimited_otherwise_is_read_with_a_warning_naming_the_delimiter(tmp_path, delimiter, name):
    data = _households(tmp_path, (HEADER + "H1,MAINSTREAM,01/04/2020,2\n").replace(",", delimiter))
    code, output = _run("validate", "--data", data)
    assert code == exitcodes.OK, output
    assert (f"households.csv:1  the cells are separated by {name}, not commas; read so  "
            "[warning: other-delimiter]") in output
    code, output = _run("validate", "--data", data, "--format", "json")
    assert code == exitcodes.OK and '"rule": "other-delimiter"' in output


def test_a_semicolon_file_gives_the_same_figures_as_the_comma_one(tmp_path):
    comma, semicolon = tmp_path / "comma", tmp_path / "semicolon"
    shutil.copytree(FIXTURE, comma)
    shutil.copytree(FIXTURE, semicolon)
    import csv

    for path in semicolon.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as stream:
            rows = list(csv.reader(stream))
        with path.open("w", newline="", encoding="utf-8") as stream:
            csv.writer(stream, delimiter=";").writerows(rows)
    assert ";" in (semicolon / "budget.csv").read_text(encoding="utf-8").splitlines()[0]
    figures = [runner.invoke(app, ["kpis", "--data", str(folder), "--year", "2023", "--format", "json"])
               for folder in (comma, semicolon)]
    assert figures[0].exit_code == figures[1].exit_code == exitcodes.OK
    comma_json, semicolon_json = (json.loads(figure.stdout) for figure in figures)
    before = comma_json.pop("warnings")
    added = [w for w in semicolon_json.pop("warnings") if w not in before]
    assert comma_json["kpis"] and comma_json == semicolon_json
    assert [(w["line"], w["rule"]) for w in added] == [(1, "other-delimiter")] * 12  # one per file


def test_commas_inside_a_semicolon_header_do_not_decide_the_delimiter(tmp_path):
    data = _households(tmp_path, 'household_id;household_type;approval_date;approved_places;"Name, Carer"\n'
                                 "H1;MAINSTREAM;01/04/2020;2;A, B\n")
    code, output = _run("validate", "--data", data)
    assert code == exitcodes.OK, output
    assert "separated by semicolons" in output


# -- digits -------------------------------------------------------------------------------


@pytest.mark.parametrize("digit", ["\u0662", "\uff12", "\u00b2"])  # Arabic-Indic two, full-width two, superscript two
def test_a_digit_that_is_not_ascii_is_a_located_error_in_every_kind_of_number(tmp_path, digit):
    data = _households(tmp_path, HEADER + f"H1,MAINSTREAM,01/04/2020,{digit}\n"
                                          f"H2,MAINSTREAM,0{digit}/04/2020,1\n")
    (data / "budget.csv").write_text("financial_year,line,budget,outturn\n"
                                     f"202{digit}-23,Staffing,{digit},1\n", encoding="utf-8")
    code, output = _run("validate", "--data", data)
    assert code == exitcodes.INVALID_DATA
    assert f"households.csv:2:approved_places  '{digit}' is not a whole number  [error: invalid-number]" in output
    assert (f"households.csv:3:approval_date  '0{digit}/04/2020' is not a valid date (expected dd/mm/yyyy)  "
            "[error: invalid-date]") in output
    assert f"budget.csv:2:budget  '{digit}' is not an amount of money (expected e.g. 1234.50)" in output
    assert f"budget.csv:2:financial_year  '202{digit}-23' is not a financial year" in output


# -- over-long cells and headers ----------------------------------------------------------------


def test_a_header_cell_over_the_csv_modules_limit_is_a_located_problem(tmp_path):
    data = _households(tmp_path, HEADER.rstrip("\n") + "," + "x" * 140_000 + "\nH1,MAINSTREAM,01/04/2020,2,a\n")
    for command in ("validate", "kpis"):
        code, output = _run(command, "--data", data)
        assert code == exitcodes.INVALID_DATA, output
        assert "households.csv:1  a header cell is longer than 10,000 characters  [error: too-large]" in output


def test_a_header_cell_over_the_tools_limit_is_located_with_its_position(tmp_path):
    data = _households(tmp_path, HEADER.rstrip("\n") + "," + "x" * 20_000 + "\nH1,MAINSTREAM,01/04/2020,2,a\n")
    code, output = _run("validate", "--data", data)
    assert code == exitcodes.INVALID_DATA
    assert "households.csv:1  header cell 5 is longer than 10,000 characters  [error: too-large]" in output


def test_a_data_cell_over_the_csv_modules_limit_in_a_file_with_stray_quotes_is_located(tmp_path):
    """Stray quotes and a ragged row send the file through the csv module, whose limit the
    cell is over: the record's line is named, not the csv module's message."""
    data = _households(tmp_path, HEADER + 'H1,MAIN"STREAM,01/04/2020,2\nH2,MAINSTREAM,"' + "x" * 140_000
                       + '",2\nH3,MAINSTREAM,01/04/2020,2,5\n')
    code, output = _run("validate", "--data", data)
    assert code == exitcodes.INVALID_DATA
    assert "households.csv:3  a cell is longer than 10,000 characters  [error: too-large]" in output


def test_a_header_of_a_million_names_is_refused_in_one_short_message(tmp_path):
    header = ",".join(f"column{i}" for i in range(1_000_000))
    data = _households(tmp_path, header + "\n" + ",".join("1" * 1_000_000) + "\n")
    code, output = _run("validate", "--data", data)
    assert code == exitcodes.INVALID_DATA
    assert "households.csv:1  the header has 1,000,000 cells; the limit is 16,384 (is this the right file?)" in output
    assert len(output) < 2_000


def test_a_missing_column_message_lists_a_few_headers_each_cut_short(tmp_path):
    names = ["x" * 100] + [f"extra{i}" for i in range(20)]
    data = _households(tmp_path, ",".join(names) + "\n" + ",".join("1" * len(names)) + "\n")
    code, output = _run("validate", "--data", data)
    assert code == exitcodes.INVALID_DATA
    assert ("households.csv:1:household_id  required column household_id not found (columns found: "
            + "x" * 59 + "\u2026, extra0, extra1, extra2, extra3, extra4, extra5, extra6 and 13 more)") in output
    assert max(len(line) for line in output.splitlines()) < 300


# -- money ------------------------------------------------------------------------------------


def test_a_budget_of_29_digits_is_a_located_error_for_validate_kpis_and_build(tmp_path):
    project = _project(tmp_path)
    _edit_budget(project, lambda lines: [lines[0], lines[1].replace('"5,320,883.00"', "9" * 29), *lines[2:]])
    expected = ("budget.csv:2:budget  '99999999999999999999999999999' is too large to be an amount of money "
                "(the limit is £999,999,999,999,999)  [error: invalid-money]")
    config = project / "fosterreport.toml"
    for command in (["validate"], ["kpis", "--year", "2023"], ["build", "--year", "2023", "--format", "md",
                                                                 "--out", project / "report"]):
        code, output = _run(*command, "--config", config)
        assert code == exitcodes.INVALID_DATA, (command, output)
        assert expected in output, (command, output)


def test_money_just_under_the_bound_is_read_and_at_it_is_refused(tmp_path):
    project = _project(tmp_path)
    _edit_budget(project, lambda lines: [lines[0], lines[1].replace('"5,320,883.00"', "9" * 15), *lines[2:]])
    code, output = _run("kpis", "--config", project / "fosterreport.toml", "--year", "2023", "--format", "json")
    assert code == exitcodes.OK, output
    _edit_budget(project, lambda lines: [lines[0], lines[1].replace("9" * 15, "1" + "0" * 15), *lines[2:]])
    code, output = _run("validate", "--config", project / "fosterreport.toml")
    assert code == exitcodes.INVALID_DATA
    assert "budget.csv:2:budget  '1000000000000000' is too large to be an amount of money" in output


def test_a_region_with_one_councils_29_digit_budget_fails_that_council_only_with_a_located_message(tmp_path):
    hub = tmp_path / "hub"
    shutil.copytree(HUB, hub)
    (hub / "alpha" / "budget.csv").write_text("financial_year,line,budget,outturn\n"
                                              f"2023-24,Staffing,{'9' * 29},1\n", encoding="utf-8")
    result = runner.invoke(app, ["kpis", "--region", str(hub), "--year", "2024", "--format", "json"])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output and "internal error" not in output
    assert result.exit_code == exitcodes.INVALID_DATA, output
    assert "budget.csv:2:budget" in output and "too large to be an amount of money" in output


# -- control and bidi characters --------------------------------------------------------------


def test_control_and_bidi_characters_in_a_budget_line_never_reach_the_report(tmp_path):
    """ESC, form feed and RLO (U+202E) on one line, NUL on the next (past the first 4 KB,
    which are checked for a binary file): removed at load, from HTML and Markdown alike."""
    project = _project(tmp_path)

    def hostile(lines):
        lines = [lines[0] + ",notes", *(line + "," for line in lines[1:])]
        lines[1] = lines[1].replace("Fees and allowances", "Fees\x1b[31m\x0c and\u202e allowances") + "z" * 5000
        lines[2] = lines[2].replace("Fees and allowances", "Fees and\x00 allowances")
        return lines

    _edit_budget(project, hostile)
    code, output = _run("build", "--config", project / "fosterreport.toml", "--year", "2023", "--format",
                        "html,md", "--out", project / "report")
    assert code == exitcodes.OK, output
    written = {path.suffix: path.read_text(encoding="utf-8") for path in (project / "report").iterdir()
               if path.suffix in (".html", ".md")}
    assert set(written) == {".html", ".md"}
    for text in written.values():
        assert not any(character in text for character in "\x00\x1b\x0c\u202e"), repr(text[:200])
        assert "Fees and allowances" in text and "31m" in text  # the NUL line, and what the ESC line keeps


def test_control_characters_are_removed_from_ids_and_text_alike_in_both_validation_paths(tmp_path):
    from fosterreport.extracts import read_extract
    from fosterreport.validation import parse_extract, validate_rows

    path = tmp_path / "households.csv"
    path.write_text(HEADER + "H\u202e1\x07,MAINSTREAM,01/04/2020,2\n", encoding="utf-8")
    raw = read_extract("households", path)
    frame = parse_extract(raw, {})
    assert frame["household_id"].tolist() == ["H1"]
    assert validate_rows(read_extract("households", path), {}) == []
