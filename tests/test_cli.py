"""The command line as a user meets it: help, version, exit codes and exact messages."""

from __future__ import annotations

import json

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from fosterreport import __version__, exitcodes
from fosterreport.cli import COMMANDS, app

runner = CliRunner()


def test_every_command_is_registered_and_has_help():
    group = get_command(app)
    assert set(group.commands) == set(COMMANDS)
    for name, command in group.commands.items():
        assert command.help and len(command.help) > 20, f"{name} lacks help"
        for parameter in command.params:
            if parameter.opts[0].startswith("--"):
                assert parameter.help, f"{name} {parameter.opts} lacks help"


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"fosterreport {__version__}\n"


def test_bad_option_is_a_usage_error():
    result = runner.invoke(app, ["validate", "--no-such-option"])
    assert result.exit_code == exitcodes.USAGE


def test_missing_data_folder_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["validate", "--data", str(tmp_path / "nowhere")])
    assert result.exit_code == exitcodes.USAGE


def test_unknown_config_key_names_key_line_and_suggestion(tmp_path):
    config = tmp_path / "fosterreport.toml"
    config.write_text('[authority]\nname = "X"\n\n[rules]\nsimilar_tolerence = 0.1\n')
    result = runner.invoke(app, ["validate", "--config", str(config)])
    assert result.exit_code == exitcodes.USAGE
    assert f"{config}:5: unknown key 'rules.similar_tolerence' (did you mean 'rules.similar_tolerance'?)" \
        in result.output
    assert "Traceback" not in result.output


def test_config_code_mapping_to_unknown_code_is_a_usage_error(tmp_path):
    config = tmp_path / "fosterreport.toml"
    config.write_text('[data.codes.deregistration_reason]\n"RET" = "RETIRED"\n')
    result = runner.invoke(app, ["validate", "--config", str(config)])
    assert result.exit_code == exitcodes.USAGE
    assert "'RET' = 'RETIRED': not a deregistration_reason code" in result.output


def test_validate_reports_located_problems_and_exit_1(tmp_path):
    (tmp_path / "households.csv").write_text(
        "household_id,household_type,approval_date,approved_places\n"
        "H1,MAINSTREAM,31/02/2023,2\n")
    result = runner.invoke(app, ["validate", "--data", str(tmp_path)])
    assert result.exit_code == exitcodes.INVALID_DATA
    assert "households.csv:2:approval_date  '31/02/2023' is not a valid date (expected dd/mm/yyyy)" in result.output


def test_validate_json_lists_every_problem(tmp_path):
    rows = "".join(f"H{i},MAINSTREAM,01/04/2020,0\n" for i in range(50))
    (tmp_path / "households.csv").write_text("household_id,household_type,approval_date,approved_places\n" + rows)
    result = runner.invoke(app, ["validate", "--data", str(tmp_path), "--format", "json"])
    assert result.exit_code == exitcodes.INVALID_DATA
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert len(report["errors"]) == 50
    assert report["errors"][0] == {"file": "households.csv", "line": 2, "column": "approved_places",
                                   "rule": "invalid-number", "message": "'0' is below the minimum of 1",
                                   "severity": "error"}


def test_validate_text_summarises_long_lists(tmp_path):
    rows = "".join(f"H{i},MAINSTREAM,01/04/2020,0\n" for i in range(50))
    (tmp_path / "households.csv").write_text("household_id,household_type,approval_date,approved_places\n" + rows)
    result = runner.invoke(app, ["validate", "--data", str(tmp_path)])
    assert "… and 30 more like this (invalid-number in households.csv)" in result.output
    assert "50 error(s), 0 warning(s)" in result.output


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_schema_prints_every_file(fmt):
    result = runner.invoke(app, ["schema", "--format", fmt])
    assert result.exit_code == 0
    for name in ("households", "enquiries", "placements", "holds", "reviews", "visits", "panel",
                 "complaints", "allegations", "training", "mockingbird", "budget"):
        assert f"{name}.csv" in result.output
