"""``build --region`` on a region from the sample generator.

The build tests use a three-council region (three years of history, small councils),
generated once per session and built in all formats once, in parallel: every format of
every council and of the regional report, without the cost of thirteen PDFs. The councils
ask for a short report (``[report] sections``, :data:`SHORT`): no test here reads a
council's report but to compare it, and each of the two PDF builds would otherwise lay out
three whole reports (about 3 s of CPU each more); the regional report is the whole one. (A
council's whole report built in a region is the report it gets on its own:
tests/test_region_export.py.) The other builds use Markdown and HTML only, to keep the suite
fast. The serial build must give the same bytes as the parallel one. A twelve-council
region, the size of the North East hub, is compared without rendering (``kpis --region``),
so that its size stays tested.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.periods import make_period
from fosterreport.region import compute_council, discover_councils, load_council, region_config
from fosterreport.region.figures import compare
from fosterreport.sample import generate_sample

runner = CliRunner()
FILES = ["fostering-report-2023-24.html", "fostering-report-2023-24.md", "fostering-report-2023-24.pdf",
         "kpis-2023-24.json"]
REGIONAL = ["region-kpis-2023-24.json", "regional-report-2023-24.html", "regional-report-2023-24.md",
            "regional-report-2023-24.pdf"]


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


#: The sections of the councils' reports: one with each kind of chart (the trend's line and
#: bars, the reasons' bars), so that the serial and parallel PDFs compared byte for byte
#: still carry charts in every report.
SHORT = ["approvals"]


@pytest.fixture(scope="session")
def sample_region(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("north-east") / "hub"
    generate_sample(folder, authorities=3, seed=7, years=3, households=60)
    for council in discover_councils(folder):
        settings = council.folder / "fosterreport.toml"
        assert "[report]" not in settings.read_text(encoding="utf-8")
        with settings.open("a", encoding="utf-8") as file:
            file.write(f"\n[report]\nsections = {json.dumps(SHORT)}\n")
    return folder


@pytest.fixture(scope="module")
def broken_key(sample_region) -> str:
    """The council whose households extract the broken-council test spoils (the second)."""
    return discover_councils(sample_region)[1].key


@pytest.fixture(scope="module")
def full_build(sample_region, tmp_path_factory):
    out = tmp_path_factory.mktemp("region-out")
    result = run("build", "--region", sample_region, "--year", "2024", "--out", out, "--workers", "2")
    return result, out


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_three_council_reports_and_a_regional_report_in_every_format(full_build, sample_region):
    result, out = full_build
    assert result.exit_code == 0, result.output
    councils = [c.key for c in discover_councils(sample_region)]
    assert len(councils) == 3
    assert sorted(p.name for p in out.iterdir()) == sorted(councils + ["region"])
    for key in councils:
        assert sorted(p.name for p in (out / key).iterdir()) == FILES
    assert sorted(p.name for p in (out / "region").iterdir()) == REGIONAL
    assert "Built 3 of 3 council reports" in result.stderr and "Regional report (" in result.stderr


def test_a_twelve_council_region_is_compared_council_by_council(tmp_path):
    hub = tmp_path / "hub"
    generate_sample(hub, authorities=12, seed=7, years=3, households=60)
    result = run("kpis", "--region", hub, "--year", "2024", "--format", "json", "--quiet")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    councils = [c.key for c in discover_councils(hub)]
    assert len(councils) == 12 and len(set(councils)) == 12
    assert [c["id"] for c in document["councils"]] == councils
    assert all(c["status"] == "ok" for c in document["councils"])
    enquiries = document["kpis"]["enquiries"]
    assert sorted(enquiries["councils"]) == sorted(councils)
    assert enquiries["region"]["value"] == sum(f["value"] for f in enquiries["councils"].values())


def test_the_regional_report_is_accessible_and_tagged(full_build):
    import pikepdf

    _, out = full_build
    html = (out / "region" / "regional-report-2023-24.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB">' in html and html.count("<h1>") == 1
    assert 'alt="Bar charts, one per council, 2023/24: enquiries, initial visits, applications and approvals.' in html
    assert 'alt="Line chart and bar chart, 2019/20 to 2023/24, the region' in html
    assert "<caption>Table 5: Recruitment funnels by council, 2023/24</caption>" in html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", html)]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:]))  # no heading level skipped
    assert html.count("<table") == html.count("<caption>") and "<th>" not in html  # every th has a scope
    with pikepdf.open(out / "region" / "regional-report-2023-24.pdf") as pdf:
        assert str(pdf.Root.Lang) == "en-GB" and "/StructTreeRoot" in pdf.Root
        assert len(pdf.pages) > 10


def test_the_regional_json_names_every_council_and_its_files(full_build, sample_region):
    _, out = full_build
    document = json.loads((out / "region" / "region-kpis-2023-24.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in document["councils"]] == [c.key for c in discover_councils(sample_region)]
    assert all(c["status"] == "ok" for c in document["councils"])
    enquiries = document["kpis"]["enquiries"]
    assert enquiries["region"]["value"] == sum(f["value"] for f in enquiries["councils"].values())
    rate = document["kpis"]["enquiry_to_approval_rate"]["region"]
    assert rate["numerator"] == document["kpis"]["approvals_from_enquiries"]["region"]["value"]
    assert rate["value"] == pytest.approx(rate["numerator"] / rate["denominator"])
    assert len(document["trend"]) == 5


def test_a_serial_build_gives_the_same_bytes_as_the_parallel_one(full_build, sample_region, tmp_path, monkeypatch):
    from fosterreport.render import printer

    started = []
    monkeypatch.setattr(printer, "Printer", lambda: started.append(1))  # (a run writing no PDF starts none)
    _, parallel = full_build
    result = run("build", "--region", sample_region, "--year", "2024", "--format", "html,md", "--out", tmp_path,
                 "--workers", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert started == []
    serial = files_under(tmp_path)
    assert len(serial) == 3 * 3 + 3
    assert {name: data for name, data in files_under(parallel).items() if name in serial} == serial


def test_a_serial_build_prints_every_pdf_in_the_printer_process_and_the_same_bytes(full_build, sample_region,
                                                                                   tmp_path, monkeypatch):
    """With one worker, each PDF is laid out by a printer process beside the next council's
    figures, as a council's own build does; the PDFs are those of the parallel build."""
    from fosterreport.render import printer

    submitted = []

    class Counting(printer.Printer):
        def submit(self, html, project, excluded=()):
            submitted.append(len(html))
            super().submit(html, project, excluded)

    monkeypatch.setattr(printer, "Printer", Counting)
    result = run("build", "--region", sample_region, "--year", "2024", "--format", "pdf", "--out", tmp_path,
                 "--workers", "1", "--quiet")
    assert result.exit_code == 0, result.output
    serial = {name: data for name, data in files_under(tmp_path).items() if name.endswith(".pdf")}
    assert len(serial) == 3 + 1 and len(submitted) == 4
    _, parallel = full_build
    assert {name: data for name, data in files_under(parallel).items() if name in serial} == serial


def test_one_broken_council_fails_alone_and_the_run_exits_1(sample_region, broken_key, tmp_path):
    region = tmp_path / "hub"
    shutil.copytree(sample_region, region)
    name = tomllib.loads((region / broken_key / "fosterreport.toml").read_text(encoding="utf-8"))["authority"]["name"]
    broken = sorted((region / broken_key).glob("[Hh]ouseholds.*"))[0]
    broken.write_text(broken.read_text(encoding="utf-8") + "garbage\n", encoding="utf-8")
    result = run("build", "--region", region, "--year", "2024", "--format", "md", "--out", tmp_path / "out")
    assert result.exit_code == exitcodes.INVALID_DATA
    assert f"{broken_key} ({name}): not built: the extracts are invalid" in result.stderr
    assert "ragged-row" in result.stderr and "Built 2 of 3 council reports" in result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(written) == 3 and broken_key not in written and "region" in written
    document = json.loads((tmp_path / "out" / "region" / "region-kpis-2023-24.json").read_text(encoding="utf-8"))
    failed = [c for c in document["councils"] if c["status"] != "ok"]
    assert [(c["id"], c["status"], c["errors"]) for c in failed] == [(broken_key, "invalid", 1)]
    assert failed[0]["problems"][0]["rule"] == "ragged-row"
    assert all(broken_key not in kpi["councils"] for kpi in document["kpis"].values())
    text = (tmp_path / "out" / "region" / "regional-report-2023-24.md").read_text(encoding="utf-8")
    assert f"| {name} (`{broken_key}`) | Not built: extracts invalid |" in text
    assert "Councils not built: their problems by file and rule" in text


def test_the_regional_median_is_the_median_of_every_councils_cases(sample_region):
    config, period = region_config(sample_region), make_period(2024)
    outcomes = [compute_council(load_council(council, config), period)
                for council in discover_councils(sample_region)[:3]]
    region = compare("hub", outcomes, period, config)
    for kpi_id in ("median_days_enquiry_to_approval", "median_days_application_to_approval"):
        pooled = [day for outcome in outcomes for day in outcome.results[kpi_id].figure.samples]
        assert len(pooled) > 3
        assert region[kpi_id].value == float(statistics.median(pooled)) and region[kpi_id].cases == len(pooled)


def test_a_councils_pdf_in_a_region_may_not_read_its_data_folder_as_on_its_own(tmp_path):
    """The region's PDF job carries the council's [data] path as a folder the PDF may not
    read from, as a single build's render does (render.document.excluded_folders)."""
    from fosterreport.config import load_config
    from fosterreport.region.councils import PdfJob, print_pdf
    from fosterreport.render.document import excluded_folders

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "fosterreport.toml").write_text('[data]\npath = "data"\n', encoding="utf-8")
    config = load_config(tmp_path / "fosterreport.toml")
    assert excluded_folders(config) == ((tmp_path / "data").resolve(),)
    html = ('<!DOCTYPE html><html lang="en-GB"><head><title>t</title></head><body>'
            f'<img src="{(tmp_path / "data" / "chart.png").as_uri()}" alt="x"></body></html>')
    out = tmp_path / "out"
    job = PdfJob("council-01", html, tmp_path, out / "r.pdf", {out / "r.pdf": None}, excluded_folders(config))
    printed = print_pdf(job)
    assert printed.paths in (None, []) and not out.exists()
    assert any("in the data/ folder, whose files never reach an output" in m for m in printed.messages)
