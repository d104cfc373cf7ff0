"""No silent fall-backs: the fictional sample only where nothing else was named, no
fictional council on a real report, no report of zeros, no sample over real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.embedded import sample_folder

runner = CliRunner()


def run(cwd: Path, *args):
    import os

    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, [str(a) for a in args])
    finally:
        os.chdir(previous)


@pytest.mark.parametrize("command", [["kpis", "--year", "2024"], ["validate"], ["build", "--year", "2024"]])
def test_a_config_here_without_a_data_path_never_means_the_sample(tmp_path, command):
    (tmp_path / "fosterreport.toml").write_text('[authority]\nname = "Dorset Council"\n', encoding="utf-8")
    result = run(tmp_path, *command, "--quiet")
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr == (f"{tmp_path / 'fosterreport.toml'}: [data] path is not set: say where the extracts "
                             f"are (path = \"data\" under [data]) or give --data\n")
    assert "sample" not in result.output.lower()


def test_a_real_report_needs_its_councils_name(tmp_path):
    shutil.copytree(sample_folder(), tmp_path / "data")
    (tmp_path / "fosterreport.toml").write_text('[data]\npath = "data"\n', encoding="utf-8")
    result = run(tmp_path, "build", "--year", "2024", "--format", "md", "--quiet")
    assert result.exit_code == exitcodes.USAGE
    assert "[authority] name is not set: a report built from real data must name its council" in result.stderr
    assert not (tmp_path / "report").exists()
    kpis = run(tmp_path, "kpis", "--year", "2024", "--format", "json", "--kpi", "approvals", "--quiet")
    assert kpis.exit_code == 0 and json.loads(kpis.stdout)["authority"] is None  # kpis works without one


def test_extracts_with_no_records_are_refused_not_reported_as_zeros(tmp_path):
    assert run(tmp_path, "init", "council", "--quiet").exit_code == 0
    project = tmp_path / "council"
    settings = (project / "fosterreport.toml").read_text(encoding="utf-8")
    assert '# name = "Dorset Council"' in settings  # init's commented example, uncommented here
    (project / "fosterreport.toml").write_text(settings.replace('# name = "Dorset Council"', 'name = "Dorset Council"', 1),
                                               encoding="utf-8")
    for command in (["build", "--year", "2024", "--format", "md"], ["kpis", "--year", "2024"]):
        result = run(project, *command, "--quiet")
        assert result.exit_code == exitcodes.USAGE, result.output
        assert "hold no records (every file has its header only): there is nothing to report" in result.stderr
    assert not (project / "report").exists()


def test_the_sample_is_never_written_over_a_councils_extracts(tmp_path):
    (tmp_path / "households.csv").write_text("household_id\nH1\n", encoding="utf-8")
    result = run(tmp_path, "sample", "--out", tmp_path)
    assert result.exit_code == exitcodes.USAGE
    assert "already holds extracts (households.csv)" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["households.csv"]
