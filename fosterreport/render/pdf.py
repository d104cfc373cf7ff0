"""The PDF: WeasyPrint renders the same HTML, tagged (PDF/UA-1), with title and language.

* ``pdf_variant="pdf/ua-1"``: a tagged PDF (structure tree, ``/MarkInfo``), ``/Lang``
  from ``<html lang>``, ``/Title`` from ``<title>``; each chart is an ``img`` whose
  ``alt`` becomes the ``/Alt`` of its Figure.
* A restricted URL fetcher: ``data:`` URIs, and files inside the project folder only.
  Nothing is fetched from the network, and nothing outside the project is read.
* Stable bytes: the metadata dates come from ``<meta name=dcterms.created/modified>``,
  which the template fills with the meeting date (or ``SOURCE_DATE_EPOCH``), never now.
* Three repairs to WeasyPrint's structure tree, made by :func:`finish_tags` on its own
  objects before it writes them (WeasyPrint 70, the newest, does none of them):
  the running title, status and page numbers (the page's margin boxes) become
  ``/Artifact`` (``/Pagination``) instead of tagged content attached to nothing (WeasyPrint
  says it would only do this for PDF 2.0); each ``TH`` gets its ``/Scope`` (column in the
  header row, row in the body) beside the ``/ID``/``/Headers`` pairs WeasyPrint sets; and each
  link's ``/Contents`` is the link's own words, not its target's fragment id (``s-summary``).
"""

from __future__ import annotations

import logging
import os
import re
from contextlib import contextmanager
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fosterreport.exceptions import RenderError

PDF_VARIANT = "pdf/ua-1"


def restricted_fetcher(root: Path):
    """A WeasyPrint URL fetcher allowing ``data:`` and files under ``root`` only."""
    from weasyprint.urls import URLFetcher

    root = Path(root).resolve()

    class RestrictedFetcher(URLFetcher):
        def __init__(self):
            super().__init__(timeout=5, allowed_protocols={"data", "file"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(root) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"blocked by fosterreport: {url[:80]}")

    return RestrictedFetcher()


_CREATED = re.compile(r'<meta name="dcterms.created" content="(\d{4}-\d{2}-\d{2})')


@contextmanager
def pinned_font_dates(html: str):
    """Pin the subset fonts' ``head.modified`` to the document's date while WeasyPrint writes.

    When no HarfBuzz subset library is installed, WeasyPrint subsets fonts with fontTools,
    which stamps each subset font with the time it is saved, so two builds seconds apart
    would differ. fontTools takes that time from ``SOURCE_DATE_EPOCH`` when it is set: set
    it (unless the caller already has) to the date the PDF's metadata carries, and put it
    back afterwards.
    """
    found = _CREATED.search(html)
    day = found.group(1) if found else "1970-01-01"
    epoch = int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp())
    before = os.environ.get("SOURCE_DATE_EPOCH")
    if before is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)


class _LinkWords(HTMLParser):
    """Each link's words, by its target: ``{"s-summary": "1. Summary", "https://…": "…"}``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words: dict[str, str] = {}
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")):
            self._href, self._text = href, []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            target = self._href[1:] if self._href.startswith("#") else self._href
            words = " ".join("".join(self._text).split())
            if words:
                self.words.setdefault(target, words)
            self._href = None


def link_words(html: str) -> dict[str, str]:
    parser = _LinkWords()
    parser.feed(html)
    return parser.words


def _resolve(pdf, reference):
    return pdf.objects[int(reference.split()[0])]


def finish_tags(html: str):
    """A WeasyPrint ``finisher``: the three structure-tree repairs of the module docstring."""
    words = link_words(html)

    def finish(document, pdf):
        import pydyf

        root = _resolve(pdf, pdf.catalog["StructTreeRoot"])
        reachable: set[int] = set()
        pending = list(root["K"])
        while pending:
            reference = pending.pop()
            if not isinstance(reference, bytes) or int(reference.split()[0]) in reachable:
                continue
            reachable.add(int(reference.split()[0]))
            element = _resolve(pdf, reference)
            if element.get("S") == "/TH":
                section = _resolve(pdf, _resolve(pdf, element["P"])["P"]).get("S")
                element["A"]["Scope"] = "/Column" if section == "/THead" else "/Row"
            pending.extend(k for k in element.get("K", ()) if isinstance(k, bytes))

        # Marked content whose element hangs from nothing: the margin boxes. Streams of a
        # page (its content and the groups drawn in it) share one dict of tags.
        parent_tree = _resolve(pdf, root["ParentTree"])["Nums"]
        page_tags = [id(_resolve(pdf, _resolve(pdf, reference)["Contents"])._tags)
                     for reference in pdf.page_references]
        detached = {}
        for index, tags in enumerate(page_tags):
            by_mcid = parent_tree[2 * index + 1]
            orphans = {mcid for mcid, reference in enumerate(by_mcid)
                       if int(reference.split()[0]) not in reachable}
            detached[tags] = orphans
            for mcid in orphans:
                by_mcid[mcid] = b"null"
        for stream in pdf.objects:
            orphans = detached.get(id(getattr(stream, "_tags", None)))
            if not orphans or not isinstance(stream, pydyf.Stream):
                continue
            operations = stream.stream
            for at, item in enumerate(operations):
                if isinstance(item, pydyf.Dictionary) and item.get("MCID") in orphans:
                    operations[at - 1] = "/Artifact"
                    operations[at] = pydyf.Dictionary({"Type": "/Pagination"})

        for item in pdf.objects:
            if isinstance(item, pydyf.Dictionary) and item.get("Subtype") == "/Link":
                target = item.get("Contents")
                if isinstance(target, pydyf.String) and target.string in words:
                    item["Contents"] = pydyf.String(words[target.string])

    return finish


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def render_pdf(html: str, project: Path) -> tuple[bytes, int, list[str]]:
    """The PDF bytes, its page count, and WeasyPrint's warnings (blocked resources…)."""
    try:
        from weasyprint import HTML
    except Exception as error:  # pragma: no cover - a broken installation
        raise RenderError(f"PDF engine unavailable: {error}") from None
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    try:
        project = Path(project).resolve()
        with pinned_font_dates(html):
            document = HTML(string=html, base_url=project.as_uri() + "/",
                            url_fetcher=restricted_fetcher(project)).render(pdf_variant=PDF_VARIANT)
            data = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=finish_tags(html))
        return data, len(document.pages), collect.messages
    except RenderError:
        raise
    except Exception as error:
        raise RenderError(f"PDF rendering failed: {type(error).__name__}: {error}") from None
    finally:
        logger.removeHandler(collect)
