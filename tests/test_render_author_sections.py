"""The author's own sections (any other ``narrative/<name>.md``), ``[report] sections``
ordering them with the built-in ones and leaving some out, and the furniture files that
are not sections (recommendations, reasons, implications)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.build import report_context
from fosterreport.cli import app
from fosterreport.context.sections import SECTION_IDS
from fosterreport.embedded import sample_folder
from fosterreport.exceptions import ConfigError
from fosterreport.render.furniture import numbered, split_heading
from fosterreport.render.markdown import render_markdown
from report_fakes import make_config, make_extracts, make_results

runner = CliRunner()


def write(project: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = project / "narrative" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def context_of(project: Path, files: dict[str, str], **report):
    write(project, files)
    config = make_config(project, **report)
    return report_context(make_results(), make_extracts(), config), config


def ids(context) -> list[str]:
    return [s.id for s in context.sections]


# -- author sections ---------------------------------------------------------------------


def test_an_author_section_is_titled_by_its_first_heading_with_placeholders_filled(tmp_path):
    context, _ = context_of(tmp_path, {"childs-voice.md": "<!-- a guide -->\n# Child's voice\n\n"
                                                         "We heard from {{ kpi.enquiries }} families.\n"})
    section = next(s for s in context.sections if s.id == "childs-voice")
    assert section.title == "Child's voice" and section.anchor == "s-childs-voice"
    assert "We heard from 222 families." in section.narrative.html
    assert "Child&#x27;s voice" not in section.narrative.html and "<h3>" not in section.narrative.html
    assert ("s-childs-voice", f"{section.number}. Child's voice") in context.contents


def test_without_sections_set_author_sections_follow_the_built_in_ones_by_name(tmp_path):
    context, _ = context_of(tmp_path, {"zeta.md": "Z.\n", "aims-for-next-year.md": "# Aims for next year\n\nA.\n"})
    built_in = [i for i in ids(context) if i in SECTION_IDS]
    assert ids(context)[:len(built_in)] == built_in
    assert ids(context)[len(built_in):] == ["aims-for-next-year", "zeta"]
    assert next(s for s in context.sections if s.id == "zeta").title == "Zeta"  # no heading: from its name


def test_sections_orders_built_in_and_author_sections_and_leaves_the_rest_out(tmp_path):
    context, config = context_of(tmp_path, {"childs-voice.md": "# Child's voice\n\nV.\n", "draft.md": "# Draft\n\nD.\n"},
                                 sections=["summary", "childs-voice", "finance", "recruitment"])
    assert ids(context) == ["summary", "childs-voice", "finance", "recruitment"]
    assert [s.number for s in context.sections] == [1, 2, 3, 4]
    assert "Mockingbird" in context.omitted and "Draft" in context.omitted
    assert "narrative/draft.md was not used: 'draft' is not in [report] sections (see Appendix B)" in context.notices
    md = render_markdown(context, config)
    appendix_b = md[md.index("## Appendix B"):]
    assert "Left out by the report's configuration (`[report] sections`), not for want of data:" in appendix_b
    assert "\n- Mockingbird\n" in appendix_b and "\n- Draft\n" in appendix_b
    assert "## 2. Child's voice" in md and "Mockingbird" not in md[:md.index("## Appendix A")]


def test_table_numbers_run_on_through_reordered_sections(tmp_path):
    context, _ = context_of(tmp_path, {}, sections=["finance", "summary", "households"])
    numbers = [b.item.number if b.kind == "table" else b.item.table.number
               for s in context.sections for b in s.blocks]
    assert numbers == sorted(numbers) and numbers[0] == 1
    assert context.definitions[0].number == numbers[-1] + 1


def test_an_unknown_section_name_is_a_config_error_with_the_closest_name(tmp_path):
    write(tmp_path, {"childs-voice.md": "V.\n"})
    config = make_config(tmp_path, sections=["summary", "mockingbrd", "child-voice"])
    with pytest.raises(ConfigError) as caught:
        report_context(make_results(), make_extracts(), config)
    assert caught.value.messages == [
        "fosterreport.toml: [report] sections: 'mockingbrd' is neither a report section nor a narrative file "
        "narrative/mockingbrd.md (did you mean 'mockingbird'?)",
        "fosterreport.toml: [report] sections: 'child-voice' is neither a report section nor a narrative file "
        "narrative/child-voice.md (did you mean 'childs-voice'?)"]


def test_a_misspelt_built_in_name_is_not_made_a_section_of_its_own(tmp_path):
    context, _ = context_of(tmp_path, {"summery.md": "All is well.\n"})
    assert "summery" not in ids(context)
    assert "narrative/summery.md matches no report section and was not used (did you mean summary.md?)" \
        in context.notices


def test_a_name_close_to_a_built_in_one_is_an_author_section_when_sections_names_it(tmp_path):
    context, _ = context_of(tmp_path, {"panels.md": "# Support panels\n\nP.\n"}, sections=["panel", "panels"])
    assert ids(context) == ["panel", "panels"] and context.sections[1].title == "Support panels"


# -- the furniture -------------------------------------------------------------------------


def test_paragraphs_of_recommendations_md_are_numbered(tmp_path):
    context, config = context_of(tmp_path, {
        "recommendations.md": "Note the report.\n\nComment on\nits strengths.\n",
        "summary.md": "Recommendation: to note.\n\nThe year.\n"})
    assert context.cover.recommendation_title == "Recommendations"
    items = re.findall(r"<li>(.*?)</li>", str(context.cover.recommendation.html), re.DOTALL)
    assert [" ".join(item.split()) for item in items] == ["Note the report.", "Comment on its strengths."]
    assert ('narrative/summary.md: its "Recommendation:" paragraph was not used: narrative/recommendations.md '
            "gives the recommendations") in context.notices
    assert "## Recommendations\n\n1. Note the report.\n2. Comment on\n   its strengths.\n" in \
        render_markdown(context, config)


def test_without_recommendations_md_the_summary_paragraph_is_still_the_recommendation(tmp_path):
    context, _ = context_of(tmp_path, {"summary.md": "Recommendation: to note the report.\n\nThe year.\n"})
    assert context.cover.recommendation_title == "Recommendation"
    assert "to note the report." in context.cover.recommendation.html


def test_implications_follow_the_configured_order_with_default_titles(tmp_path):
    context, _ = context_of(tmp_path, {"implications/legal.md": "None.\n", "implications/financial.md": "Costs.\n",
                                       "implications/budget-policy.md": "# Budget and policy framework\n\nB.\n",
                                       "implications/stray.md": "S.\n"},
                            implications=["legal", "budget-policy", "financial", "climate"])
    implications = [(s.id, s.title) for s in context.sections if s.kind == "implication"]
    assert implications == [("implications-legal", "Legal implications"),
                            ("implications-budget-policy", "Budget and policy framework"),
                            ("implications-financial", "Financial implications")]
    assert ids(context)[-3:] == [i for i, _ in implications]
    assert "narrative/implications/stray.md was not used: 'stray' is not in [report] implications" in context.notices
    assert ("narrative/implications/climate.md not found: the report has no climate change implications section"
            in context.notices)


def test_an_empty_appendices_list_prints_none_and_an_unset_one_nothing(tmp_path):
    context, config = context_of(tmp_path, {}, appendices=[])
    assert ids(context)[-1] == "appendices" and "background-papers" not in ids(context)
    assert "## " + context.sections[-1].heading + "\n\nNone.\n" in render_markdown(context, config)


def test_the_risk_table_leaves_out_columns_empty_in_every_row(tmp_path):
    context, _ = context_of(tmp_path, {}, risks=[{"risk": "Too few carers", "current": "BII"}])
    risk = next(s for s in context.sections if s.id == "implications-risk")
    assert risk.tables["risks"].head == ["Risk", "Current risk"]
    assert [(r.header, [c.text for c in r.cells]) for r in risk.tables["risks"].rows] == [("Too few carers", ["BII"])]


def test_a_heading_opens_a_file_or_is_not_its_title():
    assert split_heading("# Child's *voice*\n\nText.\n") == ("Child's voice", "\nText.\n")
    assert split_heading("Aims\n====\n\nText.\n") == ("Aims", "\nText.\n")
    assert split_heading("Text first.\n\n# Later\n") == (None, "Text first.\n\n# Later\n")
    assert numbered("- a\n- b\n") == ("1. a\n1. b", 2)


# -- through the commands ------------------------------------------------------------------


def _project(tmp_path: Path, report: str) -> Path:
    shutil.copytree(sample_folder(), tmp_path / "data")
    (tmp_path / "fosterreport.toml").write_text(
        '[authority]\nname = "Dorset Council"\n\n[data]\npath = "data"\n\n[report]\n' + report, encoding="utf-8")
    write(tmp_path, {"childs-voice.md": "# Child's voice\n\nV.\n"})
    return tmp_path


def test_build_and_validate_refuse_an_unknown_section_name_with_exit_2(tmp_path):
    folder = _project(tmp_path, 'sections = ["summary", "childs-voise"]\n')
    config = str(folder / "fosterreport.toml")
    result = runner.invoke(app, ["build", "--year", "2024", "--config", config, "--out", str(tmp_path / "out"),
                                 "--quiet"])
    assert result.exit_code == exitcodes.USAGE
    assert result.output.strip().splitlines() == [
        f"{config}:8: [report] sections: 'childs-voise' is neither a report section nor a narrative file "
        f"narrative/childs-voise.md (did you mean 'childs-voice'?)"]
    assert not (tmp_path / "out").exists()
    previous = Path.cwd()
    os.chdir(folder)
    try:
        checked = runner.invoke(app, ["validate"])
    finally:
        os.chdir(previous)
    assert checked.exit_code == exitcodes.USAGE
    assert ("  fosterreport.toml:8  [report] sections: 'childs-voise' is neither a report section nor a narrative "
            "file narrative/childs-voise.md (did you mean 'childs-voice'?)  [error: config]") in checked.stdout


def test_validate_accepts_author_sections_and_refuses_a_stray_implication(tmp_path):
    folder = _project(tmp_path, 'implications = ["financial"]\n')
    write(folder, {"implications/legl.md": "None.\n"})
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = runner.invoke(app, ["validate"])
    finally:
        os.chdir(previous)
    assert result.exit_code == exitcodes.USAGE
    assert "childs-voice" not in result.stdout
    assert ("  narrative/implications/legl.md  is not in [report] implications, so build would not use it  "
            "[error: narrative-unknown-file]") in result.stdout
