"""Accessibility and layout of the built report, checked the way a person or an auditor would.

* HTML: axe-core in Debian's headless Chromium (tests/axe/run-axe.mjs) at 1280 and 400 px,
  WCAG 2.0/2.1/2.2 A and AA and best practice: no violations. Needs /usr/bin/chromium, node
  and ``npm ci --prefix tests/axe`` (``.ci/run`` installs them); skipped with the missing
  piece named otherwise.
* PDF: the structure tree read with pikepdf, the text with pypdf: page headers and footers
  are artifacts; every table cell sits in a row under a table, with its headers; links are
  described by their words; a table running on to the next page is named "(continued)" there.

One module-scoped build of the sample, with targets set so that RAG badges are on the page.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pikepdf
import pytest

from fosterreport.build import build_report_detailed, output_paths
from fosterreport.config import Config
from fosterreport.embedded import sample_folder
from fosterreport.periods import make_period
from fosterreport.records import load_extracts

AXE = Path(__file__).parent / "axe"
CHROMIUM = "/usr/bin/chromium"
TARGETS = {"approvals.MAINSTREAM": 35, "enquiry_to_approval_rate": 0.12,
           "reviews_on_time_rate": 0.95, "deregistration_rate": 0.1}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("accessible")
    (root / "project").mkdir()
    config = Config(base=root / "project", report={"meeting_date": "2024-07-18"}, targets=TARGETS)
    extracts = load_extracts(sample_folder(), config)
    result = build_report_detailed(extracts, config, make_period(2024), root / "report", formats=("html", "pdf"))
    paths = output_paths(root / "report", make_period(2024))
    return {"html": paths["html"], "pdf": paths["pdf"], "notices": result.notices}


def test_weasyprint_reads_the_stylesheets_without_a_warning(built):
    """The narrow-screen rules are a <style media> WeasyPrint skips, not an @media rule it
    would warn about on every build ("Invalid media type … the whole @media rule was ignored")."""
    assert [notice for notice in built["notices"] if notice.startswith("PDF:")] == []


# --- HTML -------------------------------------------------------------------------------------

def test_targets_put_rag_badges_on_the_page(built):
    html = built["html"].read_text(encoding="utf-8")
    assert re.search(r'<td class="rag" data-label="[^"]+"><span class="rag rag-(red|amber|green)">', html)


def test_arrows_are_hidden_and_money_keeps_its_sign(built):
    html = built["html"].read_text(encoding="utf-8")
    assert '<span class="dir dir-declined"><span aria-hidden="true">▼</span> declined</span>' in html
    assert "−\u2060£1,191,969" in html  # the budget variance, in a card and in running text
    assert "−£" not in html and "+£" not in html  # nowhere a break between sign and £


def _axe_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no {CHROMIUM}: apt-get install chromium (.ci/run does where apt is available)"
    if shutil.which("node") is None:
        return "no node on PATH: the axe-core check runs in node"
    for package in ("axe-core", "playwright-core"):
        if not (AXE / "node_modules" / package).is_dir():
            return f"tests/axe/node_modules/{package} missing: run `npm ci --prefix tests/axe`"
    return None


@pytest.mark.slow
def test_axe_core_finds_no_violations_at_1280_and_400_px(built):
    missing = _axe_missing()
    if missing:
        pytest.skip(f"axe-core check not run: {missing}")
    run = subprocess.run(["node", str(AXE / "run-axe.mjs"), str(built["html"]), "1280", "400"],
                         capture_output=True, text=True, timeout=300, env={"CHROMIUM": CHROMIUM,
                                                                              "PATH": os.environ["PATH"]})
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert sorted(results) == ["1280", "400"]
    found = {width: [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in r["violations"]]
             for width, r in results.items()}
    assert found == {"1280": [], "400": []}
    assert all(r["version"].startswith("4.") for r in results.values())


# --- PDF --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tree(built):
    """Every structure element reachable from the root, with its parent."""
    import pikepdf

    pdf = pikepdf.open(built["pdf"])
    elements, seen = [], set()

    def walk(element, parent):
        if not isinstance(element, pikepdf.Dictionary) or element.objgen in seen:
            return
        seen.add(element.objgen)
        elements.append((element, parent))
        kids = element.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            walk(kid, element)

    for kid in pdf.Root.StructTreeRoot.K:
        walk(kid, None)
    yield {"pdf": pdf, "elements": elements, "reachable": seen}
    pdf.close()


def _pieces(built, tree):
    """Per page, each piece of text with the marked content around it: ``artifact``,
    ``tagged`` (its MCID's element is in the tree) or ``detached`` (in the ParentTree, under
    no element of the tree), and its height on the page (0 at the bottom)."""
    from pypdf import PdfReader

    parent_tree = tree["pdf"].Root.StructTreeRoot.ParentTree.Nums
    pages = []
    for index, page in enumerate(PdfReader(built["pdf"]).pages):
        stack, pieces, by_mcid = [], [], parent_tree[2 * index + 1]

        def before(op, args, cm, tm):
            if op == b"BDC":
                mcid = args[1].get("/MCID") if hasattr(args[1], "get") else None
                stack.append((str(args[0]), mcid))
            elif op == b"BMC":
                stack.append((str(args[0]), None))
            elif op == b"EMC":
                stack.pop()

        def text(words, cm, tm, font, size):
            if not words.strip():
                return
            tag, mcid = stack[-1] if stack else ("", None)
            if tag == "/Artifact":
                kind = "artifact"
            else:
                element = by_mcid[int(mcid)] if mcid is not None else None
                kind = "tagged" if getattr(element, "objgen", None) in tree["reachable"] else "detached"
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            pieces.append((kind, words.strip(), y))

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        pages.append((float(page.mediabox.height), pieces))
    return pages


@pytest.fixture(scope="module")
def pieces(built, tree):
    """:func:`_pieces` of the module's PDF, read once (pypdf's text walk is slow) for the
    three tests that only read it."""
    return _pieces(built, tree)


def test_page_headers_and_footers_are_artifacts(pieces):
    pages = pieces
    count = len(pages)
    assert count > 8
    for number, (_, pieces) in enumerate(pages, start=1):
        artifacts = {words for kind, words, _ in pieces if kind == "artifact"}
        assert f"Page {number} of {count}" in artifacts
        assert "Public" in artifacts
        if number > 1:
            assert "Fostering Service Annual Report 2023/24" in artifacts
        assert any(kind == "tagged" for kind, _, _ in pieces)
        assert [words for kind, words, _ in pieces if kind == "detached"] == []


def test_every_table_cell_sits_in_a_row_under_a_table_with_its_headers(tree):
    cells = [(e, p) for e, p in tree["elements"] if str(e.get("/S")) in ("/TD", "/TH")]
    assert len(cells) > 500
    wrong = defaultdict(int)
    for cell, row in cells:
        section = row.get("/P") if row is not None else None
        table = section if section is not None and str(section.get("/S")) == "/Table" else (
            section.get("/P") if section is not None else None)
        if (str(row.get("/S")) != "/TR" or str(section.get("/S")) not in ("/THead", "/TBody", "/TFoot", "/Table")
                or str(table.get("/S")) != "/Table"):
            wrong[f"{cell.S} in {row.get('/S')} in {section.get('/S') if section is not None else None}"] += 1
        if str(cell.S) == "/TH" and str(cell.A.get("/Scope")) not in ("/Column", "/Row"):
            wrong["TH without a scope"] += 1
        # its row's and its column's header; a table with no header row (the cover's
        # details: a row header and its value) gives its cells the row's alone
        has_head = table is not None and any(str(kid.get("/S")) == "/THead" for kid in table.get("/K", [])
                                             if isinstance(kid, pikepdf.Dictionary))
        if str(cell.S) == "/TD" and len(cell.A.get("/Headers", [])) < (2 if has_head else 1):
            wrong["TD without its row and column headers"] += 1
    assert dict(wrong) == {}


def test_links_are_described_by_their_words_not_a_fragment_id(built, tree):
    ids = set(re.findall(r'\bid="([^"]+)"', built["html"].read_text(encoding="utf-8")))
    contents = [str(annot.get("/Contents")) for page in tree["pdf"].pages
                for annot in page.get("/Annots", []) if annot.get("/Subtype") == "/Link"]
    assert "1. Summary" in contents and "Appendix A: Definitions" in contents
    assert [c for c in contents if c in ids] == []


def test_a_table_running_on_is_named_continued_at_the_top_of_the_next_page(pieces):
    pages = pieces
    first_page = {}  # caption -> page it starts on
    for number, (_, pieces) in enumerate(pages, start=1):
        for kind, words, _ in pieces:
            if kind == "tagged" and re.fullmatch(r"Table \d+: .+", words):
                first_page.setdefault(words, number)
    continued = [(number, words) for number, (_, pieces) in enumerate(pages, start=1)
                 for kind, words, _ in pieces if kind == "artifact" and words.endswith(" (continued)")]
    assert continued  # the definitions tables, at least, run on
    for number, words in continued:
        caption = words.removesuffix(" (continued)")
        assert first_page.get(caption, number) < number, (number, words)


def test_no_page_is_left_half_empty_except_before_an_appendix(pieces):
    pages = pieces
    appendix_starts = {number for number, (_, pieces) in enumerate(pages, start=1)
                       if any(kind == "tagged" and words.startswith("Appendix ") and ":" in words
                              for kind, words, _ in pieces[:3])}
    assert appendix_starts
    half_empty = []
    for number, (height, pieces) in enumerate(pages[:-1], start=1):
        lowest = min(y for kind, _, y in pieces if kind == "tagged")
        # (a page before one of another shape ends where the landscape month-by-month pages
        # start or stop: a break the layout asks for, as before an appendix)
        if lowest > height / 2 and number + 1 not in appendix_starts and pages[number][0] == height:
            half_empty.append(number)
    assert half_empty == []
    assert len({height for height, _ in pages}) == 2  # the landscape pages are there: the exception is used
