"""``fosterreport`` in an analyst's 80-column terminal and in a CI job: the KPI table at
narrow widths (a region's too), the CSV's period, unit and trend rows (a region's too),
``python -m``, a closed pipe and the exit codes in ``--help``."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from typer.testing import CliRunner

from kpi_frames import FIXTURES, fixture_config

from fosterreport import exitcodes
from fosterreport.cli import app

runner = CliRunner()
DATA = str(FIXTURES / "year_2022_23")
CSV_HEADER = "kpi,breakdown,key,value,previous,target,rag,period,unit"


def targets_config(tmp_path, extra: str = "") -> str:
    """The fixture's coverage and two targets, so that the table has a target and a RAG."""
    config = tmp_path / "fosterreport.toml"
    config.write_text(fixture_config().read_text(encoding="utf-8")
                      + '[targets]\n"enquiry_to_approval_rate" = 0.5\n"approvals.MAINSTREAM" = 2\n' + extra,
                      encoding="utf-8")
    return str(config)


def kpis(config: str, *args: str, columns: int | None = 80):
    env = {"NO_COLOR": "1", **({"COLUMNS": str(columns)} if columns else {})}
    return runner.invoke(app, ["kpis", "--config", config, "--data", DATA, "--year", "2023", *args], env=env)


# -- the table at 80 columns ------------------------------------------------------------------


def test_table_at_80_columns_fits_and_keeps_every_column(tmp_path):
    result = kpis(targets_config(tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    rule = next(index for index, line in enumerate(lines) if line.strip().startswith("─"))
    assert lines[rule - 2].split() == ["2021/22"]  # the previous figure, the direction under it
    assert lines[rule - 1].split() == ["KPI", "Value", "Direction", "Target", "RAG"]
    assert "Previous" not in result.stdout
    # the figures, the target and the RAG on the KPI's first line; the id whole under the label
    row = next(index for index, line in enumerate(lines) if line.strip().startswith("Enquiry to approval"))
    assert lines[row].split()[-4:] == ["42.9%", "25.0%", "50.0%", "amber"]
    assert any(line.split() == ["enquiry_to_approval_rate", "▲", "improved"] for line in lines[row:row + 3])


def test_every_kpi_id_is_whole_at_80_columns_or_broken_after_an_underscore(tmp_path):
    config = targets_config(tmp_path)
    ids = json.loads(kpis(config, "--format", "json").stdout)["kpis"]
    table = kpis(config).stdout
    joined = re.sub(r"_\s*\n\s*", "_", table)  # a long id goes on under itself
    assert len(ids) > 50
    assert [kpi_id for kpi_id in ids if kpi_id not in set(joined.split())] == []
    assert re.search(r"\n  median_days_application_to_ *\n  approval ", table)  # 35 characters: the longest
    assert "…" not in table


def test_breakdowns_and_trend_at_80_columns(tmp_path):
    result = kpis(targets_config(tmp_path), "--kpi", "approvals", "--trend", "8")
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "Household type: Mainstream" in result.stdout
    for year in ("2015/16", "2016/17", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22", "2022/23"):
        assert year in result.stdout  # eight years do not fit beside the label: a second table
    assert result.stdout.count("Households approved") == 1 + 2  # the KPI row, then each trend table


def test_wide_page_keeps_one_line_per_kpi_with_the_previous_period_named(tmp_path):
    result = kpis(targets_config(tmp_path), columns=200)
    line = next(row for row in result.stdout.splitlines() if "enquiry_to_approval_rate" in row)
    assert line.split() == ["Enquiry", "to", "approval", "conversion", "enquiry_to_approval_rate", "42.9%",
                            "25.0%", "▲", "improved", "50.0%", "amber"]
    header = next(row for row in result.stdout.splitlines() if row.split()[:2] == ["KPI", "id"])
    assert header.split() == ["KPI", "id", "Value", "2021/22", "Direction", "Target", "RAG"]


# -- CSV: period, unit and the trend ------------------------------------------------------------


def test_csv_trend_rows_name_their_year_and_unit(tmp_path):
    result = kpis(targets_config(tmp_path), "--format", "csv", "--kpi", "approvals", "--trend", "2", columns=None)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # (the ethnicity breakdown of issue 14 follows each year's household types: its rows are checked apart)
    assert [line for line in lines if ",ethnicity_group," in line][::7] == [
        "approvals,ethnicity_group,WHITE,0,0,,,2022/23,count", "approvals,ethnicity_group,WHITE,0,,,,2021/22,count"]
    assert [line for line in lines if ",ethnicity_group," not in line] == [
        CSV_HEADER,
        "approvals,,,3,2,,,2022/23,count",
        "approvals,household_type,MAINSTREAM,1,1,2.0,red,2022/23,count",
        "approvals,household_type,CONNECTED,1,1,,,2022/23,count",
        "approvals,household_type,FFA,1,0,,,2022/23,count",
        "approvals,household_type,SPECIALIST,0,0,,,2022/23,count",
        "approvals,household_type,SUPPORTED_LODGINGS,0,0,,,2022/23,count",
        "approvals,,,2,,,,2021/22,count",
        "approvals,household_type,MAINSTREAM,1,,,,2021/22,count",
        "approvals,household_type,CONNECTED,1,,,,2021/22,count",
        "approvals,household_type,FFA,0,,,,2021/22,count",
        "approvals,household_type,SPECIALIST,0,,,,2021/22,count",
        "approvals,household_type,SUPPORTED_LODGINGS,0,,,,2021/22,count",
    ]


def test_csv_without_trend_has_only_the_period(tmp_path):
    result = kpis(targets_config(tmp_path), "--format", "csv", "--kpi", "enquiry_to_approval_rate", columns=None)
    assert result.stdout.splitlines() == [CSV_HEADER, f"enquiry_to_approval_rate,,,{3 / 7!r},0.25,0.5,amber,2022/23,rate"]


def test_csv_trend_rows_are_suppressed_like_the_json(tmp_path):
    config = targets_config(tmp_path, "[publication]\nsuppress_below = 2\n")
    result = kpis(config, "--format", "csv", "--kpi", "approvals", "--trend", "2", columns=None)
    trend = [line for line in result.stdout.splitlines() if line.endswith(",2021/22,count")]
    assert trend[:3] == ["approvals,,,2,,,,2021/22,count", "approvals,household_type,MAINSTREAM,c,,,,2021/22,count",
                         "approvals,household_type,CONNECTED,c,,,,2021/22,count"]
    document = json.loads(kpis(config, "--format", "json", "--kpi", "approvals", "--trend", "2").stdout)
    assert document["trend"][0]["kpis"]["approvals"]["by_suppressed"]["household_type"] == ["MAINSTREAM",
                                                                                            "CONNECTED"]


# -- kpis --region: the same at 80 columns and in CSV -------------------------------------------------

HUB = FIXTURES.parent / "region" / "hub"
REGION_CSV_HEADER = "kpi,council,name,value,previous,direction,rank,distance,share,suppressed,period,unit"


def eight_council_hub(tmp_path):
    """The fixture hub with alpha copied five times over: more councils than fit at 80 columns."""
    hub = tmp_path / "hub"
    shutil.copytree(HUB, hub)
    for number in range(2, 7):
        shutil.copytree(HUB / "alpha", hub / f"alpha{number}")
    return hub


def region_kpis(hub, *args: str, columns: int | None = 80):
    env = {"NO_COLOR": "1", **({"COLUMNS": str(columns)} if columns else {})}
    return runner.invoke(app, ["kpis", "--region", str(hub), "--year", "2024", "--workers", "1", *args], env=env)


def test_region_table_at_80_columns_keeps_every_council_in_tables_that_fit(tmp_path):
    result = region_kpis(eight_council_hub(tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.stdout
    headings = [line.split() for line in lines if line.split()[:2] == ["KPI", "Region"]]
    counts = Counter(number for words in headings for number in words[2:])
    assert sorted(counts, key=int) == [str(n) for n in range(1, 9)]
    assert len(set(counts.values())) == 1  # every council's column in every section, none dropped
    assert len(headings) > counts["1"]  # the councils did not fit beside the label: sections go on
    assert "Households and places (continued)" in result.stdout


def test_region_table_honours_columns(tmp_path):
    hub = eight_council_hub(tmp_path)
    wide = region_kpis(hub, columns=200).stdout.splitlines()
    assert ["KPI", "Region", *(str(n) for n in range(1, 9))] in [line.split() for line in wide]
    assert max(len(line) for line in wide) <= 200 and "(continued)" not in "\n".join(wide)
    assert max(len(line) for line in region_kpis(hub, columns=60).stdout.splitlines()) <= 60


def test_region_csv_names_the_period_and_unit_and_the_trend_years():
    result = region_kpis(HUB, "--format", "csv", "--kpi", "households_end", "--trend", "3", columns=None)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        REGION_CSV_HEADER,
        "households_end,alpha,Alpha Council,3,2,improved,1,0.3333333333333335,0.375,false,2023/24,count",
        "households_end,beta,Beta Borough Council,3,3,similar,1,0.3333333333333335,0.375,false,2023/24,count",
        "households_end,gamma,gamma,2,1,improved,3,-0.6666666666666665,0.25,false,2023/24,count",
        "households_end,region,Test Hub,8,6,improved,,,,false,2023/24,count",
        "households_end,region,Test Hub,5,,,,,,false,2021/22,count",
        "households_end,region,Test Hub,6,,,,,,false,2022/23,count",
    ]


# -- python -m, a closed pipe, the exit codes in --help -------------------------------------------


def test_python_m_fosterreport_runs_the_command():
    done = subprocess.run([sys.executable, "-m", "fosterreport", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout) == (0, "fosterreport 0.1.0\n")


def closed_pipe(*args: str) -> subprocess.CompletedProcess:
    """The command with its stdout closed before it writes, as ``| head -0`` leaves it."""
    process = subprocess.Popen([sys.executable, "-m", "fosterreport", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdout.close()
    stderr = process.stderr.read()
    return subprocess.CompletedProcess(process.args, process.wait(timeout=120), "", stderr)


def test_a_closed_pipe_ends_quietly_with_exit_0():
    for format in ("table", "csv"):
        done = closed_pipe("kpis", "--year", "2024", "--quiet", "--format", format)
        assert (format, done.returncode) == (format, exitcodes.OK)
        # the one notice --quiet keeps (sample data); no traceback, no "internal error"
        assert done.stderr.startswith("Using the embedded sample data"), done.stderr
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        assert "BrokenPipe" not in done.stderr


def test_help_lists_every_exit_code_from_exitcodes():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    epilog = result.stdout[result.stdout.index("Exit codes:"):]
    assert "  0  Success (warnings allowed, unless --strict)" in epilog
    assert "  1  The extracts are invalid (or have warnings under --strict)" in epilog
    assert "  2  Usage or configuration error: bad option, unknown config key, missing folder." in epilog
    assert "  3  Rendering failed: template error" in epilog
    assert " 70  An unexpected internal error (a bug)" in epilog
    codes = [line.split()[0] for line in epilog.splitlines()[1:] if line.strip()]
    assert codes == ["0", "1", "2", "3", "70"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here (a Linux device that is always full)")
@pytest.mark.parametrize("format", ["json", "csv"])
def test_a_full_disk_behind_stdout_is_exit_3_with_the_reason_not_an_internal_error(format):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "fosterreport", "kpis", "--year", "2024", "--quiet",
                               "--format", format], stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == exitcodes.RENDER
    assert done.stderr.splitlines()[-1] == ("fosterreport: cannot write the output: No space left on device "
                                            "(the output is incomplete)")
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


def test_the_process_ends_with_the_commands_code_once_it_has_flushed_what_it_printed():
    """``main`` leaves by ``os._exit``: what the command printed last must still arrive, and
    its exit code be the command's (a usage error here), not 0."""
    done = subprocess.run([sys.executable, "-m", "fosterreport", "kpis", "--year", "2024", "--format", "json",
                           "--quiet"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["period"]["label"] == "2023/24"
    bad = subprocess.run([sys.executable, "-m", "fosterreport", "kpis", "--year", "20x"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == exitcodes.USAGE and bad.stderr.endswith("(2023 means 1 April 2022 to 31 March 2023)\n")
