"""``fosterreport kpis`` as an analyst meets it: exit codes, exact messages, formats."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from kpi_frames import FIXTURES, fixture_config

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.kpis.catalogue import CATALOGUE

runner = CliRunner()
DATA = str(FIXTURES / "year_2022_23")
SCHEMA = json.loads((Path(__file__).parent.parent / "docs" / "kpis.schema.json").read_text(encoding="utf-8"))
# Documents are validated with a validator instance: jsonschema.validate checks the schema
# against the meta-schema on every call (1.5 s each); the schema is checked once, in tests/test_kpis_export.py.
MALFORMED = Path(__file__).parent / "fixtures" / "malformed" / "duplicate_id"


def kpis(*args: str, env: dict | None = None):
    settings = [] if "--config" in args else ["--config", str(fixture_config())]
    return runner.invoke(app, ["kpis", *settings, *args], env=env)


def test_unknown_kpi_exits_2_with_the_closest_id():
    result = kpis("--kpi", "aprovals")
    assert result.exit_code == exitcodes.USAGE
    assert result.output == ("unknown KPI 'aprovals' (did you mean 'approvals'?); "
                             "`fosterreport kpis --list` lists every KPI\n")


def test_nonsense_kpi_exits_2_and_points_to_the_list():
    result = kpis("--kpi", "nonsense", "--data", DATA)
    assert result.exit_code == exitcodes.USAGE
    assert result.output == ("unknown KPI 'nonsense' (no KPI id is close to it); "
                             "`fosterreport kpis --list` lists every KPI\n")
    assert "Traceback" not in result.output


def test_list_prints_the_catalogue_without_data():
    result = kpis("--list")
    assert result.exit_code == 0
    for kpi in CATALOGUE:
        assert kpi.id in result.stdout
    assert "Households and places" in result.stdout
    assert result.stderr == ""


def test_list_as_json_and_csv():
    entries = json.loads(kpis("--list", "--format", "json").stdout)
    assert [entry["id"] for entry in entries] == [kpi.id for kpi in CATALOGUE]
    assert entries[0] == {"id": "households_start", "label": "Fostering households at start of period",
                          "unit": "count", "polarity": "higher", "section": "households",
                          "breakdowns": ["household_type"], "needs": ["households.csv"],
                          "definition": CATALOGUE[0].definition}
    table = list(csv.reader(io.StringIO(kpis("--list", "--format", "csv").stdout)))
    assert table[0] == ["id", "label", "unit", "polarity", "section", "breakdowns", "definition"]
    assert len(table) == 1 + len(CATALOGUE)


def test_json_output_parses_and_validates():
    result = kpis("--data", DATA, "--year", "2023", "--format", "json", "--trend", "3")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)  # stdout carries only the JSON
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    assert document["period"] == {"label": "2022/23", "start": "2022-04-01", "end": "2023-03-31"}
    assert document["kpis"]["enquiry_to_approval_rate"]["value"] == 3 / 7
    assert len(document["trend"]) == 3


def test_csv_header_and_rows():
    result = kpis("--data", DATA, "--year", "2022/23", "--format", "csv", "--kpi", "households_end")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "kpi,breakdown,key,value,previous,target,rag,period,unit",
        "households_end,,,5,5,,,2022/23,count",
        "households_end,household_type,MAINSTREAM,3,4,,,2022/23,count",
        "households_end,household_type,CONNECTED,1,1,,,2022/23,count",
        "households_end,household_type,FFA,1,0,,,2022/23,count",
        "households_end,household_type,SPECIALIST,0,0,,,2022/23,count",
        "households_end,household_type,SUPPORTED_LODGINGS,0,0,,,2022/23,count",
        *[f"households_end,ethnicity_group,{key},0,0,,,2022/23,count"
          for key in ("WHITE", "MIXED", "ASIAN", "BLACK", "OTHER", "UNKNOWN")],
        "households_end,ethnicity_group,NOT_RECORDED,5,5,,,2022/23,count",  # the fixture records none
    ]


def test_without_year_the_latest_ended_year_is_announced_on_stderr():
    result = kpis("--data", DATA, "--format", "json", "--kpi", "approvals")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["period"]["label"] == "2022/23"
    assert ("No --year given: reporting on 2022/23 (1 April 2022 to 31 March 2023), the latest period ended by "
            "the newest date in the extracts (30 June 2023).") in result.stderr


def test_quiet_says_nothing_on_stderr():
    result = kpis("--data", DATA, "--format", "json", "--kpi", "approvals", "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_quarter_and_ytd():
    quarter = json.loads(kpis("--data", DATA, "--year", "2023", "--quarter", "2", "--format", "json",
                              "--kpi", "approvals").stdout)
    assert quarter["period"] == {"label": "2022/23 Q2", "start": "2022-07-01", "end": "2022-09-30"}
    ytd = json.loads(kpis("--data", DATA, "--year", "2023", "--quarter", "2", "--ytd", "--format", "json",
                          "--kpi", "approvals").stdout)
    assert ytd["period"] == {"label": "2022/23 Q1–Q2 (year to date)", "start": "2022-04-01", "end": "2022-09-30"}
    assert ytd["kpis"]["approvals"]["value"] == 1  # H3 (1/5/2022)


def test_ytd_without_quarter_is_a_usage_error():
    result = kpis("--data", DATA, "--year", "2023", "--ytd")
    assert result.exit_code == exitcodes.USAGE
    assert result.output == "--ytd needs --quarter: year to date runs from 1 April to the end of that quarter\n"


def test_bad_year_and_quarter_are_usage_errors():
    result = kpis("--data", DATA, "--year", "FY23")
    assert result.exit_code == exitcodes.USAGE
    assert "--year 'FY23' is not a financial year: use 2023, 2022-23 or 2022/23" in result.output
    assert kpis("--data", DATA, "--quarter", "5").exit_code == exitcodes.USAGE


def test_invalid_extracts_exit_1():
    result = kpis("--data", str(MALFORMED), "--year", "2023")
    assert result.exit_code == exitcodes.INVALID_DATA
    assert result.stdout == ""


def test_unknown_target_key_in_config_exits_2(tmp_path):
    config = tmp_path / "fosterreport.toml"
    config.write_text('[targets]\n"aprovals.MAINSTREAM" = 35\n', encoding="utf-8")
    result = kpis("--data", DATA, "--year", "2023", "--config", str(config))
    assert result.exit_code == exitcodes.USAGE
    assert result.output == (
        f"{config}:2: [targets] unknown KPI key 'aprovals.MAINSTREAM' (did you mean 'approvals.MAINSTREAM'?)\n")


def test_table_shows_sections_direction_target_and_rag(tmp_path):
    config = tmp_path / "fosterreport.toml"
    config.write_text('[authority]\nname = "Testshire Council"\n[targets]\n"enquiry_to_approval_rate" = 0.5\n',
                      encoding="utf-8")
    result = kpis("--data", DATA, "--year", "2023", "--config", str(config), env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Testshire Council: KPIs for 2022/23 (1 April 2022 to 31 March 2023)\n")
    for title in ("Households and places", "Children placed", "Recruitment", "Oversight and support",
                  "Complaints, allegations and learning", "Mockingbird", "Finance"):
        assert title in out
    line = next(row for row in out.splitlines() if "enquiry_to_approval_rate" in row)
    assert line.split() == ["Enquiry", "to", "approval", "conversion", "enquiry_to_approval_rate", "42.9%",
                            "25.0%", "▲", "improved", "50.0%", "amber"]
    outturn = next(row for row in out.splitlines() if " outturn " in row)
    assert "£5,095,295 (forecast)" in outturn
    assert "\x1b[" not in out  # plain text when not a terminal


def test_table_with_kpi_shows_breakdowns_and_trend():
    result = kpis("--data", DATA, "--year", "2023", "--kpi", "approvals", "--trend", "2")
    assert result.exit_code == 0, result.output
    assert "Household type: Connected persons" in result.stdout
    assert "Trend" in result.stdout and "2021/22" in result.stdout


def test_left_out_goes_to_stderr(tmp_path):
    (tmp_path / "households.csv").write_text(
        "household_id,household_type,approval_date,approved_places\nH1,MAINSTREAM,2020-01-01,1\n", encoding="utf-8")
    (tmp_path / "fosterreport.toml").write_text("[data]\nextracted = 2023-04-03\n", encoding="utf-8")
    result = kpis("--data", str(tmp_path), "--config", str(tmp_path / "fosterreport.toml"), "--year", "2023",
                  "--format", "json")
    assert result.exit_code == 0, result.output
    assert "Left out: panel: panel.csv not supplied (left out: panel_sittings, panel_items, inquorate_sittings)" \
        in result.stderr
    assert "panel_sittings" not in json.loads(result.stdout)["kpis"]


def test_kpis_path_imports_no_rendering_libraries():
    code = (f"import sys; from fosterreport.cli import app\n"
            f"try:\n    app(['kpis', '--data', {DATA!r}, '--year', '2023', '--format', 'json', '--quiet'])\n"
            f"except SystemExit as stop:\n    assert stop.code in (0, None), stop.code\n"
            f"assert 'weasyprint' not in sys.modules and 'matplotlib' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
