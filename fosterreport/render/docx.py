"""The Word document: the rendered HTML walked into Word's own structures, with python-docx.

Committee management systems take Word documents and authors edit the final text in Word,
so the ``.docx`` is built from the report's HTML itself: the same content by construction,
whatever sections and furniture the templates hold. The walk maps meaning, not looks:

* ``h1``–``h4`` → Word's built-in Heading 1–4 (the navigation pane, the contents field);
  ``p`` → Normal, ``ul``/``ol`` → List Bullet / List Number (each ``ol`` numbered from its
  own start), ``strong``/``em``/``code``/``br``, ``a`` → hyperlinks (``#id`` links to
  bookmarks on their targets), ``dl`` → one paragraph per term.
* ``table`` → a Word table in the Table Grid style, its ``caption`` a Caption paragraph
  above it, its ``thead`` rows repeated at the top of every page (``w:tblHeader``).
* ``figure`` → the chart as a PNG (Word takes no SVG) drawn by matplotlib from the same
  chart as the HTML's SVG, found by the ``img``'s ``src``; its ``alt`` becomes the
  picture's description (``wp:docPr descr``), its ``figcaption`` a Caption.
* The contents ``nav`` → a Word TOC field over Heading 2, showing the HTML's entries
  until Word updates it (with page numbers).
* Page numbers in the footer (PAGE and NUMPAGES fields), the title in the header; title,
  author, subject and language (from ``<html lang>``) in the core properties and the
  styles; the dates from ``dcterms.created`` (the meeting date or ``SOURCE_DATE_EPOCH``),
  and fixed zip dates: the same report gives the same bytes.

Spacing is paragraph spacing: no empty paragraph is ever written.
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from fosterreport.exceptions import RenderError

CONTAINERS = {"div", "section", "main", "header", "footer", "article", "aside", "body", "figure", "nav"}
SKIPPED = {"script", "style", "template", "head", "title", "meta", "link", "hr", "noscript"}
BLOCKS = CONTAINERS | SKIPPED | {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "dl",
                                 "blockquote", "pre", "figcaption", "img", "caption"}
#: Inline elements and the run formatting they give.
INLINE = {"strong": {"bold": True}, "b": {"bold": True}, "em": {"italic": True}, "i": {"italic": True},
          "code": {"mono": True}, "kbd": {"mono": True}, "sup": {"superscript": True},
          "sub": {"subscript": True}}
BREAK = object()


@dataclass
class Piece:
    text: str
    format: dict = field(default_factory=dict)
    href: str | None = None


def _created(root) -> datetime:
    content = root.xpath("string(//meta[@name='dcterms.created']/@content)") or "1970-01-01T00:00:00Z"
    try:
        return datetime.fromisoformat(content.replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)
    except ValueError:
        raise RenderError(f"Word: the HTML's dcterms.created is not an ISO date: {content!r}") from None


class BodyBox:
    """The document's body as the walk writes into it (as :class:`~fosterreport.render.docx_tables.CellBox`
    a cell): a paragraph's style set from the document's cached style ids
    (:class:`~fosterreport.render.wordml.StyleIds`), not looked up anew by name each time."""

    def __init__(self, document, style_ids):
        self.document, self.style_ids = document, style_ids

    def add_paragraph(self, text: str = "", style: str | None = None):
        paragraph = self.document.add_paragraph(text)
        if style is not None:
            self.style_ids.apply(paragraph, style)
        return paragraph

    def add_table(self, rows: int, cols: int):
        return self.document.add_table(rows, cols)


class Builder:
    """One walk of one HTML document into one python-docx document."""

    def __init__(self, root, pngs: dict[str, bytes]):
        import docx
        from docx.shared import Cm

        from fosterreport.render import wordml

        self.root, self.pngs, self.notices = root, pngs, []
        self.document = docx.Document()
        self.language = root.get("lang") or "en-GB"
        wordml.drop_thumbnail(self.document)
        wordml.set_styles(self.document, self.language)
        self.style_ids = wordml.StyleIds(self.document)
        self.body = BodyBox(self.document, self.style_ids)
        section = self.document.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2))
        self.targets = {href[1:] for href in root.xpath("//a/@href") if href.startswith("#")}
        self.pending: list[str] = []  # bookmarks waiting for the next paragraph
        self.next_mark = 1
        self.break_before = False
        #: The width tables are laid out across, in inches (a landscape section's is wider).
        self.text_width = wordml.TEXT_WIDTH_INCHES

    # -- paragraphs and runs ---------------------------------------------------------
    def paragraph(self, box, pieces: list, style: str | None = None, *, align=None):
        """A paragraph of ``pieces`` in ``box`` (the body or a cell), whitespace collapsed
        as a browser does; nothing when there is no text (never an empty paragraph)."""
        from fosterreport.render import wordml

        pieces = _collapse(pieces)
        if not any(piece is not BREAK for piece in pieces):
            return None
        paragraph = box.add_paragraph(style=style)
        if align is not None:
            paragraph.alignment = align
        if self.break_before and style and style.startswith("Heading"):
            paragraph.paragraph_format.page_break_before, self.break_before = True, False
        for piece in pieces:
            if piece is BREAK:
                paragraph.add_run().add_break()
                continue
            run = paragraph.add_run(piece.text)
            run.bold = piece.format.get("bold") or None
            run.italic = piece.format.get("italic") or None
            if piece.format.get("mono"):
                run.font.name = "Courier New"
            # (each set only when wanted: python-docx's setter of one clears the other)
            if piece.format.get("superscript"):
                run.font.superscript = True
            if piece.format.get("subscript"):
                run.font.subscript = True
            if piece.href:
                internal = piece.href.startswith("#")
                link = wordml.hyperlink(paragraph, anchor=wordml.bookmark_name(piece.href[1:]) if internal else None,
                                        url=None if internal else piece.href)
                wordml.link_run(link, run)
        if self.pending:
            self.next_mark = wordml.add_bookmarks(paragraph, [wordml.bookmark_name(i) for i in self.pending],
                                                  self.next_mark)
            self.pending = []
        return paragraph

    def inline(self, element, format: dict, href: str | None, pieces: list) -> None:
        if element.text:
            pieces.append(Piece(element.text, format, href))
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else None
            if tag == "br":
                pieces.append(BREAK)
            elif tag and not _hidden(child):  # wbr too: libxml2 may nest the text after it inside
                self._mark(child)
                link = child.get("href") if tag == "a" and child.get("href") else href
                self.inline(child, {**format, **INLINE.get(tag, {})}, link, pieces)
            if child.tail:
                pieces.append(Piece(child.tail, format, href))

    def _mark(self, element) -> None:
        if element.get("id") in self.targets:
            self.pending.append(element.get("id"))

    # -- blocks ------------------------------------------------------------------------
    def blocks(self, element, box, style: str | None = None) -> None:
        """The children of ``element`` into ``box``: blocks each in their way, runs of
        inline content between them as paragraphs in ``style``."""
        pieces: list = []
        if element.text:
            pieces.append(Piece(element.text))
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else None
            if tag in BLOCKS:
                self.paragraph(box, pieces, style)
                pieces = []
                if not _hidden(child):
                    self._mark(child)
                    self.block(child, box)
            elif tag and not _hidden(child):
                if tag == "br":
                    pieces.append(BREAK)
                else:
                    self._mark(child)
                    self.inline(child, INLINE.get(tag, {}), child.get("href") if tag == "a" else None, pieces)
            if child.tail:
                pieces.append(Piece(child.tail))
        self.paragraph(box, pieces, style)

    def block(self, element, box) -> None:
        tag = element.tag
        if tag in SKIPPED:
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.paragraph(box, self.runs(element), f"Heading {min(int(tag[1]), 4)}")
        elif tag == "p":
            style = "Table Note" if "table-note" in element.classes else None
            self.paragraph(box, self.runs(element), style)
        elif tag in ("ul", "ol"):
            self.list(element, box, 1)
        elif tag == "table":
            from fosterreport.render.docx_tables import add_table

            add_table(self, element, box)
        elif tag == "nav" and element.xpath(".//a[starts-with(@href, '#')]"):
            self.contents(element, box)
        elif tag == "img":
            self.picture(element, box)
        elif tag in ("figcaption", "caption"):
            self.paragraph(box, self.runs(element), "Caption")
        elif tag == "dl":
            for term in element.xpath(".//dt"):
                pieces = [Piece(term.text_content(), {"bold": True}), Piece(": ")]
                for definition in term.itersiblings():
                    if definition.tag != "dd":
                        break
                    self.inline(definition, {}, None, pieces)
                self.paragraph(box, pieces)
        elif tag == "blockquote":
            self.blocks(element, box, "Quote")
        elif tag == "pre":
            self.paragraph(box, [BREAK if line is None else Piece(line, {"mono": True})
                                 for line in _lines(element.text_content())])
        elif tag == "section" and "section-months" in element.classes:
            self.landscape(lambda: self.blocks(element, box))
        else:  # div, section, main, header, footer, figure, li outside a list…
            self.blocks(element, box)

    def landscape(self, work) -> None:
        """``work`` on landscape pages of their own, as the PDF prints the month-by-month
        section (``@page months`` in report.css), then portrait again."""
        from docx.enum.section import WD_ORIENT, WD_SECTION
        from docx.shared import Cm

        from fosterreport.render.wordml import LANDSCAPE_WIDTH_INCHES, TEXT_WIDTH_INCHES

        for orientation, width, height, text in ((WD_ORIENT.LANDSCAPE, 29.7, 21, LANDSCAPE_WIDTH_INCHES),
                                                 (WD_ORIENT.PORTRAIT, 21, 29.7, TEXT_WIDTH_INCHES)):
            section = self.document.add_section(WD_SECTION.NEW_PAGE)
            section.orientation, section.page_width, section.page_height = orientation, Cm(width), Cm(height)
            self.text_width = text
            if orientation == WD_ORIENT.LANDSCAPE:
                work()

    def runs(self, element, href: str | None = None) -> list:
        pieces: list = []
        self.inline(element, {}, href, pieces)
        return pieces

    def list(self, element, box, level: int) -> None:
        """Each ``li`` one List Bullet / List Number paragraph (its own paragraphs joined by
        line breaks), nested lists one level in; an ``ol`` numbered from its ``start``."""
        from fosterreport.render import wordml

        numbered = element.tag == "ol"
        style = ("List Number" if numbered else "List Bullet") + ("" if level == 1 else f" {min(level, 3)}")
        num_id = None
        for item in element.xpath("./li"):
            if _hidden(item):
                continue
            self._mark(item)
            pieces: list = []
            nested = []
            if item.text:
                pieces.append(Piece(item.text))
            for child in item:
                tag = child.tag if isinstance(child.tag, str) else None
                if tag in ("ul", "ol"):
                    nested.append(child)
                elif tag in BLOCKS and tag not in SKIPPED:
                    if any(p is not BREAK and p.text.strip() for p in pieces):
                        pieces.append(BREAK)
                    self.inline(child, {}, None, pieces)
                elif tag:
                    self.inline(child, INLINE.get(tag, {}), child.get("href") if tag == "a" else None, pieces)
                if child.tail:
                    pieces.append(Piece(child.tail))
            paragraph = self.paragraph(box, pieces, style)
            if paragraph is not None and numbered and level == 1:
                if num_id is None:
                    num_id = wordml.restart_numbering(self.document, paragraph, int(element.get("start", "1")))
                else:
                    wordml.use_numbering(paragraph, num_id)
            for child in nested:
                self.list(child, box, level + 1)

    def contents(self, nav, box) -> None:
        """The contents as a TOC field over Heading 2, showing the HTML's own entries (with
        links to the sections) until Word updates the field and adds page numbers; it and
        the report after it each start a page."""
        from fosterreport.render import wordml

        for heading in nav.xpath(".//h1|.//h2|.//h3|.//h4"):
            paragraph = self.paragraph(box, self.runs(heading), "TOC Heading")
            if paragraph is not None:
                paragraph.paragraph_format.page_break_before = True
        entries = [self.paragraph(box, self.runs(link, link.get("href")),
                                  f"TOC {min(len(link.xpath('ancestor::li')) + 1, 3)}")
                   for link in nav.xpath(".//li/a[starts-with(@href, '#')]")]
        entries = [entry for entry in entries if entry is not None]
        if entries:
            first, last = entries[0], entries[-1]
            runs = list(first._p)[1:] if first._p.pPr is not None else list(first._p)
            wordml.field_begin(first, 'TOC \\o "2-2" \\h \\z \\u')
            for run in runs:  # the field's code goes before the entry it shows
                first._p.append(run)
            wordml.field_end(last)
        self.break_before = True

    def picture(self, image, box) -> None:
        """A chart's PNG (or an embedded PNG/JPEG), its ``alt`` as the description."""
        from docx.shared import Inches

        from fosterreport.render.wordml import TEXT_WIDTH_INCHES

        src, alt = image.get("src", ""), image.get("alt", "")
        if "spark" in image.get("class", "").split():  # a sparkline: its line in characters, kept whole
            self.paragraph(box, [Piece("\u2060".join(image.get("data-text", "")))])
            return
        data = self.pngs.get(src)
        if data is None and re.match(r"data:image/(png|jpeg|gif);base64,", src):
            data = base64.b64decode(src.split(",", 1)[1])
        if data is None:
            self.notices.append(f"an image that is not a chart drawn by the tool ({src[:40]}…) is shown by its "
                                f"text alone: Word takes PNG or JPEG")
            self.paragraph(box, [Piece(alt)])
            return
        paragraph = box.add_paragraph()
        run = paragraph.add_run()
        shape = run.add_picture(io.BytesIO(data))
        if shape.width > Inches(TEXT_WIDTH_INCHES):
            shape.height = int(shape.height * Inches(TEXT_WIDTH_INCHES) / shape.width)
            shape.width = Inches(TEXT_WIDTH_INCHES)
        properties = shape._inline.docPr
        properties.set("descr", alt)
        properties.set("title", alt.split(":")[0].split(".")[0][:80] if alt else "")
        paragraph.paragraph_format.keep_with_next = True

    def furniture(self, title: str) -> None:
        """The running title in the header, "Page n of N" in the footer."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        from fosterreport.render import wordml

        section = self.document.sections[0]
        header = section.header.paragraphs[0]
        header.text, header.alignment = title, WD_ALIGN_PARAGRAPH.RIGHT
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        wordml.simple_field(footer, "PAGE", "1")
        footer.add_run(" of ")
        wordml.simple_field(footer, "NUMPAGES", "1")
        for paragraph in (header, footer):
            for run in paragraph.runs:
                run.font.size = Pt(9)


def _hidden(element) -> bool:
    """Not shown on the page: ``hidden``, or the skip link (a keyboard aid of the web page
    that Word's navigation pane does for itself)."""
    return element.get("hidden") is not None or "skip-link" in element.get("class", "").split()


def _lines(text: str):
    for number, line in enumerate(text.strip("\n").split("\n")):
        if number:
            yield None
        yield line


def _collapse(pieces: list) -> list:
    """HTML whitespace: runs of spaces and newlines are one space, none at the start or
    end of a line."""
    out, space = [], True
    for piece in pieces:
        if piece is BREAK:
            if out and out[-1] is not BREAK:
                out[-1].text = out[-1].text.rstrip(" ")
            out.append(BREAK)
            space = True
            continue
        text = re.sub(r"[ \t\n\r\f]+", " ", piece.text)
        if space:
            text = text.lstrip(" ")
        if text:
            out.append(Piece(text, piece.format, piece.href))
            space = text.endswith(" ")
    while out and out[-1] is not BREAK and not out[-1].text.rstrip(" "):
        out.pop()
    if out and out[-1] is not BREAK:
        out[-1].text = out[-1].text.rstrip(" ")
    while out and out[-1] is BREAK:
        out.pop()
    return out


def render_docx(html: str, pngs: dict[str, bytes]) -> tuple[bytes, list[str]]:
    """The ``.docx`` bytes of the report ``html`` and notices for the author; ``pngs`` maps
    each chart ``img``'s ``src`` to its PNG (:func:`fosterreport.render.document.chart_pngs`)."""
    import lxml.html

    from fosterreport.render import wordml

    try:
        root = lxml.html.document_fromstring(html)
        builder = Builder(root, pngs)
        title = root.findtext(".//title") or ""
        author = root.xpath("string(//meta[@name='author']/@content)")
        builder.blocks(root.find("body"), builder.body)
        builder.furniture(title)
        created = _created(root)
        properties = builder.document.core_properties
        properties.title, properties.author, properties.last_modified_by = title, author, author
        properties.subject = root.xpath("string(//meta[@name='description']/@content)")
        properties.language, properties.revision = builder.language, 1
        properties.created = properties.modified = created
        properties.keywords = properties.comments = properties.category = ""
        return wordml.stable_package(builder.document, created), builder.notices
    except RenderError:
        raise
    except Exception as error:
        raise RenderError(f"Word rendering failed: {type(error).__name__}: {error}") from None
