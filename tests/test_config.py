"""fosterreport.toml: typed, every problem named with its key, defaults without a file."""

from pathlib import Path

import pytest

from fosterreport.config import Config, load_config
from fosterreport.exceptions import ConfigError


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
[benchmarks]
"deregistration_rate" = { value = 0.128, label = "England mainstream 2022-23" }
[publication]
suppress_below = 5
'''))
    assert config.report.meeting_date.isoformat() == "2023-05-25"
    assert config.targets["approvals.MAINSTREAM"] == 35
    assert config.benchmarks["deregistration_rate"].value == 0.128
    assert config.resolve(config.data.path) == (tmp_path / "data").resolve()


def test_every_problem_is_reported_at_once(tmp_path):
    path = write(tmp_path, '[authority]\nnmae = "X"\n[report]\nstatus = "Secret"\n[rules]\nsupervision_interval_days = -1\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    messages = caught.value.messages
    assert len(messages) == 3
    assert messages[0] == f"{path}:2: unknown key 'authority.nmae' (did you mean 'authority.name'?)"
    assert any("'report.status'" in m for m in messages)
    assert any("'rules.supervision_interval_days'" in m for m in messages)


def test_invalid_toml_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[authority\nname="))


def test_missing_config_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "absent.toml")
