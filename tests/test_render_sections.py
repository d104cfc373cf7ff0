"""The section registry: each section declared once, and everything else reading it.

The report's sections, their order, the contents list, ``init``'s starter narratives and
the list in ``docs/report.md`` all come from :data:`fosterreport.context.sections.SECTIONS`;
a section without a template of its own is laid out by the generic one; and a new section
needs nothing but its entry.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport.cli import app
from fosterreport.build import report_context
from fosterreport.context import docs as section_docs
from fosterreport.context import sections as registry
from fosterreport.context.model import Section
from fosterreport.context.sections import APPENDICES, SECTIONS, ReportSection
from fosterreport.context.tables import TableBuilder
from fosterreport.render.charts import render_charts
from fosterreport.render.html import render_html
from fosterreport.render.markdown import render_markdown
from fosterreport.render.templates import builtin_templates
from report_fakes import make_config, make_extracts, make_results

ROOT = Path(__file__).parent.parent
runner = CliRunner()


def render(project: Path, **report):
    config = make_config(project, **report)
    context = report_context(make_results(), make_extracts(), config)  # with the narrative merged in
    render_charts(context.charts)
    return context, render_html(context, config), render_markdown(context, config)


def html_section(html: str, section_id: str) -> str:
    """The HTML of one section, from its opening tag to the next section's."""
    start = html.index(f'<section id="s-{section_id}"')
    return html[start:html.index("</section>", start)]


# -- the registry itself -----------------------------------------------------------------


def test_every_section_has_a_title_a_builder_and_a_starter_narrative():
    assert len(SECTIONS) == 13
    for section in SECTIONS:
        assert section.title.strip(), section.id
        assert callable(section.build), section.id
        assert section.narrative.strip() and section.narrative.endswith("\n"), section.id


def test_section_ids_are_unique_and_usable_as_file_names():
    ids = [s.id for s in SECTIONS]
    assert len(set(ids)) == len(ids)
    assert not set(ids) & {a.id for a in APPENDICES}
    for section_id in ids:
        # `_` starts the generic layout's name and a project's partials, never a section's
        assert re.fullmatch(r"[a-z][a-z_]*", section_id), section_id
    assert registry.SECTION_IDS == ids


def test_the_registry_names_real_extracts_and_kpis():
    from fosterreport.contract import EXTRACTS
    from fosterreport.kpis.catalogue import BY_ID

    assert {f for s in SECTIONS for f in s.files} <= set(EXTRACTS)
    assert {k for s in SECTIONS for k in s.kpis} <= set(BY_ID)


# -- the built sample reads the registry --------------------------------------------------


@pytest.fixture(scope="module")
def sample(sample_outputs):
    return (sample_outputs["fostering-report-2023-24.html"].decode("utf-8"),
            sample_outputs["fostering-report-2023-24.md"].decode("utf-8"))


def test_the_sample_reports_sections_are_the_registrys_in_order(sample):
    html, md = sample
    headings = [f"{n}. {s.title}" for n, s in enumerate(SECTIONS, start=1)]
    assert re.findall(r'<section id="s-(\w+)"', html) == [s.id for s in SECTIONS]
    assert re.findall(r'<h2 id="s-\w+-h">([^<]+)</h2>', html) == headings
    assert re.findall(r"^## (\d+\. .+)$", md, flags=re.M) == headings
    assert headings[0] == "1. Summary" and headings[-1] == "13. Performance scorecard"


def test_the_contents_list_is_the_registrys_sections_then_its_appendices(sample):
    html, md = sample
    anchors = [f"s-{s.id}" for s in SECTIONS] + [a.anchor for a in APPENDICES]
    titles = [f"{n}. {s.title}" for n, s in enumerate(SECTIONS, start=1)] + [a.title for a in APPENDICES]
    nav = html[html.index('<nav class="contents"'):html.index("</nav>")]
    assert re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', nav) == list(zip(anchors, titles))
    contents = md.split("## Contents\n", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^- \[(.+)\]\(#", contents, flags=re.M) == titles
    for appendix in APPENDICES:
        assert f'<section id="{appendix.anchor}"' in html and f"\n## {appendix.title}\n" in md


# -- templates: a section's own, else the generic one -------------------------------------


def test_built_in_sections_folder_holds_only_layouts_that_differ_from_the_generic_one():
    folder = builtin_templates() / "sections"
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["_section.html", "_section.md.j2", "appendix_data_quality.html", "appendix_data_quality.md.j2",
                     "appendix_definitions.html", "appendix_definitions.md.j2", "furniture_list.html",
                     "furniture_list.md.j2", "summary.html", "summary.md.j2"]
    for name in names:
        text = (folder / name).read_text(encoding="utf-8")
        assert "{% extends" not in text, name  # no stub that only restates the generic layout


def test_a_section_without_its_own_template_is_laid_out_by_the_generic_one(tmp_path):
    assert not (builtin_templates() / "sections" / "panel.html").exists()
    project = tmp_path / "project"
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "_section.html").write_text(
        '<section id="{{ s.anchor }}" class="ours"><h2 id="{{ s.anchor }}-h">{{ s.heading }}</h2></section>\n')
    (project / "templates" / "sections" / "_section.md.j2").write_text("## {{ s.heading }}\n\nOurs.\n")
    _, html, md = render(project, templates="templates")
    assert html_section(html, "panel") == '<section id="s-panel" class="ours"><h2 id="s-panel-h">6. Fostering panel</h2>'
    assert "## 6. Fostering panel\n\nOurs.\n" in md
    # the summary has a layout of its own, so the generic one does not touch it
    assert 'class="section section-summary"' in html_section(html, "summary")
    assert "## 1. Summary\n\nOurs." not in md


def test_a_projects_template_for_one_section_replaces_only_that_sections_layout(tmp_path):
    project = tmp_path / "project"
    (project / "templates" / "sections").mkdir(parents=True)
    (project / "templates" / "sections" / "panel.html").write_text(
        '<section id="{{ s.anchor }}"><h2 id="{{ s.anchor }}-h">{{ s.heading }}</h2><p>Our own panel page.</p>'
        "</section>\n")
    _, html, _ = render(project, templates="templates")
    assert "<p>Our own panel page.</p>" in html_section(html, "panel")
    assert 'class="section section-reviews"' in html_section(html, "reviews")  # still the generic layout


def test_a_section_template_that_names_no_section_is_named_on_stderr(tmp_path):
    project = tmp_path / "project"
    (project / "templates" / "sections").mkdir(parents=True)
    for name in ("panl.html", "_partial.html", "panel.md.j2", "notes.txt"):
        (project / "templates" / "sections" / name).write_text("{{ s.heading }}\n")
    context, _, _ = render(project, templates="templates")
    assert context.notices == [
        "templates/sections/panl.html matches no report section and was not used (did you mean panel.html?)"]


# -- a new section is one registry entry ---------------------------------------------------


def walks(s: Section, t: TableBuilder) -> None:
    s.facts.append(f"There were {t.f.text('training_sessions')} walks in {t.label}.")
    s.add("measures", t.measures_table("walks-measures", f"Walks, {t.label}", ["training_sessions"]))


WALKS = ReportSection("walks", "Foster walks", ("training",), ("training_sessions",), walks,
                      "We walked {{ kpi.training_sessions }} times.\n")


def test_adding_a_section_takes_only_its_registry_entry(tmp_path, monkeypatch):
    from fosterreport.cli.init import planned_files

    monkeypatch.setattr(registry, "SECTIONS", SECTIONS + (WALKS,))
    project = tmp_path / "project"
    (project / "narrative").mkdir(parents=True)
    (project / "narrative" / "walks.md").write_text(WALKS.narrative, encoding="utf-8")
    context, html, md = render(project)
    assert [s.id for s in context.sections][-2:] == ["scorecard", "walks"]
    assert context.notices == []  # its narrative file is known, not "matches no report section"
    section = html_section(html, "walks")
    assert '<h2 id="s-walks-h">13. Foster walks</h2>' in section
    assert "We walked 46 times." in section and "There were 46 walks in 2022/23." in section
    assert "Table 36: Walks, 2022/23" in section
    assert '<li><a href="#s-walks">13. Foster walks</a></li>' in html
    assert "## 13. Foster walks\n\nWe walked 46 times.\n\nThere were 46 walks in 2022/23." in md
    assert "- [13. Foster walks](#13-foster-walks)\n" in md.split("## Contents")[1]
    assert (tmp_path / "new" / "narrative" / "walks.md") in planned_files(tmp_path / "new", sample=False)
    assert "| Foster walks | `narrative/walks.md` | `training.csv` | `training_sessions` |" in (
        section_docs.sections_markdown())


# -- init and docs/report.md read the registry -------------------------------------------


def test_init_writes_each_sections_starter_narrative(tmp_path):
    from fosterreport.cli.init import GUIDE

    result = runner.invoke(app, ["init", str(tmp_path / "p"), "--quiet"])
    assert result.exit_code == 0, result.output
    written = sorted((tmp_path / "p" / "narrative").iterdir())
    assert [p.stem for p in written] == sorted(s.id for s in SECTIONS)
    recruitment = (tmp_path / "p" / "narrative" / "recruitment.md").read_text(encoding="utf-8")
    assert recruitment == f"{GUIDE}\n\nThe service received {{{{ kpi.enquiries }}}} enquiries in {{{{ period.label }}}} " \
                          "(against {{ kpi.enquiries.previous }} the year before) and approved " \
                          "{{ kpi.approvals_from_enquiries }} households from them: a conversion rate of " \
                          "{{ kpi.enquiry_to_approval_rate }}.\n"


def test_init_says_how_many_narrative_files_it_wrote(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    assert "narrative/ (13 sections)" in result.stderr


def test_docs_report_md_lists_the_registrys_sections():
    committed = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    assert committed == section_docs.with_sections(committed), (
        "docs/report.md is stale: run `python -m fosterreport.context.docs docs/report.md`")
    assert "| Fostering panel | `narrative/panel.md` | `panel.csv` | any of `panel_sittings`, `panel_items` |" \
        in committed


def test_the_regenerate_command_rewrites_only_the_generated_block(tmp_path):
    doc = tmp_path / "report.md"
    shutil.copy(ROOT / "docs" / "report.md", doc)
    committed = doc.read_text(encoding="utf-8")
    stale = committed.replace("| Mockingbird |", "| Mocking bird |")
    assert stale != committed
    doc.write_text(stale, encoding="utf-8")
    assert section_docs.main([str(doc)]) == 0
    assert doc.read_text(encoding="utf-8") == committed


def test_the_regenerate_command_refuses_a_file_without_the_markers(tmp_path):
    with pytest.raises(ValueError, match="markers"):
        section_docs.with_sections("# A report\n\nNo generated block here.\n")
