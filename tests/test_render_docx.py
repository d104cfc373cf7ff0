"""The Word document (``--format docx``): the HTML's content in Word's own structures.

One module-scoped build of the embedded sample (HTML and .docx) is read back with
python-docx and compared with the HTML parsed by lxml: headings in Word's Heading styles in
the HTML's order, every table a real table whose header row repeats, every chart a
picture with its description, the properties and language, no empty paragraphs, and the
same bytes at any time of day. The quick paths around python-docx's slow lookups (style ids,
paragraph properties, the cell grid) are checked against python-docx's own setters. The
LibreOffice conversion is marked ``slow``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import time
import zipfile
from datetime import datetime
from pathlib import Path

import lxml.html
import pytest
from docx import Document
from docx.oxml.ns import qn
from typer.testing import CliRunner

from fosterreport.build import build_report, build_report_detailed, output_paths
from fosterreport.config import Config
from fosterreport.embedded import sample_folder
from fosterreport.exceptions import RenderError
from fosterreport.periods import make_period
from fosterreport.records import load_extracts

YEAR = 2024
PERIOD = make_period(YEAR)
MEETING = "2024-07-18"


def _config(project: Path, **report) -> Config:
    project.mkdir(parents=True, exist_ok=True)
    return Config(base=project, report={"meeting_date": MEETING, **report})


@pytest.fixture(scope="module")
def sample_extracts():
    return load_extracts(sample_folder(), Config())


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_extracts):
    root = tmp_path_factory.mktemp("docx")
    config = _config(root / "project")
    out = root / "report"
    built_at = time.time()
    result = build_report_detailed(sample_extracts, config, PERIOD, out, formats=("html", "docx"))
    paths = output_paths(out, PERIOD, ("html", "docx"))
    html = lxml.html.document_fromstring(paths["html"].read_text(encoding="utf-8"))
    return {"config": config, "out": out, "result": result, "paths": paths, "html": html, "built_at": built_at,
            "docx": Document(str(paths["docx"]))}


def _words(text: str) -> str:
    return " ".join(text.split())


def _has_picture(paragraph) -> bool:
    return bool(paragraph._p.xpath(".//w:drawing"))


def test_the_build_writes_the_docx_through_the_atomic_writer(built):
    assert built["paths"]["docx"] in built["result"].paths
    assert sorted(p.name for p in built["out"].iterdir()) == sorted(p.name for p in built["paths"].values())
    assert zipfile.is_zipfile(built["paths"]["docx"])


def test_headings_are_words_heading_styles_in_the_htmls_order(built):
    html = [(int(h.tag[1]), _words(h.text_content()))
            for h in built["html"].xpath("//body//*[self::h1 or self::h2][not(ancestor::nav)]")]
    word = [(int(p.style.name[-1]), _words(p.text)) for p in built["docx"].paragraphs
            if p.style.name in ("Heading 1", "Heading 2")]
    assert word == html
    assert word[0] == (1, "Fostering Service Annual Report 2023/24 1 April 2023 to 31 March 2024")
    assert (2, "Appendix B: Data quality and provenance") in word
    assert len(word) >= 15
    h3 = [_words(h.text_content()) for h in built["html"].xpath("//h3")]
    assert [_words(p.text) for p in built["docx"].paragraphs if p.style.name == "Heading 3"] == h3


def test_the_contents_is_a_toc_field_over_the_sections(built):
    document = built["docx"]
    codes = [_words(t.text) for t in document.element.body.iter(qn("w:instrText"))]
    assert codes == ['TOC \\o "2-2" \\h \\z \\u']
    entries = [_words(p.text) for p in document.paragraphs if p.style.name == "TOC 2"]
    assert entries == [_words(a.text_content()) for a in built["html"].xpath("//nav//li/a")]
    assert "Contents" in [p.text for p in document.paragraphs if p.style.name == "TOC Heading"]
    # each entry links to a bookmark that exists
    anchors = [link.get(qn("w:anchor")) for link in document.element.body.iter(qn("w:hyperlink"))]
    marks = {mark.get(qn("w:name")) for mark in document.element.body.iter(qn("w:bookmarkStart"))}
    assert anchors and set(anchors) <= marks


def test_every_table_is_a_word_table_with_its_caption_above_and_a_repeating_header(built):
    captions = [_words(c.text_content()) for c in built["html"].xpath("//table/caption")]
    tables = built["docx"].element.body.findall(qn("w:tbl"))
    assert len(tables) == len(built["html"].xpath("//table")) == len(captions) > 30
    headed = [bool(t.xpath("./thead")) for t in built["html"].xpath("//table")]
    assert sum(headed) > 30
    for table, caption, has_head in zip(tables, captions, headed):
        above = table.getprevious()
        assert above.tag == qn("w:p") and above.style == "Caption", caption
        assert _words(above.xpath("string(.)")) == caption
        rows = table.findall(qn("w:tr"))
        # the header row repeats (a details table of row headers, the cover's, has none)
        assert (rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None) == has_head, caption
        assert rows[1].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None, caption  # only the header repeats
    index = headed.index(True)
    first = built["docx"].tables[index]
    html_first = built["html"].xpath("//table")[index]
    assert [_words(c.text) for c in first.rows[0].cells] == [_words(th.text_content())
                                                             for th in html_first.xpath("./thead/tr/th")]
    assert first.style.name == "Table Grid"


def test_every_chart_is_a_png_picture_described_by_the_htmls_alternative_text(built):
    alts = [img.get("alt") for img in built["html"].xpath("//figure//img")]
    body = built["docx"].element.body
    described = [doc_pr.get("descr") for doc_pr in body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert len(alts) >= 4 and described == alts
    assert all(len(alt) > 40 for alt in described)
    images = [part for part in built["docx"].part.package.iter_parts() if part.partname.startswith("/word/media/")]
    assert len(images) == len(alts) and all(part.blob.startswith(b"\x89PNG") for part in images)
    figures = [_words(c.text_content()) for c in built["html"].xpath("//figcaption")]
    pictures = [p for p in built["docx"].paragraphs if _has_picture(p)]
    assert [_words(p._p.getnext().xpath("string(.)")) for p in pictures] == figures  # caption right below


def test_title_author_language_and_dates_in_the_properties(built):
    properties = built["docx"].core_properties
    assert properties.title == built["html"].findtext(".//title") == \
        "Fostering Service Annual Report 2023/24: Anyshire County Council"
    assert properties.author == "Service Manager, Fostering"
    assert properties.language == "en-GB"
    assert properties.created == properties.modified == datetime.fromisoformat(MEETING + "T00:00:00+00:00")
    defaults = built["docx"].styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:val")) == "en-GB"
    with zipfile.ZipFile(built["paths"]["docx"]) as package:
        assert {info.date_time for info in package.infolist()} == {(2024, 7, 18, 0, 0, 0)}
        assert package.namelist()[0] == "[Content_Types].xml"
        assert "docProps/thumbnail.jpeg" not in package.namelist()  # not the template's picture


def test_no_empty_paragraph_and_page_numbers_in_the_footer(built):
    document = built["docx"]
    # (a section break is Word's empty paragraph carrying the section's properties)
    empty = [i for i, p in enumerate(document.paragraphs)
             if not p.text.strip() and not _has_picture(p) and not p._p.xpath("./w:pPr/w:sectPr")]
    assert empty == []
    footer = document.sections[0].footer.paragraphs[0]._p
    assert [f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))] == ["PAGE", "NUMPAGES"]
    assert document.sections[0].header.paragraphs[0].text == built["html"].findtext(".//title")


def test_the_skip_link_is_left_out_and_the_cover_facts_kept(built):
    texts = [p.text for p in built["docx"].paragraphs]
    assert "Skip to the report" not in texts
    details = built["docx"].tables[0]
    assert ["Report status", "Public"] in [[cell.text for cell in row.cells] for row in details.rows]


def test_two_builds_at_different_times_give_identical_bytes(built, sample_extracts, tmp_path, monkeypatch):
    """The module's build (at the real time) against one a year and a bit later, at another
    time of day: the clock is moved for the second build only."""
    real = time.time
    offset = 86_400 * 400 + 3_723
    monkeypatch.setattr(time, "time", lambda: real() + offset)
    assert time.time() - built["built_at"] > offset
    out = tmp_path / "later"
    build_report(sample_extracts, built["config"], PERIOD, out, formats=("docx",))
    later = output_paths(out, PERIOD, ("docx",))["docx"].read_bytes()
    assert later == built["paths"]["docx"].read_bytes()


def test_source_date_epoch_dates_the_document(sample_extracts, tmp_path, monkeypatch):
    """The dates are the document's, not its content's: a short report (one section, with
    a chart, so that a picture is among the files dated) instead of a third whole one."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 2030-01-01T00:00:00Z
    out = tmp_path / "out"
    build_report(sample_extracts, _config(tmp_path / "project", sections=["recruitment"]), PERIOD, out,
                 formats=("docx",))
    path = output_paths(out, PERIOD, ("docx",))["docx"]
    assert Document(str(path)).core_properties.created == datetime.fromisoformat("2030-01-01T00:00:00+00:00")
    with zipfile.ZipFile(path) as package:
        assert any(name.startswith("word/media/") for name in package.namelist())
        assert {info.date_time for info in package.infolist()} == {(2030, 1, 1, 0, 0, 0)}


def test_a_failed_word_render_writes_nothing(built, sample_extracts, tmp_path, monkeypatch):
    out = tmp_path / "report"
    shutil.copytree(built["out"], out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(html, pngs):
        raise RenderError("Word rendering failed: simulated")

    monkeypatch.setattr("fosterreport.render.docx.render_docx", broken)
    with pytest.raises(RenderError, match="simulated"):
        build_report(sample_extracts, built["config"], PERIOD, out, formats=("html", "docx"))
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _walk(html: str):
    from fosterreport.render.docx import render_docx

    data, notices = render_docx(html, {})
    return Document(io.BytesIO(data)), notices


def test_each_numbered_list_starts_at_one_and_whitespace_collapses():
    document, notices = _walk(
        '<html lang="en-GB"><head><title>T</title></head><body><h2 id="a">A</h2>'
        "<ol><li>one</li><li>two</li></ol><p>\n  some   <strong>bold</strong>\n text <em>x</em> </p>"
        '<ol><li>again</li></ol><p>see <a href="#a">A</a> and <a href="https://example.org/">this</a></p>'
        '<p class="x"> </p><img src="x.svg" alt="A logo"></body></html>')
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    ids = [p._p.pPr.numPr.numId.val for p in numbered]
    assert [p.text for p in numbered] == ["one", "two", "again"]
    assert ids[0] == ids[1] != ids[2]  # the second list is a numbering of its own
    assert "some bold text x" in [p.text for p in document.paragraphs]
    body = document.element.body
    assert [link.get(qn("w:anchor")) for link in body.iter(qn("w:hyperlink"))] == ["_a", None]
    assert [mark.get(qn("w:name")) for mark in body.iter(qn("w:bookmarkStart"))] == ["_a"]
    assert [p.text for p in document.paragraphs][-1] == "A logo"  # not a chart: its text, and a notice
    assert len(notices) == 1 and "Word takes PNG or JPEG" in notices[0]
    assert all(p.text.strip() for p in document.paragraphs)


def test_superscript_and_subscript_keep_their_place_in_word():
    document, _ = _walk('<html lang="en-GB"><head><title>T</title></head><body>'
                        "<p>the 1<sup>st</sup> and H<sub>2</sub>O</p></body></html>")
    runs = {run.text: run.font for paragraph in document.paragraphs for run in paragraph.runs}
    assert runs["st"].superscript is True and not runs["st"].subscript
    assert runs["2"].subscript is True and not runs["2"].superscript
    assert not runs["the 1"].superscript and not runs["the 1"].subscript


def test_cli_builds_docx_and_names_it_among_the_formats(tmp_path, monkeypatch):
    from fosterreport.cli import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    wrong = runner.invoke(app, ["build", "--year", "2024", "--format", "doc"])
    assert wrong.exit_code == 2
    assert "unknown format 'doc' (choose from html, pdf, md, docx)" in wrong.output
    assert Config(report={"formats": ["docx"]}).report.formats == ["docx"]


@pytest.mark.slow
def test_libreoffice_converts_it_to_pdf_without_errors(built, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui "
                    "(.ci/run installs it where apt is available)")
    from pypdf import PdfReader

    from pdf_text import page_texts

    profile = tmp_path / "profile"  # its own profile: no clash with a running LibreOffice
    done = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(built["paths"]["docx"])],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / built["paths"]["docx"].with_suffix(".pdf").name
    assert pdf.is_file(), done.stdout + done.stderr
    reader = PdfReader(pdf)
    pages = page_texts(pdf)
    assert len(pages) == len(reader.pages) > 8
    text = " ".join(pages)
    assert "Table 1: Fostering households" in _words(text) and "Appendix B" in text
    assert reader.metadata.title == built["docx"].core_properties.title


def test_the_month_by_month_section_is_a_landscape_section_of_its_own(built):
    from docx.enum.section import WD_ORIENT

    sections = built["docx"].sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert sections[1].page_width > sections[1].page_height
    # the section break that starts the landscape pages comes right before the section's heading
    body = list(built["docx"].element.body.iterchildren())
    breaks = [index for index, element in enumerate(body) if element.xpath("./w:pPr/w:sectPr")]
    assert len(breaks) == 2
    heading = body[breaks[0] + 1].xpath("string(.)")
    assert heading.endswith("Month by month")
    landscape_text = " ".join(element.xpath("string(.)") for element in body[breaks[0] + 1:breaks[1] + 1])
    assert "Monthly performance, Oct 2023 to Mar 2024" in landscape_text
    assert "Recruitment by month, 2023/24" in landscape_text and "Performance scorecard" not in landscape_text


def test_a_sparkline_is_its_line_of_characters_held_together_in_word(built):
    spark = built["html"].xpath('//img[@class="spark"]')[0].get("data-text")
    text = "\n".join(cell.text for table in built["docx"].tables for row in table.rows for cell in row.cells)
    assert "\u2060".join(spark) in text


# -- the quick paths write what python-docx's own setters write --------------------------

def _paragraph_pairs(build):
    """Two documents' paragraphs made alike before ``build`` differs (python-docx's setters
    in one, :mod:`fosterreport.render.wordml`'s quick ones in the other)."""
    from fosterreport.render import wordml

    documents = [Document(), Document()]
    for quick, document in enumerate(documents):
        wordml.set_styles(document, "en-GB")
        build(document, wordml.StyleIds(document) if quick else None)
    return [[p._p.xml for p in document.paragraphs] for document in documents]


@pytest.mark.parametrize("prepare", ["nothing", "page break before", "numbered", "kept with next"])
@pytest.mark.parametrize("style", ["Table Text", "Normal", "Caption"])
def test_the_quick_paragraph_properties_are_python_docxs_own(prepare, style):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from fosterreport.render import wordml

    def build(document, ids):
        for order in (("style", "right", "keep"), ("keep", "style", "right"), ("right", "keep", "style")):
            paragraph = document.add_paragraph("12")
            if prepare == "page break before":
                paragraph.paragraph_format.page_break_before = True
            elif prepare == "numbered":
                wordml.use_numbering(paragraph, 1)
            elif prepare == "kept with next":
                paragraph.paragraph_format.keep_with_next = True
            for step in order:
                if step == "style":
                    ids.apply(paragraph, style) if ids else setattr(paragraph, "style", style)
                elif step == "right":
                    wordml.align_right(paragraph) if ids else setattr(paragraph, "alignment", WD_ALIGN_PARAGRAPH.RIGHT)
                else:
                    (wordml.keep_with_next(paragraph) if ids
                     else setattr(paragraph.paragraph_format, "keep_with_next", True))

    slow, quick = _paragraph_pairs(build)
    assert quick == slow
    assert len(slow) == 3


def test_the_cell_grid_is_table_cell_after_each_merge():
    from fosterreport.render.docx_tables import Grid

    table = Document().add_table(rows=4, cols=4)
    grid = Grid(table)
    grid.merge(grid.cell(0, 0), grid.cell(1, 1))  # across and down
    assert [[grid.cell(r, c)._tc for c in range(4)] for r in range(4)] == \
           [[table.cell(r, c)._tc for c in range(4)] for r in range(4)]
    grid.merge(grid.cell(2, 2), grid.cell(2, 3))  # across only
    assert [[grid.cell(r, c)._tc for c in range(4)] for r in range(4)] == \
           [[table.cell(r, c)._tc for c in range(4)] for r in range(4)]
    assert grid.cell(1, 1)._tc is grid.cell(0, 0)._tc and grid.cell(2, 3)._tc is grid.cell(2, 2)._tc
