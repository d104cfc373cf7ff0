"""Coverage: a figure the extracts cannot support is n/a with its reason, never 0.

Hand-computed on tiny extracts: visits.csv begins in April 2021, so 2021/22's
supervision gaps that began before it are unknown; enquiries.csv begins in April 2020,
so 2019/20 (the previous year of 2020/21) is not "0 enquiries".
"""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from kpi_frames import extracts, household

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.exceptions import UsageError
from fosterreport.kpis import compute_kpis
from fosterreport.kpis.coverage import coverage_of
from fosterreport.kpis.export import to_json
from fosterreport.periods import make_period

HOUSEHOLDS = [household("H1", "2015-06-01"), household("H2", "2019-01-10", deregistered="2020-05-01"),
              household("H3", "2021-02-01")]
VISITS = [{"household_id": "H1", "visit_date": day, "visit_type": "SUPERVISION"}
          for day in ("2021-04-20", "2021-05-25", "2021-07-01", "2021-08-05", "2021-09-10", "2021-10-15",
                      "2021-11-20", "2021-12-28", "2022-02-01", "2022-03-10", "2022-04-15", "2022-05-20",
                      "2022-06-25", "2022-08-01", "2022-09-05", "2022-10-10", "2022-11-15", "2022-12-20",
                      "2023-01-25", "2023-03-01", "2023-03-30")]
ENQUIRIES = [{"enquiry_id": f"E{n}", "enquiry_date": day, "household_type_sought": "MAINSTREAM"}
             for n, day in enumerate(["2020-04-14", "2020-09-02", "2021-01-05", "2021-06-30", "2022-11-11"])]


@pytest.fixture()
def tiny():
    data = extracts(households=HOUSEHOLDS, visits=VISITS, enquiries=ENQUIRIES)
    data.extracted_on, data.begins = date(2023, 4, 3), {}  # what the extracts themselves say
    return data


def test_each_file_covers_from_the_month_of_its_first_window_date(tiny):
    coverage = coverage_of(tiny)
    # households: its first deregistration (a register holds those who left after the export began)
    assert coverage.starts == {"households": date(2020, 5, 1), "visits": date(2021, 4, 1),
                               "enquiries": date(2020, 4, 1)}
    assert coverage.newest == date(2023, 4, 3)


def test_a_declared_start_wins_over_the_inferred_one(tiny):
    tiny.begins = {"visits": date(2021, 2, 1)}
    assert coverage_of(tiny).starts["visits"] == date(2021, 2, 1)


def test_a_look_back_the_file_does_not_reach_is_not_computed(tiny):
    results = compute_kpis(tiny, make_period(2022))  # 2021/22: the interval before 1 April 2021 is unknown
    rate = results["supervision_timeliness_rate"]
    assert rate.value is None and rate.figure.not_covered == "visits.csv starts 1 April 2021"
    assert results["supervision_visits"].value == 10  # the period itself is covered: counted
    later = compute_kpis(tiny, make_period(2023))  # 2022/23 needs visits from 17 February 2022
    assert later["supervision_timeliness_rate"].value is not None
    assert later["supervision_timeliness_rate"].previous is None  # 2021/22 again
    assert later["supervision_timeliness_rate"].direction == "n/a"


def test_the_previous_year_before_the_extracts_begin_is_not_zero(tiny):
    results = compute_kpis(tiny, make_period(2021))  # 2020/21; enquiries begin April 2020
    enquiries = results["enquiries"]
    assert enquiries.value == 3 and enquiries.previous is None and enquiries.direction == "n/a"
    assert enquiries.before.not_covered == "enquiries.csv starts 1 April 2020"
    assert all(cell is None for cell in enquiries.before.by["household_type_sought"].values())
    cohort = results["cohort_approval_rate"]  # last year's enquiries: before the file
    assert cohort.value is None and cohort.figure.not_covered == "enquiries.csv starts 1 April 2020"
    document = to_json(results)
    assert document["kpis"]["enquiries"]["previous"] is None
    assert document["kpis"]["enquiries"]["previous_not_covered"] == "enquiries.csv starts 1 April 2020"
    assert "not_covered" not in document["kpis"]["enquiries"]


def test_a_trend_year_before_the_extracts_is_null_with_its_reason(tiny):
    results = compute_kpis(tiny, make_period(2023), trend=5)
    points = {point.period.label: point.figures["enquiries"] for point in results.trend}
    assert points["2018/19"].value is None and points["2018/19"].not_covered
    assert points["2019/20"].value is None
    assert [points[label].value for label in ("2020/21", "2021/22", "2022/23")] == [3, 1, 1]
    trend = to_json(results)["trend"]
    assert trend[0]["kpis"]["enquiries"] == {"value": None, "by": trend[0]["kpis"]["enquiries"]["by"],
                                             "not_covered": "enquiries.csv starts 1 April 2020"}


@pytest.mark.parametrize("year, words", [
    (2024, "the period 2023/24 ends on 31 March 2024, after the newest date in the extracts: the extracts "
           "cover 1 April 2020 to 3 April 2023"),
    (2020, "the period 2019/20 starts on 1 April 2019, before the extracts begin: the extracts cover "
           "1 April 2020 to 3 April 2023"),
])
def test_a_period_outside_the_data_is_a_usage_error(tiny, year, words):
    with pytest.raises(UsageError) as raised:
        compute_kpis(tiny, make_period(year))
    assert raised.value.messages[0].startswith(words)


def test_a_file_with_no_dated_record_covers_the_folder(tiny):
    data = extracts(households=HOUSEHOLDS, visits=VISITS, enquiries=ENQUIRIES, complaints=[])
    data.extracted_on, data.begins = date(2023, 4, 3), {}
    assert coverage_of(data).starts["complaints"] == date(2020, 4, 1)  # the folder's first month
    assert compute_kpis(data, make_period(2022))["complaints"].value == 0  # "none this year" is a fact


runner = CliRunner()


@pytest.mark.parametrize("command", [["kpis", "--year", "2025"], ["build", "--year", "2040", "--format", "md"]])
def test_the_sample_refuses_a_year_after_its_data(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, [*command, "--quiet"])
    assert result.exit_code == exitcodes.USAGE
    assert "after the newest date in the extracts: the extracts cover 1 April 2016 to 31 March 2024" in result.output
    assert not (tmp_path / "report").exists()


def test_the_sample_first_year_has_no_previous_built_on_nothing(tmp_path, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["kpis", "--year", "2017", "--format", "json", "--trend", "12", "--quiet"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    flows = ["approvals", "deregistrations", "enquiries", "applications", "complaints", "panel_items",
             "supervision_visits", "training_attendances"]
    for kpi_id in flows:
        entry = document["kpis"][kpi_id]
        assert entry["previous"] is None and entry["previous_not_covered"].endswith("starts 1 April 2016"), kpi_id
        assert entry["direction"] == "n/a", kpi_id
    for point in document["trend"][:-1]:  # 2005/06 to 2015/16: before every file
        assert all(entry["value"] is None for entry in point["kpis"].values()), point["period"]
