"""The malformed-input corpus: one defect per case, and exactly the problems it must give.

Each case is a tiny data folder under ``tests/fixtures/malformed/<case>/`` holding a
minimal valid ``households.csv`` (and whatever other file the case needs) with exactly
one defect, named for it. Cases whose bytes are awkward to keep in git (binary junk,
UTF-16, Windows-1252, a 10,000-character cell) are written by :data:`GENERATED` into a
temporary folder instead. ``valid_*`` cases must load without problems, ``warning_*``
cases with warnings only.

Expectations are frictionless-style ``(file, line, column, rule)`` tuples: the whole
list, so a defect that also sets off unrelated problems fails the test.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Callable

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.problems import PROJECT_RULES, RULES
from fosterreport.records import load_extracts

CORPUS = Path(__file__).parent / "fixtures" / "malformed"

HEADER = "household_id,household_type,approval_date,approved_places\n"
ROWS = "H001,MAINSTREAM,01/04/2020,2\nH002,CONNECTED,15/06/2021,1\n"

Expected = list[tuple[str, int | None, str | None, str]]

#: Rules whose problems are warnings (exit 0 unless --strict).
WARNING_RULES = {"encoding-fallback", "placement-before-approval", "over-capacity", "future-date",
                 "reason-without-date", "unknown-file", "other-delimiter"}

EXPECTED: dict[str, Expected] = {
    # -- one value -----------------------------------------------------------------------
    "invalid_date_31_february": [("households.csv", 3, "approval_date", "invalid-date")],
    "invalid_date_us_order": [("households.csv", 3, "approval_date", "invalid-date")],
    "invalid_date_iso_impossible": [("households.csv", 3, "approval_date", "invalid-date")],
    "invalid_date_text": [("households.csv", 3, "approval_date", "invalid-date")],
    "invalid_boolean": [("households.csv", 3, "temporary_approval", "invalid-boolean")],
    "invalid_money": [("budget.csv", 2, "budget", "invalid-money")],
    "invalid_count_places_zero": [("households.csv", 3, "approved_places", "invalid-number")],
    "invalid_count_not_whole": [("households.csv", 3, "approved_places", "invalid-number")],
    "invalid_count_too_large": [("households.csv", 3, "approved_places", "invalid-number")],
    "invalid_count_negative": [("budget.csv", 2, "funded_placements", "invalid-number")],
    "unknown_code": [("households.csv", 3, "household_type", "invalid-code")],
    "unknown_code_provider": [("placements.csv", 2, "provider", "invalid-code")],
    "invalid_financial_year": [("budget.csv", 2, "financial_year", "invalid-year")],
    "missing_value_required": [("households.csv", 3, "approval_date", "missing-value")],
    "missing_value_null_id": [("households.csv", 3, "household_id", "missing-value")],
    # -- headers, files, bytes -------------------------------------------------------------
    "missing_required_column": [("households.csv", 1, "household_type", "missing-column")],
    "missing_required_column_optional_file": [("placements.csv", 1, "child_id", "missing-column")],
    "ambiguous_column": [("households.csv", 1, "household_id", "ambiguous-column")],
    "ambiguous_file_csv_and_tsv": [("households.tsv", None, None, "ambiguous-column")],
    "households_absent": [("households.csv", None, None, "missing-column")],
    "empty_file": [("households.csv", 1, None, "empty-file")],
    "ragged_row_too_many_cells": [("households.csv", 3, None, "ragged-row")],
    "ragged_row_too_few_cells": [("households.csv", 3, None, "ragged-row")],
    "unterminated_quote": [("households.csv", 3, None, "unreadable-file")],
    "unterminated_quote_last_cell": [("households.csv", 3, None, "unreadable-file")],
    "line_numbers_after_quoted_newline_and_blank_lines": [("households.csv", 5, "approval_date", "invalid-date")],
    "binary_file": [("households.csv", None, None, "unreadable-file")],
    "utf16_without_bom": [("households.csv", None, None, "unreadable-file")],
    "utf16_big_endian_without_bom": [("households.csv", None, None, "unreadable-file")],
    "neither_utf8_nor_windows_1252": [("households.csv", None, None, "unreadable-file")],
    "huge_field": [("households.csv", 3, "household_id", "too-large")],
    # -- rows and files together -----------------------------------------------------------
    "duplicate_id": [("households.csv", 3, "household_id", "duplicate-id")],
    "unknown_reference": [("placements.csv", 2, "household_id", "unknown-reference")],
    "approval_mismatch": [("enquiries.csv", 2, "approval_date", "approval-mismatch")],
    "date_order_deregistration_before_approval": [("households.csv", 3, "deregistration_date", "date-order")],
    "date_order_application_before_enquiry": [("enquiries.csv", 2, "application_date", "date-order")],
    "date_order_closed_before_enquiry": [("enquiries.csv", 2, "closed_date", "date-order")],
    "approved_and_closed": [("enquiries.csv", 2, "closed_date", "conflicting-values")],
    "deregistration_reason_missing": [("households.csv", 3, "deregistration_reason", "missing-value")],
    "closed_reason_missing": [("enquiries.csv", 2, "closed_reason", "missing-value")],
    "household_missing_for_approved_enquiry": [("enquiries.csv", 2, "household_id", "missing-value")],
    "in_house_placement_without_household": [("placements.csv", 2, "household_id", "missing-value")],
    "overlapping_main_placements": [("placements.csv", 3, "start_date", "overlapping-placement")],
    "two_mockingbird_hubs": [("mockingbird.csv", 3, "role", "two-hubs")],
    # -- warnings ----------------------------------------------------------------------------
    "warning_placement_before_approval": [("placements.csv", 2, "start_date", "placement-before-approval")],
    "warning_over_capacity": [("placements.csv", 3, "household_id", "over-capacity")],
    "warning_reason_without_date": [("households.csv", 3, "deregistration_reason", "reason-without-date")],
    "warning_future_date": [("households.csv", 3, "approval_date", "future-date")],
    "warning_semicolon_delimiter": [("households.csv", 1, None, "other-delimiter")],
    "warning_windows_1252_pound_sign": [("budget.csv", 2, None, "encoding-fallback")],
    "warning_misspelt_file_name": [("vists.csv", None, None, "unknown-file")],
    # -- valid -------------------------------------------------------------------------------
    "valid_minimal": [],
    "valid_every_file_one_row": [],
    "valid_every_file_header_only": [],
    "valid_utf8_bom": [],
    "valid_utf16_bom": [],
    "valid_utf16_big_endian_bom": [],
    "valid_tsv": [],
    "valid_capitalised_file_name": [],
    "valid_normalised_headers": [],
    "valid_mosaic_alias_headers": [],
    "valid_labels_instead_of_codes": [],
    "valid_money_forms": [],
    "valid_date_forms": [],
    "valid_null_and_na_blanks": [],
    "valid_leading_zeros": [],
    "valid_extra_columns": [],
    "valid_crlf_line_endings": [],
}


# -- cases written at test time ----------------------------------------------------------


def _binary(folder: Path) -> None:
    junk = random.Random(7)
    (folder / "households.csv").write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(junk.randrange(256) for _ in range(2000)))


def _utf16_le_no_bom(folder: Path) -> None:
    (folder / "households.csv").write_bytes((HEADER + ROWS).encode("utf-16-le"))


def _utf16_be_no_bom(folder: Path) -> None:
    (folder / "households.csv").write_bytes((HEADER + ROWS).encode("utf-16-be"))


def _utf16_le_bom(folder: Path) -> None:
    (folder / "households.csv").write_bytes((HEADER + ROWS).encode("utf-16"))  # BOM + native order


def _utf16_be_bom(folder: Path) -> None:
    (folder / "households.csv").write_bytes(b"\xfe\xff" + (HEADER + ROWS).encode("utf-16-be"))


def _neither_encoding(folder: Path) -> None:
    # 0x81 and 0x8D are undefined in Windows-1252 and cannot start a UTF-8 sequence.
    (folder / "households.csv").write_bytes((HEADER + ROWS).encode() + b"H003,MAIN\x81\x8dSTREAM,01/01/2022,1\n")


def _huge_field(folder: Path) -> None:
    (folder / "households.csv").write_text(HEADER + "H001,MAINSTREAM,01/04/2020,2\n"
                                           + "H" + "x" * 10_001 + ",CONNECTED,15/06/2021,1\n")


def _windows_1252(folder: Path) -> None:
    (folder / "households.csv").write_text(HEADER + ROWS)
    (folder / "budget.csv").write_bytes(
        "financial_year,line,budget,outturn\n2022-23,Fees and allowances,\"£5,320,883\",£5100000\n"
        .encode("cp1252"))


def _misspelt_file_name(folder: Path) -> None:
    (folder / "households.csv").write_text(HEADER + ROWS)
    (folder / "vists.csv").write_text("visit_id,household_id,visit_date\n")
    (folder / "notes.md").write_text("not a table: no warning")


GENERATED: dict[str, Callable[[Path], None]] = {
    "warning_misspelt_file_name": _misspelt_file_name,
    "binary_file": _binary,
    "utf16_without_bom": _utf16_le_no_bom,
    "utf16_big_endian_without_bom": _utf16_be_no_bom,
    "neither_utf8_nor_windows_1252": _neither_encoding,
    "huge_field": _huge_field,
    "warning_windows_1252_pound_sign": _windows_1252,
    "valid_utf16_bom": _utf16_le_bom,
    "valid_utf16_big_endian_bom": _utf16_be_bom,
}


def case_folder(case: str, tmp_path: Path) -> Path:
    if case in GENERATED:
        folder = tmp_path / case
        folder.mkdir()
        GENERATED[case](folder)
        return folder
    return CORPUS / case


def as_tuples(problems) -> list[tuple]:
    return sorted(((p.file, p.line, p.column, p.rule) for p in problems), key=_order)


def _order(item: tuple) -> tuple:
    file, line, column, rule = item
    return file, line or 0, column or "", rule


def has_errors(expected: Expected) -> bool:
    return any(rule not in WARNING_RULES for *_, rule in expected)


CASES = sorted(EXPECTED)


# -- the corpus is what it says it is -------------------------------------------------------


def test_every_fixture_folder_has_an_expectation_and_vice_versa():
    folders = {path.name for path in CORPUS.iterdir() if path.is_dir()}
    assert folders == set(EXPECTED) - set(GENERATED)
    assert len(folders) >= 30
    for folder in folders:
        assert any((CORPUS / folder).iterdir()), folder


def test_every_data_rule_is_exercised_by_some_case():
    exercised = {rule for expected in EXPECTED.values() for *_, rule in expected}
    assert set(RULES) - PROJECT_RULES <= exercised, set(RULES) - PROJECT_RULES - exercised
    assert exercised <= set(RULES)


def test_case_names_say_what_they_expect():
    for case, expected in EXPECTED.items():
        if case.startswith("valid_"):
            assert expected == [], case
        elif case.startswith("warning_"):
            assert expected and not has_errors(expected), case
        else:
            assert len(expected) == 1 and has_errors(expected), case  # one defect, one error


# -- the library ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_problems_are_exactly_the_expected_ones(case, tmp_path):
    extracts = load_extracts(case_folder(case, tmp_path))
    assert as_tuples(extracts.problems.problems) == sorted(EXPECTED[case], key=_order)
    for problem in extracts.problems.problems:
        assert (problem.severity == "warning") == (problem.rule in WARNING_RULES)
        assert problem.rule in RULES


# -- the command -------------------------------------------------------------------------------

runner = CliRunner()


@pytest.mark.parametrize("case", CASES)
def test_validate_command(case, tmp_path):
    folder = case_folder(case, tmp_path)
    expected = EXPECTED[case]
    result = runner.invoke(app, ["validate", "--data", str(folder)])
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    assert result.exit_code == (exitcodes.INVALID_DATA if has_errors(expected) else exitcodes.OK), result.output
    for file, line, column, rule in expected:
        assert file in result.output
        if line is not None:
            assert f"{file}:{line}" + (f":{column}" if column else "") in result.output
        assert f"[{'warning' if rule in WARNING_RULES else 'error'}: {rule}]" in result.output
    if not expected:
        assert "no problems found" in result.output

    as_json = runner.invoke(app, ["validate", "--data", str(folder), "--format", "json"])
    report = json.loads(as_json.stdout)
    found = [(p["file"], p["line"], p["column"], p["rule"]) for p in report["errors"] + report["warnings"]]
    assert sorted(found, key=_order) == sorted(expected, key=_order)
    assert report["ok"] is not has_errors(expected)

    if expected and not has_errors(expected):
        strict = runner.invoke(app, ["validate", "--data", str(folder), "--strict"])
        assert strict.exit_code == exitcodes.INVALID_DATA
        assert "Traceback" not in strict.output


# -- messages say what was found and what was expected -------------------------------------------


def _messages(case: str, tmp_path: Path) -> list[str]:
    return [p.as_text() for p in load_extracts(case_folder(case, tmp_path)).problems.sorted()]


@pytest.mark.parametrize("case, message", [
    ("invalid_date_31_february",
     "households.csv:3:approval_date  '31/02/2023' is not a valid date (expected dd/mm/yyyy)"),
    ("invalid_date_us_order",
     "households.csv:3:approval_date  '04/13/2023' is not a valid date (expected dd/mm/yyyy)"),
    ("invalid_count_places_zero", "households.csv:3:approved_places  '0' is below the minimum of 1"),
    ("unknown_reference", "placements.csv:2:household_id  'H999' is not in households.csv"),
    ("duplicate_id", "households.csv:3:household_id  'H001' appears more than once (first on line 2)"),
    ("date_order_application_before_enquiry",
     "enquiries.csv:2:application_date  application (05/01/2020) is before enquiry (10/01/2020)"),
    ("date_order_deregistration_before_approval",
     "households.csv:3:deregistration_date  deregistration (01/06/2021) is before approval (15/06/2021)"),
    ("approval_mismatch", "enquiries.csv:2:approval_date  approval (02/04/2020) differs from the household's "
                          "approval_date in households.csv (01/04/2020)"),
    ("deregistration_reason_missing",
     "households.csv:3:deregistration_reason  deregistration_reason is required when deregistration_date is set"),
    ("in_house_placement_without_household",
     "placements.csv:2:household_id  household_id is required when provider is IN_HOUSE"),
    ("ragged_row_too_many_cells", "households.csv:3  the row has 5 cells; the header has 4"),
    ("ragged_row_too_few_cells", "households.csv:3  the row has 2 cells; the header has 4"),
    ("utf16_without_bom", "households.csv  the file looks like UTF-16 without a byte order mark; "
                          "save it as UTF-8 (or UTF-16 with BOM)"),
    ("binary_file", "households.csv  the file is binary, not CSV text"),
])
def test_message(case, message, tmp_path):
    assert message in _messages(case, tmp_path)


def test_missing_column_lists_the_columns_found_and_suggests_the_closest(tmp_path):
    [message] = _messages("missing_required_column", tmp_path)
    assert message == ("households.csv:1:household_type  required column household_type not found (columns "
                       "found: household_id, houshold_type, approval_date, approved_places); "
                       "did you mean 'houshold_type'?")


def test_unterminated_quote_names_the_line_where_the_quote_opens(tmp_path):
    [message] = _messages("unterminated_quote", tmp_path)
    assert message.startswith("households.csv:3  the quoted field that starts on line 3 is never closed")


def test_huge_field_message_does_not_repeat_the_value(tmp_path):
    [message] = _messages("huge_field", tmp_path)
    assert message == "households.csv:3:household_id  the value is over 10,000 characters long"


def test_windows_1252_warning_names_file_and_encoding_and_reads_the_pound_sign(tmp_path):
    extracts = load_extracts(case_folder("warning_windows_1252_pound_sign", tmp_path))
    [warning] = extracts.problems.warnings
    assert warning.file == "budget.csv" and "Windows-1252" in warning.message
    assert extracts.files["budget"].encoding == "windows-1252"
    from decimal import Decimal
    assert extracts.frames["budget"]["budget"].tolist() == [Decimal("5320883")]
    assert extracts.frames["budget"]["outturn"].tolist() == [Decimal("5100000")]


# -- what the valid cases read ---------------------------------------------------------------------


def _frames(case: str, tmp_path: Path):
    extracts = load_extracts(case_folder(case, tmp_path))
    assert extracts.problems.problems == []
    return extracts.frames


def test_valid_every_file_header_only_gives_empty_frames_for_every_file(tmp_path):
    from fosterreport.contract import EXTRACTS
    frames = _frames("valid_every_file_header_only", tmp_path)
    assert set(frames) == set(EXTRACTS)
    assert all(frame.empty for frame in frames.values())


def test_valid_leading_zeros_are_kept(tmp_path):
    frames = _frames("valid_leading_zeros", tmp_path)
    assert frames["households"]["household_id"].tolist() == ["007", "0012"]
    assert frames["placements"][["placement_id", "child_id", "household_id"]].iloc[0].tolist() == \
        ["0001", "00099", "007"]


def test_valid_money_forms_are_decimals(tmp_path):
    from decimal import Decimal
    budget = _frames("valid_money_forms", tmp_path)["budget"]
    assert budget["budget"].tolist() == [Decimal("5320883"), Decimal("5320883"), Decimal("-1234.50")]
    assert budget["outturn"].tolist() == [Decimal("5320883.00"), Decimal("-1234.50"), Decimal("0")]
    assert budget["financial_year"].tolist() == ["2022-23", "2022-23", "2023-24"]


def test_valid_date_forms_drop_the_time_and_read_month_names(tmp_path):
    households = _frames("valid_date_forms", tmp_path)["households"]
    assert [str(d.date()) for d in households["approval_date"]] == ["2020-04-01", "2021-06-15", "2022-04-01"]
    assert [str(d.date()) for d in households["deregistration_date"].dropna()] == ["2023-04-01", "2023-04-01"]


def test_valid_labels_read_as_codes(tmp_path):
    frames = _frames("valid_labels_instead_of_codes", tmp_path)
    households = frames["households"]
    assert households["household_type"].tolist() == ["CONNECTED", "CONNECTED", "MAINSTREAM", "FFA"]
    assert households["deregistration_reason"].dropna().tolist() == ["TRANSFERRED_IFA"]
    assert households["ethnicity_group"].dropna().tolist() == ["MIXED", "UNKNOWN"]
    placements = frames["placements"]
    assert placements["provider"].tolist() == ["IN_HOUSE", "IFA", "IN_HOUSE"]
    assert placements["placement_kind"].tolist() == ["MAIN", "MAIN", "RESPITE"]


def test_valid_mosaic_alias_headers_map_onto_contract_columns(tmp_path):
    frames = _frames("valid_mosaic_alias_headers", tmp_path)
    households = frames["households"]
    assert households["temporary_approval"].tolist() == [False, True]
    assert households["deregistration_reason"].dropna().tolist() == ["RESIGNED"]  # DER3
    assert frames["placements"]["provider"].tolist() == ["IN_HOUSE"]  # PR1
    assert frames["enquiries"]["household_type_sought"].tolist() == ["MAINSTREAM"]  # blank = MAINSTREAM


def test_valid_null_and_na_are_missing(tmp_path):
    households = _frames("valid_null_and_na_blanks", tmp_path)["households"]
    assert households["deregistration_date"].isna().all()
    assert households["deregistration_reason"].isna().all()
    assert households["ethnicity_group"].isna().all()
    assert households["temporary_approval"].tolist() == [False, False]


def test_valid_extra_columns_never_reach_a_frame(tmp_path):
    frames = _frames("valid_extra_columns", tmp_path)
    households = frames["households"]
    assert "Carer Name" not in households.columns and "Address" not in households.columns
    text = households.astype(str).to_string()
    assert "Jo Bloggs" not in text and "High Street" not in text


@pytest.mark.parametrize("case", ["valid_utf8_bom", "valid_utf16_bom", "valid_utf16_big_endian_bom", "valid_tsv",
                                  "valid_capitalised_file_name", "valid_normalised_headers",
                                  "valid_crlf_line_endings"])
def test_valid_spellings_of_the_same_file_read_the_same(case, tmp_path):
    expected = _frames("valid_minimal", tmp_path)["households"]
    frame = _frames(case, tmp_path)["households"]
    assert frame.drop(columns="_line").equals(expected.drop(columns="_line"))
    assert frame["_line"].tolist() == ([2, 4] if case == "valid_crlf_line_endings" else [2, 3])
