"""The pieces of WordprocessingML that python-docx has no API for, and the stable package.

:mod:`fosterreport.render.docx` walks the report's HTML into a python-docx document; what
python-docx cannot say, this module writes as XML: fields (the contents, page numbers),
bookmarks and internal hyperlinks, header rows that repeat on every page, a numbered list
that starts again at 1, the styles' language, and the package itself written with fixed
zip dates so that the same report gives the same bytes. And where python-docx's API is
slow (a style looked up by name, a paragraph property put in its place), the same XML
written the quick way.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Callable

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

#: Text width of an A4 page with 2 cm margins, in inches (the charts are drawn 6.5 wide).
TEXT_WIDTH_INCHES = 6.69
#: The same across a landscape page (29.7 cm less 2 cm margins): the month-by-month section's.
LANDSCAPE_WIDTH_INCHES = 10.12
INK = RGBColor(0x0B, 0x0C, 0x0C)
LINK = RGBColor(0x1D, 0x70, 0xB8)
FONT = "Arial"
#: Sizes of Heading 1 to 4, in points.
HEADING_SIZES = (20, 16, 13, 12)


def _element(tag: str, **attributes: str):
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


class StyleIds:
    """Each style's id looked up once per document (``ids.apply(paragraph, name)``).

    python-docx's own ``paragraph.style = name`` walks every style of the document twice
    on each call (to find the name, then the type's default style to compare it with):
    over half of a Word build's time went there. The ids it finds are kept here and set on
    the paragraph's XML just as its setter does (``Normal``, the default, gives ``None``:
    an empty ``w:pPr``, as python-docx writes it). Every style is added by
    :func:`set_styles` before the first paragraph, so an id once found stays right."""

    def __init__(self, document):
        self.part, self.ids = document.part, {}

    def __call__(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        key = (name, kind)
        if key not in self.ids:
            self.ids[key] = self.part.get_style_id(name, kind)
        return self.ids[key]

    def apply(self, paragraph, name: str) -> None:
        """``paragraph.style = name``, the same XML (see :func:`set_paragraph_style`)."""
        set_paragraph_style(paragraph, self(name))


#: Three of ``w:pPr``'s children, ranked in the schema's order (``w:pStyle`` and
#: ``w:keepNext`` are its first two, ``w:jc`` is later; python-docx keeps the whole order
#: in a list it does not expose).
QUICK_PROPERTIES = {qn("w:pStyle"): 0, qn("w:keepNext"): 1, qn("w:jc"): 2}


def _add_paragraph_property(paragraph, element, setter: Callable[[], None]) -> None:
    """``element`` put into the paragraph's ``w:pPr`` where python-docx's ``setter`` puts
    it, when the paragraph has none of it yet and no properties but these three (a table
    cell's paragraph); otherwise by ``setter`` itself.

    python-docx finds an element's place by looking for each of the ~35 elements that may
    follow it, by name, on every call: a tenth of a Word build's time, for the same place
    found here from the one or two properties the paragraph has."""
    properties = paragraph._p.get_or_add_pPr()
    if any(child.tag not in QUICK_PROPERTIES or child.tag == element.tag for child in properties):
        setter()
        return
    rank = QUICK_PROPERTIES[element.tag]
    properties.insert(sum(QUICK_PROPERTIES[child.tag] < rank for child in properties), element)


def set_paragraph_style(paragraph, style_id: str | None) -> None:
    """What ``paragraph.style = name`` writes (``style_id`` from :class:`StyleIds`): a
    ``w:pPr`` always, a ``w:pStyle`` unless it is the document's default style."""
    if style_id is None:
        paragraph._p.style = None
    else:
        _add_paragraph_property(paragraph, _element("w:pStyle", val=style_id),
                                lambda: setattr(paragraph._p, "style", style_id))


def keep_with_next(paragraph) -> None:
    """What ``paragraph.paragraph_format.keep_with_next = True`` writes."""
    _add_paragraph_property(paragraph, _element("w:keepNext"),
                            lambda: setattr(paragraph.paragraph_format, "keep_with_next", True))


def align_right(paragraph) -> None:
    """What ``paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT`` writes."""
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _add_paragraph_property(paragraph, _element("w:jc", val=WD_ALIGN_PARAGRAPH.to_xml(right)),
                            lambda: setattr(paragraph, "alignment", right))


def set_styles(document, language: str) -> None:
    """The house style on Word's own styles (so headings drive the navigation pane and the
    contents field), paragraph spacing instead of empty paragraphs, and ``language`` as
    the default language of every style."""
    styles = document.styles
    lang = styles.element.find(qn("w:docDefaults")).find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    for name in ("val", "eastAsia"):
        lang.set(qn(f"w:{name}"), language)
    normal = styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for level, size in enumerate(HEADING_SIZES, start=1):
        style = styles[f"Heading {level}"]
        style.font.name, style.font.size, style.font.color.rgb = FONT, Pt(size), INK
        style.font.bold = True
        style.paragraph_format.space_before = Pt(18 if level <= 2 else 12)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    for name in ("TOC Heading", "Title"):
        styles[name].font.name, styles[name].font.color.rgb = FONT, INK
    caption = styles["Caption"]
    caption.font.name, caption.font.size, caption.font.color.rgb = FONT, Pt(10), INK
    caption.font.bold, caption.font.italic = True, False
    caption.paragraph_format.space_before, caption.paragraph_format.space_after = Pt(12), Pt(4)
    caption.paragraph_format.keep_with_next = True
    for name in ("List Bullet", "List Bullet 2", "List Bullet 3", "List Number", "List Number 2", "List Number 3"):
        styles[name].paragraph_format.space_after = Pt(3)
    note = styles.add_style("Table Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style, note.font.size = normal, Pt(9)
    note.paragraph_format.space_before = Pt(4)
    cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style, cell.font.size = normal, Pt(9.5)
    cell.paragraph_format.space_after, cell.paragraph_format.line_spacing = Pt(0), 1.0
    for level in (1, 2, 3):  # Word's built-in TOC n styles (style id TOCn)
        toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.base_style = normal
        toc.paragraph_format.left_indent = Pt(11 * max(level - 2, 0))  # the report's entries are level 2
        toc.paragraph_format.space_after = Pt(3)
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb, link.font.underline = LINK, True


def _run(text: str | None = None, *, tag: str = "w:t", style: str | None = None):
    run = OxmlElement("w:r")
    if style:
        properties = OxmlElement("w:rPr")
        properties.append(_element("w:rStyle", val=style))
        run.append(properties)
    if text is not None:
        body = OxmlElement(tag)
        body.text = text
        if tag == "w:t":
            body.set(qn("xml:space"), "preserve")
        run.append(body)
    return run


def field_begin(paragraph, instruction: str) -> None:
    """Open a complex field (``instruction`` such as ``TOC \\o "2-2" \\h``) in
    ``paragraph``; what follows, up to :func:`field_end`, is its shown result."""
    begin, instr, separate = _run(), _run(f" {instruction} ", tag="w:instrText"), _run()
    begin.append(_element("w:fldChar", fldCharType="begin"))
    separate.append(_element("w:fldChar", fldCharType="separate"))
    for run in (begin, instr, separate):
        paragraph._p.append(run)


def field_end(paragraph) -> None:
    end = _run()
    end.append(_element("w:fldChar", fldCharType="end"))
    paragraph._p.append(end)


def simple_field(paragraph, instruction: str, shown: str) -> None:
    """A field Word and LibreOffice compute when they lay the page out (``PAGE``,
    ``NUMPAGES``), showing ``shown`` until they do."""
    field = _element("w:fldSimple", instr=instruction)
    field.append(_run(shown))
    paragraph._p.append(field)


def hyperlink(paragraph, *, url: str | None = None, anchor: str | None = None):
    """A ``w:hyperlink`` appended to ``paragraph``, to ``url`` (external) or to the
    bookmark ``anchor``; runs go inside it (returned)."""
    link = OxmlElement("w:hyperlink")
    if url is not None:
        link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    else:
        link.set(qn("w:anchor"), anchor)
    paragraph._p.append(link)
    return link


def link_run(link, run) -> None:
    """Move a python-docx run into the hyperlink ``link``, in the Hyperlink style."""
    properties = run._r.get_or_add_rPr()
    properties.insert(0, _element("w:rStyle", val="Hyperlink"))
    link.append(run._r)


def bookmark_name(html_id: str) -> str:
    """A Word bookmark name for an HTML id: letters, digits and underscores, at most 40
    characters, starting with ``_`` (a hidden bookmark: Word lists none of them)."""
    return ("_" + "".join(c if c.isalnum() else "_" for c in html_id))[:40]


def add_bookmarks(paragraph, names: list[str], first_id: int) -> int:
    """Bookmarks ``names`` around ``paragraph``'s content; returns the next free id."""
    element = paragraph._p
    at = 1 if element.pPr is not None else 0
    for offset, name in enumerate(names):
        mark = first_id + offset
        element.insert(at, _element("w:bookmarkStart", id=str(mark), name=name))
        element.append(_element("w:bookmarkEnd", id=str(mark)))
    return first_id + len(names)


def repeat_header(row) -> None:
    """Mark a table row as a header row Word and LibreOffice repeat at the top of every
    page the table runs onto, and keep it in one piece."""
    properties = row._tr.get_or_add_trPr()
    properties.append(_element("w:cantSplit"))
    properties.append(_element("w:tblHeader"))


def keep_row_whole(row) -> None:
    row._tr.get_or_add_trPr().append(_element("w:cantSplit"))


def shade(cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_element("w:shd", val="clear", color="auto", fill=fill))


def restart_numbering(document, paragraph, start: int = 1) -> int:
    """A new instance of the List Number style's numbering starting at ``start``, set on
    ``paragraph``; returns its id for the list's other items (:func:`use_numbering`).
    Without it, every numbered list in a document continues the previous one's numbers."""
    numbering = document.part.numbering_part.numbering_definitions._numbering
    style_num = document.styles["List Number"].element.pPr.numPr.numId.val
    abstract = numbering.num_having_numId(style_num).abstractNumId.val
    num = numbering.add_num(abstract)
    override = num.add_lvlOverride(ilvl=0)
    override.add_startOverride(start)
    use_numbering(paragraph, num.numId)
    return num.numId


def use_numbering(paragraph, num_id: int) -> None:
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = 0
    numbering.get_or_add_numId().val = num_id


def drop_thumbnail(document) -> None:
    """python-docx's template carries the thumbnail of some other document: remove it."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)


def stable_package(document, when: datetime) -> bytes:
    """The document's bytes, the same for the same content: python-docx stamps each zip
    entry with the time it is saved; here every entry carries ``when`` (the report's date)
    and the entries are in a fixed order (``[Content_Types].xml`` first, as readers expect)."""
    saved = io.BytesIO()
    document.save(saved)
    stamp = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))  # zip dates start in 1980
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(source.namelist(), key=lambda name: (name != "[Content_Types].xml", name)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 3, 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
