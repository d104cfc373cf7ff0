"""``[report] trend_years`` and ``build --trend N``: how many financial years the report's
trend shows (issue 14, item 5). The embedded sample covers 2016/17 to 2023/24 (eight
years: households.csv starts 1 April 2016), so eight fit and ten leave two out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport.cli import app
from fosterreport.embedded import sample_folder

runner = CliRunner()
EIGHT_YEARS = ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]


def build(tmp_path: Path, *args: str, config: str | None = None):
    command = ["build", "--year", "2024", "--format", "html,md", "--quiet", "--data", str(sample_folder()),
               "--out", str(tmp_path / "out"), *args]
    if config is not None:
        (tmp_path / "fosterreport.toml").write_text(config, encoding="utf-8")
        command += ["--config", str(tmp_path / "fosterreport.toml")]
    return runner.invoke(app, command)


def markdown_trend_years(tmp_path: Path) -> list[str]:
    """The row headers of the Markdown trend table (the one headed "Financial year")."""
    text = (tmp_path / "out" / "fostering-report-2023-24.md").read_text(encoding="utf-8")
    table = text.split("| Financial year | Households at end |", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\| (\d{4}/\d{2}) \|", table, flags=re.MULTILINE)


def json_trend(tmp_path: Path) -> list[str]:
    document = json.loads((tmp_path / "out" / "kpis-2023-24.json").read_text(encoding="utf-8"))
    return [point["period"]["label"] for point in document["trend"]]


@pytest.fixture(scope="module")
def eight(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("eight")
    result = build(folder, config="[report]\ntrend_years = 8\n")
    assert result.exit_code == 0, result.output
    return folder


def test_trend_years_8_shows_eight_years_in_the_markdown_trend_table(eight):
    assert markdown_trend_years(eight) == EIGHT_YEARS


def test_trend_years_8_shows_eight_years_in_the_html_trend_table(eight):
    html = (eight / "out" / "fostering-report-2023-24.html").read_text(encoding="utf-8")
    table = html.split('<table id="t-trend">', 1)[1].split("</table>", 1)[0]
    assert re.findall(r'<th scope="row"[^>]*>(\d{4}/\d{2})</th>', table) == EIGHT_YEARS
    assert "Households, approvals and deregistrations, 2016/17 to 2023/24" in html


def test_trend_years_8_gives_eight_points_in_the_json_trend(eight):
    assert json_trend(eight) == EIGHT_YEARS


def test_without_the_setting_the_trend_is_five_years(tmp_path):
    result = build(tmp_path)
    assert result.exit_code == 0, result.output
    assert json_trend(tmp_path) == EIGHT_YEARS[3:]
    assert markdown_trend_years(tmp_path) == EIGHT_YEARS[3:]


def test_build_trend_overrides_the_config(tmp_path):
    result = build(tmp_path, "--trend", "3", config="[report]\ntrend_years = 8\n")
    assert result.exit_code == 0, result.output
    assert json_trend(tmp_path) == EIGHT_YEARS[5:]
    assert markdown_trend_years(tmp_path) == EIGHT_YEARS[5:]


def test_years_the_extracts_do_not_cover_are_left_out_of_the_report_with_the_reason(tmp_path):
    result = build(tmp_path, "--trend", "10")
    assert result.exit_code == 0, result.output
    assert markdown_trend_years(tmp_path) == EIGHT_YEARS  # never a row of blanks or zeros
    text = (tmp_path / "out" / "fostering-report-2023-24.md").read_text(encoding="utf-8")
    assert "2014/15 and 2015/16 are left out of the trend: households.csv starts 1 April 2016." in text
    # the JSON keeps every year asked for, each uncovered one with its reason and no figure
    document = json.loads((tmp_path / "out" / "kpis-2023-24.json").read_text(encoding="utf-8"))
    assert [p["period"]["label"] for p in document["trend"]] == ["2014/15", "2015/16", *EIGHT_YEARS]
    first = document["trend"][0]["kpis"]["approvals"]
    assert (first["value"], first["not_covered"]) == (None, "households.csv starts 1 April 2016")


def test_a_trend_of_one_year_in_the_config_is_a_config_error(tmp_path):
    result = build(tmp_path, config="[report]\ntrend_years = 1\n")
    assert result.exit_code == 2
    assert result.stderr == (f"{tmp_path / 'fosterreport.toml'}:2: 'report.trend_years': Input should be greater "
                             "than or equal to 2\n")
    assert not (tmp_path / "out").exists()


def test_build_trend_below_two_is_a_usage_error(tmp_path):
    result = build(tmp_path, "--trend", "1")
    assert result.exit_code == 2
    assert "Invalid value for '--trend'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_build_trend_is_not_combined_with_region(tmp_path):
    result = runner.invoke(app, ["build", "--region", str(tmp_path), "--trend", "8", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert result.stderr == ("--trend cannot be combined with --region: set [report] trend_years in the region's "
                             "fosterreport.toml\n")
