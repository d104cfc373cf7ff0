"""Any period: ``--from DATE --to DATE`` for ``kpis`` and ``build`` (issue 14, item 7).

A period that is a financial year is that year; a pilot (1 September to 31 August) is
compared with the twelve months immediately before it and said in the report's words.
The embedded sample covers 1 April 2016 to 31 March 2024."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport.cli import app
from fosterreport.embedded import sample_folder
from fosterreport.periods import PeriodError, custom_period, make_period, parse_date

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [*args, "--data", str(sample_folder())])


# -- the calendar ----------------------------------------------------------------------


def test_a_custom_period_that_is_a_financial_year_is_that_year():
    assert custom_period(date(2023, 4, 1), date(2024, 3, 31)) == make_period(2024)


def test_a_custom_period_that_is_a_quarter_or_a_year_to_date_is_that_period():
    assert custom_period(date(2023, 10, 1), date(2023, 12, 31)) == make_period(2024, 3)
    assert custom_period(date(2023, 4, 1), date(2023, 9, 30)) == make_period(2024, 2, ytd=True)


def test_a_pilot_year_has_its_words_label_and_file_name():
    pilot = custom_period(date(2023, 9, 1), date(2024, 8, 31))
    assert (pilot.custom, pilot.label, pilot.in_words, pilot.slug) == (
        True, "Sep 2023–Aug 2024", "1 September 2023 to 31 August 2024", "2023-09-01-to-2024-08-31")


def test_the_previous_period_of_whole_months_is_as_many_months_immediately_before():
    previous = custom_period(date(2023, 9, 1), date(2024, 8, 31)).previous()  # 366 days (29 February 2024)
    assert (previous.start, previous.end) == (date(2022, 9, 1), date(2023, 8, 31))
    half = custom_period(date(2023, 10, 1), date(2024, 3, 31)).previous()
    assert (half.start, half.end, half.label) == (date(2023, 4, 1), date(2023, 9, 30), "2023/24 Q1–Q2 (year to date)")


def test_the_previous_period_of_other_days_is_as_many_days_immediately_before():
    period = custom_period(date(2023, 9, 5), date(2023, 10, 4))
    previous = period.previous()
    assert (previous.start, previous.end, previous.days) == (date(2023, 8, 6), date(2023, 9, 4), 30)
    assert period.label == "5 Sep 2023–4 Oct 2023"


def test_a_custom_trend_is_the_same_length_periods_ending_with_it():
    pilot = custom_period(date(2022, 9, 1), date(2023, 8, 31))
    assert [p.label for p in pilot.trend(3)] == ["Sep 2020–Aug 2021", "Sep 2021–Aug 2022", "Sep 2022–Aug 2023"]
    assert [p.label for p in make_period(2024, 2).trend(2)] == ["2022/23", "2023/24"]  # years, as before


def test_an_end_before_the_start_and_a_malformed_date_are_period_errors():
    with pytest.raises(PeriodError) as before:
        custom_period(date(2024, 3, 31), date(2023, 4, 1))
    assert before.value.reason == "end-before-start"
    for text in ("2023-02-30", "01/09/2023", "20230901", "2023-9-1"):
        with pytest.raises(PeriodError) as malformed:
            parse_date(text)
        assert malformed.value.reason == "not-a-date"


# -- kpis -----------------------------------------------------------------------------


def test_kpis_from_to_a_financial_year_is_identical_to_year():
    custom = run("kpis", "--from", "2023-04-01", "--to", "2024-03-31", "--format", "json", "--trend", "3", "--quiet")
    year = run("kpis", "--year", "2024", "--format", "json", "--trend", "3", "--quiet")
    assert custom.exit_code == year.exit_code == 0, custom.output
    assert custom.stdout == year.stdout
    assert json.loads(custom.stdout)["period"] == {"label": "2023/24", "start": "2023-04-01", "end": "2024-03-31"}


def test_kpis_for_a_pilot_year_compares_with_the_twelve_months_before():
    result = run("kpis", "--from", "2022-09-01", "--to", "2023-08-31", "--format", "json", "--trend", "2", "--quiet")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["period"] == {"label": "Sep 2022–Aug 2023", "start": "2022-09-01", "end": "2023-08-31"}
    assert [p["period"] for p in document["trend"]] == [
        {"label": "Sep 2021–Aug 2022", "start": "2021-09-01", "end": "2022-08-31"}, document["period"]]
    households = document["kpis"]["households_end"]
    assert households["previous"] == document["trend"][0]["kpis"]["households_end"]["value"]
    assert households["value"] == document["trend"][1]["kpis"]["households_end"]["value"]


@pytest.mark.parametrize(("args", "message"), [
    (("--from", "2024-03-31", "--to", "2023-04-01"),
     "--to 2023-04-01 is before --from 2024-03-31: the period ends on 1 April 2023, before it starts on "
     "31 March 2024\n"),
    (("--from", "2023-02-30", "--to", "2024-03-31"),
     "--from '2023-02-30' is not a date: use YYYY-MM-DD, for example 2023-09-01\n"),
    (("--from", "2023-09-01", "--to", "31/08/2024"),
     "--to '31/08/2024' is not a date: use YYYY-MM-DD, for example 2023-09-01\n"),
    (("--from", "2023-09-01"), "--from needs --to: a period runs from --from to --to, both included\n"),
    (("--to", "2024-08-31"), "--to needs --from: a period runs from --from to --to, both included\n"),
    (("--from", "2023-09-01", "--to", "2024-08-31", "--year", "2024"),
     "--from cannot be combined with --year: a period is either a financial year (--year, --quarter, --ytd) or "
     "the days from --from to --to\n"),
    (("--to", "2024-08-31", "--quarter", "2"),
     "--to cannot be combined with --quarter: a period is either a financial year (--year, --quarter, --ytd) or "
     "the days from --from to --to\n"),
    (("--from", "2023-09-01", "--to", "2024-08-31", "--ytd"),
     "--from cannot be combined with --ytd: a period is either a financial year (--year, --quarter, --ytd) or "
     "the days from --from to --to\n"),
])
@pytest.mark.parametrize("command", ["kpis", "build"])
def test_a_period_that_cannot_be_made_is_exit_2_naming_the_options(tmp_path, command, args, message):
    result = runner.invoke(app, [command, *args, "--data", str(tmp_path / "never-read"), "--out",
                                 str(tmp_path / "out")] if command == "build" else [command, *args])
    assert (result.exit_code, result.stderr) == (2, message)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["kpis", "build"])
def test_a_period_outside_the_data_is_exit_2(tmp_path, command):
    args = [command, "--from", "2023-09-01", "--to", "2024-08-31", "--quiet"]
    result = run(*args, *(["--out", str(tmp_path / "out")] if command == "build" else []))
    assert result.exit_code == 2
    assert result.stderr == (
        "the period Sep 2023–Aug 2024 ends on 31 August 2024, after the newest date in the extracts: the extracts "
        "cover 1 April 2016 to 31 March 2024. If they were taken from the systems after the period ended, say "
        "when: [data] extracted = 2024-09-01 (or later) in fosterreport.toml\n")
    assert not (tmp_path / "out").exists()


def test_a_period_before_the_data_begins_is_exit_2():
    result = run("kpis", "--from", "2015-09-01", "--to", "2016-08-31", "--quiet")
    assert result.exit_code == 2
    assert result.stderr == ("the period Sep 2015–Aug 2016 starts on 1 September 2015, before the extracts begin: "
                             "the extracts cover 1 April 2016 to 31 March 2024\n")


# -- build ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pilot(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pilot")
    result = run("build", "--from", "2022-09-01", "--to", "2023-08-31", "--format", "html,md", "--quiet",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_a_pilot_build_is_written_under_its_dates(pilot):
    assert sorted(p.name for p in pilot.iterdir()) == [
        "fostering-report-2022-09-01-to-2023-08-31.html", "fostering-report-2022-09-01-to-2023-08-31.md",
        "kpis-2022-09-01-to-2023-08-31.json"]


def test_a_pilot_report_says_its_period_in_words(pilot):
    text = (pilot / "fostering-report-2022-09-01-to-2023-08-31.md").read_text(encoding="utf-8")
    assert text.startswith("# Fostering Service Report Sep 2022–Aug 2023\n")
    assert "- **Period:** 1 September 2022 to 31 August 2023\n" in text
    assert "| Headline | Sep 2022–Aug 2023 | Sep 2021–Aug 2022 | Change | Direction |" in text
    assert "against 186 on 31 August 2022:" in text  # the previous period ends the day before the pilot starts
    html = (pilot / "fostering-report-2022-09-01-to-2023-08-31.html").read_text(encoding="utf-8")
    assert "1 September 2022 to 31 August 2023" in html


def test_a_pilot_trend_is_the_twelve_month_periods_before_it(pilot):
    text = (pilot / "fostering-report-2022-09-01-to-2023-08-31.md").read_text(encoding="utf-8")
    assert "### Trend, 1 September 2018 to 31 August 2023\n" in text
    assert "| Period | Households at end | Approvals |" in text
    document = json.loads((pilot / "kpis-2022-09-01-to-2023-08-31.json").read_text(encoding="utf-8"))
    assert [p["period"]["label"] for p in document["trend"]] == [
        "Sep 2018–Aug 2019", "Sep 2019–Aug 2020", "Sep 2020–Aug 2021", "Sep 2021–Aug 2022", "Sep 2022–Aug 2023"]


def test_build_from_to_a_financial_year_writes_the_year_report(tmp_path):
    custom = run("build", "--from", "2023-04-01", "--to", "2024-03-31", "--format", "md", "--quiet",
                 "--out", str(tmp_path / "custom"))
    year = run("build", "--year", "2024", "--format", "md", "--quiet", "--out", str(tmp_path / "year"))
    assert custom.exit_code == year.exit_code == 0, custom.output
    for name in ("fostering-report-2023-24.md", "kpis-2023-24.json"):
        assert (tmp_path / "custom" / name).read_bytes() == (tmp_path / "year" / name).read_bytes()


def test_the_default_summary_narrative_says_when_the_previous_figure_is_from(tmp_path):
    """A pilot's previous period ends the day before it starts: "a year earlier" would be
    wrong, so the starter narrative's {{ period.before }} says the day."""
    from typer.testing import CliRunner

    from fosterreport.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["init", str(tmp_path / "p"), "--sample", "--quiet"]).exit_code == 0
    for args, words in ((["--year", "2024"], "a year earlier"),
                        (["--from", "2023-01-01", "--to", "2023-12-31"], "on 31 December 2022")):
        out = tmp_path / "out" / words.replace(" ", "-")
        result = runner.invoke(app, ["build", *args, "--format", "md", "--quiet", "--out", str(out),
                                     "--config", str(tmp_path / "p" / "fosterreport.toml")])
        assert result.exit_code == 0, result.output
        summary = next(out.glob("*.md")).read_text(encoding="utf-8").split("## 2.", 1)[0]
        assert re.search(r"fostering households \(\d+ " + words + r"\)", summary), words
