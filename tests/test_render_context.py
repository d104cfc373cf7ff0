"""The render context and the HTML/Markdown built from it: sections left out, small-number
suppression, escaping of text from extracts, accessibility of the HTML, no identifiers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from fosterreport.build import report_context
from fosterreport.context import Figures
from fosterreport.render.charts import render_charts
from fosterreport.render.html import render_html
from fosterreport.render.markdown import render_markdown
from report_fakes import make_config, make_extracts, make_results


def render(tmp_path, *, missing=(), **publication):
    config = make_config(tmp_path / "project")
    if publication:
        config = config.model_copy(update={"publication": config.publication.model_copy(update=publication)})
    context = report_context(make_results(missing=missing), make_extracts(missing), config)
    render_charts(context.charts)
    return context, render_html(context, config), render_markdown(context, config)


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    return render(tmp_path_factory.mktemp("full"))


# -- sections left out ------------------------------------------------------------------


def test_absent_file_leaves_its_section_out_and_says_so(tmp_path):
    context, html, md = render(tmp_path, missing=("panel", "mockingbird"))
    ids = [s.id for s in context.sections]
    assert "panel" not in ids and "mockingbird" not in ids
    assert [s.number for s in context.sections] == list(range(1, len(ids) + 1))
    for text in (html, md):
        assert "Fostering panel: panel.csv not supplied" in text
        assert "Mockingbird: mockingbird.csv not supplied" in text
        assert "Panel sittings" not in text.split("Appendix A")[0]
    assert "Summary of panel business" not in md


def test_partly_absent_section_keeps_what_it_can(tmp_path):
    context, html, _ = render(tmp_path, missing=("visits",))
    reviews = next(s for s in context.sections if s.id == "reviews")
    assert reviews.partial and "visits.csv" in reviews.partial[0]
    labels = [row.header for row in reviews.tables["measures"].rows]
    assert "Carer reviews due" in labels
    assert "Supervision visits" not in labels
    assert "Reviews and supervision: the parts built from visits.csv (not supplied)" in html


# -- suppression -------------------------------------------------------------------------


def test_suppression_replaces_small_counts_and_rates_built_on_them(tmp_path):
    results = make_results()
    figures = Figures(results, suppress_below=5)
    small = [(kid, kv.value) for kid, kv in results.values.items()
             if kv.kpi.unit == "count" and 1 <= kv.value <= 4]
    assert small, "the fixture has small counts"
    for kpi_id, _ in small:
        assert figures.text(kpi_id) == "c"
        assert figures.change(kpi_id) == "c"
        assert figures.direction(kpi_id).text == "c"
    zero = [kid for kid, kv in results.values.items() if kv.kpi.unit == "count" and kv.value == 0]
    for kpi_id in zero:
        assert figures.text(kpi_id) == "0"  # zero is safe to publish
    # a rate whose numerator is suppressed
    results.values["enquiry_to_approval_rate"].numerator = 3
    assert figures.text("enquiry_to_approval_rate") == "c"
    # a rate by breakdown whose counts are small
    kv = results.values["deregistration_rate"]
    results.values["deregistrations"].by["household_type"]["FFA"] = 2
    assert figures.text("deregistration_rate", "value", "household_type", "FFA") == "c"
    assert kv is results.values["deregistration_rate"]


def test_suppression_reaches_every_output_and_chart(tmp_path):
    context, html, md = render(tmp_path, suppress_below=5)
    funnel = context.sections[2].charts["funnel"]
    for series in funnel.series:
        for value, text in zip(series.values, series.texts):
            if text == "c":
                assert value is None  # nothing drawn for a suppressed figure
    assert "| c |" in md
    assert ">c</td>" in html
    assert "counts from 1 to 4 are shown as “c”" in md
    # the enquiries count of the fixture (9) is published, its small breakdowns are not
    results = make_results()
    small_sources = [k for k, v in results.values["enquiries"].by["source"].items() if 1 <= v <= 4]
    table = next(t for s in context.sections for t in s.tables.values() if t.id == "enquiry-sources")
    for row in table.rows:
        code = next((k for k in small_sources if row.header.lower().startswith(k.lower()[:4])), None)
        if code:
            assert row.cells[0].text == "c"


# -- text from the extracts is escaped ----------------------------------------------------


def test_script_in_a_budget_line_never_reaches_an_output(full):
    _, html, md = full
    assert "<script" not in html.lower()
    assert "<script" not in md.lower()
    assert "&lt;script&gt;alert(&#39;budget&#39;)&lt;/script&gt;" in html or "&lt;script&gt;" in html
    assert "&lt;script&gt;" in md


def test_warnings_are_summarised_without_their_messages(full):
    _, html, md = full
    for text in (html, md):
        assert "placement-before-approval" in text
        assert "H0991" not in text and "P777" not in text  # ids quoted in messages stay out


def test_no_private_paths_in_outputs(full):
    _, html, md = full
    assert "/private/exports" not in html and "/private/exports" not in md


# -- accessibility of the HTML -----------------------------------------------------------


class Audit(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[int] = []
        self.tables = 0
        self.captions = 0
        self.th_without_scope = 0
        self.in_table_head_row = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables += 1
        if tag == "caption":
            self.captions += 1
        if tag == "th" and "scope" not in a:
            self.th_without_scope += 1


def test_html_meets_the_structural_accessibility_rules(full):
    context, html, _ = full
    audit = Audit()
    audit.feed(html)
    tags = [t for t, _ in audit.tags]
    html_tag = dict(audit.tags[0][1]) if audit.tags[0][0] == "html" else {}
    assert html_tag.get("lang") == "en-GB"
    assert tags.count("title") == 1 and tags.count("h1") == 1
    assert {"header", "nav", "main", "footer"} <= set(tags)
    # headings never skip a level going down
    for before, after in zip(audit.headings, audit.headings[1:]):
        assert after <= before + 1, audit.headings
    assert audit.tables and audit.tables == audit.captions
    assert audit.th_without_scope == 0
    images = [a for t, a in audit.tags if t == "img"]
    assert len(images) == len(context.charts) == 4
    for attributes in images:
        assert attributes.get("alt") and len(attributes["alt"]) > 40
        assert attributes["src"].startswith("data:image/svg+xml;base64,")


def test_every_chart_has_its_text_alternative_and_table(full):
    context, html, md = full
    for chart in context.charts:
        assert f'alt="{chart.alt}"' in html.replace("&#39;", "'")
        assert chart.table.label in html and chart.table.label in md
        for text in chart.series[0].texts:
            assert text in chart.alt


def test_rag_and_direction_are_words_not_only_colour(full):
    _, html, md = full
    assert re.search(r'<span class="rag rag-(red|amber|green)">(Red|Amber|Green)</span>', html)
    assert re.search(r'<span class="dir dir-\w+">[▲▼▬] (improved|declined|similar|up|down)</span>', html)
    assert re.search(r"\| (Red|Amber|Green) \|", md)


def test_colours_have_enough_contrast():
    """Every text/background pair of the stylesheet meets WCAG 2.2 AA (4.5:1)."""
    def luminance(hex_colour):
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    def ratio(a, b):
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    ink, muted, heading, link = "#0b0c0c", "#484949", "#003078", "#1d4f91"
    green, red, amber, white, shade = "#00703c", "#b3261e", "#ffdd00", "#ffffff", "#f3f2f1"
    pairs = [(ink, white), (muted, white), (heading, white), (link, white), (ink, shade), (green, white),
             (red, white), (white, green), (white, red), (ink, amber), (muted, shade)]
    for foreground, background in pairs:
        assert ratio(foreground, background) >= 4.5, (foreground, background)


def test_markdown_is_plain_gfm_with_pipe_tables(full):
    _, _, md = full
    assert md.startswith("# Fostering Service Annual Report 2022/23\n")
    assert md.count("\n# ") == 0  # one top-level heading
    assert "| --- |" in md and "---: |" in md
    assert "<table" not in md and "<div" not in md and "data:image" not in md


def test_cover_reads_like_a_committee_paper(full):
    context, html, md = full
    cover = context.cover
    assert cover.meeting_date == "25 May 2023"
    for text in ("Anyshire County Council", "Corporate Parenting Board", "25 May 2023",
                 "Fostering Service Annual Report 2022/23", "1 April 2022 to 31 March 2023",
                 "Service Manager, Fostering", "Public", "Recommendation", "Contents"):
        assert text in html and text in md


def test_definitions_appendix_is_generated_from_the_catalogue(full):
    from fosterreport.kpis.catalogue import CATALOGUE
    from fosterreport.render.templates import md as md_escape

    _, html, md = full
    appendix_html, appendix_md = html.split("Appendix A: Definitions")[-1], md.split("## Appendix A")[-1]
    for kpi in CATALOGUE:
        assert kpi.definition.replace("'", "&#39;") in appendix_html, kpi.id
        assert md_escape(kpi.definition) in appendix_md and f"`{kpi.id}`" in appendix_md
