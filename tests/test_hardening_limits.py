"""Limits: file size, row count, field length, problems per column and narrative size.

Each limit is about a corrupt or wrong file, not a big council, and each gives a message
that names the file (and the line, where there is one). The 2 GB cases use sparse files
(``truncate``): nothing is ever written or read at that size, and the test proves it by
the time taken and the memory high-water mark.
"""

from __future__ import annotations

import resource
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes, extracts
from fosterreport.cli import app
from fosterreport.records import load_extracts

FIXTURE = Path(__file__).parent / "fixtures" / "kpis" / "year_2022_23"
HEADER = "household_id,household_type,approval_date,approved_places\n"
runner = CliRunner()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as stream:
        stream.write(HEADER.encode())
        stream.truncate(size)
    return path


def test_a_2_gb_extract_is_refused_before_it_is_read(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    _sparse(data / "households.csv", 2 * 1024 ** 3)
    shutil.copy(FIXTURE / "placements.csv", data / "placements.csv")
    peak, started = _peak_mb(), time.perf_counter()
    result = runner.invoke(app, ["validate", "--data", str(data)])
    elapsed, grown = time.perf_counter() - started, _peak_mb() - peak
    assert result.exit_code == exitcodes.INVALID_DATA, result.output
    assert "households.csv  the file is 2,147,483,648 bytes; the limit is 1,073,741,824" in result.output
    assert elapsed < 10 and grown < 200, (elapsed, grown)  # reading it would take seconds and 2 GB


def test_a_file_of_too_many_rows_is_refused_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr(extracts, "MAX_ROWS", 10)
    data = tmp_path / "data"
    data.mkdir()
    (data / "households.csv").write_text(HEADER + "".join(f"H{i},MAINSTREAM,01/04/2020,1\n" for i in range(11)))
    problems = load_extracts(data).problems.errors
    assert [(p.file, p.rule, p.message) for p in problems] == [
        ("households.csv", "too-large", "the file has 11 rows after its header; the limit is 10 (is this the "
                                        "right file?)")]
    (data / "households.csv").write_text(HEADER + "".join(f"H{i},MAINSTREAM,01/04/2020,1\n" for i in range(10)))
    assert not load_extracts(data).problems.errors  # the limit itself is allowed


def test_the_row_limit_is_checked_before_parsing(tmp_path, monkeypatch):
    import pyarrow.csv as pacsv

    monkeypatch.setattr(extracts, "MAX_ROWS", 5)
    monkeypatch.setattr(pacsv, "read_csv", lambda *a, **k: pytest.fail("parsed a file over the row limit"))
    (tmp_path / "households.csv").write_text(HEADER + "H1,MAINSTREAM,01/04/2020,1\n" * 6)
    assert [p.rule for p in load_extracts(tmp_path).problems.errors] == ["too-large"]


def test_a_record_longer_than_a_read_block_is_located_not_a_parser_message(tmp_path):
    """pyarrow reads 1 MiB blocks and fails on a longer record ("straddles two block
    boundaries"); the file is read again in one block and the over-long cell reported."""
    (tmp_path / "households.csv").write_text(HEADER + "H1,MAINSTREAM,01/04/2020,1\n"
                                             + "H2,MAINSTREAM,01/04/2020 " + "9" * 3_000_000 + ",1\n")
    problems = load_extracts(tmp_path).problems.errors
    assert ("households.csv", 3, "approval_date", "too-large") in [(p.file, p.line, p.column, p.rule)
                                                                   for p in problems]
    assert not any("block" in p.message for p in problems)
    assert all(len(p.message) < 200 for p in problems)  # the value is not copied into messages


def test_problems_of_one_kind_in_one_column_are_capped_and_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(extracts, "MAX_PROBLEMS_PER_COLUMN", 5)
    (tmp_path / "households.csv").write_text(HEADER + "".join(f"H{i},MAINSTREAM,31/02/2020,\n" for i in range(40)))
    problems = load_extracts(tmp_path).problems.errors
    dates = [p for p in problems if p.column == "approval_date"]
    places = [p for p in problems if p.column == "approved_places"]
    assert len(dates) == len(places) == 6
    assert dates[0].message == "'31/02/2020' is not a valid date (expected dd/mm/yyyy)"
    summary = [p for p in dates if p.message.startswith("and ")]
    assert [(p.line, p.rule, p.message) for p in summary] == [
        (7, "invalid-date", "and 35 more rows like this (only the first 5 are listed)")]


def test_a_long_cell_value_is_quoted_short_in_its_message(tmp_path):
    (tmp_path / "households.csv").write_text(HEADER + "H1,MAINSTREAM," + "1" * 5000 + ",1\n")
    [problem] = load_extracts(tmp_path).problems.errors
    assert problem.message == "'" + "1" * 59 + "\u2026' is not a valid date (expected dd/mm/yyyy)"


def _narrative_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "narrative").mkdir(parents=True)
    shutil.copytree(FIXTURE, project / "data")
    (project / "fosterreport.toml").write_text('[authority]\nname = "Testshire County Council"\n[data]\npath = "data"\n',
                                               encoding="utf-8")
    return project


def _build(project: Path):
    return runner.invoke(app, ["build", "--config", str(project / "fosterreport.toml"), "--year", "2023",
                               "--format", "md", "--out", str(project / "report")])


def test_a_2_gb_narrative_is_refused_unread_naming_the_file(tmp_path):
    project = _narrative_project(tmp_path)
    with (project / "narrative" / "summary.md").open("wb") as stream:
        stream.write(b"Recommendation: note it.\n")
        stream.truncate(2 * 1024 ** 3)
    peak, started = _peak_mb(), time.perf_counter()
    result = _build(project)
    assert result.exit_code == exitcodes.RENDER, result.output
    assert ("narrative/summary.md: 2,147,483,648 bytes, over the limit of 512 KB for a narrative"
            in result.stderr)
    assert time.perf_counter() - started < 20 and _peak_mb() - peak < 200
    assert not (project / "report").exists()


def test_a_narrative_just_over_the_limit_is_refused_and_one_under_is_used(tmp_path):
    from fosterreport.render.narrative import MAX_BYTES

    project = _narrative_project(tmp_path)
    (project / "narrative" / "panel.md").write_bytes(b"x" * (MAX_BYTES + 1))
    result = _build(project)
    assert result.exit_code == exitcodes.RENDER and "narrative/panel.md: 524,289 bytes" in result.stderr
    (project / "narrative" / "panel.md").write_bytes(b"Panel words. " * (MAX_BYTES // 13))
    assert _build(project).exit_code == 0


def test_a_narrative_link_out_of_the_narrative_folder_is_not_read(tmp_path):
    project = _narrative_project(tmp_path)
    (tmp_path / "secret.md").write_text("ZQXSECRET")
    (project / "narrative" / "summary.md").symlink_to(tmp_path / "secret.md")
    result = _build(project)
    assert result.exit_code == exitcodes.RENDER, result.output
    assert "narrative/summary.md: a symbolic link (links are not followed)" in result.stderr
    assert not (project / "report").exists()
