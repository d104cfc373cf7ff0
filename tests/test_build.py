"""Building the whole report from the embedded sample: the PDF (tagged, titled, with its
figures), byte-identical rebuilds, atomic writes, privacy and suppression end to end.

One module-scoped build with the PDF is shared by most tests; the PDF engine is slow,
so only the determinism test renders a second one.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from fosterreport.build import build_report, build_report_detailed, output_paths
from fosterreport.embedded import sample_folder
from fosterreport.config import Config
from fosterreport.exceptions import RenderError
from fosterreport.formatting import format_value
from fosterreport.periods import make_period
from fosterreport.records import load_extracts

YEAR = 2024


def _config(project: Path, **extra) -> Config:
    project.mkdir(parents=True, exist_ok=True)
    return Config(base=project, report={"meeting_date": "2024-07-18"}, **extra)


@pytest.fixture(scope="module")
def sample_extracts():
    config = Config()
    extracts = load_extracts(sample_folder(), config)
    assert not extracts.problems.errors
    assert extracts.is_sample  # the loader knows the embedded sample when it reads it
    return extracts


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_extracts):
    root = tmp_path_factory.mktemp("build")
    config = _config(root / "project")
    out = root / "report"
    result = build_report_detailed(sample_extracts, config, make_period(YEAR), out)
    return {"out": out, "config": config, "result": result, "paths": output_paths(out, make_period(YEAR))}


def test_writes_the_three_formats_and_the_json(built):
    paths = built["paths"]
    assert sorted(p.name for p in built["out"].iterdir()) == sorted(p.name for p in paths.values())
    assert built["result"].pages and built["result"].pages > 8
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["period"]["label"] == "2023/24" and "households_end" in data["kpis"]


@pytest.fixture(scope="module")
def pdf_text(built) -> str:
    """The text of the module's PDF, extracted once for the tests that read it."""
    from pdf_text import pdf_text as text_of

    return text_of(built["paths"]["pdf"])


def test_pdf_text_carries_the_key_figures(built, pdf_text):
    paths = built["paths"]
    kpis = json.loads(paths["json"].read_text(encoding="utf-8"))["kpis"]
    text = re.sub(r"\s+", " ", pdf_text)
    assert "Fostering Service Annual Report 2023/24" in text
    assert "1 April 2023 to 31 March 2024" in text
    for kpi_id in ("households_end", "approvals", "deregistrations", "enquiries", "approved_places_end",
                   "enquiry_to_approval_rate", "occupancy_rate", "budget", "outturn"):
        figure = format_value(kpis[kpi_id]["value"], kpis[kpi_id]["unit"])
        assert figure in text, (kpi_id, figure)
    assert "Appendix A: Definitions" in text and "Appendix B: Data quality and provenance" in text


def test_pdf_is_tagged_titled_and_in_english(built):
    import pikepdf

    with pikepdf.open(built["paths"]["pdf"]) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked)
        assert str(root.Lang) == "en-GB"
        assert str(pdf.docinfo["/Title"]).startswith("Fostering Service Annual Report 2023/24")
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20240718")
        figures = []

        def walk(node, depth=0):
            if depth > 200:
                return
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    figures.append(node)
                kids = node.get("/K")
                if kids is not None:
                    walk(kids, depth + 1)
            elif isinstance(node, pikepdf.Array):
                for item in node:
                    walk(item, depth + 1)

        walk(root.StructTreeRoot)
        alts = [str(figure.get("/Alt", "")) for figure in figures]
        charts = [alt for alt in alts if not alt.startswith("Trend over 6 months")]
        assert len(charts) == 4
        for alt in charts:
            assert alt.startswith(("Bar chart.", "Line chart")) and len(alt) > 60
        # the monthly data set's sparklines, one per measure, each a figure with its words
        assert len(alts) - len(charts) == 10


def test_every_chart_has_its_text_alternative_in_the_html(built):
    html = built["paths"]["html"].read_text(encoding="utf-8")
    images = [found for found in re.findall(r"<img ([^>]*)>", html) if 'class="spark"' not in found]
    assert len(images) == 4
    for attributes in images:
        alt = re.search(r'alt="([^"]*)"', attributes).group(1)
        assert len(alt) > 60 and re.search(r"\d", alt)
        assert 'src="data:image/svg+xml;base64,' in attributes


def test_two_builds_give_identical_bytes(built, sample_extracts, tmp_path):
    again = tmp_path / "again"
    build_report(sample_extracts, built["config"], make_period(YEAR), again)
    for path in built["paths"].values():
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def _ids_in_sample() -> set[str]:
    """Every identifier and name in the sample extracts (the things that must stay out)."""
    found: set[str] = set()
    columns = {"CARER_ID", "Carer Name", "household_id", "child_id", "placement_id", "enquiry_id",
               "complaint_id", "allegation_id", "carer_id", "session_id"}
    for path in sample_folder().iterdir():
        if path.suffix.lower() != ".csv":
            continue
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
            for column in columns & set(row):
                if row[column]:
                    found.add(row[column])
    return found


def _texts(paths: dict[str, Path], pdf_text: str) -> dict[str, str]:
    texts = {name: paths[name].read_text(encoding="utf-8") for name in ("html", "md", "json")}
    texts["html"] = re.sub(r'src="data:[^"]*"', "", texts["html"])  # base64 is not text
    texts["pdf"] = pdf_text
    return texts


def test_no_household_child_carer_or_case_id_appears_in_any_output(built, pdf_text):
    ids = _ids_in_sample()
    assert len(ids) > 1000
    for name, text in _texts(built["paths"], pdf_text).items():
        tokens = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9-]*", text))
        leaked = sorted(ids & tokens)
        assert not leaked, f"{name}: {leaked[:10]}"


def test_a_failed_build_writes_nothing_and_keeps_the_previous_report(built, sample_extracts, monkeypatch, tmp_path):
    out = tmp_path / "report"
    shutil.copytree(built["out"], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(html, project, **options):
        raise RenderError("PDF rendering failed: simulated")

    monkeypatch.setattr("fosterreport.render.pdf.render_pdf", broken)
    with pytest.raises(RenderError):
        build_report(sample_extracts, built["config"], make_period(YEAR), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    monkeypatch.setattr("os.replace", lambda *a: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(RenderError):
        build_report(sample_extracts, built["config"], make_period(YEAR), out, formats=("md",))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary files left


def test_script_in_csv_text_and_suppression_end_to_end(sample_extracts, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_folder(), data)
    budget = data / "budget.csv"
    budget.write_text(budget.read_text(encoding="utf-8").replace(
        "Staffing", "<script>alert('x')</script> Staffing"), encoding="utf-8")
    training = data / "training.csv"
    training.write_text(training.read_text(encoding="utf-8").replace(
        "Medication Awareness", "<script>alert('y')</script>"), encoding="utf-8")
    config = _config(tmp_path / "project", publication={"suppress_below": 5},
                     authority={"name": "Testshire County Council"})
    extracts = load_extracts(data, config)
    assert not extracts.problems.errors
    out = tmp_path / "out"
    build_report(extracts, config, make_period(YEAR), out, formats=("html", "md"))
    paths = output_paths(out, make_period(YEAR))
    html, md = paths["html"].read_text(encoding="utf-8"), paths["md"].read_text(encoding="utf-8")
    json_text = paths["json"].read_text(encoding="utf-8")
    for text in (html, md, json_text):
        assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Staffing" in html
    assert json.loads(json_text)["kpis"]["budget"]["by"]["line"]  # the line is still there, as data
    kpis = json.loads(json_text)["kpis"]
    # The JSON published beside the report withholds what the report does (null, flagged).
    small = [k for k, v in kpis.items() if v["unit"] == "count" and v["suppressed"]]
    assert small, "the sample has small counts"
    assert all(kpis[k]["value"] is None for k in small)
    assert "counts from 1 to 4 are shown as “c”" in md
    for kpi_id in small:
        label = kpis[kpi_id]["label"]
        rows = [line for line in md.splitlines() if line.startswith(f"| {label} |")]
        assert rows and all(row.split("|")[2].strip() == "c" for row in rows), (kpi_id, rows)
