"""The text of a PDF as a reader's viewer gets it: PDFium's (Chrome's PDF engine, through
pypdfium2), one string a page, lines ending in ``\\n``.

For the tests that search a PDF's words (figures, furniture, identifiers that must not be
there). pypdf's ``extract_text`` took about 2 s of CPU a report, PDFium about 0.1 s; the
accessibility tests still walk pypdf's marked content, which needs its visitor.
"""

from __future__ import annotations

from pathlib import Path


def page_texts(source: bytes | str | Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(source if isinstance(source, bytes) else str(source))
    try:
        return [document[index].get_textpage().get_text_bounded().replace("\r\n", "\n")
                for index in range(len(document))]
    finally:
        document.close()


def pdf_text(source: bytes | str | Path) -> str:
    """Every page's text, a page a paragraph."""
    return "\n".join(page_texts(source))
