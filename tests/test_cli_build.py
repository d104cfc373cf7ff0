"""``fosterreport build`` and ``fosterreport init`` as a user meets them: exit codes,
messages on stderr, nothing written on failure, never overwriting. (HTML and Markdown
only: the PDF is covered once in tests/test_build.py.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.embedded import sample_folder
from fosterreport.config import load_config

runner = CliRunner()


def run(*args, cwd: Path | None = None):
    import os

    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return runner.invoke(app, [str(a) for a in args])
    finally:
        os.chdir(previous)


def test_build_writes_html_md_and_json_with_progress_on_stderr(tmp_path):
    result = run("build", "--year", "2024", "--format", "html,md", "--out", tmp_path / "out", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "fostering-report-2023-24.html", "fostering-report-2023-24.md", "kpis-2023-24.json"]
    assert result.stdout == ""  # stdout carries only what was asked for
    for stage in ("load", "validate", "compute", "charts", "HTML", "Markdown"):
        assert f"] {stage}" in result.stderr
    assert "embedded sample data" in result.stderr


def test_a_repeated_format_option_adds_to_the_formats_never_replaces_them(tmp_path):
    result = run("build", "--year", "2024", "--format", "html", "--format", "md", "--quiet", "--out", tmp_path / "out",
                 cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "fostering-report-2023-24.html", "fostering-report-2023-24.md", "kpis-2023-24.json"]


def test_quiet_build_says_only_that_it_used_the_sample(tmp_path):
    result = run("build", "--year", "2023-24", "--format", "md", "--quiet", "--out", tmp_path / "o", cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == ("Using the embedded sample data (fictional Anyshire County Council): no --data, "
                             "no [data] path and no fosterreport.toml here\n")  # even with --quiet
    document = json.loads((tmp_path / "o" / "kpis-2023-24.json").read_text(encoding="utf-8"))
    assert document["sample"] is True and document["authority"] == "Anyshire County Council"


def test_quiet_build_of_real_data_says_nothing(tmp_path):
    project = _project(tmp_path, {})
    result = run("build", "--year", "2024", "--format", "md", "--quiet", "--config", project / "fosterreport.toml",
                 "--out", project / "report", cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and result.stdout == ""
    assert "sample" not in json.loads((project / "report" / "kpis-2023-24.json").read_text(encoding="utf-8"))


def test_without_year_the_latest_ended_year_is_announced(tmp_path):
    result = run("build", "--format", "md", "--out", tmp_path / "o", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "No --year given: reporting on 2023/24 (1 April 2023 to 31 March 2024)" in result.stderr
    assert (tmp_path / "o" / "fostering-report-2023-24.md").exists()


@pytest.mark.parametrize("args, message", [
    (["--year", "2023-25"], "the second year must follow the first"),
    (["--year", "2024", "--format", "doc"], "unknown format 'doc'"),
    (["--ytd"], "--ytd needs --quarter"),
])
def test_usage_errors_exit_2(tmp_path, args, message):
    result = run("build", *args, "--out", tmp_path / "o", cwd=tmp_path)
    assert result.exit_code == exitcodes.USAGE
    assert message in result.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("args, message", [
    (["--ytd"], "--ytd needs --quarter: year to date runs from 1 April to the end of that quarter\n"),
    (["--year", "2024", "--ytd"],
     "--ytd needs --quarter: year to date runs from 1 April to the end of that quarter\n"),
    (["--year", "2023-25"], "--year '2023-25': the second year must follow the first (did you mean 2023-24?)\n"),
    (["--year", "FY23"], "--year 'FY23' is not a financial year: use 2023, 2022-23 or 2022/23 "
                         "(2023 means 1 April 2022 to 31 March 2023)\n"),
    (["--year", "1066"], "--year '1066' is out of range (1990–2100)\n"),
], ids=["ytd", "ytd-with-year", "span", "text", "range"])
def test_period_errors_name_the_options(tmp_path, args, message):
    """The library says what is wrong with the period; the CLI says which option it was."""
    result = run("build", *args, "--out", tmp_path / "o", cwd=tmp_path)
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr == message
    assert not (tmp_path / "o").exists()


def test_extracts_without_dates_ask_for_year(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "households.csv").write_text("household_id,household_type,approval_date,approved_places\n",
                                         encoding="utf-8")
    result = run("build", "--data", data, "--format", "md", "--quiet", "--out", tmp_path / "o", cwd=tmp_path)
    assert result.exit_code == exitcodes.USAGE
    assert result.stderr == "the extracts hold no usable dates, so the period cannot be chosen: give --year\n"


def test_invalid_extracts_exit_1_and_write_nothing(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "households.csv").write_text("household_id,household_type,approval_date,approved_places\n"
                                         "H1,MAINSTREAM,31/02/2021,1\n", encoding="utf-8")
    result = run("build", "--year", "2024", "--data", data, "--out", tmp_path / "o", cwd=tmp_path)
    assert result.exit_code == exitcodes.INVALID_DATA
    assert "households.csv:2:approval_date" in result.stderr
    assert not (tmp_path / "o").exists()


def _project(tmp_path: Path, narrative: dict[str, str]) -> Path:
    """A council's project: the sample's extracts copied in as its own data, its name set."""
    project = tmp_path / "project"
    (project / "narrative").mkdir(parents=True)
    for name, text in narrative.items():
        (project / "narrative" / name).write_text(text, encoding="utf-8")
    shutil.copytree(sample_folder(), project / "data")
    (project / "fosterreport.toml").write_text('[authority]\nname = "Testshire County Council"\n\n[data]\n'
                                               'path = "data"\n\n[report]\nmeeting_date = 2024-07-18\n',
                                               encoding="utf-8")
    return project


def test_a_narrative_escaping_the_sandbox_exits_3_and_writes_nothing(tmp_path):
    project = _project(tmp_path, {"summary.md": "Hello\n{{ ''.__class__.__mro__ }}\n"})
    out = project / "report"
    result = run("build", "--year", "2024", "--format", "html,md", "--out", out,
                 "--config", project / "fosterreport.toml", cwd=project)
    assert result.exit_code == exitcodes.RENDER
    assert "narrative/summary.md:2: not allowed in a narrative" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_misspelt_placeholder_exits_3_naming_file_line_and_closest_id(tmp_path):
    project = _project(tmp_path, {"recruitment.md": "Intro.\n\nWe had {{ kpi.enquires }} enquiries.\n"})
    result = run("build", "--year", "2024", "--format", "md", "--config", project / "fosterreport.toml",
                 "--out", project / "report", cwd=project)
    assert result.exit_code == exitcodes.RENDER
    assert ("narrative/recruitment.md:3: unknown placeholder 'kpi.enquires' (did you mean 'kpi.enquiries'?)"
            in result.stderr)


def test_a_broken_template_override_exits_3_naming_the_template(tmp_path):
    project = _project(tmp_path, {})
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "panel.md.j2").write_text("## Panel\n{{ s.no_such_thing }}\n")
    (project / "fosterreport.toml").write_text('[authority]\nname = "Testshire County Council"\n\n[data]\n'
                                               'path = "data"\n\n[report]\ntemplates = "templates"\n',
                                               encoding="utf-8")
    result = run("build", "--year", "2024", "--format", "md", "--config", project / "fosterreport.toml",
                 "--out", project / "report", cwd=project)
    assert result.exit_code == exitcodes.RENDER
    assert "sections/panel.md.j2:2" in result.stderr


def test_a_template_override_replaces_the_built_in_one(tmp_path):
    project = _project(tmp_path, {})
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "panel.md.j2").write_text("## {{ s.heading }}\n\nOur own panel page.\n")
    (project / "fosterreport.toml").write_text('[authority]\nname = "Testshire County Council"\n\n[data]\n'
                                               'path = "data"\n\n[report]\ntemplates = "templates"\n',
                                               encoding="utf-8")
    result = run("build", "--year", "2024", "--format", "md", "--config", project / "fosterreport.toml",
                 "--out", project / "report", cwd=project)
    assert result.exit_code == 0, result.output
    text = (project / "report" / "fostering-report-2023-24.md").read_text(encoding="utf-8")
    assert "## 6. Fostering panel\n\nOur own panel page." in text


# -- init -----------------------------------------------------------------------------------


def test_init_scaffolds_a_project_that_builds(tmp_path):
    project = tmp_path / "council"
    result = run("init", project, "--sample")
    assert result.exit_code == 0, result.output
    config = load_config(project / "fosterreport.toml")  # every commented option parses
    assert config.data.path == "data" and config.report.narrative == "narrative"
    assert {p.name for p in (project / "data").iterdir()} >= {"households.csv", "budget.csv"}
    narrative = sorted(p.stem for p in (project / "narrative").iterdir())
    assert "summary" in narrative and "recruitment" in narrative and len(narrative) == 13
    assert "{{ kpi." in (project / "narrative" / "recruitment.md").read_text()
    result = run("build", "--year", "2024", "--format", "md", "--out", project / "report",
                 "--config", project / "fosterreport.toml", cwd=project)
    assert result.exit_code == 0, result.output
    text = (project / "report" / "fostering-report-2023-24.md").read_text(encoding="utf-8")
    assert "Members of the Corporate Parenting Board are asked to note" in text.split("## Contents")[0]
    assert "{{" not in text and "<!--" not in text
    assert "embedded sample data" not in result.stderr  # it reads the project's own data/


def test_init_writes_header_only_templates_from_the_contract(tmp_path):
    from fosterreport.contract import EXTRACTS, columns

    result = run("init", tmp_path / "p")
    assert result.exit_code == 0, result.output
    for name, model in EXTRACTS.items():
        text = (tmp_path / "p" / "data" / f"{name}.csv").read_text(encoding="utf-8")
        assert text == ",".join(spec.name for spec in columns(model)) + "\n"


def test_init_never_overwrites(tmp_path):
    project = tmp_path / "p"
    (project / "narrative").mkdir(parents=True)
    (project / "narrative" / "summary.md").write_text("mine")
    result = run("init", project)
    assert result.exit_code == exitcodes.USAGE
    assert "summary.md already exists" in result.output
    assert (project / "narrative" / "summary.md").read_text() == "mine"
    assert not (project / "fosterreport.toml").exists()  # nothing at all was written


def test_init_never_writes_outside_its_folder(tmp_path):
    project, elsewhere = tmp_path / "p", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "data").symlink_to(elsewhere, target_is_directory=True)
    result = run("init", project)
    assert result.exit_code == exitcodes.USAGE
    assert "refusing to write outside" in result.output
    assert list(elsewhere.iterdir()) == [] and not (project / "fosterreport.toml").exists()


def test_sample_folder_is_the_embedded_one():
    assert (sample_folder() / "households.csv").is_file()
    assert shutil.which  # the CLI never needs the network or a shell
