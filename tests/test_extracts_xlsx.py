"""Extracts saved from Excel as .xlsx: read directly, with the CSV path's figures and problems."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from workbooks import csvs_and_workbooks, write_workbook

SAMPLE = Path(__file__).parent.parent / "sample_data"
HEADER = ["household_id", "household_type", "approval_date", "approved_places"]
runner = CliRunner()


def _run(*args):
    result = runner.invoke(app, [str(arg) for arg in args])
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


def test_the_samples_extracts_as_workbooks_give_the_same_kpis_as_the_csvs(tmp_path):
    csvs, books = csvs_and_workbooks(SAMPLE, tmp_path)
    assert len(list(books.glob("*.xlsx"))) == 12
    figures = [_run("kpis", "--data", folder, "--format", "json") for folder in (csvs, books)]
    assert [figure.exit_code for figure in figures] == [exitcodes.OK, exitcodes.OK]
    assert json.loads(figures[0].stdout)["kpis"]
    assert figures[0].stdout == figures[1].stdout


def test_typed_cells_read_as_the_csv_text_would(tmp_path):
    """3.0 is 3, a date cell is that day (its time dropped), TRUE a yes, an empty cell blank."""
    data = tmp_path / "data"
    data.mkdir()
    write_workbook([HEADER + ["registered_24"], ["H1", "MAINSTREAM", "01/04/2020", "3", "Yes"],
                    ["H2", "CONNECTED", "15/06/2021", "1", "No"]], data / "households.xlsx")
    from fosterreport.records import load_extracts

    loaded = load_extracts(data)
    assert loaded.problems.problems == []
    frame = loaded.frames["households"]
    assert frame["approved_places"].tolist() == [3, 1]
    assert [str(day)[:10] for day in frame["approval_date"]] == ["2020-04-01", "2021-06-15"]
    assert frame["_line"].tolist() == [2, 3]


def test_a_bad_cell_is_located_by_file_sheet_and_row(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_workbook([HEADER, ["H1", "MAINSTREAM", "01/04/2020", "2"], ["H2", "MAINSTREAM", "not a date", "1"]],
                   data / "households.xlsx", sheet="Carers", before=[[], []])
    result = _run("validate", "--data", data)
    assert result.exit_code == exitcodes.INVALID_DATA
    assert ("households.xlsx[Carers]:5:approval_date  'not a date' is not a valid date (expected dd/mm/yyyy)  "
            "[error: invalid-date]") in result.output


def test_a_number_in_a_date_column_is_an_invalid_date_not_a_guessed_serial(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_workbook([HEADER, ["H1", "MAINSTREAM", 44652.0, 2.5]], data / "households.xlsx", typed_cells=False)
    result = _run("validate", "--data", data)
    assert result.exit_code == exitcodes.INVALID_DATA
    assert "households.xlsx[Sheet1]:2:approval_date  '44652' is not a valid date" in result.output
    assert "households.xlsx[Sheet1]:2:approved_places  '2.5' is not a whole number" in result.output


def test_the_sheet_named_in_the_config_is_read_and_a_missing_one_is_named(tmp_path):
    from openpyxl import Workbook

    data = tmp_path / "data"
    data.mkdir()
    book = Workbook()
    book.active.title = "Notes"
    book.active.append(["nothing here"])
    carers = book.create_sheet("Carers")
    for row in (HEADER, ["H1", "MAINSTREAM", datetime(2020, 4, 1), 2.0]):
        carers.append(row)
    book.save(data / "households.xlsx")
    config = tmp_path / "fosterreport.toml"
    config.write_text('[data]\npath = "data"\n[data.sheets]\nhouseholds = "Carers"\n', encoding="utf-8")
    assert _run("validate", "--config", config).exit_code == exitcodes.OK
    config.write_text('[data]\npath = "data"\n[data.sheets]\nhouseholds = "Carer"\n', encoding="utf-8")
    result = _run("validate", "--config", config)
    assert result.exit_code == exitcodes.INVALID_DATA
    assert ("households.xlsx  the workbook has no sheet named 'Carer' (its sheets: 'Notes', 'Carers'); see "
            "[data.sheets]  [error: unreadable-file]") in result.output
    result = _run("validate", "--data", data)  # the first sheet, without the setting
    assert result.exit_code == exitcodes.INVALID_DATA
    assert "households.xlsx[Notes]:1:household_id  required column household_id not found" in result.output


def test_a_sheets_key_that_names_no_extract_is_a_config_error(tmp_path):
    (tmp_path / "data").mkdir()
    config = tmp_path / "fosterreport.toml"
    config.write_text('[data]\npath = "data"\n[data.sheets]\nhouseholdz = "Carers"\n', encoding="utf-8")
    result = _run("validate", "--config", config)
    assert result.exit_code == exitcodes.USAGE
    assert "[data.sheets] householdz: no such extract (did you mean 'households'?)" in result.output


def test_an_extract_present_as_csv_and_xlsx_is_an_error_naming_both(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "households.csv").write_text(",".join(HEADER) + "\nH1,MAINSTREAM,01/04/2020,2\n", encoding="utf-8")
    write_workbook([HEADER, ["H1", "MAINSTREAM", "01/04/2020", "2"]], data / "households.xlsx")
    result = _run("validate", "--data", data)
    assert result.exit_code == exitcodes.INVALID_DATA
    assert "two files supply households: households.csv and households.xlsx" in result.output


def test_a_file_that_is_not_a_workbook_is_a_located_problem(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "households.xlsx").write_text("household_id\nH1\n", encoding="utf-8")
    result = _run("validate", "--data", data)
    assert result.exit_code == exitcodes.INVALID_DATA
    assert ("households.xlsx  the file is not an Excel workbook (.xlsx is a zip archive; this is not one)  "
            "[error: unreadable-file]") in result.output


def test_a_sheet_whose_cells_span_a_vast_grid_is_refused_before_it_is_read(tmp_path):
    """Two cells at A1 and XFD1048576: calamine would allocate 17 billion cells and abort."""
    from openpyxl import Workbook

    data = tmp_path / "data"
    data.mkdir()
    book = Workbook()
    book.active["A1"] = "household_id"
    book.active["XFD1048576"] = "x"
    book.save(data / "households.xlsx")
    result = _run("validate", "--data", data)
    assert result.exit_code == exitcodes.INVALID_DATA
    assert ("households.xlsx  the sheet's cells span 1,048,576 rows by 16,384 columns; the limit is 30,000,000 "
            "cells (is this the right file?)  [error: too-large]") in result.output


def test_an_over_long_cell_in_a_workbook_is_located(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_workbook([HEADER, ["H1", "MAINSTREAM", "x" * 20_000, "2"]], data / "households.xlsx")
    result = _run("validate", "--data", data)
    assert result.exit_code == exitcodes.INVALID_DATA
    assert "households.xlsx[Sheet1]:2:approval_date  the value is over 10,000 characters long" in result.output


def test_cross_file_problems_name_the_workbook_and_sheet(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_workbook([HEADER, ["H1", "MAINSTREAM", "01/04/2020", "2"], ["H1", "MAINSTREAM", "01/04/2020", "2"]],
                   data / "households.xlsx")
    result = _run("validate", "--data", data)
    assert result.exit_code == exitcodes.INVALID_DATA
    assert "households.xlsx[Sheet1]:3:household_id  'H1' appears more than once (first on line 2)" in result.output
