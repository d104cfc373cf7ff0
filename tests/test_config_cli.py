"""A bad fosterreport.toml stops every command with exit 2, all its problems printed,
before anything is read from the data folder.

"Nothing is read" is watched with a Python audit hook on ``open``, ``os.listdir`` and
``os.scandir`` below the data folder; a control run on a good config proves the hook
sees the reads it is there to catch.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from config_cases import CASES, TOGETHER, Case, make_project
from kpi_frames import FIXTURES

from fosterreport import exitcodes
from fosterreport.cli import app

runner = CliRunner()
DATA = FIXTURES / "year_2022_23"

#: Folders whose reads are recorded, and what was read below them.
WATCHED: list[str] = []
READS: list[str] = []


def _audit(event: str, args: tuple) -> None:
    if not WATCHED or event not in ("open", "os.listdir", "os.scandir") or not args:
        return
    target = args[0]
    if isinstance(target, int) or target is None:
        return
    path = os.path.abspath(os.fsdecode(target))
    if any(path == folder or path.startswith(folder + os.sep) for folder in WATCHED):
        READS.append(path)


sys.addaudithook(_audit)  # hooks cannot be removed; it does nothing while WATCHED is empty


@pytest.fixture
def data_folder(tmp_path):
    """A copy of good extracts, watched for reads while the test runs."""
    folder = tmp_path / "extracts"
    shutil.copytree(DATA, folder)
    WATCHED.append(str(folder.resolve()))
    READS.clear()
    yield folder
    WATCHED.clear()


def _run(command: str, project: Path, data: Path):
    args = [command, "--config", str(project / "fosterreport.toml"), "--data", str(data)]
    if command in ("kpis", "build"):
        args += ["--year", "2023"]
    if command == "build":
        args += ["--format", "md", "--out", str(project / "report"), "--quiet"]  # no progress lines
    return runner.invoke(app, args)


def test_the_read_watch_sees_reads(tmp_path, data_folder):
    """Control: a good config goes on to read the extracts, and the hook sees it."""
    project = make_project(tmp_path, Case("good", '[authority]\nname = "Testshire"\n', ()))
    result = _run("validate", project, data_folder)
    assert result.exit_code == exitcodes.OK, result.output
    assert any(path.endswith("households.csv") for path in READS)


@pytest.mark.parametrize("command", ["kpis", "validate"])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_config_problem_exits_2_before_any_extract_is_read(tmp_path, data_folder, case, command):
    project = make_project(tmp_path, case)
    result = _run(command, project, data_folder)
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr == "".join(f"{message}\n" for message in case.expected(project))
    assert result.stdout == ""
    assert READS == []


@pytest.mark.parametrize("command", ["kpis", "validate", "build"])
def test_every_problem_is_printed_together(tmp_path, data_folder, command):
    project = make_project(tmp_path, TOGETHER)
    result = _run(command, project, data_folder)
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr.splitlines() == TOGETHER.expected(project)
    assert READS == [] and not (project / "report").exists()
