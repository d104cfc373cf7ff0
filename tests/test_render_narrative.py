"""The author's narrative: placeholders formatted as in the report, errors that say where,
the sandbox, and raw HTML kept out of every output."""

from __future__ import annotations

import pytest

from fosterreport.build import report_context
from fosterreport.context import Figures
from fosterreport.exceptions import RenderError
from fosterreport.render.html import render_html
from fosterreport.render.markdown import render_markdown
from fosterreport.render.narrative import markdown_plain, markdown_to_html, split_recommendation
from report_fakes import make_config, make_extracts, make_results


def build(tmp_path, narratives: dict[str, str], missing=(), **publication):
    project = tmp_path / "project"
    folder = project / "narrative"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in narratives.items():
        (folder / name).write_text(text, encoding="utf-8")
    config = make_config(project)
    if publication:
        config = config.model_copy(update={"publication": config.publication.model_copy(update=publication)})
    results = make_results(missing=missing)
    context = report_context(results, make_extracts(missing), config)
    return context, results, config


def test_placeholders_print_exactly_what_the_report_prints(tmp_path):
    context, results, _ = build(tmp_path, {"recruitment.md": (
        "E={{ kpi.enquiries }} R={{ kpi.enquiry_to_approval_rate }} M={{ kpi.approvals.by.MAINSTREAM }} "
        "P={{ kpi.enquiries.previous }} B={{ kpi.budget }} D={{ kpi.enquiries.direction }} "
        "H={{ kpi.approvals.by.household_type.CONNECTED }} L={{ period.label }} W={{ period.in_words }}\n")})
    figures = Figures(results)
    section = next(s for s in context.sections if s.id == "recruitment")
    text = section.narrative.md
    assert f"E={figures.text('enquiries')} " in text
    assert f"R={figures.text('enquiry_to_approval_rate')} " in text
    assert f"M={figures.text('approvals', 'value', 'household_type', 'MAINSTREAM')} " in text
    assert f"P={figures.text('enquiries', 'previous')} " in text
    assert f"B={figures.text('budget')} " in text and "£" in figures.text("budget")
    assert f"D={figures.direction('enquiries').text} " in text
    assert f"H={figures.text('approvals', 'value', 'household_type', 'CONNECTED')} " in text
    assert "L=2022/23 W=1 April 2022 to 31 March 2023" in text
    assert text.split("E=")[1].split()[0] in str(section.narrative.html)


def test_placeholders_are_suppressed_like_the_tables(tmp_path):
    results = make_results()
    small = next(kid for kid, kv in results.values.items() if kv.kpi.unit == "count" and 1 <= kv.value <= 4)
    context, _, _ = build(tmp_path, {"summary.md": f"Small: {{{{ kpi.{small} }}}}.\n"}, suppress_below=5)
    summary = next(s for s in context.sections if s.id == "summary")
    assert "Small: c." in summary.narrative.md


@pytest.mark.parametrize("source, line, expected", [
    ("Intro\n\nWe had {{ kpi.enquries }} enquiries.\n", 3, "unknown placeholder 'kpi.enquries' "
                                                           "(did you mean 'kpi.enquiries'?)"),
    ("{{ kpi.approvals.by.MAINSTREM }}\n", 1, "(did you mean 'kpi.approvals.by.MAINSTREAM'?)"),
    ("\n{{ kpi.enquiries.previus }}\n", 2, "(did you mean 'kpi.enquiries.previous'?)"),
    ("{{ kpii.enquiries }}\n", 1, "unknown placeholder 'kpii' (did you mean 'kpi'?)"),
    ("{{ kpi.enquiries \n", 1, "placeholder syntax error"),
])
def test_a_misspelt_placeholder_names_file_line_and_closest_id(tmp_path, source, line, expected):
    with pytest.raises(RenderError) as raised:
        build(tmp_path, {"recruitment.md": source})
    message = str(raised.value)
    assert message.startswith(f"narrative/recruitment.md:{line}: "), message
    assert expected in message


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ kpi.__class__ }}",
    "{{ kpi._figures.results }}",
    "{{ cycler.__init__.__globals__ }}",
])
def test_the_sandbox_refuses_escapes(tmp_path, source):
    with pytest.raises(RenderError) as raised:
        build(tmp_path, {"summary.md": f"Line one\n{source}\n"})
    assert str(raised.value).startswith("narrative/summary.md:2: ")


def test_raw_html_never_reaches_an_output(tmp_path):
    context, _, config = build(tmp_path, {"households.md": (
        'Before <img src="file:///etc/passwd" alt="x"> after.\n\n'
        "<script>alert('narrative')</script>\n\n"
        '<a href="javascript:alert(1)">bad link</a> and <a href="https://example.org/">good link</a>\n\n'
        '<iframe src="http://tracker.example/"></iframe> <p onclick="x()">para</p>\n')})
    from fosterreport.render.charts import render_charts

    render_charts(context.charts)
    html, md = render_html(context, config), render_markdown(context, config)
    for text in (html, md):
        assert "/etc/passwd" not in text
        assert "<script" not in text.lower() and "alert('narrative')" not in text
        assert "javascript:" not in text
        assert "tracker.example" not in text
        assert "onclick" not in text
    assert '<a href="https://example.org/" rel="noopener noreferrer">good link</a>' in html
    # the image is dropped, the sentence around it kept (in both)
    assert "\nBefore  after.\n" in md and "<p>Before  after.</p>" in html


def test_narrative_headings_start_below_the_section_heading():
    html = markdown_to_html("# Big\n\n## Smaller\n\ntext", "caption")
    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html and "<h1" not in html
    assert markdown_plain("# Big\n\nBig2\n===\n\ntext") == "### Big\n\n### Big2\n\ntext"


def test_narrative_tables_get_a_caption_and_header_scope():
    html = markdown_to_html("Table: Risks\n\n| Risk | Rating |\n| --- | --- |\n| Sufficiency | BII |\n", "fallback")
    assert "<caption>Risks</caption>" in html and '<th scope="col">Risk</th>' in html


def test_recommendation_is_lifted_onto_the_cover(tmp_path):
    context, _, _ = build(tmp_path, {"summary.md": (
        "Opening words.\n\n**Recommendation:** Members are asked to note {{ kpi.enquiries }} enquiries.\n\nMore.\n")})
    assert "Members are asked to note" in context.cover.recommendation.md
    summary = next(s for s in context.sections if s.id == "summary")
    assert "Recommendation" not in summary.narrative.md and "Opening words." in summary.narrative.md
    assert split_recommendation("No recommendation here.") == ("No recommendation here.", None)


def test_default_recommendation_without_a_narrative(tmp_path):
    context, _, _ = build(tmp_path, {})
    assert "Corporate Parenting Board is asked to note" in context.cover.recommendation.md


def test_unused_narrative_files_are_noticed(tmp_path):
    context, _, _ = build(tmp_path, {"recuitment.md": "x", "panel.md": "{{ kpi.panel_sittings }}"},
                          missing=("panel",))
    assert any("recuitment.md matches no report section" in n and "recruitment.md" in n for n in context.notices)
    assert any("panel.md was not used" in n for n in context.notices)
