"""The render context and the HTML/Markdown built from it: sections left out, small-number
suppression, escaping of text from extracts, accessibility of the HTML, no identifiers."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import tinycss2
import tinycss2.color3

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
    small = [kid for kid, kv in results.values.items() if kv.kpi.unit == "count" and 1 <= kv.value <= 4]
    large = [kid for kid, kv in results.values.items() if kv.kpi.unit == "count" and kv.value >= 5]
    zero = [kid for kid, kv in results.values.items() if kv.kpi.unit == "count" and kv.value == 0]
    assert len(small) >= 3 and len(large) >= 10, "the fakes have small and large counts"
    for kpi_id in small:
        assert figures.text(kpi_id) == "c", kpi_id
        assert figures.change(kpi_id) == "c", kpi_id
        assert figures.direction(kpi_id).text == "c", kpi_id
    for kpi_id in large:  # withholding everything would pass the loop above
        assert figures.text(kpi_id) == f"{results.values[kpi_id].value:,}", kpi_id
    assert Figures(results, suppress_below=1).text("inquorate_sittings") == "1"  # 1 hides nothing
    for kpi_id in zero:
        assert figures.text(kpi_id) == "0", kpi_id  # zero is safe to publish
    # a rate whose numerator becomes small is withheld; it was published before
    assert figures.text("enquiry_to_approval_rate") == "10.8%"
    rate = results.values["enquiry_to_approval_rate"].figure
    rate.numerator, rate.basis = 3, (3, rate.denominator)  # the counts it rests on
    assert figures.text("enquiry_to_approval_rate") == "c"
    # a rate by breakdown built on small counts (foster for adoption: 2 of 10), beside one that is not
    assert figures.text("deregistration_rate", "value", "household_type", "FFA") == "c"
    assert figures.text("deregistration_rate", "value", "household_type", "MAINSTREAM") == "13.8%"  # 20 / 145


def test_suppression_reaches_every_output_and_chart(tmp_path):
    context, html, md = render(tmp_path, suppress_below=5)
    withheld = drawn = 0
    for chart in context.charts:
        for series in chart.series:
            for value, text in zip(series.values, series.texts, strict=True):
                assert text not in {"1", "2", "3", "4"}, (chart.id, series.name)
                if text == "c":
                    assert value is None, (chart.id, series.name)  # nothing drawn for a suppressed figure
                    withheld += 1
                else:
                    drawn += 1
    assert withheld == 4 and drawn > 20  # deregistrations: terminated 2, to an IFA 3, to a council 1, adopted 2
    assert "| c |" in md
    assert ">c</td>" in html
    assert "counts from 1 to 4 are shown as “c”" in md
    # the enquiries count (222) is published, its small breakdowns are not
    table = next(t for s in context.sections for t in s.tables.values() if t.id == "enquiry-sources")
    rows = {row.header: [cell.text for cell in row.cells] for row in table.rows}
    assert rows == {"Website": ["96", "84"], "Telephone": ["38", "40"], "Event": ["27", "22"],
                    "Social media": ["41", "35"], "Word of mouth": ["12", "14"], "Regional hub": ["c", "5"],
                    "Other": ["c", "c"], "Not recorded": ["c", "c"], "Total": ["222", "203"]}


# -- text from the extracts is escaped ----------------------------------------------------


def test_script_in_a_budget_line_never_reaches_an_output(full):
    _, html, md = full
    assert "<script" not in html.lower()
    assert "<script" not in md.lower()
    # the budget line is there, as text, in both (not dropped: dropping it would also pass the above)
    assert '<th scope="row">&lt;script&gt;alert(&#39;budget&#39;)&lt;/script&gt;</th>' in html
    assert "| &lt;script&gt;alert('budget')&lt;/script&gt; | £150,000 | £162,005 | £12,005 |" in md


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
    assert re.search(r'<span class="dir dir-\w+"><span aria-hidden="true">[▲▼▬]</span> '
                     r'(improved|declined|similar|up|down)</span>', html)
    assert re.search(r"\| (Red|Amber|Green) \|", md)


STYLESHEET = Path(__file__).parent.parent / "templates" / "report.css"


def _rules(nodes):
    """(selector, {property: value tokens}) for every rule, inside @media and @page too."""
    for node in nodes:
        if node.type not in ("qualified-rule", "at-rule") or node.content is None:
            continue
        selector = tinycss2.serialize(node.prelude).strip()
        if node.type == "at-rule":
            selector = f"@{node.at_keyword} {selector}".strip()
        contents = tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True)
        if node.type == "at-rule" and node.at_keyword == "media":
            yield from _rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True))
            continue
        yield selector, {d.name: d.value for d in contents if d.type == "declaration"}
        yield from _rules(contents)


def stylesheet_pairs(css: str) -> dict[tuple[str, str], list[str]]:
    """Every (text colour, background colour) pair the stylesheet can put together, with the
    rules that do: a rule's own colour on its own background; a colour set without a
    background, and the page's own colour, on the page's background and on every
    background set without a colour (table heads, notices), where such text can sit."""
    rules = list(_rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)))
    variables = {name: value for selector, declarations in rules if selector == ":root"
                 for name, value in declarations.items() if name.startswith("--")}

    def colour(tokens) -> str | None:
        for token in tokens:
            if token.type == "function" and token.lower_name == "var":
                name = next(t.value for t in token.arguments if t.type == "ident")
                return colour(variables[name])
            parsed = tinycss2.color3.parse_color(token)
            if parsed is not None and parsed != "currentColor":
                return "#" + "".join(f"{round(c * 255):02x}" for c in parsed[:3])
        return None

    styled = []
    for selector, declarations in rules:
        text = colour(declarations["color"]) if "color" in declarations else None
        back = next((colour(declarations[k]) for k in ("background", "background-color") if k in declarations), None)
        styled.append((selector, text, back))
    page = next(back for selector, _, back in styled if selector == "html")
    surfaces = {page: ["html"], **{back: [s] for s, text, back in styled if back and not text}}
    pairs: dict[tuple[str, str], list[str]] = {}
    for selector, text, back in styled:
        inherited = selector in ("html", "body")  # the colour every other rule's text inherits
        for background in ([back] if back and not inherited else surfaces) if text else ():
            pairs.setdefault((text, background), []).append(selector)
    return pairs


def contrast(a: str, b: str) -> float:
    def luminance(hex_colour):
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_ratio_is_the_wcag_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # the classic near miss


def test_stylesheet_pairs_are_read_from_the_css():
    pairs = stylesheet_pairs(":root { --ink: #111111; }\nhtml { color: var(--ink); background: #fff; }\n"
                             "thead th { background: #eeeeee; }\n.badge { background: #00703c; color: white; }\n"
                             "@media print { a { color: #999999; } }")
    assert pairs == {("#111111", "#ffffff"): ["html"], ("#111111", "#eeeeee"): ["html"],
                     ("#ffffff", "#00703c"): [".badge"], ("#999999", "#ffffff"): ["a"],
                     ("#999999", "#eeeeee"): ["a"]}


def test_colours_of_report_css_have_enough_contrast():
    """Every text/background pair of templates/report.css meets WCAG 2.2 AA (4.5:1)."""
    pairs = stylesheet_pairs(STYLESHEET.read_text(encoding="utf-8"))
    ink, white, shade, amber, green, red = "#0b0c0c", "#ffffff", "#f3f2f1", "#ffdd00", "#00703c", "#b3261e"
    # the pairs the report is known to use are found, so the check below has something to check
    assert {(ink, white), (ink, shade), (ink, amber), (white, green), (white, red), (green, white),
            (red, shade)} <= pairs.keys(), sorted(pairs)
    assert len(pairs) >= 12
    poor = {pair: (round(contrast(*pair), 2), rules) for pair, rules in pairs.items() if contrast(*pair) < 4.5}
    assert not poor


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
