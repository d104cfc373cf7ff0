"""The shipped table of England's LA figures is well formed, cited, and read as benchmarks.

The checks on the shipped table are written out here from the catalogue's units, not
through the loader's own checks, so a loader that let a bad figure through would still be
caught; the loader's refusals are then tested one tiny table at a time.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from fosterreport.exceptions import FosterReportError
from fosterreport.kpis.catalogue import BY_ID
from fosterreport.kpis.national import england_benchmarks, england_figures, parse_figures
from fosterreport.kpis.results import BenchmarkValue

FIGURES = england_figures()
#: The sample's reporting year (2023/24), the year the issue's "done when" asks about.
SAMPLE_YEAR = 2024


def test_the_shipped_table_has_figures():
    assert FIGURES, "england.toml holds no figure"


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f"{f.kpi}-{f.year}")
def test_each_figure_names_a_whole_kpi_of_the_catalogue(figure):
    assert figure.kpi in BY_ID


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f"{f.kpi}-{f.year}")
def test_each_value_lies_in_its_units_range(figure):
    unit = BY_ID[figure.kpi].unit
    if unit == "rate":
        assert 0 <= figure.value <= 1
    else:
        assert unit == "count" and figure.value == int(figure.value)


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f"{f.kpi}-{f.year}")
def test_each_value_is_the_figure_as_printed(figure):
    """``published`` is the release's own text: "12%" must be stored as 0.12, "1,230" as 1230."""
    printed = figure.published.replace(",", "")
    if BY_ID[figure.kpi].unit == "rate":
        assert printed.endswith("%")
        assert figure.value == pytest.approx(float(printed[:-1]) / 100, abs=1e-12)
    else:
        assert figure.value == float(printed)
    assert figure.published in figure.quote


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f"{f.kpi}-{f.year}")
def test_each_figure_cites_a_release_with_an_address(figure):
    assert re.fullmatch(r"https://www\.gov\.uk/\S+", figure.url)
    assert figure.release.strip() and figure.table.strip() and figure.quote.strip()
    assert figure.url in figure.benchmark().source


@pytest.mark.parametrize("figure", FIGURES, ids=lambda f: f"{f.kpi}-{f.year}")
def test_each_year_is_a_release_year_and_was_published_after_it_ended(figure):
    assert 2019 <= figure.year <= 2025
    assert date(figure.year, 3, 31) < figure.published_on <= date.today()


def test_each_kpi_has_at_most_one_figure_a_year():
    keys = [(figure.kpi, figure.year) for figure in FIGURES]
    assert len(keys) == len(set(keys))


def test_the_benchmarks_of_a_year_are_its_figures_labelled_and_cited():
    found = england_benchmarks(2023)
    assert list(found) == ["enquiry_to_application_rate"]
    benchmark = found["enquiry_to_application_rate"]
    assert isinstance(benchmark, BenchmarkValue)
    assert (benchmark.value, benchmark.label) == (0.12, "England (LA agencies)")
    assert benchmark.source.startswith("Ofsted, Recruitment and retention in mainstream fostering")
    assert benchmark.source.endswith(
        "https://www.gov.uk/government/publications/fostering-recruitment-and-retention/"
        "recruitment-and-retention-in-mainstream-fostering")


def test_a_year_without_figures_has_no_benchmarks():
    assert england_benchmarks(2019) == {}


# -- the loader's refusals, one tiny table each ------------------------------------------

GOOD = """\
kpi = "enquiry_to_application_rate"
year = 2023
value = 0.12
published = "12%"
release = "A release"
published_on = 2024-03-25
table = "Table 1"
quote = "for local authorities, this was 12%"
url = "https://www.gov.uk/a"
"""


def table(*entries: str, label: str = 'label = "England (LA agencies)"\n') -> str:
    return label + "".join(f"[[figure]]\n{entry}" for entry in entries)


def entry(**changes: str | None) -> str:
    """``GOOD`` with some lines replaced (``None`` drops the line)."""
    lines = dict(line.split(" = ", 1) for line in GOOD.splitlines())
    for name, value in changes.items():
        if value is None:
            lines.pop(name)
        else:
            lines[name] = value
    return "".join(f"{name} = {value}\n" for name, value in lines.items())


def refusal(text: str) -> list[str]:
    with pytest.raises(FosterReportError) as caught:
        parse_figures(text, "t.toml")
    return caught.value.messages


def test_a_good_entry_is_read_with_the_label():
    (figure,) = parse_figures(table(entry()))
    assert (figure.kpi, figure.year, figure.value, figure.label) == (
        "enquiry_to_application_rate", 2023, 0.12, "England (LA agencies)")
    assert figure.published_on == date(2024, 3, 25)
    assert figure.note is None


def test_a_misspelt_kpi_is_refused_with_the_closest_id():
    assert refusal(table(entry(kpi='"enquiry_to_aplication_rate"'))) == [
        "t.toml: figure 1: unknown KPI key 'enquiry_to_aplication_rate' "
        "(did you mean 'enquiry_to_application_rate'?)"]


def test_a_breakdown_code_is_refused():
    assert refusal(table(entry(kpi='"approvals.MAINSTREAM"', value="5", published='"5"'))) == [
        "t.toml: figure 1: a figure is for a whole KPI, not a code"]


def test_a_percentage_for_a_rate_is_refused_with_the_fraction_meant():
    assert refusal(table(entry(value="12"))) == [
        "t.toml: figure 1: value 12: a rate is a fraction from 0 to 1 (did you mean 0.12?)"]


@pytest.mark.parametrize("year", ["2018", "2026", '"2023"'])
def test_a_year_outside_the_releases_is_refused(year):
    shown = {"2018": "2018", "2026": "2026", '"2023"': "'2023'"}[year]
    assert refusal(table(entry(year=year))) == [
        f"t.toml: figure 1: year {shown} is not a reporting year from 2019 to 2025"]


def test_a_figure_without_an_address_is_refused():
    assert refusal(table(entry(url=None))) == ["t.toml: figure 1: no url"]


def test_an_address_that_is_not_https_is_refused():
    assert refusal(table(entry(url='"gov.uk/a"'))) == [
        "t.toml: figure 1: url 'gov.uk/a' is not an https address"]


def test_a_date_written_as_text_is_refused():
    assert refusal(table(entry(published_on='"25 March 2024"'))) == [
        "t.toml: figure 1: published_on is not a date (write it as 2024-03-25)"]


def test_an_empty_quote_is_refused():
    assert refusal(table(entry(quote='" "'))) == ["t.toml: figure 1: quote is empty"]


def test_a_misspelt_field_is_refused():
    assert refusal(table(entry() + 'nots = "x"\n')) == ["t.toml: figure 1: unknown field 'nots'"]


def test_two_figures_for_one_kpi_and_year_are_refused():
    assert refusal(table(entry(), entry())) == [
        "t.toml: figure 2: a second figure for enquiry_to_application_rate in 2023"]


def test_every_bad_entry_is_told_at_once():
    assert refusal(table(entry(url=None), entry(year="2024", value="-0.5"))) == [
        "t.toml: figure 1: no url",
        "t.toml: figure 2: value -0.5: a rate is a fraction from 0 to 1"]


def test_a_table_without_a_label_is_refused():
    assert refusal(table(entry(), label="")) == [
        "t.toml: needs a label (the words printed beside each figure)"]


def test_a_table_that_is_not_toml_is_refused_naming_the_file():
    (message,) = refusal("label = \n")
    assert message.startswith("t.toml: Invalid value")


def test_the_docs_cite_every_figure_of_the_table():
    """docs/national.md's table has a row per figure with its KPI, year, printed value and address."""
    assert FIGURES
    rows = [line for line in (Path(__file__).parent.parent / "docs" / "national.md").read_text(
        encoding="utf-8").splitlines() if line.startswith("| `")]
    for figure in FIGURES:
        assert any(row.startswith(f"| `{figure.kpi}` | {figure.year} (") and f"| {figure.published} |" in row
                   and figure.url in row for row in rows), f"{figure.kpi} {figure.year} is not in docs/national.md"
