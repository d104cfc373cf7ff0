"""Reading extract files: names, headers, aliases, config mappings and physical line numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fosterreport import extracts
from fosterreport.config import Config, load_config
from fosterreport.contract import EXTRACTS, columns
from fosterreport.exceptions import ConfigError
from fosterreport.extracts import discover, header_key, read_extract
from fosterreport.records import load_extracts

HEADER = "household_id,household_type,approval_date,approved_places\n"
ROWS = "H001,MAINSTREAM,01/04/2020,2\nH002,CONNECTED,15/06/2021,1\n"


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def problems(folder: Path, config: Config | None = None) -> list[tuple]:
    return [(p.file, p.line, p.column, p.rule) for p in load_extracts(folder, config).problems.sorted()]


# -- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["household_id", "Household ID", "HOUSEHOLD_ID", "household-id", " Household  Id ",
                                    "Household - ID", "_household_id_"])
def test_header_key_normalises_case_spaces_hyphens_underscores(header):
    assert header_key(header) == "household_id"


@pytest.mark.parametrize("spelling", ["Household ID", "HOUSEHOLD_ID", "household-id"])
def test_normalised_headers_find_the_column(tmp_path, spelling):
    write(tmp_path, "households.csv", HEADER.replace("household_id", spelling) + ROWS)
    loaded = load_extracts(tmp_path)
    assert loaded.problems.problems == []
    assert loaded.frames["households"]["household_id"].tolist() == ["H001", "H002"]


@pytest.mark.parametrize("alias", ["CARER_ID", "HOUSEHOLD_REF", "FOSTER_CARER_ID", "Carer Id", "foster-carer-id"])
def test_builtin_aliases_find_the_column(tmp_path, alias):
    write(tmp_path, "households.csv", HEADER.replace("household_id", alias) + ROWS)
    assert load_extracts(tmp_path).frames["households"]["household_id"].tolist() == ["H001", "H002"]


def test_extra_columns_never_appear_in_any_frame(tmp_path):
    """Exports carry names and addresses: every file's frame holds the contract's columns only."""
    write(tmp_path, "households.csv",
          "Carer Name,household_id,household_type,approval_date,approved_places,Address,NI Number\n"
          'Jo Bloggs,H001,MAINSTREAM,01/04/2020,2,"1 High St, Anytown",AB123456C\n')
    write(tmp_path, "placements.csv", "placement_id,Child Name,child_id,provider,household_id,start_date,DOB\n"
                                      "P1,Alex Smith,C1,IN_HOUSE,H001,01/05/2020,01/01/2012\n")
    write(tmp_path, "training.csv", "session_id,session_date,course,carer_id,Carer Name\n"
                                    "S1,01/02/2022,Skills to Foster,CARER9,Jo Bloggs\n")
    loaded = load_extracts(tmp_path)
    assert loaded.problems.problems == []
    for name, frame in loaded.frames.items():
        assert list(frame.columns) == [spec.name for spec in columns(EXTRACTS[name])] + ["_line"]
        text = frame.astype(str).to_string()
        for secret in ("Jo Bloggs", "High St", "AB123456C", "Alex Smith", "01/01/2012", "2012"):
            assert secret not in text


def test_extra_columns_are_dropped_before_they_are_read(tmp_path):
    path = write(tmp_path, "households.csv", "Carer Name," + HEADER + "Jo Bloggs," + ROWS.split("\n")[0] + "\n")
    raw = read_extract("households", path)
    assert "Carer Name" in raw.headers
    assert set(raw.table.column_names) == {"household_id", "household_type", "approval_date", "approved_places"}


# -- file names ------------------------------------------------------------------------------


def test_discovery_is_case_insensitive_and_warns_of_other_tables(tmp_path):
    write(tmp_path, "Households.CSV", HEADER + ROWS)
    write(tmp_path, "PLACEMENTS.tsv", "placement_id\tchild_id\tprovider\tstart_date\n")
    write(tmp_path, "households.xls", b"\xd0\xcf\x11\xe0")
    write(tmp_path, "notes.csv", "anything\n")
    write(tmp_path, "README.txt", "hello")
    (tmp_path / "enquiries.csv").mkdir()  # a folder with a contract name is not a file
    found, found_problems = discover(tmp_path)
    assert {name: path.name for name, path in found.items()} == {"households": "Households.CSV",
                                                                "placements": "PLACEMENTS.tsv"}
    # README.txt is not a table: no word about it; the other two would be a silent loss.
    assert [(p.file, p.rule, p.severity, p.message) for p in found_problems] == [
        ("households.xls", "unknown-file", "warning",
         "not read: extracts are read from .csv, .tsv or .xlsx files (save it as .xlsx or CSV, UTF-8)"),
        ("notes.csv", "unknown-file", "warning",
         "not an extract of the contract, so not read (`fosterreport schema` lists the files)"),
    ]


def test_problems_name_the_file_as_saved(tmp_path):
    write(tmp_path, "Households.CSV", HEADER + ROWS)
    write(tmp_path, "Placements.csv", "placement_id,child_id,provider,household_id,start_date\n"
                                      "P1,C1,IN_HOUSE,H999,01/05/2022\n")
    assert problems(tmp_path) == [("Placements.csv", 2, "household_id", "unknown-reference")]


# -- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoded, encoding", [
    ((HEADER + ROWS).encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + (HEADER + ROWS).encode("utf-8"), "utf-8-sig"),
    ((HEADER + ROWS).encode("utf-16"), "utf-16"),
    (b"\xfe\xff" + (HEADER + ROWS).encode("utf-16-be"), "utf-16"),
    ((HEADER + "H001,MAINSTREAM,01/04/2020,2\nH002,CONNECTED,15/06/2021,1,\n").encode("utf-8").replace(b",\n", b"\n")
     .replace(b"H002", "Hé02".encode("cp1252")), "windows-1252"),
])
def test_encodings_are_recorded(tmp_path, encoded, encoding):
    write(tmp_path, "households.csv", encoded)
    loaded = load_extracts(tmp_path)
    assert loaded.files["households"].encoding == encoding
    assert len(loaded.frames["households"]) == 2
    if encoding == "windows-1252":
        assert loaded.frames["households"]["household_id"].tolist() == ["H001", "Hé02"]


def test_sha256_and_row_count_are_recorded(tmp_path):
    import hashlib
    data = (HEADER + ROWS).encode()
    write(tmp_path, "households.csv", data)
    info = load_extracts(tmp_path).files["households"]
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.rows == 2


def test_whitespace_only_file_is_empty(tmp_path):
    write(tmp_path, "households.csv", " \r\n\n ")
    assert problems(tmp_path) == [("households.csv", 1, None, "empty-file")]


def test_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(extracts, "MAX_FILE_BYTES", 50)
    write(tmp_path, "households.csv", HEADER + ROWS)
    assert problems(tmp_path) == [("households.csv", None, None, "too-large")]


def test_a_huge_count_cell_is_two_problems_not_a_crash(tmp_path):
    write(tmp_path, "households.csv", HEADER + "H001,MAINSTREAM,01/04/2020," + "9" * 10_001 + "\n")
    assert problems(tmp_path) == [("households.csv", 2, "approved_places", "invalid-number"),
                                  ("households.csv", 2, "approved_places", "too-large")]


# -- line numbers ---------------------------------------------------------------------------


def test_lines_are_physical_with_quoted_newlines_and_blank_lines(tmp_path):
    write(tmp_path, "households.csv",
          "household_id,household_type,approval_date,approved_places,notes\n"     # 1
          'H001,MAINSTREAM,01/04/2020,2,"one\ntwo\n\nthree"\n'                     # 2-5
          "\n"                                                                       # 6
          "H002,CONNECTED,31/02/2023,1,\n"                                           # 7
          "\n\n"                                                                     # 8-9
          'H003,MAINSTREAM,01/01/2022,0,"a ""quoted"", word"\n'                      # 10
          "H004,MAINSTREAM,01/01/2022,1,last")                                       # 11, no final newline
    loaded = load_extracts(tmp_path)
    assert loaded.frames["households"]["_line"].tolist() == [2, 7, 10, 11]
    assert problems(tmp_path) == [("households.csv", 7, "approval_date", "invalid-date"),
                                  ("households.csv", 10, "approved_places", "invalid-number")]


def test_lines_with_crlf_endings(tmp_path):
    write(tmp_path, "households.csv", (HEADER + "H001,MAINSTREAM,01/04/2020,2\n\nH002,CONNECTED,31/02/2023,1\n")
          .replace("\n", "\r\n"))
    assert problems(tmp_path) == [("households.csv", 4, "approval_date", "invalid-date")]


def test_lines_with_classic_mac_endings(tmp_path):
    write(tmp_path, "households.csv", (HEADER + "H001,MAINSTREAM,01/04/2020,2\nH002,CONNECTED,31/02/2023,1\n")
          .replace("\n", "\r"))
    assert problems(tmp_path) == [("households.csv", 3, "approval_date", "invalid-date")]


def test_a_stray_quote_inside_an_unquoted_field_does_not_shift_lines(tmp_path):
    write(tmp_path, "households.csv",
          "household_id,household_type,approval_date,approved_places,notes\n"
          "H001,MAINSTREAM,01/04/2020,2,5'10\" tall\n"
          '"H002",CONNECTED,15/06/2021,1,"two\nlines"\n'
          "H003,MAINSTREAM,31/02/2023,1,a 12\" TV\n")
    assert problems(tmp_path) == [("households.csv", 5, "approval_date", "invalid-date")]
    assert load_extracts(tmp_path).frames["households"]["_line"].tolist() == [2, 3, 5]


def test_ragged_rows_do_not_shift_later_lines(tmp_path):
    write(tmp_path, "households.csv", HEADER + "H001,MAINSTREAM,01/04/2020\n" + "H002,CONNECTED,31/02/2023,1\n"
          + 'H003,MAINSTREAM,01/04/2020,1,"x\ny"\n' + "H004,MAINSTREAM,01/04/2020,0\n")
    assert problems(tmp_path) == [("households.csv", 2, None, "ragged-row"),
                                  ("households.csv", 3, "approval_date", "invalid-date"),
                                  ("households.csv", 4, None, "ragged-row"),
                                  ("households.csv", 6, "approved_places", "invalid-number")]


_cell = st.lists(st.sampled_from(list('ab ,"\n\té') + ["\r\n", '""']), max_size=8).map("".join)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_cell, st.integers(0, 2), st.sampled_from(["minimal", "all", "stray"])),
                    max_size=12))
def test_lines_match_the_csv_module_for_any_quoting(tmp_path_factory, rows):
    """Cells with commas, quotes and newlines, stray quotes in unquoted cells, and blank lines
    between rows: every row keeps the physical line it starts on, and its text."""
    folder = tmp_path_factory.mktemp("lines")
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["household_id", "household_type", "approval_date", "approved_places", "notes"])
    expected_lines = []
    for index, (notes, blanks, quoting) in enumerate(rows):
        out.write("\n" * blanks)
        cells = [f"H{index:03}", "MAINSTREAM", "01/04/2020", "1", notes]
        expected_lines.append(out.getvalue().count("\n") + 1)
        if quoting == "all":
            out.write(",".join('"' + cell.replace('"', '""') + '"' for cell in cells) + "\n")
        elif quoting == "stray":  # quotes inside an unquoted field are plain text: 5'10" tall
            cells[-1] = "x" + "".join(c for c in notes if c not in ",\r\n")
            out.write(",".join(cells) + "\n")
        else:
            writer.writerow(cells)
    write(folder, "households.csv", out.getvalue())
    raw = read_extract("households", folder / "households.csv")
    assert raw.problems == []
    assert raw.lines.tolist() == expected_lines
    assert raw.table["household_id"].to_pylist() == [f"H{index:03}" for index in range(len(rows))]


# -- config: aliases and code maps ----------------------------------------------------------------


def test_config_header_alias(tmp_path):
    write(tmp_path, "households.csv", HEADER.replace("household_id", "Foster Carer Ref") + ROWS)
    assert problems(tmp_path) == [("households.csv", 1, "household_id", "missing-column")]
    config = Config(data={"columns": {"households": {"household_id": ["Foster Carer Ref"]}}})
    loaded = load_extracts(tmp_path, config)
    assert loaded.problems.problems == []
    assert loaded.frames["households"]["household_id"].tolist() == ["H001", "H002"]


DEREGISTERED = (HEADER.replace("\n", ",deregistration_date,deregistration_reason\n")
                + "H001,MAINSTREAM,01/04/2020,2,01/04/2023,RET\nH002,CONNECTED,15/06/2021,1,01/05/2023,ret \n")


@pytest.mark.parametrize("key", ["deregistration_reason", "households.deregistration_reason"])
def test_config_code_map(tmp_path, key):
    write(tmp_path, "households.csv", DEREGISTERED)
    assert problems(tmp_path) == [("households.csv", 2, "deregistration_reason", "invalid-code"),
                                  ("households.csv", 3, "deregistration_reason", "invalid-code")]
    loaded = load_extracts(tmp_path, Config(data={"codes": {key: {"RET": "RESIGNED"}}}))
    assert loaded.problems.problems == []
    assert loaded.frames["households"]["deregistration_reason"].tolist() == ["RESIGNED", "RESIGNED"]


def test_config_code_map_for_another_file_does_not_apply(tmp_path):
    write(tmp_path, "households.csv", DEREGISTERED)
    config = Config(data={"codes": {"enquiries.closed_reason": {"RET": "OTHER"}}})
    assert [rule for *_, rule in problems(tmp_path, config)] == ["invalid-code", "invalid-code"]


def test_config_from_toml(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write(data, "households.csv", DEREGISTERED.replace("household_id", "Foster Carer Ref"))
    toml = tmp_path / "fosterreport.toml"
    toml.write_text('[data]\npath = "data"\n\n[data.columns.households]\nhousehold_id = ["Foster Carer Ref"]\n\n'
                    '[data.codes.deregistration_reason]\n"RET" = "RESIGNED"\n')
    config = load_config(toml)
    loaded = load_extracts(config.resolve(config.data.path), config)
    assert loaded.problems.problems == []
    assert loaded.frames["households"]["deregistration_reason"].tolist() == ["RESIGNED", "RESIGNED"]


@pytest.mark.parametrize("data, message", [
    ({"columns": {"households": {"houshold_id": ["Ref"]}}},
     "[data.columns.households] houshold_id: no such column (did you mean 'household_id'?)"),
    ({"columns": {"housholds": {"household_id": ["Ref"]}}},
     "[data.columns.housholds]: no such extract (did you mean 'households'?)"),
    ({"codes": {"deregistration_reason": {"RET": "RETIRED"}}},
     "[data.codes.deregistration_reason] 'RET' = 'RETIRED': not a deregistration_reason code"),
    ({"codes": {"deregistration_reasons": {"RET": "RESIGNED"}}},
     "[data.codes.deregistration_reasons]: not a coded column (did you mean 'deregistration_reason'?)"),
    ({"codes": {"household_id": {"X": "Y"}}}, "[data.codes.household_id]: not a coded column"),
    ({"codes": {"placements.deregistration_reason": {"RET": "RESIGNED"}}},
     "[data.codes.placements.deregistration_reason]: not a coded column"),
])
def test_config_mapping_to_nothing_is_a_config_error(tmp_path, data, message):
    write(tmp_path, "households.csv", HEADER + ROWS)
    with pytest.raises(ConfigError) as caught:
        load_extracts(tmp_path, Config(data=data))
    assert any(message in line for line in caught.value.messages), caught.value.messages


# -- cross-file checks on empty and sparse files (these used to raise) ---------------------------


def test_references_into_a_header_only_households_file(tmp_path):
    write(tmp_path, "households.csv", HEADER)
    write(tmp_path, "placements.csv", "placement_id,child_id,provider,household_id,start_date\n"
                                      "P1,C1,IN_HOUSE,H001,01/05/2022\n")
    write(tmp_path, "enquiries.csv", "enquiry_id,enquiry_date,approval_date,household_id\nE1,10/01/2020,01/04/2020,H001\n")
    assert problems(tmp_path) == [("enquiries.csv", 2, "household_id", "unknown-reference"),
                                  ("placements.csv", 2, "household_id", "unknown-reference")]


def test_placements_with_no_in_house_main_placement(tmp_path):
    write(tmp_path, "households.csv", HEADER + ROWS)
    write(tmp_path, "placements.csv", "placement_id,child_id,provider,household_id,start_date,placement_kind\n"
                                      "P1,C1,IFA,,01/05/2022,MAIN\nP2,C2,IN_HOUSE,H001,01/05/2022,RESPITE\n")
    assert problems(tmp_path) == []


def test_every_file_header_only_except_households(tmp_path):
    for name, model in EXTRACTS.items():
        write(tmp_path, model.file, ",".join(spec.name for spec in columns(model)) + "\n")
    write(tmp_path, "households.csv", HEADER + ROWS)
    assert problems(tmp_path) == []
