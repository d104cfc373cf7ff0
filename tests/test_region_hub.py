"""The region as a hub reports it (issue 14, item 8): breakdowns council by council
(enquiries by source, the regional hub among them), the hub's own narrative, its targets
with RAG, and any period (``--from``/``--to``). A two-council sample region, generated
through the CLI as an analyst would (``fosterreport sample --authorities 2``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport.cli import app

runner = CliRunner()
SOURCES = ["WEBSITE", "PHONE", "EVENT", "SOCIAL_MEDIA", "WORD_OF_MOUTH", "REGIONAL_HUB", "OTHER", "NOT_RECORDED"]
C1, C2 = "council-01-anyshire", "council-02-sedgeshire"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hub") / "hub"
    result = run("sample", "--out", folder, "--authorities", 2, "--years", 3, "--quiet")
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def hub(made, tmp_path) -> Path:
    folder = tmp_path / "hub"
    shutil.copytree(made, folder)
    return folder


def region_json(hub: Path, *period) -> dict:
    result = run("kpis", "--region", hub, *(period or ("--year", "2024")), "--format", "json", "--workers", 1,
                 "--quiet")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def build_md(hub: Path, out: Path, *period) -> tuple:
    result = run("build", "--region", hub, *(period or ("--year", "2024")), "--format", "md", "--out", out,
                 "--workers", 1)
    return result, (sorted((out / "region").glob("regional-report-*.md")) or [None])[0]


# -- breakdowns council by council -----------------------------------------------------------


def test_enquiries_by_source_per_council_and_the_region_in_json(hub):
    found = region_json(hub)["breakdowns"]["enquiries.source"]
    assert found["codes"] == SOURCES
    assert list(found["councils"]) == [C1, C2]
    hub_cells = [found["councils"][key]["REGIONAL_HUB"] for key in (C1, C2)]
    assert hub_cells == [{"value": 2, "suppressed": False}, {"value": 4, "suppressed": False}]
    assert found["region"]["REGIONAL_HUB"] == {"value": 6, "suppressed": False}
    assert sum(cell["value"] for cell in found["region"].values()) == 62  # the region's enquiries


def test_the_breakdown_table_has_councils_as_rows_codes_as_columns_and_the_region_last(hub, tmp_path):
    result, report = build_md(hub, tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = report.read_text()
    table = text.split(": Enquiries by source, 2023/24, by council**\n\n", 1)[1].split("\n\n", 1)[0]
    assert table.splitlines() == [
        "| Council | Website | Telephone | Event | Social media | Word of mouth | Regional hub | Other | Not recorded |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        "| Anyshire County Council | 13 | 2 | 1 | 3 | 3 | 2 | 0 | 2 |",
        "| Sedgeshire County Council | 13 | 8 | 1 | 5 | 2 | 4 | 2 | 1 |",
        "| **Region (2 councils)** | **26** | **10** | **2** | **8** | **5** | **6** | **2** | **3** |",
    ]


def test_a_withheld_council_cell_stays_withheld_and_the_region_cell_that_would_give_it_away_too(hub):
    (hub / "fosterreport.toml").write_text("[publication]\nsuppress_below = 3\n")
    found = region_json(hub)["breakdowns"]["enquiries.source"]
    mine, theirs, region = found["councils"][C1], found["councils"][C2], found["region"]
    # Anyshire's 2 regional-hub enquiries are withheld; Sedgeshire's 4 are not, so the
    # region's 6 would be 6 - 4 = 2: it is withheld too.
    assert mine["REGIONAL_HUB"] == {"value": None, "suppressed": True}
    assert theirs["REGIONAL_HUB"] == {"value": 4, "suppressed": False}
    assert region["REGIONAL_HUB"] == {"value": None, "suppressed": True}
    for code in SOURCES:  # nowhere is a region cell shown beside exactly one withheld council cell
        hidden = [line[code]["suppressed"] for line in (mine, theirs)]
        if hidden.count(True) == 1:
            assert region[code]["suppressed"], code
    assert region["WEBSITE"] == {"value": 26, "suppressed": False}


# -- targets and RAG -------------------------------------------------------------------------


def test_the_regions_targets_give_a_target_and_rag_in_json_and_in_the_report(hub, tmp_path):
    (hub / "fosterreport.toml").write_text('[targets]\napprovals = 70\n"approvals.MAINSTREAM" = 12\n')
    approvals = region_json(hub)["kpis"]["approvals"]["region"]
    assert (approvals["value"], approvals["target"], approvals["rag"]) == (63, 70, "amber")
    result, report = build_md(hub, tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = report.read_text()
    assert "| Measure | 2023/24 | Target | RAG | 2022/23 | Change | Direction | Councils |" in text
    assert "| Households approved | 63 | 70 | Amber | 53 | +10 | ▲ improved | 2 |" in text
    assert "| Households approved: mainstream | 9 | 12 | Red | 9 | ▬ similar |" in text


def test_without_targets_the_regional_tables_have_no_target_column(hub):
    assert region_json(hub)["kpis"]["approvals"]["region"]["target"] is None


# -- the regional narrative ------------------------------------------------------------------


def test_the_regions_narrative_fills_placeholders_from_the_regional_figures(hub, tmp_path):
    (hub / "narrative").mkdir()
    (hub / "narrative" / "summary.md").write_text(
        "The hub had {{ kpi.households_end }} households; {{ kpi.enquiries.by.REGIONAL_HUB }} enquiries came "
        "through the hub in {{ period.label }}.\n")
    (hub / "narrative" / "breakdown.md").write_text("Mistyped.\n")
    result, report = build_md(hub, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "## 1. Summary\n\nThe hub had 178 households; 6 enquiries came through the hub in 2023/24.\n" \
        in report.read_text()
    assert ("note: region: narrative/breakdown.md matches no section of the regional report and was not used "
            "(did you mean breakdowns.md?)") in result.stderr


def test_a_misspelt_placeholder_in_the_regions_narrative_is_a_located_error(hub, tmp_path):
    (hub / "narrative").mkdir()
    (hub / "narrative" / "recruitment.md").write_text("Fine.\n\nHub: {{ kpi.enquiris }}\n")
    result, report = build_md(hub, tmp_path / "out")
    assert result.exit_code == 3
    assert ("the regional report could not be rendered: narrative/recruitment.md:3: unknown placeholder "
            "'kpi.enquiris' (did you mean 'kpi.enquiries'?); `fosterreport kpis --list` lists every id\n") \
        in result.stderr
    assert report is None
    assert (tmp_path / "out" / C1 / "fostering-report-2023-24.md").is_file()  # the councils' are built


# -- any period --------------------------------------------------------------------------------


def test_from_to_of_a_whole_year_is_that_year(hub):
    assert region_json(hub, "--from", "2023-04-01", "--to", "2024-03-31") == region_json(hub)


def test_a_custom_period_adds_up_each_councils_own_figures_for_it(hub):
    days = ("--from", "2023-09-01", "--to", "2024-02-29")
    document = region_json(hub, *days)
    assert document["period"] == {"label": "Sep 2023–Feb 2024", "start": "2023-09-01", "end": "2024-02-29"}
    own = []
    for key in (C1, C2):
        result = run("kpis", "--data", hub / key, "--config", hub / key / "fosterreport.toml", *days,
                     "--format", "json", "--quiet")
        assert result.exit_code == 0, result.output
        own.append(json.loads(result.stdout)["kpis"]["enquiries"])
    region = document["kpis"]["enquiries"]["region"]
    assert region["value"] == own[0]["value"] + own[1]["value"]
    assert region["previous"] == own[0]["previous"] + own[1]["previous"]  # Mar 2023–Aug 2023, just before


def test_build_with_from_to_writes_the_custom_periods_regional_report(hub, tmp_path):
    result, report = build_md(hub, tmp_path / "out", "--from", "2023-09-01", "--to", "2024-02-29")
    assert result.exit_code == 0, result.output
    assert report.name == "regional-report-2023-09-01-to-2024-02-29.md"
    text = report.read_text()
    assert text.startswith("# Regional Fostering Comparison Sep 2023–Feb 2024\n\n1 September 2023 to 29 February "
                           "2024\n")
    assert "| Measure | Sep 2023–Feb 2024 | Mar 2023–Aug 2023 | Change | Direction | Councils |" in text
    assert "against 180 on 31 August 2023:" in text


def test_from_without_to_with_region_is_a_usage_error(hub):
    result = run("kpis", "--region", hub, "--from", "2023-09-01")
    assert result.exit_code == 2
    assert "--from needs --to: a period runs from --from to --to, both included" in result.output
