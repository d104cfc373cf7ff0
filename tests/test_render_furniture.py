"""The committee furniture of a Dorset-like report: the cover's details (decision, portfolio
holder, executive director, contact officer, status, wards), brief summary, three numbered
recommendations and their reasons, author sections placed where ``[report] sections``
says, Mockingbird left out, implications with a risk table, appendices and background
papers — in the HTML, the PDF, the Markdown and the Word file, each with all of it, in order."""

from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fosterreport import exitcodes
from fosterreport.cli import app
from fosterreport.embedded import sample_folder

runner = CliRunner()

DORSET = '''\
[authority]
name = "Dorset Council"

[data]
path = "data"

[report]
committee = "Corporate Parenting Board"
meeting_date = 2023-05-25
decision = "For Recommendation to Council"
portfolio_holder = "Cllr A Parry, Children, Education, Skills and Early Help"
executive_director = "T Leavy, Executive Director of People - Children"
wards = "All"
cover = ["decision", "portfolio_holder", "executive_director", "contacts", "status", "wards"]
sections = ["summary", "households", "childs-voice", "recruitment", "approvals", "children", "panel",
            "reviews", "complaints", "learning", "finance", "service-developments", "scorecard"]
implications = ["financial", "climate", "wellbeing", "other", "risk", "equalities"]
appendices = ["Appendix 1: Fostering panel annual report"]
background_papers = ["Fostering Services (England) Regulations 2011"]

[[report.contacts]]
name = "Gerry Connell"
role = "Service Manager for Fostering"
phone = "01305 225568"
email = "fostering@example.gov.uk"

[[report.risks]]
risk = "Too few in-house foster homes"
description = "Children placed further from home, at greater cost"
mitigation = "Recruitment strategy and fee uplift"
current = "High"
residual = "Medium"
'''

NARRATIVE = {
    "brief-summary.md": "The service approved {{ kpi.approvals }} households in {{ period.label }}.\n",
    "recommendations.md": "1. Note the content of the report.\n2. Comment on the strengths and areas for "
                          "development.\n3. Endorse the service developments for {{ period.label }}.\n",
    "reasons.md": "To be assured that the report identifies the strengths and areas for development.\n",
    "childs-voice.md": "# Child's voice\n\nChildren's council met {{ kpi.panel_sittings }} times.\n",
    "service-developments.md": "# Service developments for next year\n\n- Ten Mockingbird constellations.\n",
    "mockingbird.md": "Our constellations.\n",
    "implications/financial.md": "Agency placements cost more than in-house ones.\n",
    "implications/climate.md": "# Natural environment, climate and ecology implications\n\nNone identified.\n",
    "implications/other.md": "# Other implications\n\nNone identified.\n",
    "implications/risk.md": "# Risk assessment\n\nHaving considered the risks, the level of risk is:\n",
    "implications/equalities.md": "Not applicable: no change of policy.\n",
}

#: What every output must carry, in this order.
IN_ORDER = [
    "For Recommendation to Council",
    "Cllr A Parry, Children, Education, Skills and Early Help",
    "T Leavy, Executive Director of People - Children",
    "Gerry Connell", "Service Manager for Fostering", "01305 225568", "fostering@example.gov.uk",
    "Public",
    "All",
    "Brief summary", "The service approved 51 households in 2023/24.",
    "Recommendations", "Note the content of the report.", "Comment on the strengths and areas for development.",
    "Endorse the service developments for 2023/24.",
    "Reasons for the recommendations", "To be assured that the report identifies",
    "Contents",
    "2. Households and places", "3. Child's voice", "4. Recruitment", "11. Finance",
    "12. Service developments for next year", "13. Performance scorecard",
    "14. Financial implications", "15. Natural environment, climate and ecology implications",
    "16. Other implications", "17. Risk assessment", "18. Equalities impact assessment",
    "19. Appendices", "20. Background papers",
    # the body
    "3. Child's voice", "Children's council met",
    "12. Service developments for next year", "Ten Mockingbird constellations.",
    "14. Financial implications", "Agency placements cost more than in-house ones.",
    "17. Risk assessment", "Having considered the risks", "Too few in-house foster homes",
    "Children placed further from home, at greater cost", "Recruitment strategy and fee uplift", "High", "Medium",
    "18. Equalities impact assessment", "Not applicable: no change of policy.",
    "19. Appendices", "Appendix 1: Fostering panel annual report",
    "20. Background papers", "Fostering Services (England) Regulations 2011",
    "Appendix B: Data quality and provenance",
    "Left out by the report's configuration", "Mockingbird",
]


def assert_in_order(text: str, expected: list[str]) -> None:
    """Each of ``expected`` found in ``text`` after the one before it."""
    position = 0
    for item in expected:
        found = text.find(item, position)
        assert found >= 0, f"{item!r} not found after position {position}: …{text[position:position + 300]!r}"
        position = found + len(item)


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def html_text(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture(scope="module")
def dorset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dorset")
    shutil.copytree(sample_folder(), folder / "data")
    (folder / "fosterreport.toml").write_text(DORSET, encoding="utf-8")
    for name, text in NARRATIVE.items():
        path = folder / "narrative" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    out = folder / "out"
    result = runner.invoke(app, ["build", "--year", "2024", "--config", str(folder / "fosterreport.toml"),
                                 "--out", str(out), "--format", "html,pdf,md,docx"])
    assert result.exit_code == exitcodes.OK, result.output
    return folder, out, result


def test_the_html_has_all_of_it_in_order(dorset):
    _, out, _ = dorset
    html = (out / "fostering-report-2023-24.html").read_text(encoding="utf-8")
    assert_in_order(html_text(html), IN_ORDER)
    assert 'id="s-mockingbird"' not in html and "Our constellations." not in html


def test_the_markdown_has_all_of_it_in_order(dorset):
    _, out, _ = dorset
    md = (out / "fostering-report-2023-24.md").read_text(encoding="utf-8")
    assert_in_order(md.replace("\\", ""), IN_ORDER)
    assert "## 3. Child's voice" in md and "## 4. Mockingbird" not in md
    assert ("## Recommendations\n\n1. Note the content of the report.\n2. Comment on the strengths and areas for "
            "development.\n3. Endorse the service developments for 2023/24.\n") in md
    assert ("| Risk | Description | Action to avoid or mitigate the risk | Current risk | Residual risk |\n"
            "| --- | --- | --- | --- | --- |\n"
            "| Too few in-house foster homes | Children placed further from home, at greater cost | "
            "Recruitment strategy and fee uplift | High | Medium |") in md


def test_the_pdf_has_all_of_it_in_order(dorset):
    from pdf_text import page_texts

    _, out, _ = dorset
    text = " ".join(" ".join(page.split()) for page in page_texts(out / "fostering-report-2023-24.pdf"))
    text = text.replace("\u2019", "'")
    assert_in_order(text, [item for item in IN_ORDER])


def test_the_cover_details_are_a_table_of_row_headers_in_the_configured_order(dorset):
    _, out, _ = dorset
    html = (out / "fostering-report-2023-24.html").read_text(encoding="utf-8")
    cover = html[html.index('<table class="cover-facts"'):html.index("</table>")]
    headers = re.findall(r'<th scope="row">([^<]+)</th>', cover)
    assert headers == ["Decision", "Portfolio holder", "Executive director", "Contact officer", "Report status",
                       "Wards"]
    assert '<a href="mailto:fostering@example.gov.uk">' in cover
    assert "<dl" not in html.split("</header>")[0]
    # the author string is not printed: contacts are given and [report] author was left unset
    assert "Service Manager, Fostering<" not in cover


def test_recommendations_are_an_ordered_list(dorset):
    _, out, _ = dorset
    html = (out / "fostering-report-2023-24.html").read_text(encoding="utf-8")
    recommendation = html[html.index('<section class="recommendation"'):]
    recommendation = recommendation[:recommendation.index("</section>")]
    assert re.findall(r"<li>(.*?)</li>", recommendation, re.DOTALL) == [
        "Note the content of the report.", "Comment on the strengths and areas for development.",
        "Endorse the service developments for 2023/24."]
    assert "<ol>" in recommendation


def test_the_risk_table_has_row_and_column_headers(dorset):
    _, out, _ = dorset
    html = (out / "fostering-report-2023-24.html").read_text(encoding="utf-8")
    risk = html[html.index('<section id="s-implications-risk"'):]
    risk = risk[:risk.index("</section>")]
    assert '<th scope="row">Too few in-house foster homes</th>' in risk
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', risk) == [
        "Risk", "Description", "Action to avoid or mitigate the risk", "Current risk", "Residual risk"]


def test_the_author_hears_what_was_left_out(dorset):
    _, _, result = dorset
    assert "note: narrative/mockingbird.md was not used: the Mockingbird section is left out (see Appendix B)" \
        in result.output
    assert ("note: narrative/implications/wellbeing.md not found: the report has no well-being and health "
            "implications section") in result.output


def test_the_dorset_project_validates(dorset):
    folder, _, _ = dorset
    previous = Path.cwd()
    os.chdir(folder)
    try:
        result = runner.invoke(app, ["validate"])
    finally:
        os.chdir(previous)
    assert result.exit_code == exitcodes.OK, result.output


def test_the_dorset_and_medway_configurations_of_the_docs_load(tmp_path):
    from fosterreport.config import load_config

    docs = (Path(__file__).parent.parent / "docs" / "report.md").read_text(encoding="utf-8")
    dorset, medway = re.findall(r"```toml\n(.*?)```", docs, re.DOTALL)[:2]
    (tmp_path / "dorset.toml").write_text(dorset, encoding="utf-8")
    (tmp_path / "medway.toml").write_text(medway, encoding="utf-8")
    first, second = load_config(tmp_path / "dorset.toml"), load_config(tmp_path / "medway.toml")
    assert first.report.decision == "For Recommendation to Council" and "mockingbird" not in first.report.sections
    assert first.report.risks[0].residual == "Low"
    assert second.report.appendices == [] and "appendices" in second.report.model_fields_set
    assert second.report.implications == ["risk", "consultation", "climate", "financial", "legal"]


def docx_text(path) -> str:
    """The Word file's words in body order: paragraphs and table cells, as a reader meets them."""
    from docx import Document

    document = Document(str(path))
    words = []
    for block in document.element.body.iter():
        if block.tag.endswith("}p"):
            words.append("".join(node.text or "" for node in block.iter() if node.tag.endswith("}t")))
    return " ".join(" ".join(words).split())


def test_the_word_file_has_all_of_it_in_order(dorset):
    _, out, _ = dorset
    text = docx_text(out / "fostering-report-2023-24.docx").replace("\u2019", "'").replace("\u2060", "")
    assert_in_order(text, IN_ORDER)
    assert "Our constellations." not in text


def test_the_word_file_gives_author_sections_and_implications_word_headings(dorset):
    from docx import Document

    _, out, _ = dorset
    headings = [p.text for p in Document(str(out / "fostering-report-2023-24.docx")).paragraphs
                if p.style.name == "Heading 2"]
    assert_in_order(" | ".join(headings), ["3. Child's voice", "12. Service developments for next year",
                                           "17. Risk assessment", "20. Background papers"])
    assert not any("Mockingbird" in heading for heading in headings)
