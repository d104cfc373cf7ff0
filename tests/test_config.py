"""fosterreport.toml: typed, checked once at load, every problem named with its key and line.

Each failure mode has its own tiny named config (:data:`config_cases.CASES`) whose exact
messages are asserted here through :func:`load_config`, and through the CLI in
``test_config_cli.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from config_cases import CASES, Case, make_project

from fosterreport.config import Config, load_config
from fosterreport.exceptions import ConfigError
from fosterreport.exitcodes import USAGE


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fosterreport.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(None)
    assert config == Config()
    assert config.rules.assessment_timescale_months == 8
    assert config.rules.supervision_interval_days == 42


def test_spec_example_loads(tmp_path):
    (tmp_path / "data").mkdir()
    config = load_config(write(tmp_path, '''
[authority]
name = "Anyshire County Council"
[report]
meeting_date = 2023-05-25
status = "Exempt"
[data]
path = "data"
[data.columns.households]
household_id = ["Foster Carer Ref"]
[data.codes.deregistration_reason]
"RET" = "RESIGNED"
[targets]
"approvals.MAINSTREAM" = 35
"enquiry_to_approval_rate" = 0.12
"reviews_on_time_rate" = 0.95
"outturn.Staffing" = 1000000
[benchmarks]
"deregistration_rate" = { value = 0.128, label = "England mainstream 2022-23" }
[publication]
suppress_below = 5
'''))
    assert config.report.meeting_date.isoformat() == "2023-05-25"
    assert config.targets["approvals.MAINSTREAM"] == 35
    assert config.benchmarks["deregistration_rate"].value == 0.128
    assert config.resolve(config.data.path) == (tmp_path / "data").resolve()
    refs = config.target_refs()
    assert (refs["approvals.MAINSTREAM"].kpi.id, refs["approvals.MAINSTREAM"].breakdown) == ("approvals",
                                                                                            "household_type")
    assert (refs["outturn.Staffing"].breakdown, refs["outturn.Staffing"].code) == ("line", "Staffing")


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_failure_mode_names_key_and_line(tmp_path, case: Case):
    project = make_project(tmp_path, case)
    with pytest.raises(ConfigError) as caught:
        load_config(project / "fosterreport.toml")
    assert caught.value.messages == case.expected(project)
    assert caught.value.exit_code == USAGE


def test_every_problem_is_reported_at_once_in_file_order(tmp_path):
    path = write(tmp_path, '[authority]\nnmae = "X"\n[report]\nstatus = "Secret"\nlogo = "logo.gif"\n'
                           '[rules]\nsupervision_interval_days = -1\n[targets]\nreviews_on_time_rate = 95\n'
                           'aprovals = 1\n[data.codes.deregistration_reason]\nRET = "RETIRED"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert [message.split(": ", 1)[0] for message in caught.value.messages] == [
        f"{path}:{line}" for line in (2, 4, 5, 7, 9, 10, 12)]
    assert caught.value.messages[0] == f"{path}:2: unknown key 'authority.nmae' (did you mean 'authority.name'?)"
    assert caught.value.messages[1] == f"{path}:4: 'report.status': Input should be 'Public' or 'Exempt'"
    assert caught.value.messages[3] == (f"{path}:7: 'rules.supervision_interval_days': "
                                        "Input should be greater than or equal to 1")


def test_a_type_error_in_a_table_does_not_hide_its_paths(tmp_path):
    """Paths are checked on what the file says, so [report] with a bad status still has
    its logo checked (pydantic alone would skip the table's other checks)."""
    path = write(tmp_path, '[report]\nstatus = "Secret"\nnarrative = "narative"\n')
    (tmp_path / "narrative").mkdir()
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.messages == [
        f"{path}:2: 'report.status': Input should be 'Public' or 'Exempt'",
        f"{path}:3: [report] narrative 'narative': folder not found: {tmp_path.resolve() / 'narative'} "
        "(did you mean 'narrative'?)"]


def test_an_unset_narrative_folder_may_be_missing(tmp_path):
    """The default 'narrative' folder is optional; only a folder the file names must exist."""
    config = load_config(write(tmp_path, '[report]\ntitle = "T"\n'))
    assert config.report.narrative == "narrative" and not (tmp_path / "narrative").exists()


def test_paths_that_exist_inside_the_project_load(tmp_path):
    for folder in ("narrative", "templates", "data", "assets"):
        (tmp_path / folder).mkdir()
    (tmp_path / "assets" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    config = load_config(write(tmp_path, '[report]\nnarrative = "narrative"\ntemplates = "templates"\n'
                                         'logo = "assets/logo.png"\n[data]\npath = "data"\n'))
    assert config.resolve(config.report.logo) == (tmp_path / "assets" / "logo.png").resolve()


def test_a_symlink_out_of_the_project_is_outside_it(tmp_path):
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "data").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ConfigError) as caught:
        load_config(write(project, '[data]\npath = "data"\n'))
    assert caught.value.messages == [
        f"{project / 'fosterreport.toml'}:2: [data] path 'data' must be inside the project folder {project.resolve()}"]


def test_config_built_in_python_is_checked_the_same_way(tmp_path):
    with pytest.raises(ConfigError) as caught:
        Config(targets={"aprovals.MAINSTREAM": 35, "reviews_on_time_rate": 95.0},
               report={"logo": "../logo.svg"}, base=tmp_path)
    assert caught.value.messages == [
        f"fosterreport.toml: [report] logo '../logo.svg' must be inside the project folder {tmp_path.resolve()}",
        "fosterreport.toml: [targets] unknown KPI key 'aprovals.MAINSTREAM' (did you mean 'approvals.MAINSTREAM'?)",
        "fosterreport.toml: [targets] 'reviews_on_time_rate' = 95.0: a rate is a fraction from 0 to 1 "
        "(did you mean 0.95?)",
    ]


def test_a_file_cannot_set_the_internal_base_or_source(tmp_path):
    path = write(tmp_path, 'base = "/"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.messages == [f"{path}:1: unknown key 'base'"]


def test_invalid_toml_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[authority\nname="))


def test_missing_config_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "absent.toml")
